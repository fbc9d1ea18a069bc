import { facetsOf } from "@/lib/mj/facets";
import { mediaOf, type HistoryMedia } from "@/lib/mj/history-query";
import { statusRank, type Task } from "@/lib/mj/task";

/** What every backend stores of a task besides its JSON: the same columns, read the same way. */

/** The queryable columns, copies of what the Task says (the JSON stays the source of truth). */
export interface TaskColumns {
  id: string;
  status: string;
  statusRank: number;
  action: string | null;
  parentId: string | null;
  prompt: string | null;
  /** `mediaOf` (lib/mj/history-query.ts): the gallery's Video filter. */
  media: HistoryMedia;
  /** `facetsOf` (lib/mj/facets.ts): the gallery's model, aspect, speed and style-reference filters. */
  model: string;
  aspect: string;
  speed: string | null;
  sref: boolean;
  /** The list's sort key, fixed at the first write: `submitTime`, else `now` (first sight). */
  sortTime: number;
}

export function taskColumns(task: Task, now: number): TaskColumns {
  const facets = facetsOf(task);
  return {
    id: task.id,
    status: task.status,
    statusRank: statusRank(task),
    action: task.action,
    parentId: task.parentId,
    prompt: task.prompt,
    media: mediaOf(task),
    model: facets.model,
    aspect: facets.aspect,
    speed: facets.speed,
    sref: facets.sref,
    sortTime: Math.trunc(task.submitTime ?? now),
  };
}

/** The user's flags are columns, not part of the Task JSON; a task read from the store carries them. */
export function withoutFlags(task: Task): Task {
  if (!("favorite" in task) && !("hidden" in task)) return task;
  const copy: Record<string, unknown> = { ...task };
  delete copy.favorite;
  delete copy.hidden;
  return copy as Task;
}
