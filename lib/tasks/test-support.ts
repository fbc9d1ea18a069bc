import path from "node:path";
import type { MediaCache } from "@/lib/media/cache";
import { inProcessGuard, openMedia } from "@/lib/media/fetch";
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
    stagingRoot: path.join(w.dir, "tmp"),
    log,
  };
}
