/**
 * The BlobStore port: where the app keeps bytes (cached media, request images, archives being
 * imported). The filesystem adapter (fs-blob-store.ts) is the only module that turns a key into a
 * path; an S3 adapter would implement the same interface and pass the same contract suite
 * (blob-store.contract.ts).
 *
 * Keys: `media/<taskId>/<slot>.<ext>`, `inputs/<sha256>.<ext>`, `staging/<id>.zip`.
 */

export interface BlobInfo {
  key: string;
  /** Bytes. */
  size: number;
  contentType: string;
  /** Milliseconds since the epoch. */
  modifiedAt: number;
}

/** Inclusive at both ends, like HTTP's `Range: bytes=start-end`. */
export interface ByteRange {
  start: number;
  end: number;
}

export interface BlobBody {
  info: BlobInfo;
  /** The bytes the body holds (clamped to the blob), or null for the whole blob. */
  range: ByteRange | null;
  body: ReadableStream<Uint8Array>;
}

export type BlobSource = AsyncIterable<Uint8Array> | ReadableStream<Uint8Array> | Uint8Array;

export interface BlobPutOptions {
  contentType: string;
  maxBytes?: number;
  signal?: AbortSignal;
}

export interface BlobStore {
  /**
   * Streams body into the key, atomically: readers see the old blob or the whole new one. More
   * than maxBytes throws BlobTooLargeError and leaves nothing (nor does an abort or a failing
   * body). Returns the blob's info and its SHA-256 (hex).
   */
  put(key: string, body: BlobSource, options: BlobPutOptions): Promise<BlobInfo & { sha256: string }>;
  /**
   * The blob, or null when absent. A range is clamped like HTTP's (end beyond the blob -> its last
   * byte); a start at or beyond the size throws RangeNotSatisfiableError.
   */
  get(key: string, options?: { range?: ByteRange; signal?: AbortSignal }): Promise<BlobBody | null>;
  head(key: string): Promise<BlobInfo | null>;
  /** Deleting an absent key is not an error. */
  delete(key: string): Promise<void>;
  /** Every blob whose key starts with prefix, in key order (UTF-16 code unit order, like `<`). */
  list(prefix: string): AsyncIterable<BlobInfo>;
}

export class RangeNotSatisfiableError extends Error {
  constructor(readonly size: number) {
    super(`The range starts beyond the blob's ${size} bytes.`);
    this.name = "RangeNotSatisfiableError";
  }
}

export class BlobTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`The blob is larger than ${maxBytes} bytes.`);
    this.name = "BlobTooLargeError";
  }
}

export class InvalidBlobKeyError extends Error {
  constructor(key: string) {
    super(`Invalid blob key "${key.slice(0, 80)}".`);
    this.name = "InvalidBlobKeyError";
  }
}

/**
 * Segments of letters, digits, `.`, `_` and `-`, joined by single slashes; no segment starts with a
 * dot, which rules out `.` and `..` (no key leaves the store) and leaves dot-names to adapters for
 * their own bookkeeping (the fs adapter's `.tmp`).
 */
const KEY = /^[A-Za-z0-9_-][A-Za-z0-9._-]*(?:\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$/;
const MAX_KEY_LENGTH = 512;

export function isBlobKey(key: string): boolean {
  return key.length <= MAX_KEY_LENGTH && KEY.test(key);
}

/** Throws InvalidBlobKeyError unless `key` is a valid key. */
export function assertBlobKey(key: string): void {
  if (!isBlobKey(key)) throw new InvalidBlobKeyError(key);
}

/** A list prefix: empty, or a key's beginning (it may end in `/` or mid-segment). */
export function assertBlobPrefix(prefix: string): void {
  if (prefix !== "" && !isBlobKey(prefix.endsWith("/") ? prefix.slice(0, -1) : prefix)) {
    throw new InvalidBlobKeyError(prefix);
  }
}

/** The blob's bytes as chunks, whatever form the caller has them in. */
export async function* chunksOfSource(body: BlobSource): AsyncGenerator<Uint8Array> {
  if (body instanceof Uint8Array) {
    yield body;
    return;
  }
  if (!(body instanceof ReadableStream)) {
    yield* body;
    return;
  }
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    // Stopping early (too large, aborted) cancels the source instead of leaving it open.
    await reader.cancel().catch(() => {});
  }
}

/** Reads a source whole (small ones only: thumbnail sources, request images). */
export async function readSource(source: BlobSource): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of chunksOfSource(source)) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** Reads a blob body whole (small blobs: thumbnail sources, request images). */
export async function readBlob(body: BlobBody): Promise<Buffer> {
  return readSource(body.body);
}
