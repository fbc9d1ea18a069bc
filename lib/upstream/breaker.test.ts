import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/http/errors";
import { createBreaker } from "./breaker";

/** The circuit breaker on a fake clock. */

function setup() {
  let clock = 1_000_000;
  const breaker = createBreaker({
    failureThreshold: 3,
    cooldownMs: 1_000,
    maxCooldownMs: 5_000,
    now: () => clock,
  });
  return { breaker, advance: (ms: number) => (clock += ms) };
}

function refusal(admit: () => void): AppError {
  try {
    admit();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error("expected admit() to refuse");
}

describe("circuit breaker", () => {
  it("stays closed below the threshold and a success resets the count", () => {
    const { breaker } = setup();
    breaker.failure();
    breaker.failure();
    breaker.success();
    breaker.failure();
    breaker.failure();
    expect(() => breaker.admit()).not.toThrow();
    expect(breaker.snapshot()).toEqual({ state: "closed", consecutiveFailures: 2, retryInMs: null });
  });

  it("opens after consecutive failures and fails fast with 503 and Retry-After", () => {
    const { breaker, advance } = setup();
    for (let i = 0; i < 3; i++) breaker.failure();
    expect(breaker.snapshot()).toMatchObject({ state: "open", retryInMs: 1_000 });
    const error = refusal(() => breaker.admit());
    expect(error.code).toBe("upstream_unavailable");
    expect(error.status).toBe(503);
    expect(error.headers["retry-after"]).toBe("1");
    advance(400);
    expect(refusal(() => breaker.admit()).message).toMatch(/not answering/);
    expect(breaker.snapshot().retryInMs).toBe(600);
  });

  it("lets one probe through after the cool-down; success closes it", () => {
    const { breaker, advance } = setup();
    for (let i = 0; i < 3; i++) breaker.failure();
    advance(1_000);
    expect(() => breaker.admit()).not.toThrow();
    expect(breaker.snapshot().state).toBe("half-open");
    // Others wait for the probe's verdict.
    expect(refusal(() => breaker.admit()).code).toBe("upstream_unavailable");
    breaker.success();
    expect(breaker.snapshot()).toEqual({ state: "closed", consecutiveFailures: 0, retryInMs: null });
    expect(() => breaker.admit()).not.toThrow();
  });

  it("a failed probe reopens it for twice as long, up to the maximum", () => {
    const { breaker, advance } = setup();
    for (let i = 0; i < 3; i++) breaker.failure();
    const cooldowns: number[] = [];
    for (let round = 0; round < 5; round++) {
      cooldowns.push(breaker.snapshot().retryInMs!);
      advance(breaker.snapshot().retryInMs!);
      breaker.admit();
      breaker.failure();
    }
    expect(cooldowns).toEqual([1_000, 2_000, 4_000, 5_000, 5_000]);
    // Recovery resets the growth.
    advance(5_000);
    breaker.admit();
    breaker.success();
    for (let i = 0; i < 3; i++) breaker.failure();
    expect(breaker.snapshot().retryInMs).toBe(1_000);
  });
});
