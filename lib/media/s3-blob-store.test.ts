import { createHash } from "node:crypto";
import { ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import fs from "node:fs";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { parseEnv } from "@/lib/env";
import { startLocalS3, type LocalS3 } from "@/lib/testing/s3";
import { closeWorlds, finished, world } from "@/lib/testing/world";
import { readBlob } from "./blob-store";
import { describeBlobStore } from "./blob-store.contract";
import { createS3BlobStore, type S3BlobStoreOptions } from "./s3-blob-store";
import { serveMedia } from "./serve";

/**
 * The S3 adapter against the test kit's local S3-compatible server: one server for the file, a
 * fresh bucket per test (so the contract suite's tests start empty).
 */
let server: LocalS3 | undefined;
beforeAll(async () => {
  server = await startLocalS3();
});
afterAll(async () => {
  await server?.close();
});

/** A store on a new, empty bucket of the file's server, configured as the app would be. */
async function fresh(options: S3BlobStoreOptions = {}) {
  const bucket = await server!.createBucket();
  const config = parseEnv({ ...server!.env, S3_BUCKET: bucket }).s3!;
  return { store: createS3BlobStore(config, options), config };
}

describeBlobStore("s3", async () => ({
  // Pages of 2 keys, so the contract's listings page through StartAfter.
  store: (await fresh({ pageSize: 2 })).store,
  cleanup: async () => {},
}));

/** A client of its own on the test bucket: what another tool (or a person) does to it behind the app's back. */
const bucketClient = (config: {
  region: string;
  endpoint?: string;
  accessKeyId: string;
  secretAccessKey: string;
}) =>
  new S3Client({
    region: config.region,
    endpoint: config.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
  });
const sha256 = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");

describe("s3 blob store", () => {
  it("streams a body larger than one part as a multipart upload and reads ranges of it back", async () => {
    const { store } = await fresh();
    const size = 12 * 1024 * 1024 + 123;
    const data = Uint8Array.from({ length: size }, (_, i) => (i * 31 + 7) % 253);
    async function* chunks(): AsyncGenerator<Uint8Array> {
      for (let at = 0; at < size; at += 64 * 1024) yield data.slice(at, at + 64 * 1024);
    }
    const info = await store.put("media/big/video.mp4", chunks(), { contentType: "video/mp4" });
    expect(info).toMatchObject({ size, contentType: "video/mp4", sha256: sha256(data) });
    expect(await store.head("media/big/video.mp4")).toMatchObject({ size, contentType: "video/mp4" });

    const whole = await store.get("media/big/video.mp4");
    expect(sha256(new Uint8Array(await readBlob(whole!)))).toBe(sha256(data));
    // A range across the boundary of the first and second 5 MiB parts.
    const start = 5 * 1024 * 1024 - 10;
    const ranged = await store.get("media/big/video.mp4", { range: { start, end: start + 19 } });
    expect(ranged?.range).toEqual({ start, end: start + 19 });
    expect(ranged?.info.size).toBe(size);
    expect(new Uint8Array(await readBlob(ranged!))).toEqual(data.slice(start, start + 20));
  }, 60_000);

  it("refuses a body over maxBytes midway through a multipart upload and leaves nothing", async () => {
    const { store } = await fresh();
    async function* endless(): AsyncGenerator<Uint8Array> {
      for (;;) yield new Uint8Array(1024 * 1024);
    }
    await expect(
      store.put("media/big/video.mp4", endless(), { contentType: "video/mp4", maxBytes: 11 * 1024 * 1024 }),
    ).rejects.toMatchObject({ name: "BlobTooLargeError" });
    expect(await store.head("media/big/video.mp4")).toBeNull();
  }, 60_000);

  it("fails a read whose signal aborts while the request is out with the signal's reason", async () => {
    const { store } = await fresh();
    await store.put("media/1/image.png", new Uint8Array(10), { contentType: "image/png" });
    const controller = new AbortController();
    const reading = store.get("media/1/image.png", { signal: controller.signal });
    controller.abort(new Error("client gone"));
    await expect(reading).rejects.toThrow("client gone");
  });

  it("lists only keys the app could have written, skipping foreign objects in the bucket", async () => {
    const { store, config } = await fresh();
    const client = bucketClient(config);
    for (const Key of ["media/1/notes.txt", "media/1/.hidden.png", "media/1/image.png"]) {
      await client.send(new PutObjectCommand({ Bucket: config.bucket, Key, Body: "x" }));
    }
    const keys: string[] = [];
    for await (const info of store.list("media/")) keys.push(info.key);
    expect(keys).toEqual(["media/1/image.png"]);
  });
});

describe("the app on an S3 bucket", () => {
  afterEach(closeWorlds);

  it("caches a finished task's media in the bucket, none on disk, and serves it with ETag and ranges", async () => {
    const bucket = await server!.createBucket();
    const w = world({ env: { ...server!.env, S3_BUCKET: bucket } });
    const task = await finished(w.tasks, "a cat on a windowsill");
    await w.media.idle();

    const cached = await w.media.get(task.id, "image");
    expect(cached).toMatchObject({ key: `media/${task.id}/image.png`, contentType: "image/png" });
    // The composition root chose the bucket: the blobs are objects in it, not files under DATA_DIR.
    const { config } = await fresh();
    const client = bucketClient(config);
    const listed = await client.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: `media/${task.id}/` }),
    );
    expect(listed.Contents?.map((object) => object.Key)).toContain(`media/${task.id}/image.png`);
    const onDisk = fs.readdirSync(path.join(w.dir, "media"));
    expect(onDisk.filter((name) => !name.startsWith("index.sqlite"))).toEqual([]);

    const etag = `"${cached!.sha256}"`;
    const whole = await serveMedia({ taskId: task.id, slot: "image", version: null }, w.mediaDeps);
    expect(whole.status).toBe(200);
    expect(whole.headers.get("etag")).toBe(etag);
    const bytes = Buffer.from(await whole.arrayBuffer());
    expect(bytes.length).toBe(cached!.bytes);
    expect(sha256(bytes)).toBe(cached!.sha256);

    const ranged = await serveMedia(
      { taskId: task.id, slot: "image", version: null, range: "bytes=100-199", ifRange: etag },
      w.mediaDeps,
    );
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get("content-range")).toBe(`bytes 100-199/${cached!.bytes}`);
    expect(Buffer.from(await ranged.arrayBuffer()).equals(bytes.subarray(100, 200))).toBe(true);
    const beyond = await serveMedia(
      { taskId: task.id, slot: "image", version: null, range: `bytes=${cached!.bytes}-` },
      w.mediaDeps,
    );
    expect(beyond.status).toBe(416);
    const revalidated = await serveMedia(
      { taskId: task.id, slot: "image", version: null, ifNoneMatch: etag },
      w.mediaDeps,
    );
    expect(revalidated.status).toBe(304);
  }, 60_000);

  it("answers a thumbnail from memory once the object is checked (HEAD, no GET), a rewritten object from the bucket", async () => {
    const bucket = await server!.createBucket();
    const w = world({ env: { ...server!.env, S3_BUCKET: bucket } });
    const task = await finished(w.tasks, "a heron on a post");
    await w.media.idle();
    const thumb = (await w.media.get(task.id, "thumb"))!;
    const stored = await readBlob((await w.blobs.get(thumb.key))!);
    const gets = vi.spyOn(w.blobs, "get");
    const heads = vi.spyOn(w.blobs, "head");
    const serveThumb = async () =>
      Buffer.from(
        await (
          await serveMedia({ taskId: task.id, slot: "thumb", version: null }, w.mediaDeps)
        ).arrayBuffer(),
      );

    expect((await serveThumb()).equals(stored)).toBe(true);
    expect((await serveThumb()).equals(stored)).toBe(true);
    expect([gets.mock.calls.length, heads.mock.calls.length]).toEqual([0, 2]);

    // Rewritten behind the app's back (another size): storage answers, not memory.
    const other = Buffer.concat([stored, Buffer.from("more")]);
    const { config } = await fresh();
    const client = bucketClient(config);
    await client.send(
      new PutObjectCommand({ Bucket: bucket, Key: thumb.key, Body: other, ContentType: "image/webp" }),
    );
    expect((await serveThumb()).equals(other)).toBe(true);
    expect(gets).toHaveBeenCalledTimes(1);
  }, 60_000);
});
