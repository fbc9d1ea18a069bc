import "server-only";
import { randomUUID } from "node:crypto";
import type { BlobStore } from "./blob-store";

/** Archive imports are staged as blobs under this prefix, one `staging/<id>.zip` per upload. */
const STAGING_PREFIX = "staging/";

/** A fresh key to stage one upload under. */
export function stagingKey(): string {
  return `${STAGING_PREFIX}${randomUUID()}.zip`;
}

/**
 * Deletes the uploads of imports that never finished: a process killed mid-import (a deploy, the
 * OOM killer) leaves its staged upload behind, up to 2 GB. Runs once at server start, before any
 * import.
 */
export async function removeLeftoverImports(blobs: Pick<BlobStore, "list" | "delete">): Promise<void> {
  try {
    const leftovers: string[] = [];
    for await (const info of blobs.list(STAGING_PREFIX)) leftovers.push(info.key);
    await Promise.all(leftovers.map((key) => blobs.delete(key)));
  } catch (error) {
    // Only disk space is at stake: the server starts anyway.
    console.warn("[archive] could not remove what an interrupted import left behind", error);
  }
}
