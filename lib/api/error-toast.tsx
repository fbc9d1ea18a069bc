import type { MutationMeta } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { toast } from "sonner";
import type en from "@/messages/en";
import { errorDetail, useErrorText } from "./error-text";

/** A message key of the catalogue, such as `result.seedFailed`. */
export type MessageKey = `${keyof typeof en}.${string}`;

declare module "@tanstack/react-query" {
  interface Register {
    mutationMeta: {
      /**
       * The failure toast: by default the error in the app's words, with the server's or
       * upstream's words under it. A message key puts that sentence on top instead (the error's
       * words go under it); `false` shows none (the form shows the error itself).
       */
      errorToast?: MessageKey | false;
    };
  }
}

/**
 * The toast's text is rendered inside the Toaster, which sits inside the intl provider: it is said
 * in the page's current language although the MutationCache that raises it lives outside React.
 */
function ErrorMessage({ error, messageKey }: { error: unknown; messageKey?: MessageKey }) {
  const t = useTranslations();
  const text = useErrorText();
  return messageKey ? t(messageKey) : text(error).message;
}

/** The one error toast of every failed write (MutationCache `onError`). */
export function toastMutationError(error: Error, meta: MutationMeta | undefined): void {
  const setting = meta?.errorToast;
  if (setting === false) return;
  const detail = errorDetail(error);
  toast.error(<ErrorMessage error={error} messageKey={setting} />, {
    description: setting ? (detail ?? <ErrorMessage error={error} />) : (detail ?? undefined),
  });
}
