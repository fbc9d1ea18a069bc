import { describe, expect, it } from "vitest";
import { RateLimiter } from "./rate-limit";

describe("RateLimiter", () => {
  it("allows `limit` events per window per key, then says how long to wait", () => {
    const limiter = new RateLimiter(3, 60_000);
    const t0 = 1_000_000;
    expect([0, 1, 2].map(() => limiter.take("a", t0))).toEqual([0, 0, 0]);
    expect(limiter.take("a", t0 + 15_000)).toBe(45);
    expect(limiter.take("b", t0 + 15_000)).toBe(0);
    expect(limiter.take("a", t0 + 60_000)).toBe(0);
  });

  it("counts failures apart from checks, and reset forgets them", () => {
    const limiter = new RateLimiter(2, 1_000);
    limiter.hit("a", 0);
    expect(limiter.retryAfter("a", 0)).toBe(0);
    limiter.hit("a", 0);
    expect(limiter.retryAfter("a", 100)).toBe(1);
    limiter.reset("a");
    expect(limiter.retryAfter("a", 100)).toBe(0);
  });

  it("keeps at most maxKeys keys", () => {
    const limiter = new RateLimiter(1, 60_000, 3);
    for (const key of ["a", "b", "c", "d"]) limiter.take(key, 0);
    // "a" was the oldest and was forgotten to make room.
    expect(limiter.retryAfter("a", 0)).toBe(0);
    expect(limiter.retryAfter("d", 0)).toBe(60);
  });
});
