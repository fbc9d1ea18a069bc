import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test, type Locator, type Page } from "@playwright/test";
import { startApp, type Proc } from "@/lib/testing/processes";

/**
 * What needs a job that is still running when the person acts: its own demo app whose simulator
 * runs at half speed (a relax job takes about 25 s), so the job is certainly still running when
 * Cancel, the reload or the next submit lands, however busy the machine. On the shared demo server (speed 4) a
 * relax job ends in about three seconds, which a loaded machine can spend before the click.
 */

test.setTimeout(120_000);

let dataDir: string;
let app: Proc | undefined;

test.beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), "mj-slow-jobs-"));
  app = await startApp({ DATA_DIR: dataDir, MJ_API_URL: "", MJ_API_KEY: "", SIMULATOR_SPEED: "0.5" });
});

test.afterAll(async () => {
  await app?.kill("SIGKILL");
  rmSync(dataDir, { recursive: true, force: true });
});

async function imagine(page: Page, prompt: string): Promise<Locator> {
  await page.goto(app!.url);
  await page.locator("html[data-hydrated]").waitFor();
  const box = page.getByRole("textbox", { name: "Prompt" });
  await box.fill(prompt);
  await box.press("Enter");
  const task = page.getByRole("article", { name: prompt }).first();
  await expect(task).toBeVisible({ timeout: 15_000 });
  return task;
}

test("cancel a running task", async ({ page }) => {
  const task = await imagine(page, "a slow comet that will be cancelled --relax");
  await task.getByRole("button", { name: "Cancel" }).click();
  await expect(task).toHaveAttribute("data-status", "FAILURE", { timeout: 30_000 });
  await expect(task.getByText("Cancelled.")).toBeVisible();
});

test("reload in the middle of a task and see it finish", async ({ page }) => {
  const prompt = "a long exposure of stars --ar 3:2 --relax";
  const task = await imagine(page, prompt);
  await expect(task.getByRole("progressbar")).toBeVisible();
  await page.reload();
  const again = page.getByRole("article", { name: prompt }).first();
  await expect(again.getByRole("progressbar")).toBeVisible();
  await expect(again).toHaveAttribute("data-status", "SUCCESS", { timeout: 90_000 });
});

test("three tasks at once are polled with one request per tick", async ({ page }) => {
  const polled: string[][] = [];
  const perTask: string[] = [];
  page.on("request", (request) => {
    if (request.url().includes("/api/mj/task/list-by-ids"))
      polled.push((request.postDataJSON() as { ids: string[] }).ids);
    if (/\/api\/mj\/task\/\d+\/fetch/.test(request.url())) perTask.push(request.url());
  });
  // At half speed a relax job runs ~25 s: all three are certainly in flight together.
  const prompts = ["first of three --relax", "second of three --relax", "third of three --relax"];
  const cards = [];
  for (const prompt of prompts) cards.push(await imagine(page, prompt));
  const ids = await Promise.all(cards.map((task) => task.getAttribute("data-task-id")));
  for (const task of cards) await expect(task).toHaveAttribute("data-status", "SUCCESS", { timeout: 90_000 });

  // No request per card; the batched poll carried all three running tasks in one request.
  expect(perTask).toEqual([]);
  expect(polled.some((batch) => ids.every((id) => batch.includes(id!)))).toBe(true);
  // Once everything finished, polling stops.
  const settled = polled.length;
  await page.waitForTimeout(3_000);
  expect(polled.length).toBe(settled);
});

test("progress is pushed: a running task finishes on the page while every poll is held back", async ({
  page,
}) => {
  const task = await imagine(page, "a status that arrives by the stream --relax");
  await expect(task.getByRole("progressbar")).toBeVisible();
  // From here no poll reaches the server: neither the batched poll nor the feed's head read.
  const held: string[] = [];
  await page.route(
    (url) => url.pathname === "/api/tasks" || url.pathname === "/api/mj/task/list-by-ids",
    async (route) => {
      held.push(route.request().url());
      await route.abort();
    },
  );
  await expect(task).toHaveAttribute("data-status", "SUCCESS", { timeout: 90_000 });
  // The page did try to poll meanwhile (so the change came by the stream, not for lack of asking).
  expect(held.length).toBeGreaterThan(0);
});
