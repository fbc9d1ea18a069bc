import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Task } from "@/lib/mj/task";
import { createSimulator } from "mj-simulator";
import { createSqliteTaskStore, type TaskStore } from "@/lib/store/task-store";
import { createTaskService, type TaskService } from "@/lib/tasks/service";
import { createUpstreamClient, type UpstreamClient } from "@/lib/upstream/client";
import { AppError } from "@/lib/http/errors";
import type { BlobStore } from "./blob-store";
import { createMediaCache, type MediaCache } from "./cache";
import { inProcessGuard, mediaDownloader, type MediaDownloader, type UrlGuard } from "./fetch";
import { createFsBlobStore } from "./fs-blob-store";
import type { MediaIndex } from "./media-index";
import type { MediaDeps } from "./serve";
import { createSqliteMediaIndex } from "./sqlite-media-index";

/**
 * Test helpers for lib/media: the simulator (real sharp-rendered images) behind the upstream
 * client, a real SQLite store and task service, and a fetch wrapper that counts media requests
 * and injects faults. Call `closeWorlds` from afterEach.
 */

const KEY = "media-test-key";
const cleanups: (() => void)[] = [];

export function closeWorlds(): void {
  while (cleanups.length > 0) cleanups.pop()!();
}

/** Runs at closeWorlds. */
export function onClose(cleanup: () => void): void {
  cleanups.push(cleanup);
}

export type Fetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface World {
  /** The data directory: the blob store's root (`media/`, `inputs/`) and the task database. */
  dir: string;
  /** The blob store the caches use by default (rooted at `dir`). */
  blobs: BlobStore;
  store: TaskStore;
  service: TaskService;
  /** Media requests seen (after faults). */
  mediaRequests: string[];
  taskFetches: string[];
  /** Replaces the answer to a media request, or passes it on (return null). */
  fault: { media: ((url: string) => Response | null) | null };
  upstream: UpstreamClient;
  /** A media cache on blobs rooted at `dir` (default: the world's), its index in `<dir>/media`. */
  cache(options?: {
    retryBaseMs?: number;
    maxAttempts?: number;
    guard?: UrlGuard;
    dir?: string;
    store?: TaskStore;
    download?: MediaDownloader;
  }): MediaCache;
  /** What serveMedia is wired with, on this world and a cache of it. */
  mediaDeps(cache: MediaCache, guard?: UrlGuard): MediaDeps;
}

export function world(): World {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mj-media-"));
  const store = createSqliteTaskStore(path.join(dir, "tasks.sqlite"));
  const simulator = createSimulator({ apiKey: KEY, speed: 50 });
  const caches: MediaCache[] = [];
  const indexes: MediaIndex[] = [];
  cleanups.push(() => {
    for (const cache of caches) cache.close();
    for (const index of indexes) void index.close();
    simulator.close();
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const mediaRequests: string[] = [];
  const taskFetches: string[] = [];
  const fault: World["fault"] = { media: null };
  const fetch: Fetch = async (input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    if (url.includes("/sim/media/")) {
      const injected = fault.media?.(url);
      if (injected) return injected;
      mediaRequests.push(url);
    } else if (url.endsWith("/fetch")) {
      taskFetches.push(url);
    }
    return simulator.fetch(input, init);
  };
  const upstream = createUpstreamClient({
    baseUrl: "http://simulator.invalid",
    apiKey: KEY,
    authHeader: "authorization",
    timeoutMs: 10_000,
    fetch,
    log: () => {},
  });
  let current: MediaCache | null = null;
  const service = createTaskService({ upstream, store, cacheMedia: (tasks) => current?.enqueue(tasks) });
  const getTaskOf = (from: TaskStore) => async (id: string) => await from.get(id);
  /** What the task service will offer as `refresh`: fetched from the upstream, recorded, read back. */
  const refreshTask = async (id: string) => {
    try {
      await service.fetch(id);
    } catch (error) {
      if (error instanceof AppError && error.code === "not_found") return null;
      throw error;
    }
    return await store.get(id);
  };
  return {
    dir,
    blobs: createFsBlobStore(dir),
    store,
    service,
    mediaRequests,
    taskFetches,
    fault,
    upstream,
    cache(options = {}) {
      const root = options.dir ?? dir;
      const index = createSqliteMediaIndex(path.join(root, "media", "index.sqlite"));
      indexes.push(index);
      current = createMediaCache({
        blobs: createFsBlobStore(root),
        index,
        getTask: getTaskOf(options.store ?? store),
        refreshTask,
        download: options.download ?? mediaDownloader({ upstream, guard: options.guard ?? inProcessGuard }),
        retryBaseMs: options.retryBaseMs ?? 5,
        ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
        log: () => {},
      });
      caches.push(current);
      return current;
    },
    mediaDeps(cache, guard = inProcessGuard) {
      return { getTask: getTaskOf(store), cache, download: mediaDownloader({ upstream, guard }) };
    },
  };
}

export async function finished(service: TaskService, prompt: string): Promise<Task> {
  const submitted = await service.imagine({ prompt });
  const id = submitted.result as string;
  for (let i = 0; i < 400; i++) {
    const task = await service.fetch(id);
    if (task.status === "SUCCESS") return task;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`task ${id} never finished`);
}
