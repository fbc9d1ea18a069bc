import "server-only";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { createSimulator, type Simulator } from "mj-simulator";
import { env, type AppEnv } from "@/lib/env";
import type { BlobStore } from "@/lib/media/blob-store";
import { createMediaCache, type MediaCache, type MediaCacheOptions } from "@/lib/media/cache";
import { forHook } from "@/lib/http/drop-in";
import {
  createPinnedFetch,
  createPinnedMediaRequest,
  createUrlGuard,
  inProcessGuard,
  mediaDownloader,
  MediaFetchError,
  type UrlGuard,
} from "@/lib/media/fetch";
import { createRequestInputs, type RequestInputs } from "@/lib/media/inputs";
import { createPreviewCache } from "@/lib/media/previews";
import { makeShown } from "@/lib/media/ready";
import type { MediaDeps } from "@/lib/media/serve";
import { soloCluster } from "@/lib/store/cluster";
import { createPgCluster } from "@/lib/store/pg-cluster";
import type { TaskStore } from "@/lib/store/task-store";
import type { ArchiveDeps } from "@/lib/tasks/archive";
import { createNotifier } from "@/lib/tasks/notify";
import { createTaskService, type TaskService } from "@/lib/tasks/service";
import { withAppMediaUrls } from "@/lib/media/urls";
import { openBlobStore, openStorage } from "@/lib/server/storage";
import { createUpstreamClient, type UpstreamClient, type UpstreamConfig } from "@/lib/upstream/client";

/**
 * The composition root: the one module that knows which adapters exist and whether the upstream
 * is real or simulated. It builds every server-side service once from the parsed environment;
 * route handlers take what they need from `services()`, and nothing else keeps a server singleton.
 */

/** Where the in-process simulator's media URLs point; only its own fetch ever resolves them. */
export const DEMO_BASE_URL = "http://simulator.invalid";

export interface Services {
  config: AppEnv;
  upstream: UpstreamClient;
  /** The history: PostgreSQL at DATABASE_URL, else the SQLite file `DATA_DIR/mj-studio.sqlite`. */
  store: TaskStore;
  /** Every blob, under DATA_DIR or in S3_BUCKET: `media/…` (the cache), `inputs/…` (request images), `staging/…` (imports). */
  blobs: BlobStore;
  media: MediaCache;
  /** What `GET /api/media/...` is served with. */
  mediaDeps: MediaDeps;
  inputs: RequestInputs;
  /** The one writer of the history. */
  tasks: TaskService;
  /** What the archive routes (download, export, import) work with. */
  archive: ArchiveDeps;
  /** Whether this instance is the one that polls the upstream (always, unless on a PostgreSQL cluster). */
  pollerRole(): "leader" | "standby";
  close(): Promise<void>;
}

type Fetch = NonNullable<UpstreamConfig["fetch"]>;

/** APP_NOTIFY_ALLOW_PRIVATE=1: a notifyHook may be any http(s) URL, a private one included. */
const httpOnly: UrlGuard = async (url) => {
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new MediaFetchError("refused", "invalid_input", "The link is not an http(s) URL.");
  }
};

export interface ServiceOptions {
  /** In demo mode: the simulator (and its key) to use instead of one persisted under DATA_DIR (tests). */
  simulator?: { simulator: Simulator; apiKey: string };
  /**
   * Tests: wraps the fetch the upstream client talks through (the simulator's in demo mode, the
   * network's otherwise), to count requests, inject faults or stand the simulator in for a server.
   */
  upstreamFetch?: (fetch: Fetch) => Fetch;
  /** Tests: the media queue's retry timing, so a test of retries takes milliseconds, not minutes. */
  mediaQueue?: Pick<MediaCacheOptions, "retryBaseMs" | "maxAttempts">;
  /**
   * Tests of the media queue's own order: false records a poll as it comes, a finish's thumbnails
   * left to the queue (default true: what a page shows is made first, lib/media/ready.ts).
   */
  mediaBeforeRecord?: boolean;
  log?: (message: string) => void;
}

type Resilience = Pick<UpstreamConfig, "timeoutMs" | "readAttempts" | "breaker" | "speedVia">;

function demoUpstream(config: AppEnv, options: ServiceOptions, resilience: Resilience) {
  // A per-process key, so the simulator behaves as a trueai proxy with a user key (cancel works)
  // rather than as one with auth switched off.
  const apiKey = options.simulator?.apiKey ?? randomUUID();
  const simulator =
    options.simulator?.simulator ??
    createSimulator({
      apiKey,
      speed: config.simulatorSpeed,
      baseUrl: DEMO_BASE_URL,
      persistPath: path.join(config.dataDir, "simulator.sqlite"),
    });
  const upstream = createUpstreamClient({
    baseUrl: DEMO_BASE_URL,
    apiKey,
    authHeader: "authorization",
    ...resilience,
    fetch: options.upstreamFetch ? options.upstreamFetch(simulator.fetch) : simulator.fetch,
  });
  return { upstream, simulator };
}

/** Builds every service over `config`; `close()` releases them (tests build and close their own). */
export function createServices(config: AppEnv, options: ServiceOptions = {}): Services {
  const log = options.log ?? ((message: string) => console.warn(message));
  const resilience: Resilience = {
    timeoutMs: config.timeoutMs,
    readAttempts: config.readAttempts,
    breaker: config.breaker,
    speedVia: config.speedVia,
  };
  const demo = config.upstream ? null : demoUpstream(config, options, resilience);
  const upstream = demo
    ? demo.upstream
    : createUpstreamClient({
        ...config.upstream!,
        ...resilience,
        ...(options.upstreamFetch
          ? { fetch: options.upstreamFetch(fetch) }
          : {
              mediaRequest: createPinnedMediaRequest({
                trustedOrigin: new URL(config.upstream!.baseUrl).origin,
              }),
            }),
      });
  // What media URLs may be fetched: in demo mode the simulator is in-process, so anything it hands out.
  const guard: UrlGuard = config.upstream
    ? createUrlGuard({ trustedOrigin: new URL(config.upstream.baseUrl).origin })
    : inProcessGuard;

  const storage = openStorage(config, log);
  const { store, blobs, pool } = storage;
  // On PostgreSQL, the instances sharing the database act as one: the lease holder alone polls
  // the upstream, and each hears what the others record (lib/store/pg-cluster.ts).
  const cluster =
    pool && config.databaseUrl
      ? createPgCluster({ pool, url: config.databaseUrl, intervalMs: config.pollIntervalMs, log })
      : soloCluster();
  const inputs = createRequestInputs(blobs);
  const download = mediaDownloader({ upstream, guard });
  const getTask = (id: string) => store.get(id);

  // The cache and the task service need each other: the service hands finished tasks to the
  // cache, the cache asks the service (the one writer) to refresh a task whose links expired
  // (only ever later, from a download, so `tasks` exists by then).
  const media = createMediaCache({
    blobs,
    index: storage.mediaIndex,
    getTask,
    refreshTask: (id) => tasks.refresh(id),
    download,
    ...options.mediaQueue,
    log,
  });
  const previews = createPreviewCache({ download });
  const notifier = createNotifier({
    hookOf: async (id) => {
      const hook = (await store.getRequest(id))?.body.notifyHook;
      return typeof hook === "string" ? hook : null;
    },
    present: (task) => forHook(withAppMediaUrls(task)),
    guard: config.notifyAllowPrivate ? httpOnly : createUrlGuard({ trustedOrigin: null }),
    ...(config.notifyAllowPrivate ? {} : { fetch: createPinnedFetch({ trustedOrigin: null }) }),
    log,
  });
  const tasks: TaskService = createTaskService({
    upstream,
    store,
    inputs,
    cacheMedia: (recorded) => {
      previews.recorded(recorded);
      media.enqueue(recorded);
    },
    removeMedia: (ids) => {
      previews.forget(ids);
      return media.remove(ids);
    },
    notify: (changed) => notifier.notify(changed),
    ...(options.mediaBeforeRecord === false ? {} : { mediaReady: makeShown(media, previews) }),
    pollIntervalMs: config.pollIntervalMs,
    cluster,
    log,
  });
  // The one poller of the upstream starts with the services, on what the history holds unfinished.
  tasks
    .startPolling()
    .catch((error: unknown) => log(`[poller] could not read the unfinished tasks: ${String(error)}`));

  return {
    config,
    upstream,
    store,
    blobs,
    media,
    mediaDeps: { getTask, cache: media, download, previews },
    inputs,
    tasks,
    archive: { store, tasks, cache: media, download, blobs, log },
    pollerRole: () => (cluster.isLeader() ? "leader" : "standby"),
    async close() {
      tasks.stopPolling();
      // The lease goes first: another instance takes over polling without waiting for the media
      // work below.
      await cluster.close();
      // Thumbnails the last poll started write to the blob store and index closed below.
      await tasks.idle();
      media.close();
      await media.idle();
      await notifier.idle();
      await storage.close();
      if (demo && !options.simulator) demo.simulator.close();
    },
  };
}

// On globalThis rather than in a module variable: Next dev re-evaluates modules on every edit,
// and route handlers are bundled separately, so a module variable could exist more than once.
const holder = globalThis as typeof globalThis & { __mjServices?: Services };

/** The process-wide services over the parsed environment, built at first use. */
export function services(): Services {
  holder.__mjServices ??= createServices(env());
  return holder.__mjServices;
}

/**
 * The blob store, for the start hook (instrumentation.ts) alone. Next bundles the
 * hook apart from the route handlers, with its own copy of every module: services it built would
 * become the routes' through the holder, and their errors would not be the routes' AppError (a
 * 404 answered as a 500).
 */
export function blobsAtStart(): BlobStore {
  return openBlobStore(env());
}

/** Closes the process-wide services, if built, so the next `services()` builds them anew (tests). */
export async function resetServices(): Promise<void> {
  const current = holder.__mjServices;
  holder.__mjServices = undefined;
  await current?.close();
}
