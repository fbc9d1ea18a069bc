"use client";

import { useTranslations } from "next-intl";
import { cn } from "@/lib/cn";
import { useTaskWords } from "./task-words";

const LOOKS: Record<string, string> = {
  RELAX: "bg-emerald-100 text-emerald-900 dark:bg-emerald-900/40 dark:text-emerald-200",
  FAST: "bg-sky-100 text-sky-900 dark:bg-sky-900/40 dark:text-sky-200",
  TURBO: "bg-violet-100 text-violet-900 dark:bg-violet-900/40 dark:text-violet-200",
};

/**
 * The speed a job ran at, as the upstream reports it (trueai's `mode`), not what the prompt asked
 * for: accounts and relays rewrite speed flags (docs/protocol.md §8.2, §8.4). Relays that report
 * none (new-api) get no badge; the details say "unknown".
 */
export function SpeedBadge({ mode }: { mode: string }) {
  const t = useTranslations("task");
  const words = useTaskWords();
  const label = words.mode(mode);
  return (
    <span
      title={t("speed", { mode: label })}
      className={cn(
        "inline-flex rounded-full px-2 py-0.5 text-[11px] font-medium",
        LOOKS[mode.toUpperCase()] ?? "bg-zinc-100 text-zinc-800 dark:bg-zinc-800 dark:text-zinc-200",
      )}
    >
      <span aria-hidden>{label}</span>
      <span className="sr-only">{t("speed", { mode: label })}</span>
    </span>
  );
}
