/**
 * `npm run bench`: measures what the budgets in product.md talk about and prints one table.
 * Timings live here, never in pass/fail tests.
 *
 * Proxy overhead: the simulator runs as a real HTTP upstream on loopback, the production build
 * of the app runs in front of it, and the same requests go both directly to the simulator and
 * through the app. The ratio is the price of the route handler (validation, the upstream client,
 * the SQLite record, media-URL rewriting) over the bare upstream call.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { startSimulatorServer } from "@/lib/simulator/http-server";

const ROOT = path.resolve(import.meta.dirname, "..");
const KEY = "bench-key";
const ITERATIONS = 400;
const WARMUP = 40;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env, stdio: "inherit" });
    child.once("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(" ")} exited ${code}`)),
    );
  });
}

async function waitFor(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not come up within ${timeoutMs} ms`);
}

function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

interface Stats {
  p50: number;
  p99: number;
}

/** Interleaves the two variants so drift on the machine hits both alike. */
async function measurePair(direct: () => Promise<Response>, viaApp: () => Promise<Response>) {
  const samples = { direct: [] as number[], app: [] as number[] };
  for (let i = 0; i < WARMUP + ITERATIONS; i++) {
    for (const [name, call] of [
      ["direct", direct],
      ["app", viaApp],
    ] as const) {
      const started = performance.now();
      const response = await call();
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`${name} answered HTTP ${response.status}`);
      if (i >= WARMUP) samples[name].push(performance.now() - started);
    }
  }
  const stats = (values: number[]): Stats => {
    const sorted = [...values].sort((a, b) => a - b);
    return { p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
  };
  return { direct: stats(samples.direct), app: stats(samples.app) };
}

async function main(): Promise<void> {
  if (!existsSync(path.join(ROOT, ".next", "BUILD_ID"))) {
    console.log("No production build yet: running next build");
    await run("npx", ["next", "build"]);
  }

  const simulator = await startSimulatorServer({ port: 0, host: "127.0.0.1", apiKey: KEY, speed: 50 });
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "mj-bench-"));
  const port = await freePort();
  const appUrl = `http://127.0.0.1:${port}`;
  let app: ChildProcess | undefined;
  try {
    app = spawn("npx", ["next", "start", "--hostname", "127.0.0.1", "--port", String(port)], {
      cwd: ROOT,
      env: {
        ...process.env,
        MJ_API_URL: simulator.url,
        MJ_API_KEY: KEY,
        MJ_AUTH_HEADER: "authorization",
        DATA_DIR: dataDir,
      },
      stdio: "ignore",
      detached: true,
    });
    await waitFor(`${appUrl}/api/health`, 60_000);

    // 50 finished tasks, submitted through the app so it has recorded them.
    const ids: string[] = [];
    for (let i = 0; i < 50; i++) {
      const response = await fetch(`${appUrl}/api/mj/submit/imagine`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ prompt: `bench task ${i} --ar 1:1` }),
      });
      const envelope = (await response.json()) as { code: number; result: string };
      if (envelope.code !== 1 && envelope.code !== 22)
        throw new Error(`imagine answered code ${envelope.code}`);
      ids.push(envelope.result);
    }
    const listBody = JSON.stringify({ ids });
    await waitFor(`${appUrl}/api/mj/task/${ids.at(-1)}/fetch`, 30_000);

    const auth = { authorization: KEY, "content-type": "application/json" };
    const oneId = ids[0]!;
    const rows = [
      {
        name: "GET task/{id}/fetch",
        ...(await measurePair(
          () => fetch(`${simulator.url}/mj/task/${oneId}/fetch`, { headers: auth }),
          () => fetch(`${appUrl}/api/mj/task/${oneId}/fetch`),
        )),
      },
      {
        name: "POST list-by-ids (50 ids)",
        ...(await measurePair(
          () =>
            fetch(`${simulator.url}/mj/task/list-by-ids`, { method: "POST", headers: auth, body: listBody }),
          () => fetch(`${appUrl}/api/mj/task/list-by-ids`, { method: "POST", headers: auth, body: listBody }),
        )),
      },
    ];

    const ms = (n: number) => `${n.toFixed(2)} ms`;
    console.log(
      `\nProxy overhead: ${ITERATIONS} requests each, sequential, loopback, simulator upstream (trueai family)\n`,
    );
    console.log("| endpoint | direct p50 | direct p99 | via app p50 | via app p99 | ratio p50 | ratio p99 |");
    console.log("|---|---|---|---|---|---|---|");
    for (const row of rows) {
      console.log(
        `| ${row.name} | ${ms(row.direct.p50)} | ${ms(row.direct.p99)} | ${ms(row.app.p50)} | ${ms(row.app.p99)} | ` +
          `${(row.app.p50 / row.direct.p50).toFixed(2)}x | ${(row.app.p99 / row.direct.p99).toFixed(2)}x |`,
      );
    }
  } finally {
    if (app?.pid) process.kill(-app.pid, "SIGTERM");
    await simulator.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
