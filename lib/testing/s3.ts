import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import S3rver from "@20minutes/s3rver";

/**
 * The test kit's S3: a local S3-compatible server (s3rver, on its own temporary directory) on a
 * free loopback port, with one bucket of a random name, so tests running at once never share
 * objects. Its keys are the server's fixed development pair: it is reachable from this machine only.
 */

/** The settings that point the app (lib/env.ts) at the server's bucket. */
export interface S3Settings {
  S3_BUCKET: string;
  S3_ENDPOINT: string;
  S3_REGION: string;
  S3_ACCESS_KEY_ID: string;
  S3_SECRET_ACCESS_KEY: string;
  S3_FORCE_PATH_STYLE: string;
}

export interface LocalS3 {
  env: S3Settings;
  /** Another empty bucket of a random name on the same server (a fresh store per test). */
  createBucket(): Promise<string>;
  /** Stops the server and removes its directory (every bucket and object in it). */
  close(): Promise<void>;
}

const randomBucket = () => `mj-test-${randomBytes(6).toString("hex")}`;

export async function startLocalS3(options: { port?: number; bucket?: string } = {}): Promise<LocalS3> {
  const directory = await fs.promises.mkdtemp(path.join(os.tmpdir(), "mj-s3-"));
  const bucket = options.bucket ?? randomBucket();
  const server = new S3rver({
    address: "127.0.0.1",
    port: options.port ?? 0,
    silent: true,
    directory,
    // s3rver checks the signature of a bucket-level request (ListObjectsV2) over `/bucket` where
    // the v3 SDK signs `/bucket/`: it would refuse every listing. The access key is still checked.
    allowMismatchedSignatures: true,
    configureBuckets: [{ name: bucket }],
  });
  answerLikeS3(server);
  let address;
  try {
    address = await server.run();
  } catch (error) {
    await fs.promises.rm(directory, { recursive: true, force: true });
    throw error;
  }
  return {
    env: {
      S3_BUCKET: bucket,
      S3_ENDPOINT: `http://127.0.0.1:${address.port}`,
      S3_REGION: "us-east-1",
      S3_ACCESS_KEY_ID: "S3RVER",
      S3_SECRET_ACCESS_KEY: "S3RVER",
      S3_FORCE_PATH_STYLE: "1",
    },
    async createBucket() {
      const name = randomBucket();
      await server.store.putBucket(name);
      return name;
    },
    async close() {
      await server.close();
      await fs.promises.rm(directory, { recursive: true, force: true });
    },
  };
}

/**
 * What the kit answers itself where s3rver falls short of S3. AbortMultipartUpload, which s3rver
 * refuses. ListObjectsV2, from s3rver's store, as S3 answers it: s3rver lists in the
 * order it walks its directories (`a/b` before `a-c`) where S3 lists in key order (UTF-8 bytes),
 * and its continuation tokens use DES, which Node 20's OpenSSL 3 no longer has, so any truncated
 * listing fails. A test bucket holds few objects: all are listed, sorted and paged here.
 */
function answerLikeS3(server: S3rver): void {
  server.middleware.unshift(async (ctx, next) => {
    // AbortMultipartUpload, which s3rver does not know (405): the parts are dropped, as S3 does.
    const uploadId = ctx.query.uploadId;
    const object = /^\/([^/]+)\/(.+)$/.exec(ctx.path);
    if (ctx.method === "DELETE" && object && typeof uploadId === "string" && /^[0-9a-f]+$/.test(uploadId)) {
      const uploads = server.store.getResourcePath(object[1]!, undefined, "uploads");
      await fs.promises.rm(path.join(uploads, uploadId), { recursive: true, force: true });
      ctx.status = 204;
      return;
    }
    const bucket = /^\/([^/]+)\/?$/.exec(ctx.path)?.[1];
    if (ctx.method !== "GET" || !bucket || ctx.query["list-type"] !== "2") return next();
    if (!(await server.store.getBucket(bucket))) return next(); // s3rver's own NoSuchBucket
    const text = (name: string) => {
      const value = ctx.query[name];
      return typeof value === "string" ? value : "";
    };
    const prefix = text("prefix");
    const token = text("continuation-token");
    const after = token ? Buffer.from(token, "base64url").toString() : text("start-after");
    const maxKeys = Math.min(1000, Number(text("max-keys") || 1000));
    const { objects } = await server.store.listObjects(bucket, { prefix });
    const listed = objects
      .filter((object) => object.key > after)
      .sort((a, b) => Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)));
    const page = listed.slice(0, maxKeys);
    const truncated = listed.length > maxKeys;
    const last = page.at(-1)?.key ?? "";
    const escape = (value: string) =>
      value.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
    ctx.type = "application/xml";
    ctx.body = [
      `<?xml version="1.0" encoding="UTF-8"?>`,
      `<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">`,
      `<Name>${escape(bucket)}</Name><Prefix>${escape(prefix)}</Prefix>`,
      `<KeyCount>${page.length}</KeyCount><MaxKeys>${maxKeys}</MaxKeys>`,
      `<IsTruncated>${truncated}</IsTruncated>`,
      truncated
        ? `<NextContinuationToken>${Buffer.from(last).toString("base64url")}</NextContinuationToken>`
        : "",
      ...page.map(
        (object) =>
          `<Contents><Key>${escape(object.key)}</Key>` +
          `<LastModified>${object.lastModifiedDate.toISOString()}</LastModified>` +
          `<ETag>${escape(object.metadata.etag ?? "")}</ETag><Size>${object.size}</Size>` +
          `<StorageClass>STANDARD</StorageClass></Contents>`,
      ),
      `</ListBucketResult>`,
    ].join("");
  });
}
