import { taskListSchema, type Task } from "@/lib/mj/task";

/**
 * The tab's one stream of task changes (`GET /api/tasks/events`): each message is the tasks the
 * server's poller has just recorded. Shared by every listener of the tab; opened with the first,
 * closed a moment after the last leaves (so a re-render that re-subscribes keeps the connection).
 * The browser reconnects a dropped stream by itself; one the server refused (a 401, a restart
 * mid-handshake) is opened again after `REOPEN_MS`. The batched poll carries on either way.
 */

export type TaskEventListener = (tasks: Task[]) => void;

export const TASK_EVENTS_URL = "/api/tasks/events";
const REOPEN_MS = 5_000;
const CLOSE_AFTER_MS = 1_000;

const listeners = new Set<TaskEventListener>();
let source: EventSource | null = null;
let reopen: ReturnType<typeof setTimeout> | null = null;
let closing: ReturnType<typeof setTimeout> | null = null;

function open(): void {
  if (source || typeof EventSource === "undefined") return;
  const stream = new EventSource(TASK_EVENTS_URL);
  source = stream;
  stream.onmessage = (event: MessageEvent<string>) => {
    let tasks: Task[];
    try {
      tasks = taskListSchema.parse(JSON.parse(event.data));
    } catch {
      return; // not a task list: nothing to apply
    }
    for (const listener of listeners) listener(tasks);
  };
  stream.onerror = () => {
    if (stream.readyState !== EventSource.CLOSED) return; // the browser is reconnecting
    source = null;
    reopen ??= setTimeout(() => {
      reopen = null;
      if (listeners.size > 0) open();
    }, REOPEN_MS);
  };
}

function close(): void {
  source?.close();
  source = null;
  if (reopen) clearTimeout(reopen);
  reopen = null;
}

/** Calls `listener` with every batch of changed tasks; answers the function that stops it. */
export function subscribeTaskEvents(listener: TaskEventListener): () => void {
  listeners.add(listener);
  if (closing) clearTimeout(closing);
  closing = null;
  open();
  return () => {
    listeners.delete(listener);
    if (listeners.size > 0) return;
    closing ??= setTimeout(() => {
      closing = null;
      if (listeners.size === 0) close();
    }, CLOSE_AFTER_MS);
  };
}
