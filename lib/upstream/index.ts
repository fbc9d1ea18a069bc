import "server-only";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { env } from "@/lib/env";
import { createSimulator } from "mj-simulator";
import { createUpstreamClient, type UpstreamClient } from "./client";

/** Where the in-process simulator's media URLs point; only its own fetch ever resolves them. */
export const DEMO_BASE_URL = "http://simulator.invalid";

const globalCache = globalThis as typeof globalThis & { __mjUpstream?: UpstreamClient };

/**
 * The process-wide upstream client: the configured server, or in demo mode the in-process
 * simulator (persisted under DATA_DIR so demo tasks and their images survive restarts).
 * Cached on globalThis because Next dev re-evaluates modules.
 */
export function getUpstream(): UpstreamClient {
  if (globalCache.__mjUpstream) return globalCache.__mjUpstream;
  const config = env();
  let client: UpstreamClient;
  const resilience = {
    timeoutMs: config.timeoutMs,
    readAttempts: config.readAttempts,
    breaker: config.breaker,
  };
  if (config.upstream) {
    client = createUpstreamClient({ ...config.upstream, ...resilience });
  } else {
    // A per-process key, so the simulator behaves as a trueai proxy with a user key (cancel works)
    // rather than as one with auth switched off.
    const demoKey = randomUUID();
    const simulator = createSimulator({
      apiKey: demoKey,
      speed: config.simulatorSpeed,
      baseUrl: DEMO_BASE_URL,
      persistPath: path.join(config.dataDir, "simulator.sqlite"),
    });
    client = createUpstreamClient({
      baseUrl: DEMO_BASE_URL,
      apiKey: demoKey,
      authHeader: "authorization",
      ...resilience,
      fetch: simulator.fetch,
    });
  }
  globalCache.__mjUpstream = client;
  return client;
}
