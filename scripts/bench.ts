/**
 * `npm run bench`: measures what the budgets in product.md talk about and prints tables.
 * Timings live here, never in pass/fail tests.
 *
 * Every measurement runs the production build of the app in front of the simulator served as a
 * real HTTP upstream on loopback (trueai dialect), so the numbers include HTTP, validation, the
 * upstream client, the SQLite record and media-URL rewriting.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import type { SimulatorServer } from "mj-simulator/http-server";
import { benchFeed } from "./bench-feed";
import { benchHistory } from "./bench-history";
import { benchGalleryBytes } from "./bench-media";
import { benchLoad } from "./bench-load";
import { benchPolling } from "./bench-polling";
import { benchPrompt } from "./bench-prompt";
import { createReporter } from "./bench-report";
import { ROOT } from "@/lib/testing/processes";
import { until } from "@/lib/testing/wait";
import { imagineMany, KEY, percentile, startStack } from "./bench-stack";

// `npm run bench -- --json`: one JSON line per measure on stdout.
const args = process.argv.slice(2);
const json = args.includes("--json");
const reporter = createReporter(json);

const upstreamCalls = (simulator: SimulatorServer, fragment: string) =>
  Object.entries(simulator.simulator.stats().byPath)
    .filter(([p]) => p.includes(fragment))
    .reduce((sum, [, n]) => sum + n, 0);

// ---------------------------------------------------------------------------------------------
// 1. Proxy overhead: the same request straight to the upstream and through the app.

const ITERATIONS = 400;
const WARMUP = 40;

async function overhead(): Promise<void> {
  const stack = await startStack({ speed: 50, maxConcurrent: 100 });
  try {
    const finished = await imagineMany(stack.appUrl, 50, "bench finished");
    const listOf = (ids: string[]) => JSON.stringify({ ids });
    await until(
      async () => {
        const tasks = (await (
          await fetch(`${stack.appUrl}/api/mj/task/list-by-ids`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: listOf(finished),
          })
        ).json()) as { status: string }[];
        return tasks.length === 50 && tasks.every((t) => t.status === "SUCCESS");
      },
      "50 tasks finishing",
      { timeoutMs: 60_000, intervalMs: 200 },
    );

    const auth = { authorization: KEY, "content-type": "application/json" };
    const cases = [
      {
        // Must reach the upstream: what the proxy adds to a forwarded call.
        name: "GET task/{id}/image-seed",
        direct: () => fetch(`${stack.simulator.url}/mj/task/${finished[0]}/image-seed`, { headers: auth }),
        app: () => fetch(`${stack.appUrl}/api/mj/task/${finished[0]}/image-seed`),
        upstreamPath: "/image-seed",
      },
      {
        name: "GET task/{id}/fetch, finished (from the record)",
        direct: () => fetch(`${stack.simulator.url}/mj/task/${finished[0]}/fetch`, { headers: auth }),
        app: () => fetch(`${stack.appUrl}/api/mj/task/${finished[0]}/fetch`),
        upstreamPath: "/fetch",
      },
      {
        name: "POST list-by-ids, 50 finished",
        direct: () =>
          fetch(`${stack.simulator.url}/mj/task/list-by-ids`, {
            method: "POST",
            headers: auth,
            body: listOf(finished),
          }),
        app: () =>
          fetch(`${stack.appUrl}/api/mj/task/list-by-ids`, {
            method: "POST",
            headers: auth,
            body: listOf(finished),
          }),
        upstreamPath: "/list-by",
      },
    ];

    console.log(`\n## Proxy overhead (${ITERATIONS} sequential requests each, loopback)\n`);
    console.log(
      "| request | direct p50 | direct p99 | via app p50 | via app p99 | ratio p50 | ratio p99 | upstream calls per app request |",
    );
    console.log("|---|---|---|---|---|---|---|---|");
    for (const c of cases) {
      const samples = { direct: [] as number[], app: [] as number[] };
      let upstreamDuringApp = 0;
      for (let i = 0; i < WARMUP + ITERATIONS; i++) {
        for (const side of ["direct", "app"] as const) {
          const before = upstreamCalls(stack.simulator, c.upstreamPath);
          const started = performance.now();
          const response = await c[side]();
          await response.arrayBuffer();
          const took = performance.now() - started;
          if (!response.ok) throw new Error(`${c.name} ${side}: HTTP ${response.status}`);
          if (i < WARMUP) continue;
          samples[side].push(took);
          if (side === "app") upstreamDuringApp += upstreamCalls(stack.simulator, c.upstreamPath) - before;
        }
      }
      const d = [...samples.direct].sort((a, b) => a - b);
      const a = [...samples.app].sort((x, y) => x - y);
      const ms = (n: number) => `${n.toFixed(2)} ms`;
      if (json) {
        for (const p of [50, 99])
          reporter.report({
            name: `proxy overhead p${p}, ${c.name}`,
            value: Number((percentile(a, p) / percentile(d, p)).toFixed(2)),
            unit: "x the direct call",
            target: p === 50 ? "at most 1.5x" : "at most 2x",
          });
      }
      console.log(
        `| ${c.name} | ${ms(percentile(d, 50))} | ${ms(percentile(d, 99))} | ${ms(percentile(a, 50))} | ${ms(percentile(a, 99))} | ` +
          `${(percentile(a, 50) / percentile(d, 50)).toFixed(2)}x | ${(percentile(a, 99) / percentile(d, 99)).toFixed(2)}x | ${(upstreamDuringApp / ITERATIONS).toFixed(2)} |`,
      );
    }
    console.log(
      "\nFinished tasks are answered from the app's record (0 upstream calls); image-seed always asks the upstream.",
    );
  } finally {
    await stack.close();
  }
}

async function main(): Promise<void> {
  // With --json, stdout carries only the JSON lines: the parts' tables go to stderr.
  if (json) console.log = (...values: unknown[]) => console.error(...values);
  if (!existsSync(path.join(ROOT, ".next", "BUILD_ID"))) {
    console.log("No production build yet: running next build");
    await new Promise<void>((resolve, reject) =>
      spawn(path.join(ROOT, "node_modules/.bin/next"), ["build"], { cwd: ROOT, stdio: "inherit" }).once(
        "exit",
        (code) => (code === 0 ? resolve() : reject(new Error(`next build exited ${code}`))),
      ),
    );
  }
  // `npm run bench -- load` runs only the parts named; no argument runs them all.
  const parts = {
    overhead,
    polling: async () => {
      await benchPolling(reporter.report);
      reporter.flush("Upstream polling (15 s windows, per minute) and pushed progress");
    },
    history: benchHistory,
    gallery: benchGalleryBytes,
    feed: benchFeed,
    load: benchLoad,
    prompt: benchPrompt,
  };
  const wanted = args.filter((arg) => arg !== "--json");
  for (const [name, run] of Object.entries(parts))
    if (wanted.length === 0 || wanted.includes(name)) await run();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
