/**
 * Gallery transfer budget (product.md: "Gallery pages load thumbnails, not multi-megabyte
 * originals"): 60 finished tasks, one gallery page of tiles, loaded through the app's media route
 * once as the task JSON's `thumbnailUrl` (the app's WebP) and once as `imageUrl` (the original).
 * Runs the production build in front of the simulator served on loopback, like the other benches.
 */
import { until } from "@/lib/testing/wait";
import { cpuTicks, settled, startStack } from "./bench-stack";

const TILES = 60;
/** Requests a browser keeps open to one origin over HTTP/1.1. */
const BROWSER_PARALLEL = 6;
/**
 * Cached thumbnails and the framework's floor are loaded in turns this many times and the median
 * of each is shown: on a shared machine one load of either may land in another process's burst.
 */
const ROUNDS = 7;

interface TaskJson {
  id: string;
  status: string;
  imageUrl: string | null;
  thumbnailUrl: string | null;
}

interface PageLoad {
  bytes: number;
  ms: number;
  sizes: number[];
}

/** Loads URLs BROWSER_PARALLEL at a time, as a page of <img> tags would; bytes and wall time. */
async function loadPage(appUrl: string, urls: string[]): Promise<PageLoad> {
  const sizes: number[] = [];
  const queue = [...urls];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: BROWSER_PARALLEL }, async () => {
      for (let url = queue.shift(); url; url = queue.shift()) {
        const response = await fetch(new URL(url, appUrl));
        if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
        sizes.push((await response.arrayBuffer()).byteLength);
      }
    }),
  );
  return { bytes: sizes.reduce((a, b) => a + b, 0), ms: performance.now() - started, sizes };
}

/** The load of median wall time. */
function medianLoad(loads: PageLoad[]): PageLoad {
  return [...loads].sort((a, b) => a.ms - b.ms)[Math.floor(loads.length / 2)]!;
}

export async function benchGalleryBytes(): Promise<void> {
  const stack = await startStack({ speed: 50, maxConcurrent: 100 });
  const { appUrl } = stack;
  try {
    const ids: string[] = [];
    for (let i = 0; i < TILES; i++) {
      const response = await fetch(`${appUrl}/api/mj/submit/imagine`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          prompt: `gallery tile ${i}, a harbour at dawn --ar ${["1:1", "3:2", "2:3", "16:9"][i % 4]}`,
        }),
      });
      ids.push(((await response.json()) as { result: string }).result);
    }
    const tasks = await until(
      async () => {
        const response = await fetch(`${appUrl}/api/mj/task/list-by-ids`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ ids }),
        });
        const list = (await response.json()) as TaskJson[];
        return list.length === TILES && list.every((t) => t.status === "SUCCESS") ? list : null;
      },
      `${TILES} tasks finishing`,
      { timeoutMs: 120_000, intervalMs: 250 },
    );

    const thumbs = tasks.map((t) => t.thumbnailUrl ?? "");
    const originals = tasks.map((t) => t.imageUrl ?? "");
    if (thumbs.some((u) => !u.includes("/thumb?")) || originals.some((u) => u === "")) {
      throw new Error("finished tasks should carry the app's thumbnail and image URLs");
    }
    // Cold: thumbnails made on demand where the background queue has not got there yet.
    const cold = await loadPage(appUrl, thumbs);
    // As a gallery opened later finds it: every job done (the grids cut), nothing else running.
    await settled(stack.appPid);
    // The framework's floor in the same run: a route that does nothing, as many times, as parallel.
    // CPU the app spends is counted too: unlike wall time, other processes' bursts hardly move it.
    const warms: PageLoad[] = [];
    const healths: PageLoad[] = [];
    const ticks = { warm: 0, health: 0 };
    const measured = async (into: PageLoad[], kind: keyof typeof ticks, urls: string[]) => {
      const before = cpuTicks(stack.appPid);
      into.push(await loadPage(appUrl, urls));
      ticks[kind] += cpuTicks(stack.appPid) - before;
    };
    for (let round = 0; round < ROUNDS; round++) {
      await measured(warms, "warm", thumbs);
      await measured(
        healths,
        "health",
        thumbs.map(() => "/api/health"),
      );
    }
    // Ticks are 1/100 s.
    const cpuMs = (kind: keyof typeof ticks) => ((ticks[kind] * 10) / ROUNDS / TILES).toFixed(2);
    const warm = medianLoad(warms);
    const health = medianLoad(healths);
    const full = await loadPage(appUrl, originals);
    const kb = (n: number) => `${(n / 1024).toFixed(0)} KB`;
    const mb = (n: number) => `${(n / 1024 / 1024).toFixed(2)} MB`;
    const median = (sizes: number[]) => [...sizes].sort((a, b) => a - b)[Math.floor(sizes.length / 2)] ?? 0;

    console.log(
      `\n## Gallery page of ${TILES} tiles through /api/media (${BROWSER_PARALLEL} parallel requests, loopback)\n`,
    );
    console.log("| tiles load | page bytes | median tile | largest tile | wall time |");
    console.log("|---|---|---|---|---|");
    const row = (name: string, r: typeof cold) =>
      console.log(
        `| ${name} | ${mb(r.bytes)} | ${kb(median(r.sizes))} | ${kb(Math.max(...r.sizes))} | ${r.ms.toFixed(0)} ms |`,
      );
    row("thumbnails (WebP ≤400 px), first load", cold);
    row(`thumbnails, from the disk cache (median of ${ROUNDS})`, warm);
    row(`\`/api/health\` (the framework's floor), as many (median of ${ROUNDS})`, health);
    row("originals (PNG)", full);
    console.log(`\nThumbnails transfer ${(full.bytes / warm.bytes).toFixed(1)}x fewer bytes than originals.`);
    console.log(
      `Cached thumbnails take ${(warm.ms / health.ms).toFixed(2)}x the floor's wall time ` +
        `(rounds: ${warms.map((r) => r.ms.toFixed(0)).join(", ")} ms against ${healths.map((r) => r.ms.toFixed(0)).join(", ")} ms); ` +
        `the app's CPU per request: ${cpuMs("warm")} ms against ${cpuMs("health")} ms.`,
    );
  } finally {
    await stack.close();
  }
}
