import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
import { afterEach, describe, expect, it, vi } from "vitest";
import { closeWorlds, finished, world, type World } from "@/lib/testing/world";
import { readBlob } from "./blob-store";
import { createMediaCache, WHOLE_FILE_BYTES } from "./cache";
import { createFsBlobStore } from "./fs-blob-store";
import { createHotBytes, type HotBytes } from "./hot-bytes";
import { serveMedia, type MediaDeps } from "./serve";
import { createSqliteMediaIndex } from "./sqlite-media-index";

/**
 * Small cached files (thumbnails) answered from memory: never a storage read per request, never
 * bytes other than the record's and the blob's as storage has them now, nothing of a deleted task.
 */

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await closeWorlds();
});

/** A media cache of its own (its memory `hot` inspectable) over the world's recorded tasks and upstream. */
function cacheOver(w: World, hot: HotBytes) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mj-hot-"));
  const blobs = createFsBlobStore(dir);
  const index = createSqliteMediaIndex(path.join(dir, "index.sqlite"));
  const cache = createMediaCache({
    blobs,
    index,
    getTask: (id) => w.store.get(id),
    refreshTask: async () => null,
    download: w.mediaDeps.download,
    hot,
    log: () => {},
  });
  cleanups.push(async () => {
    cache.close();
    await cache.idle();
    await index.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const deps: MediaDeps = { ...w.mediaDeps, getTask: (id) => w.store.get(id), cache };
  return { dir, blobs, cache, deps };
}

async function cachedTask(w: World, cache: ReturnType<typeof cacheOver>["cache"], prompt: string) {
  const task = await finished(w.tasks, prompt);
  cache.enqueue([(await w.store.get(task.id))!]);
  await cache.idle();
  return task;
}

const bytesOf = async (response: Response) => Buffer.from(await response.arrayBuffer());
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const png = (color: string) =>
  sharp({ create: { width: 16, height: 16, channels: 3, background: color } })
    .png()
    .toBuffer();

/** Memory for a few thumbnails, each up to the whole-file size. */
const megabyteOfMemory = () => createHotBytes({ maxBytes: 1024 * 1024, maxEntryBytes: WHOLE_FILE_BYTES });

/** A finished task whose thumbnail is cached, with memory in front of the cache. */
async function cachedThumb(prompt: string) {
  const w = world();
  const hot = megabyteOfMemory();
  const over = cacheOver(w, hot);
  const task = await cachedTask(w, over.cache, prompt);
  const thumb = (await over.cache.get(task.id, "thumb"))!;
  return { ...over, hot, task, thumb };
}

describe("small cached files from memory", () => {
  it("answers a thumbnail, whole or a range of it, without reading its blob", async () => {
    const { blobs, deps, hot, task, thumb } = await cachedThumb("a harbour at dawn");
    const onDisk = await readBlob((await blobs.get(thumb.key))!);
    // Made by the job and kept as it was made: the gallery's first request reads no storage either.
    expect(hot.size).toBeGreaterThan(0);
    const reads = vi.spyOn(blobs, "get");

    for (let i = 0; i < 3; i++) {
      const response = await serveMedia({ taskId: task.id, slot: "thumb", version: null }, deps);
      expect(response.status).toBe(200);
      expect(response.headers.get("etag")).toBe(`"${thumb.sha256}"`);
      expect(response.headers.get("content-length")).toBe(String(onDisk.length));
      expect((await bytesOf(response)).equals(onDisk)).toBe(true);
    }
    const part = await serveMedia(
      { taskId: task.id, slot: "thumb", version: null, range: "bytes=10-19" },
      deps,
    );
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe(`bytes 10-19/${onDisk.length}`);
    expect((await bytesOf(part)).equals(onDisk.subarray(10, 20))).toBe(true);
    const beyond = await serveMedia(
      { taskId: task.id, slot: "thumb", version: null, range: `bytes=${onDisk.length}-` },
      deps,
    );
    expect(beyond.status).toBe(416);
    expect(reads).not.toHaveBeenCalled();
  });

  it("answers a range of a small file memory does not hold yet from the whole blob, and keeps it", async () => {
    // Nothing is kept as it is made (a fresh start, another instance's file): storage answers first.
    const { blobs, deps, hot, task, thumb } = await cachedThumb("a kestrel over a meadow");
    const onDisk = await readBlob((await blobs.get(thumb.key))!);
    hot.forget("");
    expect(hot.size).toBe(0);

    const part = await serveMedia(
      { taskId: task.id, slot: "thumb", version: null, range: "bytes=10-19" },
      deps,
    );
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe(`bytes 10-19/${onDisk.length}`);
    expect((await bytesOf(part)).equals(onDisk.subarray(10, 20))).toBe(true);
    // The whole file was read, so its bytes match the record and are kept for the next request.
    expect(hot.size).toBe(1);
  });

  it("answers a file rewritten behind the app's back from storage, and keeps none of its bytes", async () => {
    const { dir, blobs, deps, hot, task, thumb } = await cachedThumb("a lighthouse in fog");
    const held = hot.bytes;
    const other = await png("#ff0000");
    const file = path.join(dir, ...thumb.key.split("/"));
    fs.writeFileSync(file, other);
    fs.utimesSync(file, new Date(2001, 1, 1), new Date(2001, 1, 1));
    const reads = vi.spyOn(blobs, "get");

    for (let i = 0; i < 2; i++) {
      const response = await serveMedia({ taskId: task.id, slot: "thumb", version: null }, deps);
      expect((await bytesOf(response)).equals(other)).toBe(true);
    }
    expect(reads).toHaveBeenCalledTimes(2);
    expect(hot.bytes).toBe(held);
  });

  it("answers a replaced file with its new bytes and ETag, and lets the old ones go", async () => {
    const w = world();
    const hot = megabyteOfMemory();
    const { cache, deps } = cacheOver(w, hot);
    const task = await finished(w.tasks, "a red kite");
    const serveImage = () => serveMedia({ taskId: task.id, slot: "image", version: null }, deps);

    const first = await png("#00ff00");
    await cache.put(task.id, "image", "image/png", [first]);
    const before = await serveImage();
    expect(before.headers.get("etag")).toBe(`"${sha256(first)}"`);
    expect((await bytesOf(before)).equals(first)).toBe(true);
    expect(hot.bytes).toBe(first.length);

    const second = await png("#0000ff");
    await cache.put(task.id, "image", "image/png", [second]);
    const after = await serveImage();
    expect(after.headers.get("etag")).toBe(`"${sha256(second)}"`);
    expect((await bytesOf(after)).equals(second)).toBe(true);
    expect(hot.bytes).toBe(second.length);
  });

  it("forgets a deleted task's bytes", async () => {
    const w = world();
    const hot = megabyteOfMemory();
    const { cache, deps } = cacheOver(w, hot);
    const task = await cachedTask(w, cache, "a tram at night");
    expect((await serveMedia({ taskId: task.id, slot: "thumb", version: null }, deps)).status).toBe(200);
    expect(hot.size).toBeGreaterThan(0);

    await cache.remove([task.id]);
    expect([hot.size, hot.bytes]).toEqual([0, 0]);
    const gone = { ...deps, getTask: async () => null };
    await expect(serveMedia({ taskId: task.id, slot: "thumb", version: null }, gone)).rejects.toMatchObject({
      code: "not_found",
    });
  });

  it("holds no more than its bytes, and answers evicted thumbnails from storage", async () => {
    const w = world();
    // Room for about two thumbnails of the three tasks' (and none of their cells').
    const hot = createHotBytes({ maxBytes: 12 * 1024, maxEntryBytes: WHOLE_FILE_BYTES });
    const { blobs, cache, deps } = cacheOver(w, hot);
    const tasks = [];
    for (const prompt of ["a fern --ar 16:9", "a fox --ar 1:1", "a dune --ar 2:3"])
      tasks.push(await cachedTask(w, cache, prompt));
    expect(hot.bytes).toBeLessThanOrEqual(12 * 1024);
    for (const task of tasks) {
      const thumb = (await cache.get(task.id, "thumb"))!;
      const onDisk = await readBlob((await blobs.get(thumb.key))!);
      const response = await serveMedia({ taskId: task.id, slot: "thumb", version: null }, deps);
      expect((await bytesOf(response)).equals(onDisk)).toBe(true);
      expect(hot.bytes).toBeLessThanOrEqual(12 * 1024);
    }
  });
});
