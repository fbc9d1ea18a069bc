import { describe, expect, it } from "vitest";
import { createHotBytes } from "./hot-bytes";

const bytes = (n: number, fill = 1) => new Uint8Array(n).fill(fill);

describe("createHotBytes", () => {
  it("never holds more than its bytes: the least recently used go first", () => {
    const hot = createHotBytes({ maxBytes: 100, maxEntryBytes: 60 });
    hot.set("a", bytes(40));
    hot.set("b", bytes(40));
    expect(hot.get("a")).toBeDefined(); // a is now the most recently used
    hot.set("c", bytes(40)); // 120 > 100: b goes, not a
    expect(hot.bytes).toBe(80);
    expect(hot.get("b")).toBeUndefined();
    expect(hot.get("a")?.byteLength).toBe(40);
    expect(hot.get("c")?.byteLength).toBe(40);
    hot.set("d", bytes(60)); // a and c (40 + 40 + 60 > 100): the older one, a, goes
    expect(hot.get("a")).toBeUndefined();
    expect([hot.size, hot.bytes]).toEqual([2, 100]);
  });

  it("keeps no entry larger than one may be, and counts a replaced key once", () => {
    const hot = createHotBytes({ maxBytes: 100, maxEntryBytes: 50 });
    hot.set("big", bytes(51));
    expect([hot.size, hot.bytes]).toEqual([0, 0]);
    hot.set("k", bytes(30, 1));
    hot.set("k", bytes(20, 2));
    expect([hot.size, hot.bytes]).toEqual([1, 20]);
    expect(hot.get("k")?.[0]).toBe(2);
    // Too large to keep: what the key held before is not answered any more either.
    hot.set("k", bytes(51));
    expect([hot.size, hot.bytes, hot.get("k")]).toEqual([0, 0, undefined]);
  });

  it("keeps its own copy, of the view's size, not the buffer a view belongs to", () => {
    const hot = createHotBytes({ maxBytes: 1000, maxEntryBytes: 1000 });
    const buffer = bytes(4096, 7);
    const view = buffer.subarray(10, 20);
    hot.set("v", view);
    buffer.fill(0);
    const kept = hot.get("v")!;
    expect(kept.buffer.byteLength).toBe(10);
    expect([...kept]).toEqual(Array(10).fill(7));
    expect(hot.bytes).toBe(10);
  });

  it("forgets every key under a prefix", () => {
    const hot = createHotBytes({ maxBytes: 1000, maxEntryBytes: 1000 });
    hot.set("media/1/thumb.webp#a", bytes(10));
    hot.set("media/1/cell.1.thumb.webp#b", bytes(10));
    hot.set("media/12/thumb.webp#c", bytes(10));
    hot.forget("media/1/");
    expect(hot.get("media/1/thumb.webp#a")).toBeUndefined();
    expect(hot.get("media/1/cell.1.thumb.webp#b")).toBeUndefined();
    expect(hot.get("media/12/thumb.webp#c")).toBeDefined();
    expect([hot.size, hot.bytes]).toEqual([1, 10]);
  });
});
