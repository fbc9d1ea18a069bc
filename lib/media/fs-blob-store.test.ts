import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { readBlob } from "./blob-store";
import { describeBlobStore } from "./blob-store.contract";
import { createFsBlobStore } from "./fs-blob-store";

describeBlobStore("fs", async () => {
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), "mj-blobs-"));
  return {
    store: createFsBlobStore(dir),
    cleanup: () => fs.promises.rm(dir, { recursive: true, force: true }),
  };
});

describe("fs blob store", () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mj-blobs-"));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("keeps a blob at the path its key names, so the old media and inputs layout stays readable", async () => {
    const dir = tempDir();
    const store = createFsBlobStore(dir);
    await store.put("media/123/image.png", new Uint8Array([1, 2, 3]), { contentType: "image/png" });
    expect(fs.readFileSync(path.join(dir, "media", "123", "image.png"))).toEqual(Buffer.from([1, 2, 3]));

    fs.mkdirSync(path.join(dir, "inputs"));
    fs.writeFileSync(path.join(dir, "inputs", "abc.jpg"), "jpeg");
    expect(await store.head("inputs/abc.jpg")).toMatchObject({ size: 4, contentType: "image/jpeg" });
  });

  it("rejects a put whose directory was removed under it, with no uncaught error", async () => {
    const dir = tempDir();
    const store = createFsBlobStore(dir);
    fs.rmSync(dir, { recursive: true, force: true });
    // A body that is slow to come: the file's open fails while the put waits for its first chunk,
    // which was an uncaught exception (a test server's data dir removed while a thumbnail was made).
    async function* slowly() {
      await new Promise((resolve) => setTimeout(resolve, 50));
      yield new Uint8Array([1, 2, 3]);
    }
    await expect(
      store.put("media/1/image.png", slowly(), { contentType: "image/png" }),
    ).rejects.toMatchObject({
      code: "ENOENT",
    });
  });

  it("takes the content type from the key's extension and refuses a put that disagrees", async () => {
    const store = createFsBlobStore(tempDir());
    await expect(
      store.put("media/1/image.png", new Uint8Array(1), { contentType: "image/jpeg" }),
    ).rejects.toThrow("does not name");
    await expect(
      store.put("media/1/image", new Uint8Array(1), { contentType: "image/png" }),
    ).rejects.toThrow();
    await expect(
      store.put("media/1/index.sqlite", new Uint8Array(1), { contentType: "image/png" }),
    ).rejects.toThrow();
  });

  it("lists only blobs: foreign files (a SQLite index) and its own temporary files are not keys", async () => {
    const dir = tempDir();
    const store = createFsBlobStore(dir);
    fs.mkdirSync(path.join(dir, "media"));
    fs.writeFileSync(path.join(dir, "media", "index.sqlite"), "db");
    fs.writeFileSync(path.join(dir, ".tmp", "half"), "x");
    await store.put("media/1/thumb.webp", new Uint8Array(1), { contentType: "image/webp" });
    const keys: string[] = [];
    for await (const info of store.list("")) keys.push(info.key);
    expect(keys).toEqual(["media/1/thumb.webp"]);
  });

  it("clears temporary files a crash left an hour ago, not those another process is writing", () => {
    const dir = tempDir();
    createFsBlobStore(dir);
    const old = path.join(dir, ".tmp", "old");
    const fresh = path.join(dir, ".tmp", "fresh");
    fs.writeFileSync(old, "x");
    fs.writeFileSync(fresh, "x");
    const hoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
    fs.utimesSync(old, hoursAgo, hoursAgo);
    createFsBlobStore(dir);
    expect(fs.existsSync(old)).toBe(false);
    expect(fs.existsSync(fresh)).toBe(true);
  });

  it("errors a read whose blob was replaced before its first byte, rather than mix two blobs", async () => {
    const store = createFsBlobStore(tempDir());
    await store.put("media/1/image.png", new Uint8Array(10), { contentType: "image/png" });
    const blob = await store.get("media/1/image.png");
    await new Promise((resolve) => setTimeout(resolve, 5));
    await store.put("media/1/image.png", new Uint8Array(20), { contentType: "image/png" });
    await expect(readBlob(blob!)).rejects.toThrow("replaced");
  });

  it("opens no file for a body nobody reads, and closes it once read", async () => {
    const store = createFsBlobStore(tempDir());
    await store.put("media/1/video.mp4", new Uint8Array(300_000), { contentType: "video/mp4" });
    const open = () => fs.readdirSync("/proc/self/fd").length;
    const before = open();
    const unread = await store.get("media/1/video.mp4");
    expect(open()).toBe(before);
    const read = await store.get("media/1/video.mp4");
    expect((await readBlob(read!)).length).toBe(300_000);
    expect(open()).toBe(before);
    await unread!.body.cancel();
  });

  it("removes directories a delete leaves empty", async () => {
    const dir = tempDir();
    const store = createFsBlobStore(dir);
    await store.put("media/1/image.png", new Uint8Array(1), { contentType: "image/png" });
    await store.put("media/2/image.png", new Uint8Array(1), { contentType: "image/png" });
    await store.delete("media/1/image.png");
    expect(fs.existsSync(path.join(dir, "media", "1"))).toBe(false);
    expect(fs.existsSync(path.join(dir, "media", "2"))).toBe(true);
  });
});
