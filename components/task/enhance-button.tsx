"use client";

import { Loader2, WandSparkles } from "lucide-react";
import { useTranslations } from "next-intl";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { useEnhanceTask } from "@/lib/api/mutations";
import type { Task } from "@/lib/mj/task";

/**
 * "Enhance" on a draft result: the same prompt at full quality with the draft's seed, as a new
 * imagine. When no seed can be had it still runs, and says the result will differ.
 */
export function EnhanceButton({ task, disabled }: { task: Task; disabled: boolean }) {
  const t = useTranslations("task");
  const enhancing = useEnhanceTask({
    onSuccess: ({ seed }) =>
      seed === null ? toast.warning(t("enhanceNoSeed")) : toast.success(t("enhanceStarted", { seed })),
  });
  return (
    <Button
      size="sm"
      disabled={disabled || enhancing.isPending}
      aria-busy={enhancing.isPending}
      title={t("enhanceHint")}
      onClick={() => enhancing.mutate(task)}
    >
      {enhancing.isPending ? (
        <Loader2 className="size-3.5 animate-spin" aria-hidden />
      ) : (
        <WandSparkles className="size-3.5" aria-hidden />
      )}
      <span>{t("enhance")}</span>
    </Button>
  );
}
