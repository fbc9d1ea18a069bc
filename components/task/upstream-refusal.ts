"use client";

import { useTranslations } from "next-intl";
import { useCallback } from "react";
import { toast } from "sonner";
import type { SubmitResult } from "@/lib/mj/envelope";
import { classifyRefusal } from "@/lib/mj/fail-reason";

/**
 * A submit the upstream refused, told in the user's language; the upstream's own text (often
 * Chinese, or a relay's code such as `unknown_action:…`) travels along as detail.
 */
export class UpstreamRefusal extends Error {
  constructor(
    message: string,
    readonly detail: string | null,
  ) {
    super(message);
    this.name = "UpstreamRefusal";
  }
}

/** Turns a refused envelope (code other than 1/21/22) into an `UpstreamRefusal`. */
export function useRefusal() {
  const t = useTranslations("task.refusal");
  return useCallback(
    (result: Pick<SubmitResult, "code" | "description">) =>
      new UpstreamRefusal(
        t(classifyRefusal(result.code, result.description), { code: result.code }),
        result.description.trim() || null,
      ),
    [t],
  );
}

/** The upstream's words under the app's sentence, when an error carries them. */
export function errorDetail(error: unknown): string | null {
  return error instanceof UpstreamRefusal ? error.detail : null;
}

/** An error toast: the app's sentence, with the upstream's text as its description. */
export function toastError(error: unknown): void {
  const detail = errorDetail(error);
  toast.error(
    error instanceof Error ? error.message : String(error),
    detail ? { description: detail } : undefined,
  );
}
