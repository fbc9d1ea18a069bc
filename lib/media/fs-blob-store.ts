import "server-only";
import { createHash, randomUUID } from "node:crypto";
import { pipeline } from "node:stream/promises";
import fs from "node:fs";
import path from "node:path";
import { contentTypeOfName } from "@/lib/mj/media-kinds";
import {
  assertBlobKey,
  assertBlobPrefix,
  BlobTooLargeError,
  chunksOfSource,
  InvalidBlobKeyError,
  RangeNotSatisfiableError,
  type BlobInfo,
  type BlobStore,
  type ByteRange,
} from "./blob-store";

/**
 * The BlobStore on a directory: key `a/b/c.png` is the file `<root>/a/b/c.png`. The only module
 * that builds a file path from a key.
 *
 * The content type is the key's extension read through the media vocabulary (lib/mj/media-kinds),
 * not a sidecar file: every key the app writes ends in the extension of what it holds, a file and
 * its type can then never disagree or be half-written apart, and a directory copied by hand stays
 * a valid store. A put whose content type the key's extension does not name is refused, so the
 * type given to put is always the one head and get return, as with any other adapter.
 *
 * A put streams into `<root>/.tmp/<uuid>` (same file system, hashing as it goes) and renames the
 * file into place, so readers see the old blob or the whole new one; `.tmp` can never be a key
 * (no key segment starts with a dot); what a crash left there is removed when a store opens (only
 * old files: another process may share the directory and be writing). A key cannot be both a
 * blob and a prefix directory of another (`a` and `a/b`), which no key scheme of the app needs.
 */
/** A temporary file this old is a crash's leftover, not a put in progress (in any process). */
const STALE_PART_MS = 60 * 60 * 1000;

export function createFsBlobStore(rootDir: string): BlobStore {
  const root = path.resolve(rootDir);
  const tmpDir = path.join(root, ".tmp");
  fs.mkdirSync(tmpDir, { recursive: true });
  for (const name of fs.readdirSync(tmpDir)) {
    const part = path.join(tmpDir, name);
    const modifiedAt = fs.statSync(part, { throwIfNoEntry: false })?.mtimeMs ?? Infinity;
    if (modifiedAt < Date.now() - STALE_PART_MS) {
      fs.rmSync(part, { force: true });
    }
  }

  function fileOf(key: string): string {
    assertBlobKey(key);
    return path.join(root, ...key.split("/"));
  }

  function typeOf(key: string): string {
    const type = contentTypeOfName(key);
    if (!type) throw new InvalidBlobKeyError(key);
    return type;
  }

  const infoOf = (key: string, stat: fs.Stats): BlobInfo => ({
    key,
    size: stat.size,
    contentType: typeOf(key),
    modifiedAt: stat.mtimeMs,
  });

  async function statFile(file: string): Promise<fs.Stats | null> {
    try {
      const stat = await fs.promises.stat(file);
      return stat.isFile() ? stat : null;
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  /** Renames into place; a concurrent delete may remove the freshly made directory, so once more. */
  async function moveIntoPlace(part: string, file: string): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      await fs.promises.mkdir(path.dirname(file), { recursive: true });
      try {
        await fs.promises.rename(part, file);
        return;
      } catch (error) {
        if (!isMissing(error) || attempt >= 2) throw error;
      }
    }
  }

  /** Removes now-empty directories from `dir` up to (not including) the root. */
  async function pruneEmpty(dir: string): Promise<void> {
    for (let current = dir; current !== root && current.startsWith(root + path.sep);) {
      try {
        await fs.promises.rmdir(current);
      } catch {
        return; // not empty (or gone already): either way, done
      }
      current = path.dirname(current);
    }
  }

  async function* walk(dir: string, keyPrefix: string, prefix: string): AsyncGenerator<BlobInfo> {
    let entries: fs.Dirent[];
    try {
      entries = await fs.promises.readdir(dir, { withFileTypes: true });
    } catch (error) {
      if (isMissing(error)) return;
      throw error;
    }
    // A directory `a` holds keys `a/...`, which sort as `a/`: so compare `a/` with file names, and
    // the walk yields keys in plain string order (`a-c` before `a/b`).
    const named = entries
      .filter((entry) => !entry.name.startsWith(".") && (entry.isFile() || entry.isDirectory()))
      .map((entry) => ({ entry, sortKey: entry.isDirectory() ? `${entry.name}/` : entry.name }))
      .sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));
    for (const { entry, sortKey } of named) {
      const key = keyPrefix + sortKey;
      if (entry.isDirectory()) {
        if (key.startsWith(prefix) || prefix.startsWith(key)) {
          yield* walk(path.join(dir, entry.name), key, prefix);
        }
        continue;
      }
      if (!key.startsWith(prefix) || !contentTypeOfName(key)) continue;
      const stat = await statFile(path.join(dir, entry.name));
      if (stat) yield infoOf(key, stat); // deleted meanwhile: skipped
    }
  }

  return {
    async put(key, body, options) {
      const file = fileOf(key);
      if (typeOf(key) !== options.contentType) {
        throw new Error(`The key ${key} does not name the content type ${options.contentType}.`);
      }
      options.signal?.throwIfAborted();
      const part = path.join(tmpDir, randomUUID());
      const hash = createHash("sha256");
      let size = 0;
      try {
        // pipeline owns the file stream's errors: one raised while no write waited (its open
        // failing, say, because the data directory was removed under a put) rejects the put
        // instead of being an uncaught exception that ends the process.
        await pipeline(async function* () {
          for await (const chunk of chunksOfSource(body)) {
            options.signal?.throwIfAborted();
            size += chunk.byteLength;
            if (options.maxBytes !== undefined && size > options.maxBytes) {
              throw new BlobTooLargeError(options.maxBytes);
            }
            hash.update(chunk);
            yield chunk;
          }
          options.signal?.throwIfAborted();
        }, fs.createWriteStream(part));
        const stat = await fs.promises.stat(part);
        await moveIntoPlace(part, file);
        return { ...infoOf(key, stat), sha256: hash.digest("hex") };
      } catch (error) {
        await fs.promises.rm(part, { force: true });
        throw error;
      }
    },

    async get(key, options = {}) {
      const file = fileOf(key);
      options.signal?.throwIfAborted();
      const stat = await statFile(file);
      if (!stat) return null;
      const info = infoOf(key, stat);
      let range = null;
      if (options.range) {
        const { start, end } = options.range;
        if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
          throw new RangeError(`Invalid byte range ${start}-${end}.`);
        }
        if (start >= info.size) throw new RangeNotSatisfiableError(info.size);
        range = { start, end: Math.min(end, info.size - 1) };
      }
      const body = readFile(file, stat, range ?? { start: 0, end: info.size - 1 }, options.signal);
      return { info, range, body };
    },

    async head(key) {
      // A local file's stat takes microseconds; through libuv's pool it takes a thread hand-off,
      // which on a busy 2-core machine cost the event loop about 1 ms per call (profiled: the media
      // route checks the blob of every thumbnail it answers from memory).
      let stat: fs.Stats | undefined;
      try {
        stat = fs.statSync(fileOf(key), { throwIfNoEntry: false });
      } catch (error) {
        if (!isMissing(error)) throw error;
      }
      return stat?.isFile() ? infoOf(key, stat) : null;
    },

    async delete(key) {
      const file = fileOf(key);
      await fs.promises.rm(file, { force: true });
      await pruneEmpty(path.dirname(file));
    },

    list(prefix) {
      assertBlobPrefix(prefix);
      // Start at the deepest directory the prefix names in full; filter by the rest on the way.
      const slash = prefix.lastIndexOf("/");
      const start = prefix.slice(0, slash + 1);
      return walk(path.join(root, ...start.split("/").filter(Boolean)), start, prefix);
    },
  };
}

const READ_CHUNK = 128 * 1024;

/**
 * Bytes `start..end` of a file as a web stream that opens the file on the first read and closes it
 * at the end, on cancel or on abort: a body nobody reads (a HEAD, a client gone before the first
 * byte) holds no file handle. Should the file have been replaced since `stat` (a put renamed a new
 * blob over the key), the stream errors rather than mix two blobs under one length.
 */
function readFile(
  file: string,
  stat: fs.Stats,
  range: ByteRange,
  signal: AbortSignal | undefined,
): ReadableStream<Uint8Array> {
  let handle: fs.promises.FileHandle | null = null;
  let position = range.start;
  let done = false;
  let onAbort: (() => void) | null = null;
  const finish = async () => {
    done = true;
    if (onAbort) signal?.removeEventListener("abort", onAbort);
    const open = handle;
    handle = null;
    await open?.close().catch(() => {});
  };
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        onAbort = () => {
          if (done) return;
          void finish();
          controller.error(signal?.reason);
        };
        signal?.addEventListener("abort", onAbort, { once: true });
      },
      async pull(controller) {
        try {
          signal?.throwIfAborted();
          const length = Math.min(READ_CHUNK, range.end + 1 - position);
          if (length > 0 && !handle) {
            handle = await fs.promises.open(file, "r");
            const now = await handle.stat();
            if (now.ino !== stat.ino || now.size !== stat.size || now.mtimeMs !== stat.mtimeMs) {
              throw new Error("The blob was replaced while it was being read.");
            }
          }
          if (length <= 0 || !handle) {
            await finish();
            controller.close();
            return;
          }
          const chunk = new Uint8Array(length);
          const { bytesRead } = await handle.read(chunk, 0, length, position);
          if (bytesRead === 0) throw new Error("The blob ended before its size.");
          position += bytesRead;
          controller.enqueue(chunk.subarray(0, bytesRead));
          if (position > range.end) {
            await finish();
            controller.close();
          }
        } catch (error) {
          await finish();
          controller.error(error);
        }
      },
      async cancel() {
        await finish();
      },
    },
    // Nothing is read ahead of the reader: the file is opened only once a byte is asked for.
    new CountQueuingStrategy({ highWaterMark: 0 }),
  );
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code === "ENOENT" || code === "ENOTDIR";
}
