import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { strToU8, Zip, ZipDeflate, ZipPassThrough } from "fflate";
import { afterEach, describe, expect, it } from "vitest";
import type { BlobStore, ByteRange } from "./blob-store";
import { createFsBlobStore } from "./fs-blob-store";
import { openZip, ZipError } from "./zip-reader";

/** The zip reader works on any BlobStore, by ranged reads only, exactly whatever the data holds. */

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

const LIMITS = { entries: 100, directoryBytes: 1024 * 1024 };

/** A store that records the range of every get. */
function recordingStore(): { blobs: BlobStore; ranges: (ByteRange | undefined)[] } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mj-zip-"));
  dirs.push(dir);
  const inner = createFsBlobStore(dir);
  const ranges: (ByteRange | undefined)[] = [];
  return {
    ranges,
    blobs: {
      ...inner,
      get(key, options) {
        ranges.push(options?.range);
        return inner.get(key, options);
      },
    },
  };
}

/** As the export writes them: fflate's streaming Zip, no sizes in the local headers. */
function streamedZip(files: Record<string, { data: Uint8Array; deflate: boolean }>): Uint8Array {
  const out: Uint8Array[] = [];
  const zip = new Zip((error, chunk) => {
    if (error) throw error;
    out.push(chunk);
  });
  for (const [name, { data, deflate }] of Object.entries(files)) {
    const file = deflate ? new ZipDeflate(name) : new ZipPassThrough(name);
    zip.add(file);
    file.push(data, true);
  }
  zip.end();
  return Buffer.concat(out);
}

async function bytesOf(chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return Buffer.concat(parts);
}

describe("openZip", () => {
  it("reads every entry exactly, signatures inside the data included, through ranged gets only", async () => {
    const { blobs, ranges } = recordingStore();
    const tricky = Buffer.from(
      "head PK\x03\x04 PK\x07\x08 PK\x01\x02 PK\x05\x06 tail".repeat(3000),
      "latin1",
    );
    const json = strToU8(JSON.stringify({ hello: "世界" }));
    const zip = streamedZip({
      "media/1/image.png": { data: tricky, deflate: false },
      "tasks.json": { data: json, deflate: true },
    });
    await blobs.put("staging/a.zip", zip, { contentType: "application/zip" });

    const file = await openZip(blobs, "staging/a.zip", LIMITS);
    expect(file.entries.map((entry) => entry.name)).toEqual(["media/1/image.png", "tasks.json"]);
    expect((await bytesOf(file.read(file.entries[0]!))).equals(tricky)).toBe(true);
    expect(new Uint8Array(await bytesOf(file.read(file.entries[1]!)))).toEqual(json);

    expect(ranges.length).toBeGreaterThan(0);
    for (const range of ranges) {
      expect(range).toBeDefined();
      expect(range!.end - range!.start + 1).toBeLessThan(zip.byteLength);
    }
  });

  it("refuses a blob that is not a zip, or a zip cut short", async () => {
    const { blobs } = recordingStore();
    const zip = streamedZip({ "tasks.json": { data: strToU8("x".repeat(5000)), deflate: false } });
    await blobs.put("staging/text.zip", strToU8("just some text, not a zip at all"), {
      contentType: "application/zip",
    });
    await blobs.put("staging/cut.zip", zip.subarray(0, zip.length - 10), { contentType: "application/zip" });
    await expect(openZip(blobs, "staging/text.zip", LIMITS)).rejects.toBeInstanceOf(ZipError);
    await expect(openZip(blobs, "staging/cut.zip", LIMITS)).rejects.toBeInstanceOf(ZipError);
    await expect(openZip(blobs, "staging/absent.zip", LIMITS)).rejects.toBeInstanceOf(ZipError);
  });

  it("fails an entry whose data runs past the blob's end", async () => {
    const { blobs } = recordingStore();
    const data = strToU8("y".repeat(5000));
    const zip = Buffer.from(streamedZip({ "tasks.json": { data, deflate: false } }));
    // The local header's extra field claims 200 bytes, so the data it places runs past the end,
    // and 0xffff places even its start beyond it.
    for (const [extra, key] of [
      [200, "staging/clamped.zip"],
      [0xffff, "staging/beyond.zip"],
    ] as const) {
      zip.writeUInt16LE(extra, 28);
      await blobs.put(key, zip, { contentType: "application/zip" });
      const file = await openZip(blobs, key, LIMITS);
      await expect(bytesOf(file.read(file.entries[0]!))).rejects.toThrow(/is corrupt/);
    }
  });
});
