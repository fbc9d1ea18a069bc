/**
 * `npm run bench`, polling: how many upstream polls the app makes per minute while 1, 10 and 50
 * tasks run and 1, 2 or 5 tabs watch them (each a simulated page: the batched poll every second,
 * the feed's head every 3 s, the event stream) with a drop-in client polling on the side; the same
 * when nothing runs; and how long a change the server sees takes to reach a page by the stream.
 *
 * The app talks to the simulator through a tap in this process, which notes when each
 * `list-by-ids` answer left the upstream (the start of "server sees → page receives") and when
 * each poll reached it.
 */
import { createServer, type Server } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { startSimulatorServer, type SimulatorServer } from "mj-simulator/http-server";
import { startApp, type Proc } from "@/lib/testing/processes";
import { imagineMany, KEY, percentile } from "./bench-stack";
import type { Measure } from "./bench-report";

/** The per-task-polling baseline of issue 13 (2 tabs; 1 / 10 / 50 running tasks), upstream polls per minute. */
const BASELINE_2_TABS: Record<number, number> = { 1: 24, 10: 44, 50: 46 };
const TAB_POLL_MS = 1_000;
const HEAD_MS = 3_000;
const DROP_IN_MS = 2_000;
const SERVER_INTERVAL_MS = 2_000;
/**
 * Eight intervals, starting halfway between two polls: one poll per interval counts exactly 8,
 * whatever the phase. A 15 s window counted 7 or 8 polls by where it fell (28 or 32 a minute).
 */
const WINDOW_MS = 8 * SERVER_INTERVAL_MS;

interface Seen {
  /** When an upstream answer first carried this task in this state (ms, performance clock). */
  at: Map<string, number>;
  /** When each upstream poll (list-by-ids or condition, a task's fetch) reached the tap. */
  polls: number[];
}

const stateKey = (task: { id: string; status: string; progress: string | null }) =>
  `${task.id}:${task.status}:${task.progress}`;

/** A pass-through HTTP server in front of the simulator that notes each poll and what list-by-ids answers. */
async function startTap(upstream: string, seen: Seen): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    if (req.url?.includes("/list-by") || req.url?.endsWith("/fetch")) seen.polls.push(performance.now());
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      void (async () => {
        const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
        const headers = Object.fromEntries(
          Object.entries(req.headers).flatMap(([name, value]) =>
            typeof value === "string" && name !== "host" && name !== "content-length" ? [[name, value]] : [],
          ),
        );
        const answer = await fetch(`${upstream}${req.url}`, { method: req.method, headers, body });
        const bytes = Buffer.from(await answer.arrayBuffer());
        if (req.url?.includes("/list-by") && answer.ok) {
          const at = performance.now();
          try {
            for (const task of JSON.parse(bytes.toString("utf8")) as {
              id: string;
              status: string;
              progress: string | null;
            }[]) {
              const key = stateKey(task);
              if (!seen.at.has(key)) seen.at.set(key, at);
            }
          } catch {
            // not a list: nothing to note
          }
        }
        res.writeHead(answer.status, Object.fromEntries(answer.headers));
        res.end(bytes);
      })().catch(() => {
        res.writeHead(502).end();
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

interface Stack {
  app: Proc;
  simulator: SimulatorServer;
  seen: Seen;
  close(): Promise<void>;
}

async function startTappedStack(speed: number): Promise<Stack> {
  const simulator = await startSimulatorServer({
    port: 0,
    host: "127.0.0.1",
    apiKey: KEY,
    speed,
    maxConcurrent: 1_000,
  });
  const seen: Seen = { at: new Map(), polls: [] };
  const tap = await startTap(simulator.url, seen);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "mj-bench-poll-"));
  const app = await startApp({
    MJ_API_URL: tap.url,
    MJ_API_KEY: KEY,
    MJ_AUTH_HEADER: "authorization",
    MJ_POLL_INTERVAL_MS: String(SERVER_INTERVAL_MS),
    DATA_DIR: dataDir,
  });
  return {
    app,
    simulator,
    seen,
    async close() {
      await app.kill();
      await new Promise((resolve) => tap.server.close(resolve));
      await simulator.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `work` every `ms` until the signal aborts; errors count, they do not stop the loop. */
async function every(ms: number, signal: AbortSignal, work: () => Promise<unknown>): Promise<void> {
  while (!signal.aborted) {
    await work().catch(() => {});
    await sleep(ms);
  }
}

/** Reads the event stream until aborted, calling `onTasks` with each batch and its arrival time. */
async function listen(
  appUrl: string,
  signal: AbortSignal,
  onTasks: (tasks: { id: string; status: string; progress: string | null }[], at: number) => void,
): Promise<void> {
  try {
    const response = await fetch(`${appUrl}/api/tasks/events`, { signal });
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let pending = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      const at = performance.now();
      const messages = (pending + decoder.decode(value, { stream: true })).split("\n\n");
      pending = messages.pop() ?? "";
      for (const message of messages)
        if (message.startsWith("data: ")) onTasks(JSON.parse(message.slice(6)) as never, at);
    }
  } catch {
    // aborted
  }
}

/** One simulated tab: the batched poll, the feed's head, the stream. */
function tab(appUrl: string, ids: string[], signal: AbortSignal): Promise<unknown> {
  const post = (route: string, body: unknown) =>
    fetch(`${appUrl}${route}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    }).then((r) => r.arrayBuffer());
  return Promise.all([
    every(TAB_POLL_MS, signal, () => post("/api/mj/task/list-by-ids", { ids })),
    every(HEAD_MS, signal, () => fetch(`${appUrl}/api/tasks?limit=30`).then((r) => r.arrayBuffer())),
    listen(appUrl, signal, () => {}),
  ]);
}

/** A midjourney-proxy client using the app as its upstream: list-by-ids and one fetch every 2 s. */
function dropIn(appUrl: string, ids: string[], signal: AbortSignal): Promise<unknown> {
  return every(DROP_IN_MS, signal, async () => {
    await fetch(`${appUrl}/api/mj/task/list-by-ids`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ids }),
    }).then((r) => r.arrayBuffer());
    await fetch(`${appUrl}/api/mj/task/${ids[0]}/fetch`).then((r) => r.arrayBuffer());
  });
}

async function window(stack: Stack, ids: string[], tabs: number): Promise<number> {
  const stop = new AbortController();
  const clients = [
    ...Array.from({ length: tabs }, () => tab(stack.app.url, ids, stop.signal)),
    dropIn(stack.app.url, ids, stop.signal),
  ];
  await sleep(2_000); // settle: streams open, first polls
  const { polls: seen } = stack.seen;
  // Halfway between two polls (when idle, with none to wait for, after two and a half intervals).
  const seenBefore = seen.length;
  const waitUntil = performance.now() + 2.5 * SERVER_INTERVAL_MS;
  while (seen.length === seenBefore && performance.now() < waitUntil) await sleep(10);
  await sleep(SERVER_INTERVAL_MS / 2);
  const before = seen.length;
  await sleep(WINDOW_MS);
  const polls = seen.length - before;
  stop.abort();
  await Promise.all(clients);
  return (polls * 60_000) / WINDOW_MS;
}

export async function benchPolling(report: (measure: Measure) => void): Promise<void> {
  // Jobs of about six minutes: every task still runs through all nine windows.
  const stack = await startTappedStack(0.02);
  let ids: string[] = [];
  try {
    for (const running of [1, 10, 50]) {
      ids = [...ids, ...(await imagineMany(stack.app.url, running - ids.length, "bench polling"))];
      for (const tabs of [1, 2, 5]) {
        const perMinute = await window(stack, ids, tabs);
        report({
          name: `upstream polls/min, ${running} running, ${tabs} tab(s) + drop-in client`,
          value: Math.round(perMinute),
          unit: "req/min",
          target: `${60_000 / SERVER_INTERVAL_MS} (one per ${SERVER_INTERVAL_MS / 1000} s interval)`,
          baseline: tabs === 2 ? BASELINE_2_TABS[running] : undefined,
        });
      }
    }

    // Progress latency: when the tap saw a state in an upstream answer → when a page got it by the stream.
    const stop = new AbortController();
    const latencies: number[] = [];
    const received = new Set<string>();
    const listening = listen(stack.app.url, stop.signal, (tasks, at) => {
      for (const task of tasks) {
        const key = stateKey(task);
        const seenAt = stack.seen.at.get(key);
        if (seenAt === undefined || received.has(key)) continue;
        received.add(key);
        latencies.push(at - seenAt);
      }
    });
    await sleep(WINDOW_MS);
    stop.abort();
    await listening;
    const sorted = latencies.sort((a, b) => a - b);
    for (const p of [50, 99]) {
      report({
        name: `progress latency p${p}, server sees → page receives (stream; ${sorted.length} changes of 50 tasks)`,
        value: Number(percentile(sorted, p).toFixed(1)),
        unit: "ms",
        target: "about 100 ms",
      });
    }
  } finally {
    await stack.close();
  }

  // Idle: every task finished; two tabs and a drop-in client keep polling them.
  const idle = await startTappedStack(50);
  try {
    const finished = await imagineMany(idle.app.url, 5, "bench idle");
    for (;;) {
      const tasks = (await (
        await fetch(`${idle.app.url}/api/mj/task/list-by-ids`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ ids: finished }),
        })
      ).json()) as { status: string }[];
      if (tasks.length === finished.length && tasks.every((t) => t.status === "SUCCESS")) break;
      await sleep(250);
    }
    report({
      name: "upstream polls/min, idle (5 finished tasks), 2 tabs + drop-in client",
      value: Math.round(await window(idle, finished, 2)),
      unit: "req/min",
      target: "0",
    });
  } finally {
    await idle.close();
  }
}
