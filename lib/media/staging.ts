import "server-only";
import fs from "node:fs";
import path from "node:path";
import { env } from "@/lib/env";

/** Archive imports are unpacked under DATA_DIR/tmp, each in its own folder with this prefix. */
export const IMPORT_STAGING_PREFIX = "import-";

export function importStagingRoot(): string {
  return path.join(env().dataDir, "tmp");
}

/**
 * Removes the folders of imports that never finished: a process killed mid-import (a deploy, the
 * OOM killer) leaves its upload behind, up to 2 GB. Runs once at server start, before any import.
 */
export async function removeLeftoverImports(root = importStagingRoot()): Promise<void> {
  try {
    const names = await fs.promises.readdir(root).catch(() => []);
    await Promise.all(
      names
        .filter((name) => name.startsWith(IMPORT_STAGING_PREFIX))
        .map((name) => fs.promises.rm(path.join(root, name), { recursive: true, force: true })),
    );
  } catch (error) {
    // Only disk space is at stake: the server starts anyway.
    console.warn("[archive] could not remove what an interrupted import left in", root, error);
  }
}
