import "server-only";
import { statusRank, type Task } from "@/lib/mj/task";

/**
 * notifyHook (§4.7): when a task whose submit carried a `notifyHook` changes status or progress,
 * the task is POSTed there as a drop-in client fetches it, as trueai does. Recording hands every
 * copy it writes to `notify`, which returns at once: the sending happens in the background, one
 * task's calls in order (one in flight, the newest change next), so a slow or dead receiver never holds up a poll. Each URL passes the
 * guard the media fetches use (no private or loopback address unless the configuration allows
 * it); each call has a deadline and a few tries; redirects are not followed (the guard saw only
 * the first address).
 */

export interface NotifierDeps {
  /** The `notifyHook` the task's submit carried, if any (its recorded request). */
  hookOf(taskId: string): Promise<string | null>;
  /** The body sent: the task as a drop-in client gets it from fetch. */
  present(task: Task): unknown;
  /** Throws when the URL may not be called (lib/media/fetch.ts `createUrlGuard`). */
  guard(url: URL): Promise<void>;
  /** The composition root's pinned fetch (lib/media/fetch.ts `createPinnedFetch`): the guard's check holds at connect time. */
  fetch?: (url: string, init?: RequestInit) => Promise<Response>;
  /** Per call (default 10 s). */
  deadlineMs?: number;
  /** Tries per change (default 3), after a network error, a timeout, a 429 or a 5xx. */
  attempts?: number;
  /** The pause before the second try, doubling after (default 1 s). */
  retryBaseMs?: number;
  log?: (message: string) => void;
}

export interface Notifier {
  /** Queues a call for each task whose status or progress moved on; never throws, never waits. */
  notify(tasks: readonly Task[]): void;
  /** Resolves once every queued call has ended (tests, shutdown). */
  idle(): Promise<void>;
}

const MAX_TRACKED = 10_000;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createNotifier({
  hookOf,
  present,
  guard,
  fetch: send = fetch,
  deadlineMs = 10_000,
  attempts = 3,
  retryBaseMs = 1_000,
  log = (message) => console.warn(message),
}: NotifierDeps): Notifier {
  /** What was last queued per task: its rank and status/progress, so a repeat is not sent twice. */
  const last = new Map<string, { rank: number; key: string }>();
  /**
   * Per task, at most one call in flight and the newest change waiting behind it: a slow or
   * silent receiver gets the latest state next, not every step it missed, so what is held in
   * memory per task stays one copy whatever the receiver does.
   */
  const queues = new Map<string, { pending: Task | null; done: Promise<void> }>();
  const hooks = new Map<string, string>();

  function remember<K, V>(map: Map<K, V>, key: K, value: V): void {
    map.delete(key);
    map.set(key, value);
    // Oldest first out: a task that has been quiet longest is the least likely to move again.
    if (map.size > MAX_TRACKED) map.delete(map.keys().next().value as K);
  }

  async function post(hook: string, task: Task): Promise<void> {
    let url: URL;
    try {
      url = new URL(hook);
      await guard(url);
    } catch (error) {
      log(`[notify] not calling the notifyHook of task ${task.id}: ${(error as Error).message}`);
      return;
    }
    const body = JSON.stringify(present(task));
    for (let attempt = 1; attempt <= attempts; attempt++) {
      let failure: string;
      try {
        const response = await send(url.href, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body,
          redirect: "manual",
          signal: AbortSignal.timeout(deadlineMs),
        });
        await response.body?.cancel();
        if (response.ok) return;
        failure = `answered ${response.status}`;
        // A refusal (4xx) will not change on a second try; a busy or broken receiver may.
        if (response.status !== 429 && response.status < 500) attempt = attempts;
      } catch {
        failure = "could not be reached in time";
      }
      if (attempt >= attempts) {
        log(`[notify] the notifyHook of task ${task.id} ${failure} (try ${attempt})`);
        return;
      }
      await sleep(retryBaseMs * 2 ** (attempt - 1));
    }
  }

  /** Found hooks are kept; a task without one is looked up again (its request may be saved just after its first poll). */
  async function hookFor(id: string): Promise<string | null> {
    const known = hooks.get(id);
    if (known) return known;
    const hook = await hookOf(id).catch(() => null);
    if (hook) remember(hooks, id, hook);
    return hook;
  }

  return {
    notify(tasks) {
      for (const task of tasks) {
        const now = { rank: statusRank(task), key: `${task.status}|${task.progress ?? ""}` };
        const before = last.get(task.id);
        if (before && (before.key === now.key || now.rank < before.rank)) continue;
        remember(last, task.id, now);
        const queued = queues.get(task.id);
        if (queued) {
          queued.pending = task;
          continue;
        }
        const entry: { pending: Task | null; done: Promise<void> } = {
          pending: task,
          done: Promise.resolve(),
        };
        entry.done = (async () => {
          for (let next = entry.pending; next; next = entry.pending) {
            entry.pending = null;
            try {
              const hook = await hookFor(next.id);
              if (hook) await post(hook, next);
            } catch (error) {
              log(`[notify] task ${next.id}: ${String(error)}`);
            }
          }
          queues.delete(task.id);
        })();
        queues.set(task.id, entry);
      }
    },

    async idle() {
      while (queues.size > 0) await Promise.all([...queues.values()].map((entry) => entry.done));
    },
  };
}
