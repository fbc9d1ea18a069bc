import "server-only";
import path from "node:path";
import { env } from "@/lib/env";
import { AppError } from "@/lib/http/errors";
import type { Task } from "@/lib/mj/task";
import { getTaskStore } from "@/lib/store";
import { tasks } from "@/lib/tasks";
import { getUpstream } from "@/lib/upstream";
import type { BlobStore } from "./blob-store";
import { createMediaCache, type MediaCache } from "./cache";
import {
  createUrlGuard,
  inProcessGuard,
  mediaDownloader,
  type MediaDownloader,
  type UrlGuard,
} from "./fetch";
import { createFsBlobStore } from "./fs-blob-store";
import { createRequestInputs, type RequestInputs } from "./inputs";
import type { MediaDeps } from "./serve";
import { createSqliteMediaIndex } from "./sqlite-media-index";

export type { CachedMedia, MediaCache } from "./cache";

/*
 * The media room's wiring, until the composition root (lib/server/services.ts) takes it over:
 * only this module of lib/media knows the environment, the task store, the task service and the
 * upstream. Everything else in lib/media gets what it needs as arguments.
 */

// On globalThis for the same reason as the store: Next dev re-evaluates modules.
const holder = globalThis as typeof globalThis & {
  __mjBlobStore?: BlobStore;
  __mjMediaCache?: MediaCache;
  __mjMediaGuard?: UrlGuard;
  __mjRequestInputs?: RequestInputs;
};

/**
 * All blobs under DATA_DIR: `media/<taskId>/...` and `inputs/<name>` are where the cache and the
 * request images always were, so an existing DATA_DIR needs no move.
 */
export function getBlobStore(): BlobStore {
  holder.__mjBlobStore ??= createFsBlobStore(env().dataDir);
  return holder.__mjBlobStore;
}

/** What media URLs may be fetched: in demo mode the simulator is in-process, so anything it hands out. */
export function getMediaGuard(): UrlGuard {
  const upstream = env().upstream;
  holder.__mjMediaGuard ??= upstream
    ? createUrlGuard({ trustedOrigin: new URL(upstream.baseUrl).origin })
    : inProcessGuard;
  return holder.__mjMediaGuard;
}

function getMediaDownloader(): MediaDownloader {
  return mediaDownloader({ upstream: getUpstream(), guard: getMediaGuard() });
}

const getTask = async (id: string): Promise<Task | null> => await getTaskStore().get(id);

/** The task fetched again from the upstream and recorded by the task service (the one writer). */
async function refreshTask(id: string): Promise<Task | null> {
  try {
    await tasks().fetch(id);
  } catch (error) {
    if (error instanceof AppError && error.code === "not_found") return null;
    throw error;
  }
  return await getTaskStore().get(id);
}

/** The process-wide media cache; creating it resumes unfinished downloads. */
export function getMediaCache(): MediaCache {
  holder.__mjMediaCache ??= createMediaCache({
    blobs: getBlobStore(),
    index: createSqliteMediaIndex(path.join(env().dataDir, "media", "index.sqlite")),
    getTask,
    refreshTask,
    download: getMediaDownloader(),
  });
  return holder.__mjMediaCache;
}

/** What `GET /api/media/...` is served with. */
export function getMediaDeps(): MediaDeps {
  return { getTask, cache: getMediaCache(), download: getMediaDownloader() };
}

/** The stored images of submitted requests (`GET /api/inputs/...`; the task service's `inputs`). */
export function getRequestInputs(): RequestInputs {
  holder.__mjRequestInputs ??= createRequestInputs(getBlobStore());
  return holder.__mjRequestInputs;
}

/** Deletes these tasks' cached files and records (the task service's `removeMedia`). */
export async function removeTaskMedia(ids: string[]): Promise<void> {
  await getMediaCache().remove(ids);
}
