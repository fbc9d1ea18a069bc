import type { Metadata } from "next";
import { NextIntlClientProvider } from "next-intl";
import { getLocale, getTranslations } from "next-intl/server";
import Link from "next/link";
import type { ReactNode } from "react";
import { LocaleSwitch } from "@/components/layout/locale-switch";
import { ThemeToggle } from "@/components/layout/theme-toggle";
import { ModeBadge } from "@/components/ui/mode-badge";
import { env } from "@/lib/env";
import "./globals.css";
import { Providers } from "./providers";

// The mode comes from the server's environment at request time, not from the build machine's.
export const dynamic = "force-dynamic";

export const metadata: Metadata = {
  title: "MJ Studio",
  description: "Generate, refine and keep your Midjourney images, through your own midjourney-proxy key.",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  const { mode } = env();
  const locale = await getLocale();
  const t = await getTranslations("common");
  return (
    // next-themes sets the class on <html> before hydration.
    <html lang={locale === "zh" ? "zh-CN" : "en"} suppressHydrationWarning>
      <body className="min-h-dvh">
        <NextIntlClientProvider>
          <Providers>
            <header className="sticky top-0 z-20 border-b border-zinc-200 bg-white/80 backdrop-blur dark:border-zinc-800 dark:bg-zinc-900/80">
              <div className="mx-auto flex max-w-6xl items-center gap-3 px-4 py-2">
                <Link href="/" className="text-lg font-semibold tracking-tight">
                  {t("appName")}
                </Link>
                <ModeBadge label={t(`mode.${mode}`)} mode={mode} />
                <nav aria-label={t("nav.label")} className="ml-2 flex gap-3 text-sm">
                  <Link href="/" className="hover:underline">
                    {t("nav.create")}
                  </Link>
                  <Link href="/gallery" className="hover:underline">
                    {t("nav.gallery")}
                  </Link>
                </nav>
                <div className="ml-auto flex items-center gap-1">
                  <LocaleSwitch />
                  <ThemeToggle />
                </div>
              </div>
            </header>
            {mode === "demo" && (
              <p
                role="status"
                className="bg-amber-100 px-4 py-2 text-center text-sm text-amber-900 dark:bg-amber-950 dark:text-amber-200"
              >
                {t("mode.demoBanner")}
              </p>
            )}
            <main className="mx-auto max-w-6xl px-4 py-6">{children}</main>
          </Providers>
        </NextIntlClientProvider>
      </body>
    </html>
  );
}
