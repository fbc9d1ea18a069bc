import { createHash } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  BlobTooLargeError,
  InvalidBlobKeyError,
  RangeNotSatisfiableError,
  readBlob,
  type BlobInfo,
  type BlobStore,
} from "./blob-store";

/**
 * The behaviour every BlobStore adapter promises, run against a fresh store per test. An adapter's
 * test file calls `describeBlobStore("fs", factory)`; the factory's cleanup runs after each test.
 */
export function describeBlobStore(
  name: string,
  factory: () => Promise<{ store: BlobStore; cleanup: () => Promise<void> }>,
): void {
  describe(`BlobStore contract: ${name}`, () => {
    let store: BlobStore;
    let cleanup: () => Promise<void>;

    beforeEach(async () => {
      ({ store, cleanup } = await factory());
    });
    afterEach(async () => {
      await cleanup();
    });

    const bytes = (length: number) => Uint8Array.from({ length }, (_, i) => (i * 7 + 3) % 251);
    const sha256 = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");
    const text = async (key: string, range?: { start: number; end: number }) => {
      const blob = await store.get(key, range ? { range } : {});
      return blob ? new Uint8Array(await readBlob(blob)) : null;
    };
    const keys = async (prefix: string) => {
      const out: string[] = [];
      for await (const info of store.list(prefix)) out.push(info.key);
      return out;
    };
    async function* chunked(data: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
      for (let at = 0; at < data.length; at += size) yield data.slice(at, at + size);
    }

    it("stores bytes given whole, as an async iterable or as a web stream, and returns their hash", async () => {
      const data = bytes(100_000);
      const whole = await store.put("media/t1/image.png", data, { contentType: "image/png" });
      expect(whole).toMatchObject({ key: "media/t1/image.png", size: 100_000, contentType: "image/png" });
      expect(whole.sha256).toBe(sha256(data));
      expect(whole.modifiedAt).toBeGreaterThan(0);

      const iterated = await store.put("media/t1/video.mp4", chunked(data, 4096), {
        contentType: "video/mp4",
      });
      expect(iterated.sha256).toBe(sha256(data));
      const streamed = await store.put("inputs/a.webp", new Blob([data]).stream(), {
        contentType: "image/webp",
      });
      expect(streamed.size).toBe(100_000);

      for (const key of ["media/t1/image.png", "media/t1/video.mp4", "inputs/a.webp"]) {
        // Hashes compared: a deep equality of 100 kB takes seconds.
        expect(sha256((await text(key))!)).toBe(sha256(data));
      }
    });

    it("returns the content type it was given from head, get and list", async () => {
      await store.put("staging/up.zip", bytes(10), { contentType: "application/zip" });
      await store.put("media/t/images.0.jpg", bytes(10), { contentType: "image/jpeg" });
      const head = await store.head("staging/up.zip");
      expect(head).toMatchObject({ key: "staging/up.zip", size: 10, contentType: "application/zip" });
      expect((await store.get("media/t/images.0.jpg"))?.info.contentType).toBe("image/jpeg");
      const listed: BlobInfo[] = [];
      for await (const info of store.list("")) listed.push(info);
      expect(listed.map((info) => [info.key, info.contentType])).toEqual([
        ["media/t/images.0.jpg", "image/jpeg"],
        ["staging/up.zip", "application/zip"],
      ]);
    });

    it("answers null for an absent key and ignores deleting one", async () => {
      expect(await store.get("media/none/image.png")).toBeNull();
      expect(await store.head("media/none/image.png")).toBeNull();
      await store.delete("media/none/image.png");
      expect(await keys("")).toEqual([]);
    });

    it("replaces a blob whole", async () => {
      await store.put("inputs/x.png", bytes(5000), { contentType: "image/png" });
      await store.put("inputs/x.png", bytes(10), { contentType: "image/png" });
      expect(await text("inputs/x.png")).toEqual(bytes(10));
      expect((await store.head("inputs/x.png"))?.size).toBe(10);
    });

    it("stores an empty blob", async () => {
      const info = await store.put("inputs/empty.gif", new Uint8Array(0), { contentType: "image/gif" });
      expect(info.size).toBe(0);
      expect(info.sha256).toBe(sha256(new Uint8Array(0)));
      expect(await text("inputs/empty.gif")).toEqual(new Uint8Array(0));
      await expect(store.get("inputs/empty.gif", { range: { start: 0, end: 0 } })).rejects.toBeInstanceOf(
        RangeNotSatisfiableError,
      );
    });

    it("reads ranges inclusively, clamping the end like HTTP", async () => {
      const data = bytes(1000);
      await store.put("media/t/video.mp4", data, { contentType: "video/mp4" });
      const first = await store.get("media/t/video.mp4", { range: { start: 0, end: 1 } });
      expect(first?.range).toEqual({ start: 0, end: 1 });
      expect(first?.info.size).toBe(1000);
      expect(new Uint8Array(await readBlob(first!))).toEqual(data.slice(0, 2));

      expect(await text("media/t/video.mp4", { start: 100, end: 99_999 })).toEqual(data.slice(100));
      const clamped = await store.get("media/t/video.mp4", { range: { start: 500, end: 5000 } });
      expect(clamped?.range).toEqual({ start: 500, end: 999 });
      await readBlob(clamped!);
      expect(await text("media/t/video.mp4", { start: 999, end: 999 })).toEqual(data.slice(999));

      const whole = await store.get("media/t/video.mp4");
      expect(whole?.range).toBeNull();
      await readBlob(whole!);

      const beyond = store.get("media/t/video.mp4", { range: { start: 1000, end: 1200 } });
      await expect(beyond).rejects.toBeInstanceOf(RangeNotSatisfiableError);
      await expect(beyond).rejects.toMatchObject({ size: 1000 });
    });

    it("refuses more than maxBytes and leaves nothing, keeping an older blob", async () => {
      const put = store.put("media/t/image.png", chunked(bytes(5000), 1000), {
        contentType: "image/png",
        maxBytes: 4999,
      });
      await expect(put).rejects.toBeInstanceOf(BlobTooLargeError);
      expect(await store.head("media/t/image.png")).toBeNull();
      expect(await keys("")).toEqual([]);

      await store.put("media/t/image.png", bytes(10), { contentType: "image/png", maxBytes: 10 });
      await expect(
        store.put("media/t/image.png", bytes(11), { contentType: "image/png", maxBytes: 10 }),
      ).rejects.toBeInstanceOf(BlobTooLargeError);
      expect(await text("media/t/image.png")).toEqual(bytes(10));
    });

    it("leaves nothing when the body fails or the put is aborted midway", async () => {
      async function* failing(): AsyncGenerator<Uint8Array> {
        yield bytes(100);
        throw new Error("connection reset");
      }
      await expect(store.put("media/t/image.png", failing(), { contentType: "image/png" })).rejects.toThrow(
        "connection reset",
      );
      const controller = new AbortController();
      async function* slow(): AsyncGenerator<Uint8Array> {
        yield bytes(100);
        controller.abort();
        yield bytes(100);
      }
      await expect(
        store.put("media/t/video.mp4", slow(), { contentType: "video/mp4", signal: controller.signal }),
      ).rejects.toThrow();
      expect(await keys("")).toEqual([]);
    });

    it("never shows a reader half a blob", async () => {
      await store.put("media/t/image.png", bytes(10), { contentType: "image/png" });
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      async function* slow(): AsyncGenerator<Uint8Array> {
        yield bytes(50_000);
        await gate;
        yield bytes(50_000);
      }
      const writing = store.put("media/t/image.png", slow(), { contentType: "image/png" });
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(await text("media/t/image.png")).toEqual(bytes(10));
      expect((await store.head("media/t/image.png"))?.size).toBe(10);
      release();
      await writing;
      expect((await store.head("media/t/image.png"))?.size).toBe(100_000);
    });

    it("deletes a blob and lists by prefix in key order", async () => {
      const put = (key: string) => store.put(key, bytes(3), { contentType: "image/webp" });
      for (const key of [
        "media/b/thumb.webp",
        "media/a-c.webp",
        "media/a/thumb.webp",
        "media/a/images.1.webp",
      ]) {
        await put(key);
      }
      await put("media/a/images.0.thumb.webp");
      await put("inputs/z.webp");
      expect(await keys("")).toEqual([
        "inputs/z.webp",
        "media/a-c.webp",
        "media/a/images.0.thumb.webp",
        "media/a/images.1.webp",
        "media/a/thumb.webp",
        "media/b/thumb.webp",
      ]);
      expect(await keys("media/a/")).toEqual([
        "media/a/images.0.thumb.webp",
        "media/a/images.1.webp",
        "media/a/thumb.webp",
      ]);
      expect(await keys("media/a")).toEqual([
        "media/a-c.webp",
        "media/a/images.0.thumb.webp",
        "media/a/images.1.webp",
        "media/a/thumb.webp",
      ]);
      expect(await keys("media/a/images.")).toEqual(["media/a/images.0.thumb.webp", "media/a/images.1.webp"]);
      expect(await keys("media/none/")).toEqual([]);
      expect(await keys("nothing")).toEqual([]);

      await store.delete("media/a/thumb.webp");
      expect(await store.head("media/a/thumb.webp")).toBeNull();
      for (const key of await keys("media/a/")) await store.delete(key);
      expect(await keys("media/")).toEqual(["media/a-c.webp", "media/b/thumb.webp"]);
      // A deleted "directory" does not get in the way of writing under it again.
      await put("media/a/thumb.webp");
      expect(await keys("media/a/")).toEqual(["media/a/thumb.webp"]);
    });

    it("lists with the info of each blob", async () => {
      await store.put("inputs/q.png", bytes(42), { contentType: "image/png" });
      const listed: BlobInfo[] = [];
      for await (const info of store.list("inputs/")) listed.push(info);
      expect(listed).toEqual([await store.head("inputs/q.png")]);
    });

    it("refuses keys that could leave the store", async () => {
      for (const key of [
        "../x.png",
        "/etc/x.png",
        "media/../../x.png",
        "media//x.png",
        "media/.x.png",
        "a\\b.png",
        "m/é.png",
        "",
      ]) {
        await expect(store.put(key, bytes(1), { contentType: "image/png" })).rejects.toBeInstanceOf(
          InvalidBlobKeyError,
        );
        await expect(store.get(key)).rejects.toBeInstanceOf(InvalidBlobKeyError);
        await expect(store.head(key)).rejects.toBeInstanceOf(InvalidBlobKeyError);
        await expect(store.delete(key)).rejects.toBeInstanceOf(InvalidBlobKeyError);
      }
      await expect(keys("../")).rejects.toBeInstanceOf(InvalidBlobKeyError);
    });

    it("stops a read when its signal aborts", async () => {
      await store.put("media/t/video.mp4", bytes(400_000), { contentType: "video/mp4" });
      const controller = new AbortController();
      const blob = await store.get("media/t/video.mp4", { signal: controller.signal });
      const reader = blob!.body.getReader();
      await reader.read();
      controller.abort(new Error("client gone"));
      await expect(
        (async () => {
          for (;;) if ((await reader.read()).done) return;
        })(),
      ).rejects.toThrow("client gone");
      await expect(store.get("media/t/video.mp4", { signal: controller.signal })).rejects.toThrow(
        "client gone",
      );
    });

    it("ends a ranged read's stream when the reader cancels it", async () => {
      await store.put("media/t/video.mp4", bytes(300_000), { contentType: "video/mp4" });
      const blob = await store.get("media/t/video.mp4", { range: { start: 10, end: 299_999 } });
      const reader = blob!.body.getReader();
      const { value } = await reader.read();
      expect(value?.[0]).toBe(bytes(11)[10]);
      await reader.cancel();
      // The blob can still be replaced and deleted (no handle left open on platforms that care).
      await store.delete("media/t/video.mp4");
      expect(await store.head("media/t/video.mp4")).toBeNull();
    });
  });
}
