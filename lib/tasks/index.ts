import "server-only";
import { getMediaCache, getMediaGuard, removeTaskMedia } from "@/lib/media";
import { openMedia } from "@/lib/media/fetch";
import { createFsBlobStore } from "@/lib/media/fs-blob-store";
import { env } from "@/lib/env";
import { getTaskStore } from "@/lib/store";
import { getUpstream } from "@/lib/upstream";
import type { BlobStore } from "@/lib/media/blob-store";
import type { ArchiveDeps } from "./archive";
import { createTaskService, type TaskService } from "./service";

const globalCache = globalThis as typeof globalThis & { __mjTaskService?: TaskService };

/** The process-wide task service over the configured upstream and the SQLite store. */
export function tasks(): TaskService {
  globalCache.__mjTaskService ??= createTaskService({
    upstream: getUpstream(),
    store: getTaskStore(),
    cacheMedia: (finished) => getMediaCache().enqueue(finished),
    removeMedia: removeTaskMedia,
  });
  return globalCache.__mjTaskService;
}

/** What the archive routes (download, export, import) work with: the process-wide services. */
export function archiveDeps(): ArchiveDeps {
  return {
    store: getTaskStore(),
    tasks: tasks(),
    cache: getMediaCache(),
    openUrl: (url) => openMedia({ upstream: getUpstream(), guard: getMediaGuard() }, url),
    blobs: archiveBlobs(),
    log: (message) => console.warn(message),
  };
}

/** The blob store under DATA_DIR that imports are staged in (`staging/<id>.zip`). */
export function archiveBlobs(): BlobStore {
  return createFsBlobStore(env().dataDir);
}
