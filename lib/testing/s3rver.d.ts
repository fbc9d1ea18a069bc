// The local S3-compatible server of the test kit (lib/testing/s3.ts) ships no types: what it uses.
declare module "@20minutes/s3rver" {
  import type { AddressInfo } from "node:net";

  /** What of Koa's context the kit reads and writes. */
  interface Context {
    method: string;
    path: string;
    query: Record<string, string | string[] | undefined>;
    type: string;
    status: number;
    body: unknown;
  }

  interface S3rverOptions {
    address?: string;
    port?: number;
    silent?: boolean;
    directory?: string;
    resetOnClose?: boolean;
    allowMismatchedSignatures?: boolean;
    configureBuckets?: { name: string }[];
  }

  interface ListOptions {
    delimiter?: string;
    startAfter?: string;
    prefix?: string;
    maxKeys?: number;
  }

  interface StoredObject {
    key: string;
    size: number;
    lastModifiedDate: Date;
    metadata: { etag?: string };
  }

  interface ListResult {
    objects: StoredObject[];
    commonPrefixes: string[];
    isTruncated: boolean;
  }

  export default class S3rver {
    constructor(options: S3rverOptions);
    store: {
      listObjects(bucket: string, options: ListOptions): Promise<ListResult>;
      putBucket(bucket: string): Promise<unknown>;
      getBucket(bucket: string): Promise<unknown>;
      getResourcePath(bucket: string, key: string | undefined, resource: string): string;
    };
    /** Koa's middleware list, composed when the server starts. */
    middleware: ((ctx: Context, next: () => Promise<void>) => Promise<void>)[];
    run(): Promise<AddressInfo>;
    close(): Promise<void>;
  }
}
