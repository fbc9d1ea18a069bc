import "server-only";
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { contentTypeOfName } from "@/lib/mj/media-kinds";
import {
  assertBlobKey,
  assertBlobPrefix,
  BlobTooLargeError,
  chunksOfSource,
  InvalidBlobKeyError,
  isBlobKey,
  RangeNotSatisfiableError,
  type BlobInfo,
  type BlobSource,
  type BlobStore,
} from "./blob-store";
import { sliceBytes } from "./http-ranges";

/**
 * The BlobStore on an S3-compatible bucket (AWS S3, Cloudflare R2, MinIO, Ceph): key `a/b/c.png`
 * is the object `a/b/c.png`. The app serves the bytes itself (lib/media/serve.ts), so the bucket
 * stays private and neither its name nor a key reaches a browser.
 *
 * As in the filesystem adapter, the content type is the key's extension read through the media
 * vocabulary: a listing (ListObjectsV2) carries no content type, and a put whose type the key does
 * not name is refused, so head, get and list always agree. The object is stored with that type too,
 * for whoever looks at the bucket.
 *
 * A put streams through lib-storage's Upload: one PutObject for a body smaller than a part, else a
 * multipart upload of PART_SIZE parts, at most QUEUE_SIZE in flight, so a put holds about
 * (QUEUE_SIZE + 1) parts in memory whatever the size. S3 makes an object visible whole on
 * PutObject or CompleteMultipartUpload, which gives the port's atomicity; a failed or aborted
 * multipart upload is aborted (give the bucket a lifecycle rule that removes incomplete uploads
 * after a day, for the ones a crash leaves).
 */

export interface S3BlobStoreConfig {
  bucket: string;
  region: string;
  /** Unset: AWS's own endpoint for the region. */
  endpoint: string | undefined;
  accessKeyId: string;
  secretAccessKey: string;
  /** `https://endpoint/bucket/key` rather than `https://bucket.endpoint/key` (MinIO, Ceph, local servers). */
  forcePathStyle: boolean;
}

export interface S3BlobStoreOptions {
  /** Bytes per part of a multipart upload; S3's minimum (5 MiB) unless a test wants otherwise. */
  partSize?: number;
  /** Parts uploaded at once. */
  queueSize?: number;
  /** Keys per ListObjectsV2 page (S3's maximum is 1000; tests lower it to page). */
  pageSize?: number;
}

const PART_SIZE = 5 * 1024 * 1024;
const QUEUE_SIZE = 2;
const PAGE_SIZE = 1000;

export function createS3BlobStore(config: S3BlobStoreConfig, options: S3BlobStoreOptions = {}): BlobStore {
  const client = new S3Client({
    region: config.region,
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    forcePathStyle: config.forcePathStyle,
    credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
    // The SDK's default CRC checksums on every request are not understood by every S3-compatible
    // store (older MinIO, Ceph, local servers); S3 checks Content-MD5/SHA-256 signatures anyway.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
  const Bucket = config.bucket;
  const partSize = options.partSize ?? PART_SIZE;
  const queueSize = options.queueSize ?? QUEUE_SIZE;
  const pageSize = options.pageSize ?? PAGE_SIZE;

  function typeOf(key: string): string {
    assertBlobKey(key);
    const type = contentTypeOfName(key);
    if (!type) throw new InvalidBlobKeyError(key);
    return type;
  }

  const infoOf = (key: string, size: number | undefined, modified: Date | undefined): BlobInfo => ({
    key,
    size: size ?? 0,
    contentType: typeOf(key),
    // A HEAD's Last-Modified has whole seconds, a listing's milliseconds: seconds, so they agree.
    modifiedAt: Math.floor((modified?.getTime() ?? 0) / 1000) * 1000,
  });

  async function head(key: string): Promise<BlobInfo | null> {
    typeOf(key);
    try {
      const answer = await client.send(new HeadObjectCommand({ Bucket, Key: key }));
      return infoOf(key, answer.ContentLength, answer.LastModified);
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  return {
    async put(key, body, putOptions) {
      const contentType = typeOf(key);
      if (contentType !== putOptions.contentType) {
        throw new Error(`The key ${key} does not name the content type ${putOptions.contentType}.`);
      }
      const { signal, maxBytes } = putOptions;
      signal?.throwIfAborted();
      const hash = createHash("sha256");
      let size = 0;
      let failed: { error: unknown } | null = null;
      // Counted, hashed and checked as the upload pulls it: too large or aborted stops the upload.
      async function* checked(source: BlobSource): AsyncGenerator<Uint8Array> {
        try {
          for await (const chunk of chunksOfSource(source)) {
            signal?.throwIfAborted();
            size += chunk.byteLength;
            if (maxBytes !== undefined && size > maxBytes) throw new BlobTooLargeError(maxBytes);
            hash.update(chunk);
            yield chunk;
          }
          signal?.throwIfAborted();
        } catch (error) {
          failed = { error };
          throw error;
        }
      }
      const readable = Readable.from(checked(body));
      const upload = new Upload({
        client,
        params: { Bucket, Key: key, Body: readable, ContentType: contentType },
        partSize,
        queueSize,
        leavePartsOnError: false,
      });
      const onAbort = () => void upload.abort();
      signal?.addEventListener("abort", onAbort, { once: true });
      try {
        await upload.done();
      } catch (error) {
        // The body's own error (too large, aborted, a failing source), not what aborting the
        // multipart upload afterwards answered (a store or a policy may refuse that).
        signal?.throwIfAborted();
        throw (failed as { error: unknown } | null)?.error ?? error;
      } finally {
        signal?.removeEventListener("abort", onAbort);
        // An upload that failed on the network leaves its source unread: release it.
        readable.destroy();
      }
      return { key, size, contentType, modifiedAt: Date.now(), sha256: hash.digest("hex") };
    },

    async get(key, getOptions = {}) {
      typeOf(key);
      const { signal } = getOptions;
      signal?.throwIfAborted();
      const asked = getOptions.range;
      if (asked) {
        const { start, end } = asked;
        if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
          throw new RangeError(`Invalid byte range ${start}-${end}.`);
        }
      }
      let answer;
      try {
        answer = await client.send(
          new GetObjectCommand({
            Bucket,
            Key: key,
            ...(asked ? { Range: `bytes=${asked.start}-${asked.end}` } : {}),
          }),
          { abortSignal: signal },
        );
      } catch (error) {
        // A reader gone mid-request fails with its signal's reason, as before the request.
        signal?.throwIfAborted();
        if (isNotFound(error)) return null;
        if (statusOf(error) !== 416) throw error;
        // The range starts beyond the object: the port's error carries the size, which a 416 may not.
        const info = await head(key);
        if (!info) return null;
        throw new RangeNotSatisfiableError(info.size);
      }
      if (!(answer.Body instanceof Readable)) throw new Error("The S3 client answered no Node stream.");
      const stream = answer.Body;
      const served = parseContentRange(answer.ContentRange);
      const size = served?.size ?? answer.ContentLength ?? 0;
      const info = infoOf(key, size, answer.LastModified);
      if (!asked) return { info, range: null, body: webStream(stream, signal) };
      if (asked.start >= size) {
        // Some stores answer a range of an empty object with 206 rather than 416.
        stream.destroy();
        throw new RangeNotSatisfiableError(size);
      }
      const range = { start: asked.start, end: Math.min(asked.end, size - 1) };
      // A store that ignored the Range header sent the whole object: cut the range from it.
      const body = served
        ? webStream(stream, signal)
        : webStream(stream, signal).pipeThrough(sliceBytes(range));
      return { info, range, body };
    },

    head,

    async delete(key) {
      typeOf(key);
      await client.send(new DeleteObjectCommand({ Bucket, Key: key }));
    },

    async *list(prefix) {
      assertBlobPrefix(prefix);
      // Paged by StartAfter (the last key seen), which every S3-compatible store understands, where
      // continuation tokens are each store's own. S3 lists in UTF-8 byte order, which is the port's
      // order for keys of ASCII characters (all keys are).
      let after: string | undefined;
      for (;;) {
        const page = await client.send(
          new ListObjectsV2Command({ Bucket, Prefix: prefix, MaxKeys: pageSize, StartAfter: after }),
        );
        for (const object of page.Contents ?? []) {
          const key = object.Key;
          if (key === undefined) continue;
          after = key;
          // Objects the app did not write (other tools sharing the bucket) are not blobs.
          if (!isBlobKey(key) || !contentTypeOfName(key)) continue;
          yield infoOf(key, object.Size, object.LastModified);
        }
        if (!page.IsTruncated || !page.Contents?.length) return;
      }
    },
  };
}

function statusOf(error: unknown): number | undefined {
  return error instanceof S3ServiceException ? error.$metadata.httpStatusCode : undefined;
}

function isNotFound(error: unknown): boolean {
  return statusOf(error) === 404;
}

const CONTENT_RANGE = /^bytes (\d+)-(\d+)\/(\d+)$/;

function parseContentRange(header: string | undefined): { size: number } | null {
  const match = header ? CONTENT_RANGE.exec(header.trim()) : null;
  return match ? { size: Number(match[3]) } : null;
}

/**
 * An object's body as a web stream that reads only as fast as its reader, and ends the HTTP
 * response (destroys it) on cancel or when `signal` aborts, so a client gone leaves no socket busy.
 */
function webStream(body: Readable, signal: AbortSignal | undefined): ReadableStream<Uint8Array> {
  const chunks = body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let onAbort: (() => void) | null = null;
  const finish = () => {
    if (onAbort) signal?.removeEventListener("abort", onAbort);
    body.destroy();
  };
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        onAbort = () => {
          finish();
          controller.error(signal?.reason);
        };
        signal?.addEventListener("abort", onAbort, { once: true });
      },
      async pull(controller) {
        try {
          const { done, value } = await chunks.next();
          if (done) {
            finish();
            controller.close();
            return;
          }
          controller.enqueue(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
        } catch (error) {
          finish();
          // Aborted: the stream already carries the signal's reason (erroring it again does nothing).
          controller.error(error);
        }
      },
      cancel() {
        finish();
      },
    },
    new CountQueuingStrategy({ highWaterMark: 0 }),
  );
}
