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

describe("work a person waits on", () => {
  it("takes the next free slot ahead of background work queued before it", async () => {
    const limiter = createLimiter(1);
    const order: string[] = [];
    let release!: () => void;
    const blocker = limiter.run(() => new Promise<void>((resolve) => (release = resolve)));
    let asked = false;
    const background = ["a", "b"].map((name) => limiter.run(async () => void order.push(name)));
    // Queued last, urgent from the start.
    const person = limiter.run(
      async () => void order.push("person"),
      () => true,
    );
    // Queued as background; someone starts waiting for it while it is in line.
    const promoted = limiter.run(
      async () => void order.push("promoted"),
      () => asked,
    );
    expect(limiter.waiting).toBe(4);
    asked = true;
    release();
    await Promise.all([blocker, ...background, person, promoted]);
    expect(order).toEqual(["person", "promoted", "a", "b"]);
    expect(limiter.peak).toBe(1);
    expect(limiter.waiting).toBe(0);
  });
});
