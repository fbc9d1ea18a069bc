import "server-only";
import type { Task } from "@/lib/mj/task";
import { isTerminalStatus } from "@/lib/mj/task";

/**
 * Task changes as the history's writer records them, for the pages that listen
 * (`GET /api/tasks/events`, one stream per tab). A copy is published only when it differs from
 * the last one published for its task, so a poll that learns nothing new pushes nothing.
 */

export type TaskListener = (tasks: Task[]) => void;

const MAX_REMEMBERED = 10_000;
/** A comment line now and then, so proxies keep an idle stream open and a gone tab is noticed. */
export const HEARTBEAT_MS = 20_000;

export function createTaskEvents(log: (message: string) => void = console.warn) {
  const listeners = new Set<TaskListener>();
  /** The last copy published of each unfinished task, as JSON. */
  const published = new Map<string, string>();

  return {
    subscribe(listener: TaskListener): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    /** Pushes what differs from the last copies published; answers those (what is news). */
    publish(tasks: readonly Task[]): Task[] {
      const changed = tasks.filter((task) => {
        const copy = JSON.stringify(task);
        if (published.get(task.id) === copy) return false;
        if (isTerminalStatus(task.status)) published.delete(task.id);
        else published.set(task.id, copy);
        return true;
      });
      if (published.size > MAX_REMEMBERED) published.clear();
      if (changed.length === 0) return changed;
      for (const listener of listeners) {
        try {
          listener(changed);
        } catch (error) {
          log(`[events] a listener failed: ${String(error)}`);
        }
      }
      return changed;
    },
  };
}

export type TaskEvents = ReturnType<typeof createTaskEvents>;

/**
 * A `text/event-stream` answer that sends each published batch as one `data:` line (a JSON array
 * of tasks) until the client goes away. `no-transform` keeps a compressing layer from buffering it.
 */
export function taskEventStream(subscribe: TaskEvents["subscribe"], signal: AbortSignal): Response {
  const encoder = new TextEncoder();
  let stop = () => {};
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (text: string) => {
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          stop(); // the stream is closed already
        }
      };
      const unsubscribe = subscribe((tasks) => send(`data: ${JSON.stringify(tasks)}\n\n`));
      const heartbeat = setInterval(() => send(": ping\n\n"), HEARTBEAT_MS);
      heartbeat.unref?.();
      const onAbort = () => {
        stop();
        try {
          controller.close();
        } catch {
          // already closed
        }
      };
      stop = () => {
        unsubscribe();
        clearInterval(heartbeat);
        signal.removeEventListener("abort", onAbort);
      };
      signal.addEventListener("abort", onAbort);
      // How long a browser waits before reconnecting after the stream drops.
      send("retry: 3000\n: connected\n\n");
    },
    cancel() {
      stop();
    },
  });
  return new Response(body, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      "x-accel-buffering": "no",
    },
  });
}
