/**
 * The gallery's justified rows over a long history: 10,000 recorded tasks (a grid is four tiles),
 * the production build in demo mode. How long until the first tile shows, how much DOM the page
 * holds then and after scrolling through a thousand jobs (the rows are virtualised: the tile count
 * should not grow), and the main-thread long tasks while scrolling.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { chromium, type Page } from "@playwright/test";
import { chromiumLaunchOptions } from "@/lib/testing/chromium";
import { startApp } from "@/lib/testing/processes";
import { createSqliteTaskStore } from "@/lib/store/sqlite-task-store";
import { fill } from "./bench-history";

const TASKS = 10_000;
const SCROLLED = 1_000;
const TILE = '[aria-label="Your images"] [role="listitem"]';

const dom = (page: Page) =>
  page.evaluate((tile) => {
    const tiles = [...document.querySelectorAll(tile)];
    return {
      elements: document.getElementsByTagName("*").length,
      tiles: tiles.length,
      jobs: new Set(tiles.map((item) => item.getAttribute("data-task-id"))).size,
    };
  }, TILE);

export async function benchGalleryRows(): Promise<void> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "mj-bench-gallery-rows-"));
  const store = createSqliteTaskStore(path.join(dataDir, "mj-studio.sqlite"));
  await fill(store, TASKS);
  await store.close();
  const app = await startApp({ DATA_DIR: dataDir, MJ_API_URL: "", MJ_API_KEY: "" });
  const browser = await chromium.launch(chromiumLaunchOptions);
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    // Warm the server's compiled routes, then measure a fresh load.
    await page.goto(`${app.url}/gallery`);
    await page.locator(TILE).first().waitFor();
    const start = performance.now();
    await page.goto(`${app.url}/gallery`);
    await page.locator(TILE).first().waitFor();
    const firstTileMs = performance.now() - start;
    const first = await dom(page);

    // Main-thread tasks over 50 ms while scrolling: what a user feels as a stutter.
    await page.evaluate(() => {
      const long: number[] = [];
      (window as unknown as { longTasks: number[] }).longTasks = long;
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) long.push(entry.duration);
      }).observe({ type: "longtask" });
    });
    // fill() numbers its tasks from the oldest: the 1,000th newest is this one.
    const target = `${TILE}[data-task-id="${String(1_700_000_000_000_000 + TASKS - SCROLLED)}"]`;
    const scrollStart = performance.now();
    while ((await page.locator(target).count()) === 0) await page.mouse.wheel(0, 4_000);
    const scrollMs = performance.now() - scrollStart;
    const scrolled = await dom(page);
    const long = await page.evaluate(() => (window as unknown as { longTasks: number[] }).longTasks);

    console.log(
      `\n## Gallery rows over ${TASKS.toLocaleString("en")} recorded tasks (1440x900, demo mode)\n`,
    );
    console.log("| moment | time | DOM elements | tiles (jobs) in the DOM | long tasks (worst) |");
    console.log("|---|---|---|---|---|");
    console.log(
      `| first tile on screen | ${firstTileMs.toFixed(0)} ms | ${first.elements} | ${first.tiles} (${first.jobs}) | |`,
    );
    console.log(
      `| scrolled through ${SCROLLED.toLocaleString("en")} jobs | ${(scrollMs / 1000).toFixed(1)} s | ${scrolled.elements} | ${scrolled.tiles} (${scrolled.jobs}) | ${long.length} (${Math.max(0, ...long).toFixed(0)} ms) |`,
    );
  } finally {
    await browser.close();
    await app.kill();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
