/**
 * History queries at 1,000 / 10,000 / 100,000 stored tasks (product.md: "search + filter + page
 * stay fast at 100,000"). Measures the SQLite store directly, JSON parsing of each page included,
 * so the numbers are what a `GET /api/tasks` handler spends below HTTP.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { taskSchema, type Task } from "@/lib/mj/task";
import { createSqliteTaskStore } from "@/lib/store/sqlite-task-store";
import type { TaskListQuery, TaskStore } from "@/lib/store/task-store";
import { mergeRule } from "@/lib/tasks/merge";

const SIZES = [1_000, 10_000, 100_000];
const PAGE = 60;
const RUNS = 200;

const SUBJECTS = [
  "a red fox",
  "an old lighthouse",
  "a cyberpunk street",
  "a koi pond",
  "a mountain village",
  "a robot gardener",
  "a cat astronaut",
  "a desert caravan",
  "a glass greenhouse",
  "a dragon",
  "a jazz quartet",
  "a lone samurai",
  "一只可爱的猫",
  "山水画",
];
const SETTINGS = [
  "in the snow",
  "at dusk",
  "under neon rain",
  "in autumn fog",
  "on a misty lake",
  "at golden hour",
  "in a sunlit forest",
  "beneath the northern lights",
  "in a crowded market",
  "on the moon",
];
const STYLES = [
  "cinematic lighting",
  "watercolor",
  "ukiyo-e print",
  "35mm film photo",
  "isometric 3d render",
  "oil painting",
  "studio ghibli style",
  "hyperrealistic",
  "charcoal sketch",
  "low poly",
];
const PARAMS = [
  "--ar 3:2",
  "--ar 16:9 --v 7",
  "--ar 2:3 --stylize 250",
  "--niji 6",
  "--chaos 20",
  "--v 6.1 --q 2",
  "",
  "--tile",
  "--ar 1:1 --weird 100",
];
const ACTIONS = [
  "IMAGINE",
  "IMAGINE",
  "IMAGINE",
  "UPSCALE",
  "UPSCALE",
  "VARIATION",
  "ZOOM",
  "PAN",
  "DESCRIBE",
  "BLEND",
  "VIDEO",
];
const STATUSES = [
  "SUCCESS",
  "SUCCESS",
  "SUCCESS",
  "SUCCESS",
  "SUCCESS",
  "SUCCESS",
  "FAILURE",
  "IN_PROGRESS",
  "CANCEL",
  "SUBMITTED",
];

/** Deterministic, so every run measures the same data. */
function rng(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

function makeTask(i: number, random: () => number, start: number): Task {
  const id = String(1_700_000_000_000_000 + i);
  const status = pick(random, STATUSES);
  return taskSchema.parse({
    id,
    action: pick(random, ACTIONS),
    status,
    prompt:
      `${pick(random, SUBJECTS)} ${pick(random, SETTINGS)}, ${pick(random, STYLES)} ${pick(random, PARAMS)}`.trim(),
    submitTime: start + i * 30_000,
    finishTime: start + i * 30_000 + 45_000,
    progress: status === "SUCCESS" ? "100%" : status === "IN_PROGRESS" ? "40%" : "",
    imageUrl: status === "SUCCESS" ? `https://cdn.example.com/attachments/${id}/grid_0.png` : null,
    properties: { finalPrompt: "…", messageId: id, flags: 0 },
    buttons:
      status === "SUCCESS"
        ? [
            "upsample::1",
            "upsample::2",
            "upsample::3",
            "upsample::4",
            "reroll::0",
            "variation::1",
            "variation::2",
            "variation::3",
            "variation::4",
          ].map((b) => ({
            customId: `MJ::JOB::${b}::${id}`,
            label: b.split("::")[0]!.slice(0, 1).toUpperCase(),
            emoji: "",
            style: 2,
            type: 2,
          }))
        : [],
  });
}

/** Records `count` varied tasks, 30 s apart from 2024-01-01, some favourited (also the feed bench's data). */
export async function fill(store: TaskStore, count: number): Promise<void> {
  const random = rng(count);
  const start = Date.UTC(2024, 0, 1);
  for (let offset = 0; offset < count; offset += 5_000) {
    const batch = Array.from({ length: Math.min(5_000, count - offset) }, (_, j) =>
      makeTask(offset + j, random, start),
    );
    await store.record(batch, mergeRule);
    await store.setFavorite(
      batch.filter(() => random() < 0.08).map((t) => t.id),
      true,
    );
  }
}

/** What the gallery asks: a search, with a filter or two, one page. */
const SEARCHES: Omit<TaskListQuery, "limit" | "cursor">[] = [
  { q: "fox", status: ["SUCCESS"] },
  { q: "cinematic", action: ["IMAGINE", "UPSCALE"] },
  { q: "light", favorite: true },
  { q: "lighthouse dusk", sort: "oldest" },
  { q: "猫", status: ["SUCCESS"] },
  { q: "water", action: ["VARIATION"], status: ["SUCCESS", "FAILURE"] },
  { q: "neon rain", from: Date.UTC(2024, 0, 10), to: Date.UTC(2024, 1, 1) },
  { q: "samurai", favorite: false, sort: "oldest" },
];

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function measure(run: (i: number) => Promise<unknown>): Promise<{ p50: number; p99: number }> {
  for (let i = 0; i < 10; i++) await run(i);
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    await run(i);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99) };
}

export async function benchHistory(): Promise<void> {
  const rows: string[] = [];
  for (const size of SIZES) {
    const dir = mkdtempSync(path.join(os.tmpdir(), "mj-bench-history-"));
    const store = createSqliteTaskStore(path.join(dir, "history.sqlite"));
    try {
      const fillStart = performance.now();
      await fill(store, size);
      const fillMs = performance.now() - fillStart;
      const query = (i: number) => ({ ...SEARCHES[i % SEARCHES.length]!, limit: PAGE });
      const cursors = await Promise.all(
        SEARCHES.map(async (_, i) => (await store.list({ ...query(i), cursor: null })).nextCursor),
      );
      const first = await measure((i) => store.list({ ...query(i), cursor: null }));
      const second = await measure((i) =>
        store.list({ ...query(i), cursor: cursors[i % SEARCHES.length] ?? null }),
      );
      const plain = await measure(() => store.list({ limit: PAGE, cursor: null }));
      const ms = (n: number) => n.toFixed(2);
      rows.push(
        `| ${size.toLocaleString("en")} | ${ms(first.p50)} / ${ms(first.p99)} | ${ms(second.p50)} / ${ms(second.p99)} | ${ms(plain.p50)} / ${ms(plain.p99)} | ${(fillMs / 1000).toFixed(1)} s |`,
      );
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  console.log(`\n## History queries (SQLite store, ${PAGE} per page, ${RUNS} runs each, p50 / p99 ms)\n`);
  console.log(
    "| stored tasks | search + filter, first page | same, second page (cursor) | unfiltered first page | bulk insert |",
  );
  console.log("|---|---|---|---|---|");
  for (const row of rows) console.log(row);
}
