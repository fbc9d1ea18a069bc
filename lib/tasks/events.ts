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
/**
 * Batches a stream may hold for a client that stays connected but stops reading. Past it the
 * stream is closed: the tab's EventSource reconnects when it reads again, and its poll has caught
 * up meanwhile, so memory per tab stays bounded and nothing is lost.
 */
export const MAX_UNREAD_BATCHES = 256;

export function createTaskEvents(log: (message: string) => void = console.warn) {
  const listeners = new Set<TaskListener>();
  /** The last copy published of each unfinished task, as JSON. */
  const published = new Map<string, string>();

  return {
    subscribe(listener: TaskListener): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    /** Whether a page on this instance listens now. */
    listening: (): boolean => listeners.size > 0,

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

const encoder = new TextEncoder();
/**
 * Each published batch (one array, handed to every listener) as the bytes of its message, made
 * once for all the streams it goes to: with 200 tabs open, encoding per stream stringified every
 * batch 200 times (64,000 messages a minute in the load bench) and queued 200 copies of it.
 */
const messages = new WeakMap<readonly Task[], Uint8Array>();

function batchMessage(tasks: readonly Task[]): Uint8Array {
  let bytes = messages.get(tasks);
  if (!bytes) {
    bytes = encoder.encode(`data: ${JSON.stringify(tasks)}\n\n`);
    messages.set(tasks, bytes);
  }
  return bytes;
}

/**
 * A `text/event-stream` answer that sends each published batch as one `data:` line (a JSON array
 * of tasks) until the client goes away. `no-transform` keeps a compressing layer from buffering it.
 */
export function taskEventStream(subscribe: TaskEvents["subscribe"], signal: AbortSignal): Response {
  let stop = () => {};
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      const close = () => {
        stop();
        try {
          controller.close();
        } catch {
          // already closed
        }
      };
      const send = (message: string | Uint8Array) => {
        try {
          controller.enqueue(typeof message === "string" ? encoder.encode(message) : message);
          // desiredSize is 1 minus what waits unread (one chunk per batch). Erroring the stream
          // drops what waits at once and ends the answer (closing would keep it for a reader).
          if ((controller.desiredSize ?? 0) < -MAX_UNREAD_BATCHES) {
            stop();
            controller.error(new Error("the client stopped reading its event stream"));
          }
        } catch {
          stop(); // the stream is closed already
        }
      };
      const unsubscribe = subscribe((tasks) => send(batchMessage(tasks)));
      const heartbeat = setInterval(() => send(": ping\n\n"), HEARTBEAT_MS);
      heartbeat.unref?.();
      stop = () => {
        unsubscribe();
        clearInterval(heartbeat);
        signal.removeEventListener("abort", close);
      };
      signal.addEventListener("abort", close);
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
