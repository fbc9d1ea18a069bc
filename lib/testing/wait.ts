/**
 * The test kit's waits: `until` for anything ("the app is up", "50 tasks finished"), and
 * `waitForStatus` for a task. Imports nothing of the app, so unit tests, e2e and bench share them.
 */

export interface WaitOptions {
  /** How long to keep asking before failing (default 15 s). */
  timeoutMs?: number;
  /** The pause between two asks (default 25 ms). */
  intervalMs?: number;
  /** What to do between two asks instead of sleeping (a test on a fake clock advances it). */
  pause?: () => void | Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Asks `probe` until it answers something (not null, undefined or false) and returns that; fails
 * after `timeoutMs`. An error thrown by `probe` ends the wait at once: a probe for which an error
 * means "not yet" catches it itself.
 */
export async function until<T>(
  probe: () => Promise<T | null | undefined | false>,
  what: string,
  { timeoutMs = 15_000, intervalMs = 25, pause = () => sleep(intervalMs) }: WaitOptions = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await probe();
    if (answer !== null && answer !== undefined && answer !== false) return answer;
    if (Date.now() >= deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await pause();
  }
}

interface TaskLike {
  status?: unknown;
  failReason?: unknown;
}

/**
 * Reads the task `id` with `read` (the task service, the upstream client, a route) until its
 * status is `status`, and returns it. A task that fails instead fails the wait at once, with its
 * reason, rather than when the time is up.
 */
export function waitForStatus<T extends TaskLike>(
  read: (id: string) => Promise<T | null>,
  id: string,
  status: string,
  options?: WaitOptions,
): Promise<T> {
  return until(
    async () => {
      const task = await read(id);
      if (task?.status === status) return task;
      if (task?.status === "FAILURE") throw new Error(`task ${id} failed: ${String(task.failReason)}`);
      return null;
    },
    `task ${id} reaching ${status}`,
    options,
  );
}
