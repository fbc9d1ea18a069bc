"use client";

import { useTranslations } from "next-intl";
import { toastUndo } from "@/components/ui/undo-toast";
import { useSetHidden } from "@/lib/api/mutations";
import type { Task } from "@/lib/mj/task";

/**
 * Hides a job (it leaves the feed at once) and offers Undo for a few seconds, which shows it
 * again: hiding is one click in a menu, easily a slip. The two writes run in order (useSetHidden's
 * scope), so an Undo pressed while the hide is still on its way cannot be overtaken by it.
 * `toaster`: where the offer shows (see toastUndo), the page's toaster by default.
 */
export function useHideWithUndo(toaster?: string): (task: Task) => void {
  const t = useTranslations("task.job");
  const hiding = useSetHidden();
  return (task) => {
    hiding.mutate({ ids: [task.id], hidden: true });
    toastUndo({
      message: t("hidden"),
      undoLabel: t("undo"),
      onUndo: () => hiding.mutate({ ids: [task.id], hidden: false }),
      toaster,
    });
  };
}
