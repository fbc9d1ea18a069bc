import "server-only";
import { pipeline, Readable } from "node:stream";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import zlib from "node:zlib";
import { chunksOfSource, RangeNotSatisfiableError, type BlobStore } from "./blob-store";

/**
 * Reads a zip blob through its central directory, one entry at a time, as a stream: every read is
 * a ranged `get` of the blob (the end record, the directory, each local header, each entry's data),
 * so the archive can sit in any BlobStore and is never read whole.
 *
 * Not fflate's streaming `Unzip`: that one finds where an entry ends by scanning its data for the
 * next signature, and the exports this app writes (fflate's streaming `Zip`) give no sizes in the
 * local headers. Any media file holding the bytes `PK\x03\x04` or `PK\x07\x08` (a few in every
 * thousand multi-megabyte images) was cut there, and the rest of the archive lost. The central
 * directory states every entry's offset, sizes and CRC; reading by it is exact, whatever the data.
 * It also recursed once per entry of a pushed chunk (thousands of entries overflowed the stack).
 */

/** What the archive is not (a 400 for the importer). */
export class ZipError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ZipError";
  }
}

export interface ZipEntry {
  name: string;
  /** As declared by the central directory; reading checks the data against it. */
  size: number;
  compressedSize: number;
  method: number;
  crc: number;
  /** Offset of the local header. */
  offset: number;
}

export interface ZipFile {
  entries: ZipEntry[];
  /**
   * The entry's bytes, inflated as they are read (chunks of 16-64 KB whatever the entry's size).
   * Fails with a ZipError as soon as the data passes its declared size, and at the end when it
   * is shorter or its CRC differs: a zip bomb that understates its size costs one chunk past it.
   */
  read(entry: ZipEntry): AsyncGenerator<Uint8Array>;
}

export interface ZipLimits {
  /** Entries in the central directory. */
  entries: number;
  /** Bytes of the central directory (names and extra fields included). */
  directoryBytes: number;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const EOCD_BYTES = 22;
const ZIP64_MARK = 0xffffffff;
const STORED = 0;
const DEFLATED = 8;

type Blobs = Pick<BlobStore, "get" | "head">;

/** A range that starts past the blob's end reads as nothing (the caller says what is missing). */
function beyondEnd(error: unknown): null {
  if (error instanceof RangeNotSatisfiableError) return null;
  throw error;
}

/** `length` bytes of the blob from `position`, all of them or a ZipError. */
async function readAt(blobs: Blobs, key: string, position: number, length: number): Promise<Buffer> {
  if (length === 0) return Buffer.alloc(0);
  const blob = await blobs
    .get(key, { range: { start: position, end: position + length - 1 } })
    .catch(beyondEnd);
  if (!blob) throw new ZipError("it is cut short");
  const parts: Uint8Array[] = [];
  for await (const chunk of chunksOfSource(blob.body)) parts.push(chunk);
  const buffer = Buffer.concat(parts);
  if (buffer.length !== length) throw new ZipError("it is cut short");
  return buffer;
}

/** The end-of-central-directory record: the last one whose comment runs exactly to the end. */
function findEnd(tail: Buffer): number {
  for (let at = tail.length - EOCD_BYTES; at >= 0; at--) {
    if (tail.readUInt32LE(at) === EOCD && at + EOCD_BYTES + tail.readUInt16LE(at + 20) === tail.length) {
      return at;
    }
  }
  throw new ZipError("it is not a readable zip file");
}

/** Opens the zip blob at `key` by its central directory (a ZipError when it is not a usable zip). */
export async function openZip(blobs: Blobs, key: string, limits: ZipLimits): Promise<ZipFile> {
  const info = await blobs.head(key);
  if (!info) throw new ZipError("it is not a readable zip file");
  const fileSize = info.size;
  const tailLength = Math.min(fileSize, EOCD_BYTES + 0xffff);
  if (tailLength < EOCD_BYTES) throw new ZipError("it is not a readable zip file");
  const tail = await readAt(blobs, key, fileSize - tailLength, tailLength);
  const end = findEnd(tail);
  const endOffset = fileSize - tailLength + end;
  const directorySize = tail.readUInt32LE(end + 12);
  const directoryOffset = tail.readUInt32LE(end + 16);
  if (tail.readUInt16LE(end + 4) !== 0 || tail.readUInt16LE(end + 6) !== 0) {
    throw new ZipError("it spans several disks");
  }
  if (directorySize === ZIP64_MARK || directoryOffset === ZIP64_MARK) {
    throw new ZipError("it uses ZIP64, which is not supported");
  }
  if (directoryOffset + directorySize > endOffset) throw new ZipError("its central directory is corrupt");
  if (directorySize > limits.directoryBytes) {
    throw new ZipError(`its central directory is larger than ${limits.directoryBytes / 1024 / 1024} MB`);
  }
  const directory = await readAt(blobs, key, directoryOffset, directorySize);
  const entries = readDirectory(directory, directoryOffset, limits);
  return { entries, read: (entry) => readEntry(blobs, key, entry) };
}

/**
 * Walks the records by their own lengths, not by the count in the end record: fflate writes
 * that count in 16 bits, so an archive of 70,000 files says 4,464.
 */
function readDirectory(directory: Buffer, directoryOffset: number, limits: ZipLimits): ZipEntry[] {
  const entries: ZipEntry[] = [];
  for (let at = 0; at < directory.length;) {
    if (at + 46 > directory.length || directory.readUInt32LE(at) !== CENTRAL) {
      throw new ZipError("its central directory is corrupt");
    }
    if (entries.length >= limits.entries) throw new ZipError(`it has more than ${limits.entries} entries`);
    const flags = directory.readUInt16LE(at + 8);
    const nameLength = directory.readUInt16LE(at + 28);
    const recordLength = 46 + nameLength + directory.readUInt16LE(at + 30) + directory.readUInt16LE(at + 32);
    if (at + recordLength > directory.length) throw new ZipError("its central directory is corrupt");
    const entry: ZipEntry = {
      name: directory.toString("utf8", at + 46, at + 46 + nameLength),
      method: directory.readUInt16LE(at + 10),
      crc: directory.readUInt32LE(at + 16),
      compressedSize: directory.readUInt32LE(at + 20),
      size: directory.readUInt32LE(at + 24),
      offset: directory.readUInt32LE(at + 42),
    };
    if (flags & 1) throw new ZipError(`entry "${entry.name.slice(0, 120)}" is encrypted`);
    if (entry.compressedSize === ZIP64_MARK || entry.size === ZIP64_MARK || entry.offset === ZIP64_MARK) {
      throw new ZipError("it uses ZIP64, which is not supported");
    }
    if (entry.offset + 30 + entry.compressedSize > directoryOffset) {
      throw new ZipError("its central directory is corrupt");
    }
    entries.push(entry);
    at += recordLength;
  }
  return entries;
}

/** Where the data starts needs the local header: its name and extra field may differ in length. */
async function* readEntry(blobs: Blobs, key: string, entry: ZipEntry): AsyncGenerator<Uint8Array> {
  const corrupt = () => new ZipError(`entry "${entry.name.slice(0, 120)}" is corrupt`);
  if (entry.method !== STORED && entry.method !== DEFLATED) {
    throw new ZipError(`entry "${entry.name.slice(0, 120)}" uses an unsupported compression`);
  }
  const local = await readAt(blobs, key, entry.offset, 30);
  if (local.readUInt32LE(0) !== LOCAL) throw corrupt();
  const start = entry.offset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
  let seen = 0;
  let crc = 0;
  if (entry.compressedSize > 0) {
    const end = start + entry.compressedSize - 1;
    const blob = await blobs.get(key, { range: { start, end } }).catch(beyondEnd);
    // Clamped at the blob's end: the data the directory promises is not all there.
    if (!blob || blob.range?.end !== end) {
      await blob?.body.cancel();
      throw corrupt();
    }
    const raw = Readable.fromWeb(blob.body as NodeReadableStream<Uint8Array>);
    const source: Readable =
      entry.method === DEFLATED ? pipeline(raw, zlib.createInflateRaw(), () => {}) : raw;
    try {
      for await (const chunk of source as AsyncIterable<Buffer>) {
        seen += chunk.byteLength;
        if (seen > entry.size) {
          throw new ZipError(`entry "${entry.name.slice(0, 120)}" unpacks to more than it declares`);
        }
        crc = zlib.crc32(chunk, crc);
        yield chunk;
      }
    } catch (error) {
      throw error instanceof ZipError ? error : corrupt();
    } finally {
      // Stopping early (a refused entry, a failing consumer) releases the blob's stream.
      raw.destroy();
      source.destroy();
    }
  }
  if (seen !== entry.size || crc !== entry.crc) throw corrupt();
}
