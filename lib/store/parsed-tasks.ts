import { taskSchema, type Task } from "@/lib/mj/task";
import type { StoredTask } from "./task-store";

/**
 * Stored tasks parsed once. A store keeps each task as JSON and checks it with the task schema on
 * the way out (rows written by older versions get today's defaults), which for 50 finished tasks
 * costs a few milliseconds: most of a `list-by-ids` answer. The same JSON read again (a finished
 * task polled by a client, a page read twice) gets the task parsed the first time. Keyed by the
 * JSON itself, so a rewritten row is parsed afresh; the newest `max` are kept.
 *
 * A row read with the same flags is the very same StoredTask object too, so what is made from it
 * downstream (the app's media links, a drop-in answer's bytes) can be kept per object
 * (WeakMaps): a changed row or flag is a new object, never a stale one, and what is kept goes
 * when the object leaves this cache.
 *
 * The tasks handed out are shared between callers, so they are frozen outside production: a
 * caller that changed one in place would fail in the tests rather than corrupt another's copy.
 */
export interface TaskReader {
  /** The task a stored row's JSON holds. */
  task(data: string): Task;
  /** The task with the user's flags, as the store hands it out. */
  stored(data: string, favorite: boolean, hidden: boolean): StoredTask;
}

interface Parsed {
  task: Task;
  /** By flags: favorite 1, hidden 2. */
  stored: (StoredTask | undefined)[];
}

export function createTaskReader(max = 1_000): TaskReader {
  const parsed = new Map<string, Parsed>();
  const freeze = process.env.NODE_ENV !== "production";
  const entry = (data: string): Parsed => {
    const known = parsed.get(data);
    if (known) return known;
    const task = taskSchema.parse(JSON.parse(data));
    if (freeze) deepFreeze(task);
    const made: Parsed = { task, stored: [] };
    parsed.set(data, made);
    if (parsed.size > max) parsed.delete(parsed.keys().next().value as string);
    return made;
  };
  return {
    task: (data) => entry(data).task,
    stored(data, favorite, hidden) {
      const { task, stored } = entry(data);
      const slot = (favorite ? 1 : 0) + (hidden ? 2 : 0);
      let made = stored[slot];
      if (!made) {
        made = { ...task, favorite, hidden };
        if (freeze) Object.freeze(made);
        stored[slot] = made;
      }
      return made;
    },
  };
}

/**
 * Freezes, outside production, an object handed to several callers (a task made once from a
 * stored one and kept): one that changed it in place fails in the tests instead of changing
 * another caller's answer.
 */
export function freezeShared<T>(value: T): T {
  if (process.env.NODE_ENV !== "production") deepFreeze(value);
  return value;
}

function deepFreeze(value: unknown): void {
  if (typeof value !== "object" || value === null || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const child of Object.values(value)) deepFreeze(child);
}
