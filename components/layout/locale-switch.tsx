"use client";

import { ChevronDown } from "lucide-react";
import { useLocale, useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useTransition } from "react";
import { LOCALE_COOKIE, LOCALES, isLocale } from "@/i18n/locales";

/**
 * Saves the choice in a cookie (read by i18n/request.ts) and re-renders the server parts. The
 * header shows the short name ("EN", "中文") so it fits a phone; the real select lies invisibly
 * over it, so the list offers the full names and keyboard and screen readers get a plain select.
 */
export function LocaleSwitch() {
  const t = useTranslations("common.language");
  const locale = useLocale();
  const router = useRouter();
  const [pending, startTransition] = useTransition();

  return (
    <span className="relative inline-flex min-h-8 items-center gap-0.5 rounded-md border border-zinc-300 px-1.5 text-sm whitespace-nowrap has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-offset-2 has-[:focus-visible]:outline-sky-500 dark:border-zinc-700">
      <span aria-hidden>{t(`short.${locale === "zh" ? "zh" : "en"}`)}</span>
      <ChevronDown className="size-3.5 shrink-0 opacity-70" aria-hidden />
      <select
        aria-label={t("label")}
        title={t("label")}
        value={locale}
        disabled={pending}
        onChange={(event) => {
          const next = event.target.value;
          if (!isLocale(next)) return;
          document.cookie = `${LOCALE_COOKIE}=${next}; path=/; max-age=31536000; samesite=lax`;
          startTransition(() => router.refresh());
        }}
        className="absolute inset-0 cursor-pointer opacity-0 disabled:cursor-wait"
      >
        {LOCALES.map((value) => (
          <option key={value} value={value}>
            {t(value)}
          </option>
        ))}
      </select>
    </span>
  );
}
