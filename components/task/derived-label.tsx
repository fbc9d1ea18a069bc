"use client";

import { useTranslations } from "next-intl";
import { isGridTask, promptOf, truncateText } from "@/lib/images/grid";
import { derivation } from "@/lib/mj/derivation";
import { taskSchema, type Task } from "@/lib/mj/task";

/** How much of the source's prompt the link quotes: enough to recognise it on one line. */
const SOURCE_CHARS = 40;

/**
 * What made a derived job ("Vary (Strong) · image 3", "Zoom Out 2x") and a link to the job it was
 * made from, which opens that job in the large view: by its record when the page has it, else by
 * its id (the large view fetches the record of a lineage task itself).
 */
export function DerivedLabel({
  task,
  source,
  onOpenSource,
}: {
  task: Task;
  /** The source job when the page has it loaded. */
  source: Task | null;
  onOpenSource(source: Task): void;
}) {
  const t = useTranslations("task");
  const made = derivation(task, source ? isGridTask(source) : null);
  if (!made && !task.parentId) return null;
  const name = made
    ? made.name.scope === "buttons"
      ? t(`buttons.${made.name.key}`, made.name.values)
      : t(`derived.${made.name.key}`)
    : null;
  const label = name && made?.image ? t("derived.withImage", { name, n: made.image }) : name;
  const sourcePrompt = source ? promptOf(source) : "";
  return (
    <>
      {label && <span className="font-medium text-zinc-700 dark:text-zinc-300">{label}</span>}
      {task.parentId && (
        <button
          type="button"
          title={t("derived.openSource")}
          className="max-w-full truncate text-left underline decoration-dotted underline-offset-2 hover:text-zinc-900 dark:hover:text-zinc-100"
          onClick={() => onOpenSource(source ?? taskSchema.parse({ id: task.parentId }))}
        >
          {sourcePrompt
            ? t("derived.from", { prompt: truncateText(sourcePrompt, SOURCE_CHARS) })
            : t("derived.fromJob", { id: task.parentId.slice(-4) })}
        </button>
      )}
    </>
  );
}
