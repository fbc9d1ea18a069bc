/**
 * The Create feed over a long history: 10,000 recorded tasks, the production build in demo mode.
 * How long until the first job shows, how much DOM the page holds then, and how much after
 * scrolling through a thousand jobs (the feed is virtualised: the row count should not grow).
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

const dom = (page: Page) =>
  page.evaluate(() => ({
    elements: document.getElementsByTagName("*").length,
    rows: document.querySelectorAll("[data-feed-key]").length,
  }));

export async function benchFeed(): Promise<void> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "mj-bench-feed-"));
  const store = createSqliteTaskStore(path.join(dataDir, "mj-studio.sqlite"));
  await fill(store, TASKS);
  await store.close();
  const app = await startApp({ DATA_DIR: dataDir, MJ_API_URL: "", MJ_API_KEY: "" });
  const browser = await chromium.launch(chromiumLaunchOptions);
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    // Warm the server's compiled routes, then measure a fresh load.
    await page.goto(app.url);
    await page.locator("[data-feed-key] article").first().waitFor();
    const start = performance.now();
    await page.goto(app.url);
    await page.locator("[data-feed-key] article").first().waitFor();
    const firstScreenMs = performance.now() - start;
    const first = await dom(page);

    // fill() numbers its tasks from the oldest: the 1,000th newest is this one.
    const target = `[data-feed-key="${String(1_700_000_000_000_000 + TASKS - SCROLLED)}"]`;
    const scrollStart = performance.now();
    while ((await page.locator(target).count()) === 0) await page.mouse.wheel(0, 4_000);
    const scrollMs = performance.now() - scrollStart;
    const scrolled = await dom(page);

    console.log(`\n## Create feed over ${TASKS.toLocaleString("en")} recorded tasks (1440x900, demo mode)\n`);
    console.log("| moment | time | DOM elements | feed rows in the DOM |");
    console.log("|---|---|---|---|");
    console.log(
      `| first job on screen | ${firstScreenMs.toFixed(0)} ms | ${first.elements} | ${first.rows} |`,
    );
    console.log(
      `| scrolled through ${SCROLLED.toLocaleString("en")} jobs | ${(scrollMs / 1000).toFixed(1)} s | ${scrolled.elements} | ${scrolled.rows} |`,
    );
  } finally {
    await browser.close();
    await app.kill();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
