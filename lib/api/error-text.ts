import { useTranslations } from "next-intl";
import { useCallback } from "react";
import { ZodError } from "zod";
import { describeButton } from "@/lib/mj/buttons";
import { classifyRefusal, unknownActionCustomId } from "@/lib/mj/fail-reason";
import { UpstreamRefusal } from "./client";
import { ApiError, isUpstreamFault } from "./fetch-json";

/** A failure as a person reads it: the app's sentence, and the server's or upstream's own words. */
export interface ErrorText {
  message: string;
  detail: string | null;
}

/** The app's sentence for each error code of its API (lib/http/errors), by `errors.*` key. */
const API_ERROR_KEYS: Record<string, string> = {
  unauthorized: "unauthorized",
  forbidden: "forbidden",
  not_found: "notFound",
  payload_too_large: "tooLarge",
  rate_limited: "rateLimited",
  invalid_input: "invalid",
  unsupported_media_type: "invalid",
  method_not_allowed: "invalid",
  conflict: "invalid",
  upstream_unauthorized: "upstreamKey",
  not_supported: "notSupported",
};

/** The words of others an error carries (the server's message, the upstream's description), never translated. */
export function errorDetail(error: unknown): string | null {
  if (error instanceof UpstreamRefusal) return error.description.trim() || null;
  if (error instanceof ZodError) return null;
  return error instanceof Error ? error.message : String(error);
}

type Translate = ReturnType<typeof useTranslations>;

/**
 * A relay refused a button it cannot run (`unknown_action:<customId>`): named from the customId
 * the refusal quotes, in the page's language. No "try again": pressing it again cannot work.
 */
function relayCannotRun(customId: string, t: Translate): string {
  const { name } = describeButton({ customId, label: "", emoji: "" });
  return name
    ? t("errors.relayCannotRun", { button: t(`task.buttons.${name.key}`, name.values) })
    : t("errors.relayCannotRunUnnamed");
}

/** Any failure of the browser's data layer in the app's words (`t` at the catalogue's root). */
export function errorText(error: unknown, t: Translate): ErrorText {
  const detail = errorDetail(error);
  const unrunnable = error instanceof UpstreamRefusal ? unknownActionCustomId(error.description) : null;
  if (unrunnable !== null) return { message: relayCannotRun(unrunnable, t), detail };
  if (error instanceof UpstreamRefusal)
    return {
      message: t(`task.refusal.${classifyRefusal(error.code, error.description)}`, { code: error.code }),
      detail,
    };
  if (error instanceof ApiError) {
    const key = isUpstreamFault(error) ? "upstreamDown" : (API_ERROR_KEYS[error.code] ?? "server");
    return { message: t(`errors.${key}`), detail };
  }
  // fetch() rejects with a TypeError when no answer came at all.
  if (error instanceof TypeError) return { message: t("errors.network"), detail };
  return { message: t("errors.unexpected"), detail };
}

/** `errorText` in the page's language. */
export function useErrorText(): (error: unknown) => ErrorText {
  const t = useTranslations();
  return useCallback((error: unknown) => errorText(error, t), [t]);
}
