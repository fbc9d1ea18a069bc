import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
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

export default function RootLayout({ children }: { children: ReactNode }) {
  const { mode } = env();
  return (
    <html lang="en">
      <body className="min-h-dvh">
        <Providers>
          <header className="sticky top-0 z-10 border-b border-zinc-200 bg-white/80 backdrop-blur dark:border-zinc-800 dark:bg-zinc-900/80">
            <div className="mx-auto flex max-w-6xl items-center gap-3 px-4 py-3">
              <Link href="/" className="text-lg font-semibold tracking-tight">
                MJ Studio
              </Link>
              <ModeBadge mode={mode} />
            </div>
          </header>
          {mode === "demo" && (
            <p
              role="status"
              className="bg-amber-100 px-4 py-2 text-center text-sm text-amber-900 dark:bg-amber-950 dark:text-amber-200"
            >
              Demo mode: no upstream is configured (MJ_API_URL), so images come from the built-in simulator.
            </p>
          )}
          <main className="mx-auto max-w-6xl px-4 py-6">{children}</main>
        </Providers>
      </body>
    </html>
  );
}
