"use client";

import { QueryClientProvider } from "@tanstack/react-query";
import { ThemeProvider } from "next-themes";
import { useEffect, type ReactNode } from "react";
import { Toaster } from "sonner";
import { ShortcutSheet } from "@/components/layout/shortcut-sheet";
import { getQueryClient } from "@/lib/api/query-client";

/** `nonce`: this response's CSP nonce, for next-themes' inline script that sets the theme before paint. */
export function Providers({ children, nonce }: { children: ReactNode; nonce: string | undefined }) {
  const queryClient = getQueryClient();
  // Marks the page interactive, so end-to-end tests type only once React listens.
  useEffect(() => {
    document.documentElement.dataset.hydrated = "true";
  }, []);
  return (
    <ThemeProvider
      nonce={nonce}
      attribute="class"
      defaultTheme="system"
      enableSystem
      disableTransitionOnChange
    >
      <QueryClientProvider client={queryClient}>
        {children}
        <ShortcutSheet />
        <Toaster richColors closeButton position="bottom-right" />
      </QueryClientProvider>
    </ThemeProvider>
  );
}
