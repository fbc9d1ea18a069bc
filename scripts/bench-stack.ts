/**
 * What every part of `npm run bench` stands on: the production build of the app (`next start`)
 * in front of the simulator served as a real HTTP upstream on loopback, each with its own temp
 * data, so the numbers include HTTP, validation, the upstream client, the SQLite record and
 * media-URL rewriting.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { startSimulatorServer, type SimulatorServer } from "mj-simulator/http-server";
import { startApp, type Proc } from "@/lib/testing/processes";
import { until } from "@/lib/testing/wait";

export const KEY = "bench-key";

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
  const removeData = () => rmSync(dataDir, { recursive: true, force: true });
  let app: Proc;
  try {
    app = await startApp({
      MJ_API_URL: simulator.url,
      MJ_API_KEY: KEY,
      MJ_AUTH_HEADER: "authorization",
      DATA_DIR: dataDir,
    });
  } catch (error) {
    await simulator.close();
    removeData();
    throw error;
  }
  return {
    appUrl: app.url,
    appPid: app.child.pid!,
    simulator,
    async close() {
      await app.kill();
      await simulator.close();
      removeData();
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

/** CPU time (clock ticks) a process and its descendants have used; 0 without /proc. */
export function cpuTicks(pid: number): number {
  try {
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    let ticks = Number(fields[11] ?? 0) + Number(fields[12] ?? 0);
    for (const thread of readdirSync(`/proc/${pid}/task`)) {
      const children = readFileSync(`/proc/${pid}/task/${thread}/children`, "utf8").trim();
      for (const child of children ? children.split(/\s+/) : []) ticks += cpuTicks(Number(child));
    }
    return ticks;
  } catch {
    return 0;
  }
}

/**
 * Waits until the app has used under 5 % of a core for a second: the background work a setup
 * gave it (downloads, thumbnails and cells of every finished job) is done, so what is measured
 * next is the app at rest, not the tail of that work.
 */
export async function settled(pid: number): Promise<void> {
  let last = cpuTicks(pid);
  await until(
    async () => {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const now = cpuTicks(pid);
      const busy = now - last;
      last = now;
      return busy < 5; // ticks are 1/100 s
    },
    "the app's background caching to finish",
    { timeoutMs: 180_000, intervalMs: 0 },
  );
}
