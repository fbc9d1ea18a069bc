import { describe, expect, it } from "vitest";
import { ByteBudgetLru, stableKey } from "./render-cache";

describe("stableKey", () => {
  it("ignores key order and buffer identity but not buffer contents", () => {
    const a = { kind: "blend", images: [Buffer.from("one"), Buffer.from("two")], seed: 1 };
    const b = { seed: 1, images: [Buffer.from("one"), Buffer.from("two")], kind: "blend" };
    expect(stableKey(a)).toBe(stableKey(b));
    expect(stableKey({ ...a, images: [Buffer.from("one"), Buffer.from("tWo")] })).not.toBe(stableKey(a));
    expect(stableKey({ ...a, seed: 2 })).not.toBe(stableKey(a));
  });

  it("treats an absent optional field like a missing one", () => {
    expect(stableKey({ kind: "zoom", square: undefined })).toBe(stableKey({ kind: "zoom" }));
  });
});

describe("ByteBudgetLru", () => {
  function counted(lru: ByteBudgetLru<string>, calls: string[]) {
    return (key: string, value = key) =>
      lru.memo(key, async () => {
        calls.push(key);
        return value;
      });
  }

  it("evicts the least recently used values once the byte budget is exceeded", async () => {
    const calls: string[] = [];
    const get = counted(new ByteBudgetLru<string>(10, (v) => v.length), calls);
    await get("aaaa");
    await get("bbbb");
    await get("aaaa"); // touch: "bbbb" is now the oldest
    await get("cccc"); // 12 bytes > 10: "bbbb" goes
    await get("aaaa");
    await get("bbbb");
    expect(calls).toEqual(["aaaa", "bbbb", "cccc", "bbbb"]);
  });

  it("shares a running computation and forgets failures", async () => {
    const lru = new ByteBudgetLru<string>(100, (v) => v.length);
    let runs = 0;
    const slow = () =>
      lru.memo("k", async () => {
        runs++;
        await new Promise((resolve) => setTimeout(resolve, 5));
        return "value";
      });
    expect(await Promise.all([slow(), slow()])).toEqual(["value", "value"]);
    expect(runs).toBe(1);

    let attempts = 0;
    const flaky = () =>
      lru.memo("f", async () => {
        attempts++;
        if (attempts === 1) throw new Error("boom");
        return "ok";
      });
    await expect(flaky()).rejects.toThrow("boom");
    await expect(flaky()).resolves.toBe("ok");
    expect(attempts).toBe(2);
  });
});
