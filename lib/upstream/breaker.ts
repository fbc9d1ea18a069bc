import { AppError } from "@/lib/http/errors";

/**
 * A circuit breaker for the one upstream, so a dead upstream is not hammered by every poll of
 * every tab. Closed: calls go through. After `failureThreshold` consecutive failed calls it opens:
 * calls fail fast with `upstream_unavailable` (503 + Retry-After) for a cool-down. Then one probe
 * call goes through (half-open): success closes it, failure opens it again for twice as long, up
 * to `maxCooldownMs`. Any answer from the upstream counts as success, even a refusal: only faults
 * (unreachable, timeout, 5xx, unparseable body) count as failures.
 */

export interface BreakerOptions {
  failureThreshold: number;
  cooldownMs: number;
  maxCooldownMs: number;
  now?: () => number;
}

export type BreakerState = "closed" | "open" | "half-open";

export interface BreakerSnapshot {
  state: BreakerState;
  consecutiveFailures: number;
  /** While open: how long until the next probe may go through. */
  retryInMs: number | null;
}

export interface Breaker {
  /** Throws `upstream_unavailable` when the call must not go to the upstream now. */
  admit(): void;
  success(): void;
  failure(): void;
  snapshot(): BreakerSnapshot;
}

export const DEFAULT_BREAKER: Omit<BreakerOptions, "now"> = {
  failureThreshold: 5,
  cooldownMs: 2_000,
  maxCooldownMs: 30_000,
};

export function createBreaker(options: BreakerOptions): Breaker {
  const now = options.now ?? Date.now;
  let state: BreakerState = "closed";
  let failures = 0;
  /** Openings since the last success: each one doubles the cool-down. */
  let openings = 0;
  let openUntil = 0;
  let probing = false;

  function open(): void {
    openings++;
    const cooldown = Math.min(options.maxCooldownMs, options.cooldownMs * 2 ** (openings - 1));
    openUntil = now() + cooldown;
    state = "open";
    probing = false;
  }

  function unavailable(waitMs: number): AppError {
    const seconds = Math.max(1, Math.ceil(waitMs / 1000));
    return new AppError("upstream_unavailable", `The upstream is not answering; retrying in ${seconds} s.`, {
      "retry-after": String(seconds),
    });
  }

  return {
    admit() {
      if (state === "closed") return;
      if (state === "open") {
        const wait = openUntil - now();
        if (wait > 0) throw unavailable(wait);
        state = "half-open";
        probing = false;
      }
      // Half-open: one probe at a time; everyone else waits for its verdict.
      if (probing) throw unavailable(1_000);
      probing = true;
    },

    success() {
      state = "closed";
      failures = 0;
      openings = 0;
      probing = false;
    },

    failure() {
      failures++;
      if (state === "half-open" || (state === "closed" && failures >= options.failureThreshold)) open();
    },

    snapshot() {
      const wait = state === "open" ? Math.max(0, openUntil - now()) : null;
      return { state, consecutiveFailures: failures, retryInMs: wait };
    },
  };
}
