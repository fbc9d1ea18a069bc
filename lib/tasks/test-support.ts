import type { MediaCache } from "@/lib/media/cache";
import { inProcessGuard, openMedia } from "@/lib/media/fetch";
import { createFsBlobStore } from "@/lib/media/fs-blob-store";
import type { World } from "@/lib/media/test-support";
import type { ArchiveDeps } from "./archive";

/** What the archive routes are wired with, on a test world (lib/media/test-support) and its cache. */
export function archiveDeps(
  w: World,
  cache: MediaCache,
  log: (message: string) => void = () => {},
): ArchiveDeps {
  return {
    store: w.store,
    tasks: w.service,
    cache,
    openUrl: (url) => openMedia({ upstream: w.upstream, guard: inProcessGuard }, url),
    blobs: createFsBlobStore(w.dir),
    log,
  };
}

/** The keys of the imports still staged in the world's blob store (none once an import is over). */
export async function stagedImports(w: World): Promise<string[]> {
  const keys: string[] = [];
  for await (const info of createFsBlobStore(w.dir).list("staging/")) keys.push(info.key);
  return keys;
}
