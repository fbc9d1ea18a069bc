"use client";

import { useTranslations } from "next-intl";
import { ApiError, isUpstreamFault } from "@/lib/api/fetch-json";

/**
 * Why the live poll is failing, while it is: the upstream not answering (the server's circuit
 * breaker is open, or calls time out or fail), the server refusing, or the server unreachable.
 * It goes away by itself with the first poll that succeeds.
 */
export function PollStatus({ error }: { error: Error | null }) {
  const t = useTranslations("task");
  if (!error) return null;
  const text = isUpstreamFault(error)
    ? t("upstreamDown")
    : error instanceof ApiError
      ? t("pollFailed", { message: error.message })
      : t("pollError", { message: error.message });
  return (
    <p
      role="status"
      className="rounded-md bg-amber-100 px-3 py-2 text-sm text-amber-900 dark:bg-amber-950 dark:text-amber-200"
    >
      {text}
    </p>
  );
}
