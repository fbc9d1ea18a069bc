/**
 * `npm run bench`, part 3: load. One client for 15 s (the unloaded p50), then 50 and 200
 * concurrent clients on loopback for 60 s each,
 * every client doing what a studio tab does: polling the tasks it submitted (list-by-ids, as the
 * browser does), reading the first page of the history, loading thumbnails of its finished tasks
 * and now and then submitting another imagine. The simulator runs in its own process (the
 * standalone `tsx` one), so the app is measured, not the simulator's image renderer sharing its
 * CPU. Reports throughput, p50/p99 latency per kind, errors (the budget is zero: the app must
 * degrade by queueing) and the peak memory of the `next start` process tree, a fresh app per level.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { startApp, startSimulator, type Proc } from "@/lib/testing/processes";
import { KEY, percentile } from "./bench-stack";

const LEVELS = [50, 200];
const DURATION_MS = 60_000;
/** The same mix from one client first: the unloaded p50 the loaded p99 is held to (at most 10x). */
const UNLOADED_MS = 15_000;
/** How a client's next request is chosen (the rest poll). */
const SHARE = { submit: 0.05, history: 0.15, thumbnail: 0.3 };
/** How many of its newest tasks a client polls at once. */
const POLLED_PER_CLIENT = 20;
const HISTORY_PAGE = 50;

const KINDS = ["poll", "history", "thumbnail", "submit"] as const;
type Kind = (typeof KINDS)[number];

interface Tally {
  latencies: Record<Kind, number[]>;
  errors: string[];
}

/** Peak resident memory (VmHWM) of a process and its descendants, in kB. */
function peakMemoryKb(pid: number): number {
  let total = 0;
  const visit = (id: number) => {
    try {
      const status = readFileSync(`/proc/${id}/status`, "utf8");
      total += Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? 0);
      for (const thread of readdirSync(`/proc/${id}/task`)) {
        const children = readFileSync(`/proc/${id}/task/${thread}/children`, "utf8").trim();
        for (const child of children ? children.split(/\s+/) : []) visit(Number(child));
      }
    } catch {
      // gone, or no /proc (not Linux): nothing to add
    }
  };
  visit(pid);
  return total;
}

/** One timed request; the body as text (null on an error, which is tallied). */
async function timed(tally: Tally, kind: Kind, run: () => Promise<Response>): Promise<string | null> {
  const started = performance.now();
  try {
    const response = await run();
    const text =
      // A thumbnail's bytes are only counted; an error's body is its reason.
      kind === "thumbnail" && response.ok
        ? String((await response.arrayBuffer()).byteLength)
        : await response.text();
    tally.latencies[kind].push(performance.now() - started);
    if (!response.ok) {
      tally.errors.push(`${kind}: HTTP ${response.status} ${text.slice(0, 200)}`);
      return null;
    }
    return text;
  } catch (error) {
    tally.errors.push(`${kind}: ${error instanceof Error ? error.message : String(error)}`);
    return null;
  }
}

interface PolledTask {
  id: string;
  status: string;
  thumbnailUrl?: string | null;
}

async function client(appUrl: string, index: number, deadline: number, tally: Tally): Promise<number> {
  const ids: string[] = [];
  const thumbnails = new Set<string>();
  const headers = { "content-type": "application/json" };
  let submitted = 0;
  const submit = async () => {
    const text = await timed(tally, "submit", () =>
      fetch(`${appUrl}/api/mj/submit/imagine`, {
        method: "POST",
        headers,
        body: JSON.stringify({ prompt: `load client ${index} task ${submitted} --ar 1:1` }),
      }),
    );
    submitted++;
    if (text === null) return;
    const envelope = JSON.parse(text) as { code: number; result: string };
    if (envelope.code === 1 || envelope.code === 22) ids.push(envelope.result);
    else tally.errors.push(`submit: envelope code ${envelope.code}`);
  };
  const poll = async () => {
    const wanted = ids.slice(-POLLED_PER_CLIENT);
    const text = await timed(tally, "poll", () =>
      fetch(`${appUrl}/api/mj/task/list-by-ids`, {
        method: "POST",
        headers,
        body: JSON.stringify({ ids: wanted }),
      }),
    );
    if (text === null) return;
    const polled = JSON.parse(text) as PolledTask[];
    if (polled.length !== wanted.length)
      tally.errors.push(`poll: ${polled.length} tasks for ${wanted.length} ids`);
    for (const task of polled)
      if (task.status === "SUCCESS" && task.thumbnailUrl) thumbnails.add(task.thumbnailUrl);
  };
  await submit();
  while (Date.now() < deadline) {
    const roll = Math.random();
    if (ids.length === 0 || roll < SHARE.submit) await submit();
    else if (roll < SHARE.submit + SHARE.history)
      await timed(tally, "history", () => fetch(`${appUrl}/api/tasks?limit=${HISTORY_PAGE}`));
    else if (roll < SHARE.submit + SHARE.history + SHARE.thumbnail && thumbnails.size > 0) {
      const list = [...thumbnails];
      const url = list[Math.floor(Math.random() * list.length)]!;
      await timed(tally, "thumbnail", () => fetch(new URL(url, appUrl)));
    } else await poll();
  }
  return submitted;
}

/** One level on a fresh simulator and app: its errors, and the p50 of all its requests. */
async function level(
  clients: number,
  durationMs: number,
  unloadedP50: number | null,
): Promise<{ errors: number; p50: number }> {
  // Jobs of about 3.5 s, no queue limit: polls keep meeting running tasks.
  const simulator = await startSimulator({ key: KEY, speed: 2, maxConcurrent: 10_000 });
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "mj-bench-load-"));
  let app: Proc | null = null;
  const tally: Tally = { latencies: { poll: [], history: [], thumbnail: [], submit: [] }, errors: [] };
  let submitted = 0;
  let peakKb = 0;
  let seconds = 0;
  try {
    app = await startApp({
      MJ_API_URL: simulator.url,
      MJ_API_KEY: KEY,
      MJ_AUTH_HEADER: "authorization",
      DATA_DIR: dataDir,
    });
    const appUrl = app.url;
    const started = performance.now();
    const deadline = Date.now() + durationMs;
    const counts = await Promise.all(
      Array.from({ length: clients }, (_, i) => client(appUrl, i, deadline, tally)),
    );
    submitted = counts.reduce((a, b) => a + b, 0);
    seconds = (performance.now() - started) / 1000;
    peakKb = peakMemoryKb(app.child.pid!);
  } finally {
    await app?.kill();
    await simulator.kill();
    rmSync(dataDir, { recursive: true, force: true });
  }

  const ms = (n: number) => `${n.toFixed(1)} ms`;
  const row = (name: string, samples: number[]) => {
    const sorted = [...samples].sort((a, b) => a - b);
    return `| ${name} | ${sorted.length} | ${(sorted.length / seconds).toFixed(0)} | ${ms(percentile(sorted, 50))} | ${ms(percentile(sorted, 99))} |`;
  };
  console.log(
    `\n## Load (${clients} concurrent client${clients === 1 ? "" : "s"}, ${durationMs / 1000} s, loopback, simulator in its own process)\n`,
  );
  console.log("| requests | count | per second | p50 | p99 |");
  console.log("|---|---|---|---|---|");
  const all = KINDS.flatMap((kind) => tally.latencies[kind]).sort((a, b) => a - b);
  console.log(row("all", all));
  console.log(row(`poll: list-by-ids (≤ ${POLLED_PER_CLIENT} ids)`, tally.latencies.poll));
  console.log(row(`history: GET /api/tasks (${HISTORY_PAGE} a page)`, tally.latencies.history));
  console.log(row("thumbnail: /api/media (WebP)", tally.latencies.thumbnail));
  console.log(row("submit: imagine", tally.latencies.submit));
  console.log(
    `\nTasks submitted: ${submitted}. Errors: ${tally.errors.length} (budget: 0). ` +
      `Peak memory of the app (VmHWM, next start and its children): ${(peakKb / 1024).toFixed(0)} MB.`,
  );
  if (unloadedP50 !== null)
    console.log(
      `p99 of all requests: ${(percentile(all, 99) / unloadedP50).toFixed(1)}x the unloaded p50 ` +
        `(${ms(unloadedP50)}; target: at most 10x).`,
    );
  for (const error of [...new Set(tally.errors)].slice(0, 10)) console.log(`  error: ${error}`);
  return { errors: tally.errors.length, p50: percentile(all, 50) };
}

export async function benchLoad(): Promise<void> {
  const unloaded = await level(1, UNLOADED_MS, null);
  let errors = unloaded.errors;
  for (const clients of LEVELS) errors += (await level(clients, DURATION_MS, unloaded.p50)).errors;
  if (errors > 0) throw new Error(`load runs had ${errors} errors`);
}
