import type { Metadata } from "next";
import { NextIntlClientProvider } from "next-intl";
import { getLocale, getTranslations } from "next-intl/server";
import { headers } from "next/headers";
import Link from "next/link";
import type { ReactNode } from "react";
import { LocaleSwitch } from "@/components/layout/locale-switch";
import { LogoutButton } from "@/components/layout/logout-button";
import { MainNav } from "@/components/layout/main-nav";
import { ThemeToggle } from "@/components/layout/theme-toggle";
import { ModeBadge } from "@/components/ui/mode-badge";
import { NONCE_HEADER } from "@/lib/auth/security-headers";
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
  const { mode, auth, exposedWithoutPassword } = env();
  const nonce = (await headers()).get(NONCE_HEADER) ?? undefined;
  const locale = await getLocale();
  const t = await getTranslations("common");
  return (
    // next-themes sets the class on <html> before hydration.
    <html lang={locale === "zh" ? "zh-CN" : "en"} suppressHydrationWarning>
      <body className="min-h-dvh">
        <NextIntlClientProvider>
          <Providers nonce={nonce}>
            <header className="sticky top-0 z-20 border-b border-zinc-200 bg-white/80 backdrop-blur dark:border-zinc-800 dark:bg-zinc-900/80">
              <div className="mx-auto flex max-w-6xl items-center gap-1 px-3 py-2 sm:gap-3 sm:px-4">
                <Link
                  href="/"
                  className="shrink-0 text-base font-semibold tracking-tight whitespace-nowrap sm:text-lg"
                >
                  {t("appName")}
                </Link>
                {/* On a phone the banner below says the mode; the header keeps its room for the controls. */}
                <span className="hidden sm:inline">
                  <ModeBadge label={t(`mode.${mode}`)} mode={mode} />
                </span>
                <MainNav label={t("nav.label")} create={t("nav.create")} gallery={t("nav.gallery")} />
                <div className="ml-auto flex shrink-0 items-center gap-0.5 sm:gap-1">
                  <LocaleSwitch />
                  <ThemeToggle />
                  {auth.password && <LogoutButton />}
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
            {exposedWithoutPassword && (
              <p
                role="alert"
                className="bg-red-100 px-4 py-2 text-center text-sm text-red-900 dark:bg-red-950 dark:text-red-200"
              >
                {t("exposedBanner")}
              </p>
            )}
            <main className="mx-auto max-w-6xl px-3 py-4 sm:px-4 sm:py-6">{children}</main>
          </Providers>
        </NextIntlClientProvider>
      </body>
    </html>
  );
}
