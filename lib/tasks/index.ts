import "server-only";
import { getMediaCache, removeTaskMedia } from "@/lib/media";
import path from "node:path";
import { env } from "@/lib/env";
import { getTaskStore } from "@/lib/store";
import { fileRequestInputs } from "@/lib/store/input-files";
import { getUpstream } from "@/lib/upstream";
import { createTaskService, type TaskService } from "./service";

const globalCache = globalThis as typeof globalThis & { __mjTaskService?: TaskService };

/** The process-wide task service over the configured upstream and the SQLite store. */
export function tasks(): TaskService {
  globalCache.__mjTaskService ??= createTaskService({
    upstream: getUpstream(),
    store: getTaskStore(),
    inputs: fileRequestInputs(path.join(env().dataDir, "inputs")),
    cacheMedia: (finished) => getMediaCache().enqueue(finished),
    removeMedia: removeTaskMedia,
  });
  return globalCache.__mjTaskService;
}
