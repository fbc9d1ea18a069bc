import { statusRank, taskSchema, type Task } from "@/lib/mj/task";

/**
 * The history's rules for a copy of a task that arrives (from a poll, a list, an import), as
 * pure functions: the store applies `mergeRule` inside its write transaction (see MergeRule in
 * lib/store/task-store.ts), whatever the backend.
 */

/** When a task moves on, these describe its new state even where they are null or empty. */
const CURRENT_STATE_FIELDS = ["status", "progress", "failReason", "buttons", "imageUrl"] as const;

/**
 * Combines the stored copy with a newer-or-equal incoming one. Fields the incoming copy leaves
 * null (a relay's reduced copy, a list endpoint that omits them) keep the stored value instead
 * of erasing it; `properties` is merged key by key for the same reason. Only when the status
 * moved forward do the current-state fields follow the incoming copy even when empty (progress
 * "" on FAILURE); at the same rank an empty button list does not erase known buttons.
 */
export function mergeTasks(stored: Task, incoming: Task, movedOn: boolean): Task {
  const merged: Record<string, unknown> = { ...stored };
  for (const [key, value] of Object.entries(incoming)) {
    if (value !== null && value !== undefined) merged[key] = value;
  }
  if (movedOn) {
    for (const key of CURRENT_STATE_FIELDS) merged[key] = incoming[key];
  } else if (incoming.buttons.length === 0) {
    merged.buttons = stored.buttons;
  }
  merged.properties = { ...stored.properties, ...withoutNulls(incoming.properties) };
  // Both sides are parsed tasks and every field came from one of them, so this is a Task too;
  // re-parsing would only cost time on the polling path.
  return merged as Task;
}

function withoutNulls(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(record).filter(([, value]) => value !== null && value !== undefined),
  );
}

/**
 * Deleted stays deleted: a later poll or re-sync never brings a task back (only an explicit
 * undelete does). A stale copy (a late IN_PROGRESS after SUCCESS, a relay's "" status) never
 * undoes what was seen. Otherwise the copies merge (see mergeTasks). Null: write nothing.
 */
export function mergeRule(stored: Task | null, incoming: Task, deleted: boolean): Task | null {
  if (deleted) return null;
  if (!stored) return taskSchema.parse(incoming);
  const incomingRank = statusRank(incoming);
  const storedRank = statusRank(stored);
  if (incomingRank < storedRank) return null;
  return mergeTasks(stored, incoming, incomingRank > storedRank);
}
