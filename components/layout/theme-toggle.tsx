"use client";

import { Moon, Sun } from "lucide-react";
import { useTranslations } from "next-intl";
import { useTheme } from "next-themes";
import { useSyncExternalStore } from "react";
import { IconButton } from "@/components/ui/icon-button";

const subscribe = () => () => {};

/** Follows the system until the user picks; the icon shows what a click switches to. */
export function ThemeToggle() {
  const t = useTranslations("common.theme");
  const { resolvedTheme, setTheme } = useTheme();
  // The theme is only known in the browser; render a neutral button on the server.
  const mounted = useSyncExternalStore(
    subscribe,
    () => true,
    () => false,
  );
  const next = mounted && resolvedTheme === "dark" ? "light" : "dark";
  const label = t("toggle", { next: t(next) });

  return (
    <IconButton label={label} onClick={() => setTheme(next)}>
      {next === "light" ? <Sun className="size-4" aria-hidden /> : <Moon className="size-4" aria-hidden />}
    </IconButton>
  );
}
