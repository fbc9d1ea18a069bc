import { taskSchema, type Task } from "@/lib/mj/task";

/**
 * Stored tasks parsed once. A store keeps each task as JSON and checks it with the task schema on
 * the way out (rows written by older versions get today's defaults), which for 50 finished tasks
 * costs a few milliseconds: most of a `list-by-ids` answer. The same JSON read again (a finished
 * task polled by a client, a page read twice) gets the task parsed the first time. Keyed by the
 * JSON itself, so a rewritten row is parsed afresh; the newest `max` are kept.
 *
 * The tasks handed out are shared between callers, so they are frozen outside production: a
 * caller that changed one in place would fail in the tests rather than corrupt another's copy.
 */
export function createTaskParser(max = 1_000): (data: string) => Task {
  const parsed = new Map<string, Task>();
  const freeze = process.env.NODE_ENV !== "production";
  return (data) => {
    const known = parsed.get(data);
    if (known) return known;
    const task = taskSchema.parse(JSON.parse(data));
    if (freeze) deepFreeze(task);
    parsed.set(data, task);
    if (parsed.size > max) parsed.delete(parsed.keys().next().value as string);
    return task;
  };
}

function deepFreeze(value: unknown): void {
  if (typeof value !== "object" || value === null || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const child of Object.values(value)) deepFreeze(child);
}
