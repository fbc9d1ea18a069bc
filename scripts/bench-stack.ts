/**
 * What every part of `npm run bench` stands on: the production build of the app (`next start`)
 * in front of the simulator served as a real HTTP upstream on loopback, each with its own temp
 * data, so the numbers include HTTP, validation, the upstream client, the SQLite record and
 * media-URL rewriting.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { startSimulatorServer, type SimulatorServer } from "mj-simulator/http-server";
import { freePort } from "./free-port";

export const ROOT = path.resolve(import.meta.dirname, "..");
export const KEY = "bench-key";

export async function waitFor(
  check: () => Promise<boolean>,
  what: string,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch {
      // not ready yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} did not happen within ${timeoutMs} ms`);
}

export interface Stack {
  appUrl: string;
  /** The `next start` process (leader of its process group). */
  appPid: number;
  simulator: SimulatorServer;
  close(): Promise<void>;
}

/** The simulator on a port and `next start` in front of it, each with its own temp data. */
export async function startStack(simulatorOptions: {
  speed: number;
  maxConcurrent?: number;
}): Promise<Stack> {
  const simulator = await startSimulatorServer({
    port: 0,
    host: "127.0.0.1",
    apiKey: KEY,
    ...simulatorOptions,
  });
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "mj-bench-"));
  const port = await freePort();
  const app = spawn(
    path.join(ROOT, "node_modules/.bin/next"),
    ["start", "--hostname", "127.0.0.1", "--port", String(port)],
    {
      cwd: ROOT,
      // No submit rate limit: the bench submits dozens of tasks at once on purpose.
      env: {
        ...process.env,
        MJ_API_URL: simulator.url,
        MJ_API_KEY: KEY,
        MJ_AUTH_HEADER: "authorization",
        DATA_DIR: dataDir,
        APP_SUBMIT_RATE_LIMIT: "0",
      },
      stdio: "ignore",
      detached: true,
    },
  );
  const appUrl = `http://127.0.0.1:${port}`;
  await waitFor(async () => (await fetch(`${appUrl}/api/health`)).ok, "the app starting");
  return {
    appUrl,
    appPid: app.pid!,
    simulator,
    async close() {
      if (app.pid) process.kill(-app.pid, "SIGTERM");
      await simulator.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function imagineMany(appUrl: string, count: number, label: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const response = await fetch(`${appUrl}/api/mj/submit/imagine`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ prompt: `${label} ${i} --ar 1:1` }),
    });
    const envelope = (await response.json()) as { code: number; result: string };
    if (envelope.code !== 1 && envelope.code !== 22)
      throw new Error(`imagine answered code ${envelope.code}`);
    ids.push(envelope.result);
  }
  return ids;
}

export function percentile(sorted: number[], p: number): number {
  return (
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN
  );
}
