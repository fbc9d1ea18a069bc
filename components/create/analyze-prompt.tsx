"use client";

import { Loader2, ScanSearch } from "lucide-react";
import { useTranslations } from "next-intl";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { useSubmitTask } from "@/lib/api/mutations";
import { parsePrompt } from "@/lib/mj/prompt-params";

/**
 * "Analyze prompt": Midjourney's /shorten on the composer's prompt (docs/protocol.md §3.6). The
 * answer is a SHORTEN task in the feed, whose card shows the token weights and the shortened
 * prompts, each one imaginable in one click. The whole prompt is sent, parameters included, so
 * the shortened prompts can get them back.
 */
export function AnalyzePromptButton({ prompt, disabled = false }: { prompt: string; disabled?: boolean }) {
  const t = useTranslations("task");
  const analyzing = useSubmitTask({ onSuccess: () => toast.success(t("analyzeStarted")) });
  const text = prompt.trim();
  const niji = text !== "" && parsePrompt(text).params.niji !== null;
  return (
    <Button
      disabled={disabled || text === "" || analyzing.isPending}
      aria-busy={analyzing.isPending}
      title={t("analyzeHint")}
      className="min-h-9 whitespace-nowrap"
      onClick={() =>
        analyzing.mutate({
          kind: "shorten",
          body: { prompt: text, ...(niji ? { botType: "NIJI_JOURNEY" as const } : {}) },
        })
      }
    >
      {analyzing.isPending ? (
        <Loader2 className="size-4 animate-spin" aria-hidden />
      ) : (
        <ScanSearch className="size-4" aria-hidden />
      )}
      {/* Icon only on a phone, where the imagine bar has one row for its buttons; the words stay its name. */}
      <span className="max-sm:sr-only">{t("analyze")}</span>
    </Button>
  );
}
