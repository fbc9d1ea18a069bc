import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Task } from "@/lib/mj/task";
import { createSimulator } from "@/lib/simulator";
import { createSqliteTaskStore, type TaskStore } from "@/lib/store/task-store";
import { createTaskService, type TaskService } from "@/lib/tasks/service";
import { createUpstreamClient, type UpstreamClient } from "@/lib/upstream/client";
import { createMediaCache, type MediaCache } from "./cache";
import { inProcessGuard, type UrlGuard } from "./fetch";

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
  dir: string;
  store: TaskStore;
  service: TaskService;
  /** Media requests seen (after faults). */
  mediaRequests: string[];
  taskFetches: string[];
  /** Replaces the answer to a media request, or passes it on (return null). */
  fault: { media: ((url: string) => Response | null) | null };
  upstream: UpstreamClient;
  cache(options?: {
    retryBaseMs?: number;
    maxAttempts?: number;
    guard?: UrlGuard;
    dir?: string;
    store?: TaskStore;
  }): MediaCache;
}

export function world(): World {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mj-media-"));
  const store = createSqliteTaskStore(path.join(dir, "tasks.sqlite"));
  const simulator = createSimulator({ apiKey: KEY, speed: 50 });
  const caches: MediaCache[] = [];
  cleanups.push(() => {
    for (const cache of caches) cache.close();
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
  return {
    dir,
    store,
    service,
    mediaRequests,
    taskFetches,
    fault,
    upstream,
    cache(options = {}) {
      current = createMediaCache({
        dir: options.dir ?? path.join(dir, "media"),
        upstream,
        store: options.store ?? store,
        guard: options.guard ?? inProcessGuard,
        retryBaseMs: options.retryBaseMs ?? 5,
        ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
        log: () => {},
      });
      caches.push(current);
      return current;
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
