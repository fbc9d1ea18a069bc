import type { Task } from "@/lib/mj/task";

/**
 * How long the browser waits before the next batched poll. One request covers every unfinished
 * task, so the rate depends on time, never on the number of tasks: about 1 s while things move,
 * slower while nothing changes, exponential backoff on errors, and no polling at all when
 * nothing is running. The backoff stops growing at 15 s so the page notices within that long
 * when the upstream is back; the server's circuit breaker already spares a dead upstream.
 */
export const POLL = {
  baseMs: 1_000,
  idleGrowth: 1.5,
  idleMaxMs: 5_000,
  errorBaseMs: 2_000,
  errorMaxMs: 15_000,
  /**
   * How often a visible page reads its feed's first page again, so a job started in another tab
   * or by an API client shows up without a reload. One small read per tab, paused while the tab
   * is hidden (and done at once when it comes back).
   */
  headMs: 3_000,
} as const;

export function nextPollDelay(state: {
  pending: number;
  failures: number;
  unchanged: number;
}): number | false {
  if (state.pending === 0) return false;
  if (state.failures > 0) return Math.min(POLL.errorMaxMs, POLL.errorBaseMs * 2 ** (state.failures - 1));
  return Math.min(POLL.idleMaxMs, Math.round(POLL.baseMs * POLL.idleGrowth ** state.unchanged));
}

/**
 * What the poll remembers between ticks to slow down while nothing changes: how many answers in a
 * row looked the same. One per page, outside the query's key (it is the poll's memory, not its input).
 */
export interface PollTracker {
  readonly unchanged: number;
  /** Records one answer; its signature is what a person would see change. */
  observe(tasks: readonly Pick<Task, "id" | "status" | "progress" | "imageUrl">[]): void;
}

export function createPollTracker(): PollTracker {
  let signature = "";
  let unchanged = 0;
  return {
    get unchanged() {
      return unchanged;
    },
    observe(tasks) {
      const next = tasks
        .map((t) => `${t.id}:${t.status}:${t.progress}:${t.imageUrl}`)
        .sort()
        .join("|");
      unchanged = next === signature ? unchanged + 1 : 0;
      signature = next;
    },
  };
}
