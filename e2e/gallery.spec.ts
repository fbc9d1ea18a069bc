import path from "node:path";
import { expect, test, type Locator, type Page } from "@playwright/test";
import { createSqliteTaskStore } from "@/lib/store/sqlite-task-store";
import { openPgTaskStore } from "@/lib/testing/postgres";
import { mergeRule } from "@/lib/tasks/merge";

/**
 * The gallery, in demo mode against the production build: everything made on the Create page is
 * there, findable by a word of its prompt and by every filter, page after page, with the
 * viewer's keys, actions, favourite and delete.
 */

const tile = (page: Page, prompt: string | RegExp): Locator =>
  page.getByRole("listitem", { name: prompt }).first();

async function imagine(page: Page, prompt: string): Promise<string> {
  await page.goto("/");
  await page.locator("html[data-hydrated]").waitFor();
  const box = page.getByRole("textbox", { name: "Prompt" });
  await box.fill(prompt);
  await box.press("Enter");
  const card = page.getByRole("article", { name: prompt }).first();
  await expect(card).toHaveAttribute("data-status", /SUCCESS|FAILURE/, { timeout: 30_000 });
  return (await card.getAttribute("data-task-id"))!;
}

async function gallery(page: Page, search = "") {
  await page.goto(`/gallery${search}`);
  await page.locator("html[data-hydrated]").waitFor();
}

test("tasks made on the Create page are in the gallery; search narrows it and lives in the URL", async ({
  page,
}) => {
  await imagine(page, "a walrus knitting gallerysearch");
  await imagine(page, "a heron fishing gallerysearch");
  await gallery(page);
  await expect(tile(page, "a walrus knitting gallerysearch")).toBeVisible();
  await expect(tile(page, "a heron fishing gallerysearch")).toBeVisible();

  await page.getByRole("searchbox", { name: "Search prompts" }).fill("walrus");
  await expect(page).toHaveURL(/[?&]q=walrus/);
  await expect(tile(page, "a heron fishing gallerysearch")).toBeHidden();
  await expect(tile(page, "a walrus knitting gallerysearch")).toBeVisible();

  await page.reload();
  await expect(page.getByRole("searchbox", { name: "Search prompts" })).toHaveValue("walrus");
  await expect(tile(page, "a heron fishing gallerysearch")).toBeHidden();
  // The thumbnail really decodes.
  const image = tile(page, "a walrus knitting gallerysearch").getByRole("img").first();
  await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
});

test("each filter narrows the view", async ({ page }) => {
  await imagine(page, "a pelican filterword");
  await imagine(page, "a gore scene filterword");
  await gallery(page, "?q=filterword");
  await expect(tile(page, "a pelican filterword")).toBeVisible();
  await expect(tile(page, "a gore scene filterword")).toBeVisible();

  await page.getByLabel("Status").selectOption("failed");
  await expect(page).toHaveURL(/status=failed/);
  await expect(tile(page, "a pelican filterword")).toBeHidden();
  await expect(tile(page, "a gore scene filterword")).toBeVisible();
  await page.getByLabel("Status").selectOption("done");
  await expect(tile(page, "a gore scene filterword")).toBeHidden();
  await expect(tile(page, "a pelican filterword")).toBeVisible();
  await page.getByLabel("Status").selectOption("");

  await page.getByLabel("Action").selectOption("UPSCALE");
  await expect(page.getByText("Nothing matches this view.")).toBeVisible();
  await page.getByLabel("Action").selectOption("IMAGINE");
  await expect(tile(page, "a pelican filterword")).toBeVisible();

  const day = (offset: number) => {
    const date = new Date(Date.now() + offset * 86_400_000);
    return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, "0")}-${String(date.getDate()).padStart(2, "0")}`;
  };
  await page.getByLabel("From", { exact: true }).fill(day(1));
  await expect(page.getByText("Nothing matches this view.")).toBeVisible();
  await page.getByLabel("From", { exact: true }).fill(day(0));
  await page.getByLabel("To", { exact: true }).fill(day(0));
  await expect(tile(page, "a pelican filterword")).toBeVisible();

  await page.getByLabel("Favourites only").check();
  await expect(page).toHaveURL(/favorite=true/);
  await expect(page.getByText("Nothing matches this view.")).toBeVisible();
  await page.getByRole("button", { name: "Reset" }).click();
  await expect(page).toHaveURL(/\/gallery$/);

  // Oldest first puts the pelican (made first) before the failed one.
  await gallery(page, "?q=filterword&sort=oldest");
  await expect(tile(page, "a gore scene filterword")).toBeVisible();
  const names = await page
    .getByRole("listitem")
    .evaluateAll((items) => items.map((item) => item.getAttribute("aria-label")));
  const first = (prompt: string) => names.findIndex((name) => name?.startsWith(prompt));
  expect(first("a pelican filterword")).toBeGreaterThanOrEqual(0);
  expect(first("a pelican filterword")).toBeLessThan(first("a gore scene filterword"));
});

test("infinite scroll loads the next page", async ({ page }) => {
  // Seventy finished tasks recorded straight into the demo server's history (rendering them
  // through the simulator would take minutes); older than anything the other tests make.
  // On the backend the server runs on: PostgreSQL when E2E_DATABASE_URL is set (playwright.config.ts).
  const store = process.env.E2E_DATABASE_URL
    ? openPgTaskStore(process.env.E2E_DATABASE_URL)
    : createSqliteTaskStore(path.join(process.env.E2E_DATA_DIR!, "demo", "mj-studio.sqlite"));
  const base = Date.UTC(2024, 0, 1);
  await store.record(
    Array.from({ length: 70 }, (_, i) => ({
      id: String(1_704_067_200_000_000 + i),
      action: "IMAGINE",
      status: "SUCCESS",
      prompt: `seeded scrolltile number ${i}`,
      submitTime: base + i * 60_000,
      finishTime: base + i * 60_000 + 30_000,
      progress: "100%",
      buttons: [],
      properties: {},
    })) as never,
    mergeRule,
  );
  await store.close();

  const pages: string[] = [];
  page.on("request", (request) => {
    if (request.url().includes("/api/tasks?")) pages.push(request.url());
  });
  await gallery(page, "?q=scrolltile");
  await expect(tile(page, "seeded scrolltile number 69")).toBeVisible();
  await expect(tile(page, "seeded scrolltile number 0")).toHaveCount(0);
  for (let i = 0; i < 20 && (await tile(page, "seeded scrolltile number 0").count()) === 0; i++) {
    await page.mouse.wheel(0, 3_000);
    await page.waitForTimeout(200);
  }
  await expect(tile(page, "seeded scrolltile number 0")).toBeVisible();
  expect(pages.some((url) => url.includes("cursor="))).toBe(true);
  // Virtualised: far fewer tiles in the DOM than tasks in the view.
  expect(await page.getByRole("listitem").count()).toBeLessThan(70);
});

test("the viewer navigates with keys, shows lineage and runs an action", async ({ page }) => {
  await imagine(page, "an owl lightboxword first");
  await imagine(page, "an owl lightboxword second");
  await gallery(page, "?q=lightboxword");
  await page.getByRole("button", { name: "Open an owl lightboxword second" }).first().click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByRole("heading", { name: "an owl lightboxword second" })).toBeVisible();
  // → steps through the grid's four images, then on to the next task; ← comes back.
  for (const n of [2, 3, 4]) {
    await page.keyboard.press("ArrowRight");
    await expect(dialog.getByRole("button", { name: `Image ${n}`, exact: true })).toHaveAttribute(
      "aria-pressed",
      "true",
    );
  }
  await page.keyboard.press("ArrowRight");
  await expect(dialog.getByRole("heading", { name: "an owl lightboxword first" })).toBeVisible();
  await page.keyboard.press("ArrowLeft");
  await expect(dialog.getByRole("heading", { name: "an owl lightboxword second" })).toBeVisible();

  // Image 2's own U2, shown while image 2 is on view.
  await dialog.getByRole("button", { name: "Image 2", exact: true }).click();
  const action = page.waitForResponse((r) => r.url().endsWith("/api/mj/submit/action"));
  await dialog.getByRole("button", { name: "U2" }).click();
  const childId = String(((await (await action).json()) as { result: string }).result);
  await page.keyboard.press("Escape");
  const child = page.locator(`[data-task-id="${childId}"]`);
  await expect(child).toBeVisible();
  await expect(child).toHaveAttribute("data-status", "SUCCESS", { timeout: 30_000 });

  // The upscale's lineage leads back to its grid.
  await child.getByRole("button", { name: /^Open / }).click();
  const madeFrom = dialog.getByRole("region", { name: "Made from" });
  await madeFrom.getByRole("button", { name: /an owl lightboxword second/ }).click();
  await expect(dialog.getByRole("heading", { name: "an owl lightboxword second" })).toBeVisible();
  await expect(dialog.getByRole("region", { name: "Made from this" }).getByRole("button")).toHaveCount(1);

  // "Use prompt" carries the prompt back to the Create page's bar.
  await dialog.getByRole("button", { name: "Use prompt" }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole("textbox", { name: "Prompt" })).toHaveValue("an owl lightboxword second");
});

test("favourite and delete survive a reload", async ({ page }) => {
  await imagine(page, "a quokka keepword");
  await imagine(page, "a wombat dropword");
  await gallery(page, "?q=keepword");
  await page.getByRole("button", { name: "Open a quokka keepword" }).first().click();
  const favourite = page.getByRole("dialog").getByRole("button", { name: "Favourite" });
  await favourite.click();
  await expect(favourite).toHaveAttribute("aria-pressed", "true");
  await page.keyboard.press("Escape");

  await gallery(page, "?q=dropword");
  await tile(page, "a wombat dropword").getByRole("checkbox", { name: "Select a wombat dropword" }).check();
  page.once("dialog", (confirm) => void confirm.accept());
  await page.getByRole("toolbar", { name: "Selection" }).getByRole("button", { name: "Delete" }).click();
  await expect(page.getByText("Nothing matches this view.")).toBeVisible();

  await page.reload();
  await expect(page.getByText("Nothing matches this view.")).toBeVisible();
  await gallery(page, "?favorite=true");
  await expect(tile(page, "a quokka keepword")).toBeVisible();
  await expect(tile(page, "a quokka keepword").getByRole("img", { name: "Favourite" })).toBeVisible();
});

test("a dialog closed without submitting stays out of the gallery unless asked for", async ({ page }) => {
  const gridId = await imagine(page, "a moth at a window modalword");
  const grid = page.locator(`article[data-task-id="${gridId}"]`);
  const press = async (locator: Locator) => {
    const answer = page.waitForResponse((r) => r.url().endsWith("/api/mj/submit/action"));
    await locator.click();
    return String(((await (await answer).json()) as { result: string }).result);
  };
  const single = page.locator(
    `article[data-task-id="${await press(grid.getByRole("button", { name: "U1" }))}"]`,
  );
  await expect(single).toHaveAttribute("data-status", "SUCCESS", { timeout: 30_000 });
  await single.getByRole("button", { name: "More", exact: true }).click();
  const modalId = await press(single.getByRole("button", { name: "Vary (Region)" }));
  await page.getByRole("dialog", { name: "Vary (Region)" }).getByRole("button", { name: "Close" }).click();
  await expect(page.locator(`article[data-task-id="${modalId}"]`)).toHaveAttribute("data-status", "MODAL");

  // The API still finds it when asked for by status (and by the same words).
  const listed = (await (await page.request.get("/api/tasks?status=MODAL&q=modalword")).json()) as {
    items: { id: string }[];
  };
  expect(listed.items.map((item) => item.id)).toContain(modalId);

  await gallery(page, "?q=modalword");
  await expect(page.locator(`[data-task-id="${gridId}"]`).first()).toBeVisible();
  await expect(page.locator(`[data-task-id="${modalId}"]`)).toHaveCount(0);
  await page.getByLabel("Status").selectOption("waiting");
  await expect(page.locator(`[data-task-id="${modalId}"]`)).toBeVisible();
  await expect(page.locator(`[data-task-id="${gridId}"]`)).toHaveCount(0);
});

test("restoring an export from the Import dialog brings deleted tasks back and says every count", async ({
  page,
}) => {
  const kept = await imagine(page, "a lynx restored from an archive");
  const deleted = await imagine(page, "an ibis restored from an archive");
  const archive = await page.request.get(`/api/tasks/export?ids=${kept},${deleted}`);
  expect(archive.status()).toBe(200);
  expect((await page.request.delete(`/api/tasks/${deleted}`)).status()).toBe(204);

  await gallery(page, "?q=restored");
  await expect(tile(page, "an ibis restored from an archive")).toBeHidden();
  await page.getByRole("button", { name: "Import" }).click();
  const dialog = page.getByRole("dialog", { name: "Import history" });
  await dialog.getByLabel("Restore an export archive").setInputFiles({
    name: "export.zip",
    mimeType: "application/zip",
    buffer: await archive.body(),
  });
  await dialog.getByRole("button", { name: "Restore archive" }).click();
  await expect(page.getByText("1 task imported")).toBeVisible();
  await expect(page.getByText("1 was already here")).toBeVisible();
  await expect(tile(page, "an ibis restored from an archive")).toBeVisible();
});

test("a grid is four tiles in justified rows: each keeps its job's ratio, a row fills the width, one tile selects the job and opens at its image", async ({
  page,
}) => {
  const wide = "a fjord at dawn ratioword --ar 3:2";
  const tall = "a lighthouse stair ratioword --ar 2:3";
  const wideId = await imagine(page, wide);
  const tallId = await imagine(page, tall);
  await page.setViewportSize({ width: 1440, height: 900 });
  await gallery(page, "?q=ratioword");
  const list = page.getByRole("list", { name: "Your images" });
  const tilesOf = (id: string) => list.locator(`[role="listitem"][data-task-id="${id}"]`);
  await expect(tilesOf(wideId)).toHaveCount(4);
  await expect(tilesOf(tallId)).toHaveCount(4);

  for (const [id, ratio] of [
    [wideId, 3 / 2],
    [tallId, 2 / 3],
  ] as const) {
    for (const box of await Promise.all((await tilesOf(id).all()).map((tile) => tile.boundingBox()))) {
      expect(box).not.toBeNull();
      expect(Math.abs(box!.width / box!.height / ratio - 1)).toBeLessThan(0.05);
    }
  }

  // Eight tiles do not fit one row at 1440 px: the first row reaches from edge to edge.
  const listBox = (await list.boundingBox())!;
  const boxes = (
    await Promise.all((await list.getByRole("listitem").all()).map((tile) => tile.boundingBox()))
  )
    .map((box) => box!)
    .filter((box) => Math.abs(box.y - listBox.y) < 1);
  expect(boxes.length).toBeGreaterThan(1);
  expect(Math.min(...boxes.map((box) => box.x))).toBeCloseTo(listBox.x, 0);
  expect(Math.max(...boxes.map((box) => box.x + box.width))).toBeCloseTo(listBox.x + listBox.width, 0);

  // Selecting image 3 selects the job: all four of its images show it, the toolbar counts one.
  const third = list.getByRole("listitem", { name: `${tall}, image 3` });
  await third.hover();
  await third.getByRole("checkbox", { name: `Select ${tall}` }).check();
  await expect(page.getByRole("toolbar", { name: "Selection" }).getByText("1 selected")).toBeVisible();
  for (const box of await list.getByRole("checkbox", { name: `Select ${tall}` }).all())
    await expect(box).toBeChecked();
  await page.getByRole("toolbar", { name: "Selection" }).getByRole("button", { name: "Clear" }).click();

  // A tile opens the viewer at its own image.
  await third.getByRole("button", { name: `Open ${tall}, image 3` }).click();
  await expect(page).toHaveURL(new RegExp(`view=${tallId}&image=3$`));
  await expect(
    page.getByRole("dialog").getByRole("button", { name: "Image 3", exact: true }),
  ).toHaveAttribute("aria-pressed", "true");
  await page.keyboard.press("Escape");

  // On a phone the rows still fill the width, about two images each, and nothing scrolls sideways.
  await page.setViewportSize({ width: 390, height: 844 });
  await expect
    .poll(() => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth))
    .toBe(true);
  const firstRow = () =>
    list.getByRole("listitem").evaluateAll((items) => {
      const top = Math.min(...items.map((item) => item.getBoundingClientRect().top));
      return items.filter((item) => Math.abs(item.getBoundingClientRect().top - top) < 1).length;
    });
  await expect.poll(firstRow).toBeLessThanOrEqual(3);
  expect(await firstRow()).toBeGreaterThanOrEqual(2);
});
