import "server-only";
import path from "node:path";
import { env } from "@/lib/env";
import { getTaskStore } from "@/lib/store";
import { getUpstream } from "@/lib/upstream";
import { createMediaCache, type MediaCache } from "./cache";
import { createUrlGuard, inProcessGuard, type UrlGuard } from "./fetch";

export type { CachedMedia, MediaCache } from "./cache";

// On globalThis for the same reason as the store: Next dev re-evaluates modules.
const holder = globalThis as typeof globalThis & { __mjMediaCache?: MediaCache; __mjMediaGuard?: UrlGuard };

/** What media URLs may be fetched: in demo mode the simulator is in-process, so anything it hands out. */
export function getMediaGuard(): UrlGuard {
  const upstream = env().upstream;
  holder.__mjMediaGuard ??= upstream
    ? createUrlGuard({ trustedOrigin: new URL(upstream.baseUrl).origin })
    : inProcessGuard;
  return holder.__mjMediaGuard;
}

/** The process-wide media cache under DATA_DIR/media; creating it resumes unfinished downloads. */
export function getMediaCache(): MediaCache {
  holder.__mjMediaCache ??= createMediaCache({
    dir: path.join(env().dataDir, "media"),
    upstream: getUpstream(),
    store: getTaskStore(),
    guard: getMediaGuard(),
  });
  return holder.__mjMediaCache;
}

/** Deletes these tasks' cached files and records (the task service's `removeMedia`). */
export async function removeTaskMedia(ids: string[]): Promise<void> {
  await getMediaCache().remove(ids);
}
