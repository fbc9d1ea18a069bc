/**
 * `npm run bench`, part 3: load. 50 concurrent clients on loopback, each one polling the tasks it
 * submitted (list-by-ids, as the browser does) and now and then submitting another imagine, for
 * 60 s against the app in front of the simulator. Reports throughput, p50/p99 latency, errors
 * (the budget is zero) and the peak memory of the `next start` process tree.
 */
import { readdirSync, readFileSync } from "node:fs";
import { percentile, startStack } from "./bench-stack";

const CLIENTS = 50;
const DURATION_MS = 60_000;
/** Share of a client's requests that submit; the rest poll. */
const SUBMIT_SHARE = 0.1;
/** How many of its newest tasks a client polls at once. */
const POLLED_PER_CLIENT = 20;

type Kind = "poll" | "submit";

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

async function timed(tally: Tally, kind: Kind, run: () => Promise<Response>): Promise<unknown> {
  const started = performance.now();
  try {
    const response = await run();
    const text = await response.text();
    tally.latencies[kind].push(performance.now() - started);
    if (!response.ok) {
      tally.errors.push(`${kind}: HTTP ${response.status} ${text.slice(0, 200)}`);
      return null;
    }
    return JSON.parse(text) as unknown;
  } catch (error) {
    tally.errors.push(`${kind}: ${error instanceof Error ? error.message : String(error)}`);
    return null;
  }
}

async function client(appUrl: string, index: number, deadline: number, tally: Tally): Promise<number> {
  const ids: string[] = [];
  const headers = { "content-type": "application/json" };
  let submitted = 0;
  const submit = async () => {
    const envelope = (await timed(tally, "submit", () =>
      fetch(`${appUrl}/api/mj/submit/imagine`, {
        method: "POST",
        headers,
        body: JSON.stringify({ prompt: `load client ${index} task ${submitted} --ar 1:1` }),
      }),
    )) as { code: number; result: string } | null;
    submitted++;
    if (!envelope) return;
    if (envelope.code === 1 || envelope.code === 22) ids.push(envelope.result);
    else tally.errors.push(`submit: envelope code ${envelope.code}`);
  };
  await submit();
  while (Date.now() < deadline) {
    if (ids.length === 0 || Math.random() < SUBMIT_SHARE) {
      await submit();
      continue;
    }
    const polled = (await timed(tally, "poll", () =>
      fetch(`${appUrl}/api/mj/task/list-by-ids`, {
        method: "POST",
        headers,
        body: JSON.stringify({ ids: ids.slice(-POLLED_PER_CLIENT) }),
      }),
    )) as unknown[] | null;
    if (polled && polled.length !== Math.min(ids.length, POLLED_PER_CLIENT)) {
      tally.errors.push(`poll: ${polled.length} tasks for ${Math.min(ids.length, POLLED_PER_CLIENT)} ids`);
    }
  }
  return submitted;
}

export async function benchLoad(): Promise<void> {
  // Jobs of about 3.5 s, no queue limit: polls keep meeting running tasks that go upstream.
  const stack = await startStack({ speed: 2, maxConcurrent: 10_000 });
  const tally: Tally = { latencies: { poll: [], submit: [] }, errors: [] };
  let submitted = 0;
  const started = performance.now();
  try {
    const deadline = Date.now() + DURATION_MS;
    const counts = await Promise.all(
      Array.from({ length: CLIENTS }, (_, i) => client(stack.appUrl, i, deadline, tally)),
    );
    submitted = counts.reduce((a, b) => a + b, 0);
  } finally {
    const peakKb = peakMemoryKb(stack.appPid);
    const seconds = (performance.now() - started) / 1000;
    await stack.close();

    const ms = (n: number) => `${n.toFixed(1)} ms`;
    const row = (name: string, samples: number[]) => {
      const sorted = [...samples].sort((a, b) => a - b);
      return `| ${name} | ${sorted.length} | ${(sorted.length / seconds).toFixed(0)} | ${ms(percentile(sorted, 50))} | ${ms(percentile(sorted, 99))} |`;
    };
    console.log(`\n## Load (${CLIENTS} concurrent clients, ${DURATION_MS / 1000} s, loopback)\n`);
    console.log("| requests | count | per second | p50 | p99 |");
    console.log("|---|---|---|---|---|");
    console.log(row("all", [...tally.latencies.poll, ...tally.latencies.submit]));
    console.log(row("poll: list-by-ids (≤ 20 ids)", tally.latencies.poll));
    console.log(row("submit: imagine", tally.latencies.submit));
    console.log(
      `\nTasks submitted: ${submitted}. Errors: ${tally.errors.length} (budget: 0). ` +
        `Peak memory of the app (VmHWM, next start and its children): ${(peakKb / 1024).toFixed(0)} MB.`,
    );
    for (const error of [...new Set(tally.errors)].slice(0, 10)) console.log(`  error: ${error}`);
  }
  if (tally.errors.length > 0) throw new Error(`load run had ${tally.errors.length} errors`);
}
