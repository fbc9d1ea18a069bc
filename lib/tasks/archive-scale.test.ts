import { once } from "node:events";
import zlib from "node:zlib";
import { strToU8, Zip, ZipDeflate, ZipPassThrough, type ZipInputFile } from "fflate";
import sharp from "sharp";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { closeWorlds, world } from "@/lib/testing/world";
import { importArchive } from "./archive";

/**
 * Imports at real sizes and hostile ones, with real zips built by fflate's streaming Zip (as the
 * export writes them: no sizes in the local headers) and the memory the import takes measured.
 */

/** Loose on purpose: the budget is 300 MB for any archive; a measurement, not a timing. */
const MEMORY_BUDGET = 300 * 1024 * 1024;
const SLOW = 10 * 60 * 1000;

// Removing a world of 5,000 media folders takes more than the default 10 s on a busy machine.
afterEach(closeWorlds, SLOW);

/** The whole body as one chunk, as a buffered upload arrives. */
function upload(bytes: Uint8Array) {
  return {
    body: new Response(new Uint8Array(bytes)).body,
    contentType: "application/zip",
    contentLength: String(bytes.byteLength),
  };
}

/** A zip made entry by entry: `data` is pushed chunk by chunk, so a huge entry is never whole. */
function streamedZip(
  entries: Iterable<{ name: string; deflate: boolean; chunks: Iterable<Uint8Array> }>,
): Uint8Array {
  const out: Uint8Array[] = [];
  const zip = new Zip((error, chunk) => {
    if (error) throw error;
    out.push(chunk);
  });
  for (const entry of entries) {
    const file = entry.deflate ? new ZipDeflate(entry.name, { level: 1 }) : new ZipPassThrough(entry.name);
    zip.add(file);
    for (const chunk of entry.chunks) file.push(chunk);
    file.push(new Uint8Array(0), true);
  }
  zip.end();
  return Buffer.concat(out);
}

const tasksJson = (ids: string[]) => ({
  name: "tasks.json",
  deflate: true,
  chunks: [
    strToU8(
      JSON.stringify({
        format: "mj-studio-archive",
        version: 1,
        tasks: ids.map((id) => ({ id, status: "SUCCESS", prompt: `task ${id}` })),
      }),
    ),
  ],
});

/**
 * An entry of `megabytes` MB of zeros in fflate's streaming Zip, deflated as it goes by zlib
 * (fflate's own deflate takes ~20 s for a gigabyte; zlib ~1 s, and the test holds 1 MB at a time).
 */
async function addZeros(zip: Zip, name: string, megabytes: number): Promise<void> {
  const zeros = Buffer.alloc(1024 * 1024);
  let crc = 0;
  for (let i = 0; i < megabytes; i++) crc = zlib.crc32(zeros, crc);
  const file: ZipInputFile = { filename: name, size: megabytes * zeros.length, crc, compression: 8 };
  zip.add(file);
  const deflate = zlib.createDeflateRaw({ level: 9 });
  const forwarded = (async () => {
    for await (const chunk of deflate as AsyncIterable<Buffer>)
      file.ondata!(null, new Uint8Array(chunk), false);
  })();
  for (let i = 0; i < megabytes; i++) if (!deflate.write(zeros)) await once(deflate, "drain");
  deflate.end();
  await forwarded;
  file.ondata!(null, new Uint8Array(0), true);
}

/** The import's peak growth of RSS and of ArrayBuffer memory, sampled while it runs. */
async function measured<T>(
  work: () => Promise<T>,
): Promise<{ result: T; rss: number; arrayBuffers: number }> {
  const base = process.memoryUsage();
  let rss = base.rss;
  let arrayBuffers = base.arrayBuffers;
  const sample = () => {
    const now = process.memoryUsage();
    rss = Math.max(rss, now.rss);
    arrayBuffers = Math.max(arrayBuffers, now.arrayBuffers);
  };
  const timer = setInterval(sample, 5);
  try {
    const result = await work();
    sample();
    return { result, rss: rss - base.rss, arrayBuffers: arrayBuffers - base.arrayBuffers };
  } finally {
    clearInterval(timer);
  }
}

/** Sets the uncompressed size the central directory declares for `name` (a lying archive). */
function declareSize(zip: Uint8Array, name: string, size: number): Uint8Array {
  const patched = Buffer.from(zip);
  const encoded = Buffer.from(name);
  for (let at = patched.length - 46; at >= 0; at--) {
    if (
      patched.readUInt32LE(at) === 0x02014b50 &&
      patched.readUInt16LE(at + 28) === encoded.length &&
      patched.subarray(at + 46, at + 46 + encoded.length).equals(encoded)
    ) {
      patched.writeUInt32LE(size, at + 24);
      return patched;
    }
  }
  throw new Error(`no central directory record for ${name}`);
}

let png: Uint8Array;

beforeAll(async () => {
  png = new Uint8Array(
    await sharp({ create: { width: 4, height: 4, channels: 3, background: "#884422" } })
      .png()
      .toBuffer(),
  );
});

describe("archives at real sizes", () => {
  it(
    "imports 5,000 media files in bounded memory",
    async () => {
      const ids = Array.from({ length: 5_000 }, (_, i) => String(1_000_000 + i));
      const zip = streamedZip([
        tasksJson(ids),
        ...ids.map((id) => ({ name: `media/${id}/image.png`, deflate: false, chunks: [png] })),
      ]);
      const w = world();
      const cache = w.media;
      const { result, rss, arrayBuffers } = await measured(() => importArchive(upload(zip), w.archive));
      expect(result).toEqual({ imported: 5_000, skipped: 0, invalid: 0 });
      const missing: string[] = [];
      for (const id of ids) if ((await cache.get(id, "image")) === null) missing.push(id);
      expect(missing).toEqual([]);
      expect(rss).toBeLessThan(MEMORY_BUDGET);
      expect(arrayBuffers).toBeLessThan(MEMORY_BUDGET);
      expect(await w.blobKeys("staging/")).toEqual([]);
    },
    SLOW,
  );
});

describe("a zip bomb", () => {
  const name = "media/3000/image.png";
  let bomb: Uint8Array;

  beforeAll(async () => {
    // ~1 MB that inflates to 1 GB of zeros, made a megabyte at a time.
    const out: Uint8Array[] = [];
    const zip = new Zip((error, chunk) => {
      if (error) throw error;
      out.push(chunk);
    });
    const json = tasksJson(["3000"]);
    const jsonFile = new ZipDeflate(json.name);
    zip.add(jsonFile);
    jsonFile.push(json.chunks[0]!, true);
    await addZeros(zip, name, 1024);
    zip.end();
    bomb = Buffer.concat(out);
    expect(bomb.byteLength).toBeLessThan(2 * 1024 * 1024);
  }, SLOW);

  it.each([
    ["declaring its size", (zip: Uint8Array) => zip, /larger than 25 MB/],
    [
      "declaring 20 MB, under the image cap",
      (zip: Uint8Array) => declareSize(zip, name, 20 * 1024 * 1024),
      /unpacks to more than it declares/,
    ],
    [
      "declaring 100 bytes",
      (zip: Uint8Array) => declareSize(zip, name, 100),
      /unpacks to more than it declares/,
    ],
  ])(
    "is not kept, and costs bounded memory, %s",
    async (_, variant, reason) => {
      const w = world();
      const cache = w.media;
      const logs: string[] = [];
      const { result, rss, arrayBuffers } = await measured(() =>
        importArchive(upload(variant(bomb)), { ...w.archive, log: (message) => logs.push(message) }),
      );
      expect(logs).toEqual([expect.stringMatching(reason)]);
      expect(result).toEqual({ imported: 1, skipped: 0, invalid: 0 });
      expect(await cache.get("3000", "image")).toBeNull();
      expect(rss).toBeLessThan(MEMORY_BUDGET);
      expect(arrayBuffers).toBeLessThan(MEMORY_BUDGET);
    },
    SLOW,
  );
});
