import "server-only";
import type { Task } from "@/lib/mj/task";
import { isPollable } from "@/lib/mj/task-view";

/**
 * The server's one poller of the upstream. It watches every unfinished task the history knows
 * (whoever submitted it: a page, another tab, a drop-in client) and, once per interval, asks the
 * upstream about all of them in one call. Pages and API clients read the record it keeps, so
 * upstream traffic depends on time alone, never on tasks, tabs or clients. With nothing to watch
 * no timer runs; after a fault the interval doubles up to `POLLER_BACKOFF_MAX_MS`.
 */

/** The longest wait between ticks while the upstream keeps failing: how soon a recovery is seen. */
export const POLLER_BACKOFF_MAX_MS = 15_000;
/**
 * Successful answers in a row that leave a task out before it is no longer asked about: upstreams
 * omit ids they do not know (§3.15), and a task the upstream forgot would keep the poller busy
 * until the poll horizon.
 */
export const POLLER_MISSES_BEFORE_FORGET = 10;

export interface PollerDeps {
  intervalMs: number;
  /** The most ids one upstream call carries; a tick asks about more in several calls, one after another. */
  batchSize: number;
  /** The one upstream call of a tick (list-by-ids, or list-by-condition where the upstream lacks it). */
  ask: (ids: string[]) => Promise<Task[]>;
  /** Writes the answer into the history; the writer tells the poller what it wrote (`watch`). */
  record: (tasks: Task[]) => Promise<unknown>;
  /**
   * Whether this instance is the cluster's poller now (default: always, one instance alone). The
   * others keep their watch list and tick as well, asking nothing, so whichever takes the lease
   * over polls at once.
   */
  isLeader?: () => boolean;
  /** Told after each tick that asked the upstream what it failed with (null: it was answered). */
  onFault?: (error: unknown) => void;
  now?: () => number;
  log?: (message: string) => void;
}

export type Poller = ReturnType<typeof createPoller>;

export function createPoller({
  intervalMs,
  batchSize,
  ask,
  record,
  isLeader = () => true,
  onFault,
  now = Date.now,
  log = console.warn,
}: PollerDeps) {
  /** The unfinished tasks to ask about: their submit time (for the horizon) and answers that left them out. */
  const watched = new Map<string, { submitTime: number | null; misses: number }>();
  let timer: ReturnType<typeof setTimeout> | null = null;
  let ticking = false;
  let failures = 0;
  let lastError: unknown = null;
  let closed = false;

  function schedule(elapsedMs = 0): void {
    if (closed || timer || ticking || watched.size === 0) return;
    const delay =
      failures === 0
        ? Math.max(0, intervalMs - elapsedMs)
        : Math.min(POLLER_BACKOFF_MAX_MS, intervalMs * 2 ** failures);
    timer = setTimeout(() => {
      timer = null;
      void tick();
    }, delay);
    // A server with only the poller left to run may exit (tests, a shutdown).
    timer.unref?.();
  }

  async function tick(): Promise<void> {
    ticking = true;
    const started = now();
    try {
      for (const [id, entry] of watched) {
        if (!isPollable({ status: "SUBMITTED", submitTime: entry.submitTime }, started)) watched.delete(id);
      }
      const ids = [...watched.keys()];
      if (ids.length === 0) return;
      if (!isLeader()) {
        // Another instance polls; what this one saw fail while it polled says nothing of now.
        failures = 0;
        lastError = null;
        return;
      }
      // A tick fails only when no batch is answered; an answered batch is recorded whatever the others do.
      let answeredBatches = 0;
      let error: unknown = null;
      for (let start = 0; start < ids.length; start += batchSize) {
        const batch = ids.slice(start, start + batchSize);
        try {
          const answered = await ask(batch);
          await record(answered);
          answeredBatches += 1;
          const seen = new Set(answered.map((task) => task.id));
          for (const id of batch) {
            const entry = watched.get(id);
            if (!entry) continue;
            entry.misses = seen.has(id) ? 0 : entry.misses + 1;
            if (entry.misses >= POLLER_MISSES_BEFORE_FORGET) watched.delete(id);
          }
        } catch (caught) {
          error = caught;
        }
      }
      if (answeredBatches > 0) {
        if (failures > 0) log(`[poller] the upstream answers again after ${failures} failed poll(s)`);
        failures = 0;
        lastError = null;
      } else {
        // The upstream client has logged what went wrong (redacted); here only that polling backs off.
        if (failures === 0) log("[poller] polling the upstream failed; backing off until it answers");
        failures += 1;
        lastError = error;
      }
      onFault?.(lastError);
    } finally {
      ticking = false;
      schedule(now() - started);
    }
  }

  return {
    /** Takes note of tasks as written: unfinished ones are asked about from the next tick, others no more. */
    watch(tasks: readonly Pick<Task, "id" | "status" | "submitTime">[]): void {
      const at = now();
      // A fault from before the poller went idle says nothing about the upstream now.
      if (watched.size === 0) {
        failures = 0;
        lastError = null;
      }
      for (const task of tasks) {
        const entry = watched.get(task.id);
        if (!isPollable(task, at)) watched.delete(task.id);
        else if (!entry) watched.set(task.id, { submitTime: task.submitTime, misses: 0 });
        // The horizon needs a submit time; a first copy may have lacked one.
        else entry.submitTime ??= task.submitTime;
      }
      schedule();
    },

    forget(ids: readonly string[]): void {
      for (const id of ids) watched.delete(id);
    },

    isWatching: (id: string): boolean => watched.has(id),

    /** Asks now rather than at the next tick: this instance has just become the cluster's poller. */
    poke(): void {
      if (closed || ticking) return;
      if (timer) clearTimeout(timer);
      timer = null;
      if (watched.size > 0) void tick();
    },

    /**
     * What the last poll failed with, while the upstream keeps failing: the record of an unfinished
     * task is then not fresh, and a caller asking about it is told why (the page shows the outage).
     */
    fault: (): unknown => (failures > 0 ? lastError : null),

    close(): void {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
