import { describe, expect, it } from "vitest";
import { createLimiter } from "./limit";

describe("createLimiter", () => {
  it("runs at most its size at once and queues the rest in order", async () => {
    const limiter = createLimiter(2);
    const releases: (() => void)[] = [];
    const started: number[] = [];
    const all = Array.from({ length: 6 }, (_, i) =>
      limiter.run(async () => {
        started.push(i);
        await new Promise<void>((resolve) => releases.push(resolve));
        return i;
      }),
    );
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual([0, 1]);
    expect(limiter.active).toBe(2);
    while (releases.length > 0) {
      releases.shift()!();
      await new Promise((resolve) => setImmediate(resolve));
      expect(limiter.active).toBeLessThanOrEqual(2);
    }
    expect(await Promise.all(all)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(started).toEqual([0, 1, 2, 3, 4, 5]);
    expect(limiter.peak).toBe(2);
    expect(limiter.active).toBe(0);
  });

  it("frees the slot of work that fails", async () => {
    const limiter = createLimiter(1);
    await expect(limiter.run(() => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(await limiter.run(async () => "next")).toBe("next");
    expect(limiter.active).toBe(0);
  });
});
