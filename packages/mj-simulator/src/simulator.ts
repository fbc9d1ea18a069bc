import { createDispatch } from "./dispatch";
import { Engine } from "./engine";
import { createFamily, type SnapshotAt } from "./families";
import { FaultInjector, raceAbort } from "./faults";
import { ATTACHMENT_PREFIX, MEDIA_PREFIX, MediaLinks, serveMedia } from "./media";
import { matchRoute } from "./routes";
import { takeSnapshot } from "./snapshot";
import { SqliteTaskStore } from "./sqlite-store";
import { MemoryTaskStore, type TaskStore } from "./store";
import type { Simulator, SimulatorOptions } from "./types";

const DEFAULT_BASE_URL = "http://simulator.invalid";
/** The "Discord channel" every task runs on, as trueai reports `instanceId` (§4.2). */
const INSTANCE_ID = "1118138338562560102";
/** new-api polls its upstream about every 15 s (§8). */
const RELAY_POLL_MS = 15_000;

function positive(value: number | undefined, fallback: number, name: string): number {
  const v = value ?? fallback;
  if (!Number.isFinite(v) || v <= 0)
    throw new RangeError(`simulator: ${name} must be a positive number, got ${v}`);
  return v;
}

export function createSimulator(options: SimulatorOptions = {}): Simulator {
  const speed = positive(options.speed, 1, "speed");
  const maxConcurrent = Math.floor(positive(options.maxConcurrent, 3, "maxConcurrent"));
  const clock = options.now ?? Date.now;
  const apiKey = options.apiKey ?? null;
  const store: TaskStore = options.persistPath
    ? new SqliteTaskStore(options.persistPath)
    : new MemoryTaskStore();
  const links = new MediaLinks(
    options.baseUrl ?? DEFAULT_BASE_URL,
    store.signingSecret,
    options.linkTtlMs ?? null,
  );
  const family = createFamily(options.family ?? "trueai", {
    instanceId: INSTANCE_ID,
    listImages: options.listImages ?? false,
    relayLagMs: options.relayLagMs ?? RELAY_POLL_MS / speed,
  });
  const engine = new Engine({
    store,
    links,
    timing: { speed, maxConcurrent },
    bannedAtSubmit: family.bannedAtSubmit,
    remix: options.remix ?? false,
    renderPool: options.renderPool ?? null,
    instanceId: INSTANCE_ID,
  });
  const snapshotAt: SnapshotAt = (record, t) => takeSnapshot(record, t, { store, links });
  const faults = new FaultInjector(options.faults);
  const dispatch = createDispatch({
    engine,
    family,
    store,
    apiKey,
    snapshotAt,
    storageFails: () => faults.uploadStorageDown,
  });
  const counts = new Map<string, number>();
  let requests = 0;

  function count(path: string): void {
    requests++;
    counts.set(path, (counts.get(path) ?? 0) + 1);
  }

  async function respond(request: Request): Promise<Response> {
    const url = new URL(request.url);
    // Media and uploads are the CDN and the file storage, not the API: no key, no API faults
    // (Discord links and stored files work without a token).
    const servedPrefix = [MEDIA_PREFIX, ATTACHMENT_PREFIX].find((p) => url.pathname.startsWith(p));
    if (servedPrefix) {
      count(servedPrefix.slice(0, -1));
      if (request.method !== "GET") return new Response(null, { status: 405 });
      return serveMedia({ store, links }, url, clock());
    }
    const route = matchRoute(request.method, url.pathname);
    count(route?.statsPath ?? url.pathname);
    const fault = await faults.intercept(request.signal, () => family.unauthorized(request.headers));
    if (fault) return fault;
    if (apiKey !== null && !family.authorize(request.headers, apiKey))
      return family.unauthorized(request.headers);
    const now = clock();
    const prefix = route?.prefix ? family.prefix(route.prefix) : { mounted: true, mode: null };
    if (!route || !prefix.mounted || !family.routes.has(route.name))
      return family.notFound(url.pathname, now);
    if (!route.methodAllowed) return new Response(null, { status: 405 });
    return dispatch(request, route, { now, pathMode: prefix.mode }, url.pathname);
  }

  async function handle(request: Request): Promise<Response> {
    try {
      return await raceAbort(respond(request), request.signal);
    } catch (error) {
      if (request.signal.aborted) throw error;
      // A bug or a render failure: answer as a crashing server does, and say why in the log.
      console.error("simulator: request failed", request.method, request.url, error);
      return new Response("Internal Server Error", {
        status: 500,
        headers: { "content-type": "text/plain" },
      });
    }
  }

  return {
    fetch: (input, init) => {
      try {
        return handle(new Request(input, init));
      } catch (error) {
        return Promise.reject(error);
      }
    },
    handle,
    setFaults: (next) => faults.set(next),
    stats: () => ({ requests, byPath: Object.fromEntries(counts) }),
    close: () => store.close(),
  };
}
