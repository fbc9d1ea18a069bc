"use client";

import { useTranslations } from "next-intl";
import { useCallback, useMemo } from "react";
import type { ButtonInfo } from "@/lib/mj/buttons";

/**
 * The app's own words for the upstream's enum values (`IMAGINE`, `SUCCESS`, `FAST`,
 * `NIJI_JOURNEY`) and button names, in the user's language. A value this UI does not know yet
 * is shown as the upstream sent it rather than hidden.
 */
export function useTaskWords() {
  const t = useTranslations("task");
  const word = useCallback(
    (group: "action" | "status" | "mode" | "bot", value: string | null | undefined): string => {
      if (!value) return "";
      const key = `${group}.${value.toUpperCase()}`;
      return t.has(key) ? t(key) : value;
    },
    [t],
  );
  return useMemo(
    () => ({
      action: (action: string | null) => word("action", action || "UNKNOWN"),
      /** A relay's empty status means it has not refreshed its copy yet: "Waiting". */
      status: (status: string) => word("status", status || "PENDING"),
      mode: (mode: string | null) => word("mode", mode),
      bot: (bot: string | null) => word("bot", bot),
      /** A button's name: the app's for a known one, the upstream's label for the rest. */
      button: (info: ButtonInfo) =>
        info.name ? t(`buttons.${info.name.key}`, info.name.values) : info.label,
    }),
    [t, word],
  );
}
