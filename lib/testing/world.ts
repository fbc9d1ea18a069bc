import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createSimulator, type Simulator, type SimulatorOptions } from "mj-simulator";
import type { Task } from "@/lib/mj/task";
import { createServices, DEMO_BASE_URL, type ServiceOptions, type Services } from "@/lib/server/services";
import { mergeRule } from "@/lib/tasks/merge";
import type { TaskService } from "@/lib/tasks/service";
import type { AuthHeader } from "@/lib/upstream/client";
import { testEnv } from "./server-env";
import { waitForStatus } from "./wait";

/**
 * A test world: the app's services as the composition root wires them (lib/server/services.ts),
 * over a fresh DATA_DIR and an in-process simulator (real sharp-rendered images), with a tap on
 * the upstream's fetch that counts media requests and injects faults. Call `closeWorlds` from
 * afterEach.
 */

/** The simulator's key, and the app's. */
export const KEY = "sk-world-test-key-0123456789";

type Fetch = Parameters<NonNullable<ServiceOptions["upstreamFetch"]>>[0];
type MediaQueue = NonNullable<ServiceOptions["mediaQueue"]>;

export interface WorldOptions {
  /** The simulator's dialect and pace (default trueai, speed 50, no relay lag). */
  simulator?: Partial<SimulatorOptions>;
  /**
   * Runs the app as against a real upstream (MJ_API_URL set, the key sent in this header, media
   * links checked by the URL guard), the simulator standing in for the network. Default: demo mode.
   */
  upstream?: { authHeader: AuthHeader };
  /** Stands between the upstream client and the simulator, to make the upstream say what a test needs. */
  wrapFetch?: (fetch: Fetch) => Fetch;
  /** The media queue's retries (default: 5 ms apart). */
  mediaQueue?: MediaQueue;
  /** Where the services log (default: nowhere). */
  log?: (message: string) => void;
  /** More environment variables of the app (MJ_SPEED_VIA, say). */
  env?: Record<string, string>;
  /** ServiceOptions.mediaBeforeRecord (default true, as the app runs). */
  mediaBeforeRecord?: boolean;
}

export interface World {
  /** DATA_DIR: the task database, the media index, and every blob (`media/`, `inputs/`, `staging/`). */
  dir: string;
  simulator: Simulator;
  /** The app's services over `dir` (replaced by `restart`); the fields below are theirs. */
  services: Services;
  store: Services["store"];
  tasks: Services["tasks"];
  media: Services["media"];
  blobs: Services["blobs"];
  /** What `GET /api/media/...` and the archive routes are served with. */
  mediaDeps: Services["mediaDeps"];
  archive: Services["archive"];
  /** Media requests that reached the upstream (after faults): the simulator's or any CDN's. */
  mediaRequests: string[];
  /** Task fetches (`/mj/task/{id}/fetch`) that reached the upstream. */
  taskFetches: string[];
  /** Answers a media request in the upstream's place (a fault, a CDN), or passes it on (null). */
  fault: { media: ((url: string) => Response | null) | null };
  /** Writes copies of tasks into the history as the task service would (the merge rule applies). */
  record(...tasks: Task[]): Promise<void>;
  /** The keys of the blobs under `prefix`. */
  blobKeys(prefix: string): Promise<string[]>;
  /**
   * A server restart: closes the services and builds them again over the same DATA_DIR and
   * simulator (`mediaQueue` replaces the world's for the new ones).
   */
  restart(options?: { mediaQueue?: MediaQueue }): Promise<Services>;
}

const open: { close(): Promise<void> }[] = [];

export async function closeWorlds(): Promise<void> {
  while (open.length > 0) await open.pop()!.close();
}

export function world(options: WorldOptions = {}): World {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mj-world-"));
  const simulator = createSimulator({
    apiKey: KEY,
    speed: 50,
    relayLagMs: 0,
    baseUrl: DEMO_BASE_URL,
    ...options.simulator,
  });
  const config = testEnv(dir, {
    ...(options.upstream
      ? { MJ_API_URL: DEMO_BASE_URL, MJ_API_KEY: KEY, MJ_AUTH_HEADER: options.upstream.authHeader }
      : {}),
    ...options.env,
  });

  const mediaRequests: string[] = [];
  const taskFetches: string[] = [];
  const fault: World["fault"] = { media: null };
  const upstreamFetch = options.wrapFetch ? options.wrapFetch(simulator.fetch) : simulator.fetch;
  // Whatever fetch the services would use (the simulator's, or the network's against a real
  // upstream), the world's simulator answers: a test never leaves the process.
  const tap: Fetch = async (input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    if (!new URL(url).pathname.startsWith("/mj/")) {
      const injected = fault.media?.(url);
      if (injected) return injected;
      mediaRequests.push(url);
    } else if (url.endsWith("/fetch")) {
      taskFetches.push(url);
    }
    return upstreamFetch(input, init);
  };
  const build = (mediaQueue: MediaQueue = options.mediaQueue ?? {}) =>
    createServices(config, {
      simulator: { simulator, apiKey: KEY },
      upstreamFetch: () => tap,
      mediaQueue: { retryBaseMs: 5, ...mediaQueue },
      log: options.log ?? (() => {}),
      mediaBeforeRecord: options.mediaBeforeRecord,
    });

  let services = build();
  open.push({
    async close() {
      await services.close();
      simulator.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  });
  return {
    dir,
    simulator,
    get services() {
      return services;
    },
    get store() {
      return services.store;
    },
    get tasks() {
      return services.tasks;
    },
    get media() {
      return services.media;
    },
    get blobs() {
      return services.blobs;
    },
    get mediaDeps() {
      return services.mediaDeps;
    },
    get archive() {
      return services.archive;
    },
    mediaRequests,
    taskFetches,
    fault,
    async record(...tasks) {
      await services.store.record(tasks, mergeRule);
    },
    async blobKeys(prefix) {
      const keys: string[] = [];
      for await (const info of services.blobs.list(prefix)) keys.push(info.key);
      return keys;
    },
    async restart(restartOptions = {}) {
      await services.close();
      services = build(restartOptions.mediaQueue);
      return services;
    },
  };
}

/** Imagines `prompt` and waits until the task has finished. */
export async function finished(tasks: Pick<TaskService, "imagine" | "fetch">, prompt: string): Promise<Task> {
  const submitted = await tasks.imagine({ prompt });
  return waitForStatus((id) => tasks.fetch(id), submitted.result as string, "SUCCESS");
}
