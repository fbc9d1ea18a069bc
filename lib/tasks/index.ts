import "server-only";
import { getBlobStore, getMediaCache, getMediaDeps, getRequestInputs, removeTaskMedia } from "@/lib/media";
import { getTaskStore } from "@/lib/store";
import { getUpstream } from "@/lib/upstream";
import type { ArchiveDeps } from "./archive";
import { createTaskService, type TaskService } from "./service";

const globalCache = globalThis as typeof globalThis & { __mjTaskService?: TaskService };

/** The process-wide task service over the configured upstream and the SQLite store. */
export function tasks(): TaskService {
  globalCache.__mjTaskService ??= createTaskService({
    upstream: getUpstream(),
    store: getTaskStore(),
    inputs: getRequestInputs(),
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
    download: getMediaDeps().download,
    blobs: getBlobStore(),
    log: (message) => console.warn(message),
  };
}
