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
 * How old a staged upload in a shared bucket must be to count as left behind: other instances on
 * the bucket may be reading theirs right now, and an import is read within minutes.
 */
export const SHARED_LEFTOVER_AGE_MS = 6 * 60 * 60 * 1000;

/**
 * Deletes the uploads of imports that never finished: a process killed mid-import (a deploy, the
 * OOM killer) leaves its staged upload behind, up to 2 GB. Runs once at server start, before any
 * import of this process; `olderThanMs` spares recent ones (a bucket other instances share).
 */
export async function removeLeftoverImports(
  blobs: Pick<BlobStore, "list" | "delete">,
  { olderThanMs = 0 }: { olderThanMs?: number } = {},
): Promise<void> {
  try {
    const leftovers: string[] = [];
    const before = Date.now() - olderThanMs;
    for await (const info of blobs.list(STAGING_PREFIX))
      if (info.modifiedAt <= before) leftovers.push(info.key);
    await Promise.all(leftovers.map((key) => blobs.delete(key)));
  } catch (error) {
    // Only disk space is at stake: the server starts anyway.
    console.warn("[archive] could not remove what an interrupted import left behind", error);
  }
}
