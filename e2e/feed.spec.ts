import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { waitForStatus } from "@/lib/testing/wait";

/**
 * The Create page's live feed in demo mode: jobs under day headings, one per row, loaded as the
 * end comes near and virtualised, and kept live across tabs by the head query (every 3 s while
 * visible). The e2e servers run without a submit rate limit, so many jobs can be started at once.
 */

const row = (page: Page, id: string) => page.locator(`[data-feed-key="${id}"]`);

async function submit(request: APIRequestContext, prompt: string): Promise<string> {
  const response = await request.post("/api/mj/submit/imagine", { data: { prompt } });
  expect(response.status()).toBe(200);
  const envelope = (await response.json()) as { code: number; result: string };
  // 22: accepted into the upstream's queue (the simulator runs a few jobs at once).
  expect([1, 22]).toContain(envelope.code);
  return envelope.result;
}

async function finished(request: APIRequestContext, id: string) {
  const read = async (taskId: string) =>
    (await (await request.get(`/api/mj/task/${taskId}/fetch`)).json()) as { status: string };
  await waitForStatus(read, id, "SUCCESS", { timeoutMs: 60_000, intervalMs: 250 });
}

async function open(page: Page) {
  await page.goto("/");
  await page.locator("html[data-hydrated]").waitFor();
}

/** How far below the viewport's top a row starts, in CSS pixels. */
const topOf = (page: Page, id: string) =>
  row(page, id).evaluate((element) => Math.round(element.getBoundingClientRect().top));

test("a job started in one tab shows up in the others without a reload, under Today", async ({
  page,
  browser,
  baseURL,
}) => {
  const sameContext = await page.context().newPage();
  const otherContext = await browser.newContext({ baseURL });
  const elsewhere = await otherContext.newPage();
  try {
    for (const p of [page, sameContext, elsewhere]) await open(p);

    const prompt = `a kite seen from another tab ${Date.now()}`;
    const box = page.getByRole("textbox", { name: "Prompt" });
    await box.fill(prompt);
    await box.press("Enter");
    for (const p of [page, sameContext, elsewhere]) {
      await expect(p.getByRole("article", { name: prompt }).first()).toBeVisible({ timeout: 15_000 });
      await expect(p.getByRole("heading", { name: "Today", level: 3 })).toBeVisible();
    }

    // A job an API client starts joins every open page too, this one included.
    const fromApi = `a kite from an API client ${Date.now()}`;
    await submit(page.request, fromApi);
    for (const p of [page, sameContext, elsewhere])
      await expect(p.getByRole("article", { name: fromApi }).first()).toBeVisible({ timeout: 15_000 });
  } finally {
    await otherContext.close();
    await sameContext.close();
  }
});

test("older jobs load as the end comes near, with no button, and only rows near the viewport exist", async ({
  page,
}) => {
  test.setTimeout(120_000);
  const stamp = Date.now();
  const ids: string[] = [];
  for (let i = 0; i < 45; i++) ids.push(await submit(page.request, `scroll job ${i} of ${stamp}`));
  try {
    await open(page);
    await expect(row(page, ids.at(-1)!)).toBeAttached();
    await expect(page.getByRole("button", { name: /Load more/ })).toHaveCount(0);

    // The oldest of the 45 is on the third page of 20: it arrives by scrolling alone.
    const oldest = ids[0]!;
    await expect
      .poll(
        async () => {
          await page.mouse.wheel(0, 2_500);
          return row(page, oldest).count();
        },
        { timeout: 60_000, intervals: [100] },
      )
      .toBe(1);
    // Every newer job is loaded by now, yet the DOM holds a handful of rows.
    expect(await page.locator("[data-feed-key]").count()).toBeLessThan(30);
    expect(await row(page, ids.at(-1)!).count()).toBe(0);

    // The end of the feed can be reached, and says so.
    await expect
      .poll(
        async () => {
          await page.keyboard.press("End");
          return page.getByRole("status").filter({ hasText: "That is everything." }).count();
        },
        { timeout: 60_000, intervals: [250] },
      )
      .toBe(1);
  } finally {
    // The simulator's queue is shared with the specs after this one: these jobs leave it.
    for (const id of ids) await page.request.post(`/api/mj/task/${id}/cancel`);
  }
});

test("jobs arriving or leaving above leave the job on screen where it is, and new ones are offered", async ({
  page,
}) => {
  test.setTimeout(120_000);
  const stamp = Date.now();
  const ids: string[] = [];
  for (let i = 0; i < 4; i++) ids.push(await submit(page.request, `anchor job ${i} of ${stamp}`));
  for (const id of ids) await finished(page.request, id);
  await open(page);

  // Scroll so that the oldest of the four sits 120 px below the viewport's top: the next one
  // spans the viewport's top edge, the two newest are wholly above it.
  const watched = ids[0]!;
  const deleted = ids[2]!;
  await expect(row(page, watched)).toBeAttached();
  await row(page, watched).evaluate((element) =>
    window.scrollBy({ top: element.getBoundingClientRect().top - 120, behavior: "instant" }),
  );
  await expect.poll(() => topOf(page, watched)).toBe(120);
  const height = () => page.evaluate(() => document.documentElement.scrollHeight);

  // A job started elsewhere lands above: the page grows, the watched job does not move, and a
  // button says a new job is above.
  const before = await height();
  const arriving = `anchor job arriving above ${stamp}`;
  await submit(page.request, arriving);
  await expect.poll(height, { timeout: 15_000 }).toBeGreaterThan(before);
  // (Polled: the new job's card is measured, and the scroll made up for it, within a frame.)
  await expect.poll(() => topOf(page, watched), { timeout: 2_000 }).toBe(120);
  const offer = page.getByRole("button", { name: "1 new job above" });
  await expect(offer).toBeVisible();

  // One of ours above the viewport is deleted elsewhere: it leaves, the watched job stays put.
  const grown = await height();
  expect((await page.request.delete(`/api/tasks/${deleted}`)).ok()).toBe(true);
  await expect.poll(height, { timeout: 15_000 }).toBeLessThan(grown);
  await expect.poll(() => topOf(page, watched), { timeout: 2_000 }).toBe(120);

  // The offer takes the reader up to the new job.
  await offer.click();
  await expect(page.getByRole("article", { name: arriving })).toBeInViewport();
  await expect(offer).toBeHidden();
  await expect(page.getByRole("article", { name: `anchor job 2 of ${stamp}` })).toHaveCount(0);
});

test("hiding a job from its menu offers Undo for a few seconds, which brings it back", async ({ page }) => {
  test.setTimeout(120_000);
  const stamp = Date.now();
  const first = `a job hidden by mistake ${stamp}`;
  const second = `a job hidden for good ${stamp}`;
  const firstId = await submit(page.request, first);
  const secondId = await submit(page.request, second);
  for (const id of [firstId, secondId]) await finished(page.request, id);
  await open(page);

  const hideFromMenu = async (prompt: string) => {
    const job = page.getByRole("article", { name: prompt });
    await job.getByRole("button", { name: "More", exact: true }).click();
    await job.getByRole("button", { name: "Hide", exact: true }).click();
    await expect(job).toHaveCount(0);
  };

  // Undo, reached with the keyboard, shows the job again, in its place.
  await hideFromMenu(first);
  const toast = page.getByRole("status").filter({ hasText: "Job hidden" });
  await expect(toast).toBeVisible();
  const undo = toast.getByRole("button", { name: "Undo" });
  await undo.focus();
  await page.keyboard.press("Enter");
  await expect(toast).toHaveCount(0);
  await expect(page.getByRole("article", { name: first })).toBeVisible({ timeout: 15_000 });
  await page.reload();
  await expect(page.getByRole("article", { name: first })).toBeVisible();

  // Left alone, the offer goes after about eight seconds and the job stays hidden.
  await hideFromMenu(second);
  await expect(toast).toBeVisible();
  await expect(toast).toHaveCount(0, { timeout: 15_000 });
  await page.reload();
  await expect(page.getByRole("article", { name: first })).toBeVisible();
  await expect(page.getByRole("article", { name: second })).toHaveCount(0);
});
