import type { MediaCache } from "@/lib/media/cache";
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
    download: w.mediaDeps(cache).download,
    blobs: w.blobs,
    log,
  };
}

/** The keys of the blobs under `prefix` in the world's store. */
export async function blobKeys(w: World, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const info of w.blobs.list(prefix)) keys.push(info.key);
  return keys;
}

/** The keys of the imports still staged (none once an import is over, whatever its outcome). */
export function stagedImports(w: World): Promise<string[]> {
  return blobKeys(w, "staging/");
}
