import "server-only";
import { bytesAnswer } from "@/lib/http/lane-answer";
import { RangeNotSatisfiableError, type ByteRange } from "./blob-store";

/**
 * Conditional and partial GETs of stored files (RFC 9110 sections 13 and 14): ETag revalidation (304),
 * single byte ranges (206, 416), If-Range, and HEAD. A video element needs ranges to seek, and
 * Safari will not even play a video whose server does not answer them.
 *
 * A request for several ranges gets the whole file (200), as many servers answer: a
 * multipart/byteranges body buys players nothing.
 */

/** What of a request decides the answer; `fromRequest` reads it off a route's Request. */
export interface ConditionalRequest {
  head?: boolean;
  ifNoneMatch?: string | null;
  range?: string | null;
  ifRange?: string | null;
  signal?: AbortSignal;
  /** The Request these were read off: bytes in hand answer it without a web stream in the fast lane. */
  from?: Request;
}

export function fromRequest(request: Request): ConditionalRequest {
  return {
    head: request.method === "HEAD",
    ifNoneMatch: request.headers.get("if-none-match"),
    range: request.headers.get("range"),
    ifRange: request.headers.get("if-range"),
    signal: request.signal,
    from: request,
  };
}

const RANGE = /^bytes=\s*(\d{0,15})-(\d{0,15})\s*$/i;

/**
 * The one range a `Range` header asks of a file of `size` bytes (end clamped to the last byte);
 * "unsatisfiable" when it starts beyond the file or asks for an empty suffix; null when the header
 * is absent, not about bytes, malformed or asks for several ranges (then the whole file is sent).
 */
export function parseRange(
  header: string | null | undefined,
  size: number,
): ByteRange | "unsatisfiable" | null {
  if (!header) return null;
  const match = RANGE.exec(header.trim());
  if (!match) return null;
  const [, first = "", last = ""] = match;
  if (first === "" && last === "") return null;
  if (first === "") {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return "unsatisfiable";
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  if (last !== "" && Number(last) < start) return null; // invalid: ignored, as RFC 9110 says
  if (start >= size) return "unsatisfiable";
  return { start, end: last === "" ? size - 1 : Math.min(Number(last), size - 1) };
}

/** If-None-Match against a strong ETag (weak comparison, as RFC 9110 section 13.1.2 says; `*` matches). */
export function noneMatch(ifNoneMatch: string | null | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(",").some((tag) => {
    const value = tag.trim().replace(/^W\//, "");
    return value === etag || value === "*";
  });
}

/** Whether a Range may be honoured: no If-Range, or one naming this exact (strong) ETag. */
export function rangeAllowed(ifRange: string | null | undefined, etag: string | null): boolean {
  if (!ifRange) return true;
  return etag !== null && ifRange.trim() === etag;
}

export const contentRange = (range: ByteRange, size: number) => `bytes ${range.start}-${range.end}/${size}`;

/** 416: the range starts beyond the file; the header says how large it is. */
export function unsatisfiable(size: number, headers: Headers): Response {
  headers.set("content-range", `bytes */${size}`);
  headers.delete("content-length");
  return new Response(null, { status: 416, headers });
}

/**
 * What `storedFileResponse` sends: the bytes of the file or of a range of it (clamped to the
 * file), streamed (a blob store's body) or held whole (a small file from memory).
 */
export interface StoredBody {
  info: { size: number };
  range: ByteRange | null;
  body: ReadableStream<Uint8Array> | Uint8Array<ArrayBuffer>;
}

/** A file held whole as a StoredBody: the range cut out, clamped as a blob store clamps it. */
export function wholeBody(bytes: Uint8Array<ArrayBuffer>, range: ByteRange | undefined): StoredBody {
  const size = bytes.byteLength;
  if (!range) return { info: { size }, range: null, body: bytes };
  if (range.start >= size) throw new RangeNotSatisfiableError(size);
  const clamped = { start: range.start, end: Math.min(range.end, size - 1) };
  return { info: { size }, range: clamped, body: bytes.subarray(clamped.start, clamped.end + 1) };
}

/**
 * The answer for a stored file with a strong ETag: 304, 416, a HEAD's headers, 206 or 200. `open`
 * reads the blob (or a range of it, with the request's abort signal); null from it (the blob vanished) answers null, so the caller
 * can fall back. `headers` carries what the caller adds (caching, safety, disposition).
 */
export async function storedFileResponse(
  file: { etag: string; size: number; contentType: string },
  request: ConditionalRequest,
  headers: Headers,
  open: (options: { range?: ByteRange; signal?: AbortSignal }) => Promise<StoredBody | null>,
): Promise<Response | null> {
  headers.set("etag", file.etag);
  headers.set("accept-ranges", "bytes");
  if (noneMatch(request.ifNoneMatch, file.etag)) return new Response(null, { status: 304, headers });
  headers.set("content-type", file.contentType);
  const range = rangeAllowed(request.ifRange, file.etag) ? parseRange(request.range, file.size) : null;
  if (range === "unsatisfiable") return unsatisfiable(file.size, headers);
  if (request.head) {
    headers.set("content-length", String(range ? range.end - range.start + 1 : file.size));
    if (range) headers.set("content-range", contentRange(range, file.size));
    return new Response(null, { status: range ? 206 : 200, headers });
  }
  let blob: StoredBody | null;
  try {
    blob = await open({ range: range ?? undefined, signal: request.signal });
  } catch (error) {
    // Smaller than its record said (replaced meanwhile): the blob's own size is the truth.
    if (error instanceof RangeNotSatisfiableError) return unsatisfiable(error.size, headers);
    throw error;
  }
  if (!blob) return null;
  let status = 200;
  if (blob.range) {
    status = 206;
    headers.set("content-length", String(blob.range.end - blob.range.start + 1));
    headers.set("content-range", contentRange(blob.range, blob.info.size));
  } else headers.set("content-length", String(blob.info.size));
  return blob.body instanceof Uint8Array
    ? bytesAnswer(request.from, blob.body, { status, headers })
    : new Response(blob.body, { status, headers });
}

/** Passes on bytes `start..end` (inclusive) of a stream and cancels the rest. */
export function sliceBytes(range: ByteRange): TransformStream<Uint8Array, Uint8Array> {
  let offset = 0;
  return new TransformStream({
    transform(chunk, controller) {
      const from = Math.max(range.start - offset, 0);
      const to = Math.min(range.end + 1 - offset, chunk.byteLength);
      offset += chunk.byteLength;
      if (from < to) controller.enqueue(chunk.subarray(from, to));
      if (offset > range.end) controller.terminate();
    },
  });
}
