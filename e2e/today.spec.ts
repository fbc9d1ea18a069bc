import { expect, test, type Locator, type Page } from "@playwright/test";
import { pressed } from "./jobs";

/**
 * Today's Midjourney in demo mode: a draft made full quality with Enhance, and a prompt analysed
 * with /shorten whose shortened prompts are imagined in one click.
 */

const card = (page: Page, prompt: string | RegExp): Locator =>
  page.getByRole("article", { name: prompt }).first();

async function waitDone(task: Locator) {
  await expect(task).toHaveAttribute("data-status", "SUCCESS", { timeout: 30_000 });
}

/** The prompt of the next imagine the page submits. */
function nextImagine(page: Page): Promise<string> {
  return page
    .waitForRequest((r) => r.url().endsWith("/api/mj/submit/imagine"))
    .then((request) => (request.postDataJSON() as { prompt: string }).prompt);
}

test.beforeEach(async ({ page }) => {
  await page.goto("/");
  await page.locator("html[data-hydrated]").waitFor();
});

test("a draft gets Enhance, which imagines the same prompt at full quality with its seed", async ({
  page,
}) => {
  const prompt = "a lighthouse at dusk, drafted --ar 3:2 --draft --v 7";
  const box = page.getByRole("textbox", { name: "Prompt" });
  await box.fill(prompt);
  await box.press("Enter");
  const draft = card(page, prompt);
  await waitDone(draft);

  const submitted = nextImagine(page);
  await draft.getByRole("group", { name: "Draft" }).getByRole("button", { name: "Enhance" }).click();
  const enhanced = await submitted;
  expect(enhanced).not.toMatch(/--draft/);
  expect(enhanced).toMatch(/ --seed \d+/);
  expect(enhanced).toMatch(/^a lighthouse at dusk, drafted --ar 3:2 --v 7 --seed \d+$/);
  await expect(page.getByText(/Enhancing at full quality with seed \d+/)).toBeVisible();

  const full = card(page, enhanced);
  await waitDone(full);
  // The full-quality result is no draft: it offers no Enhance of its own.
  await expect(full.getByRole("button", { name: "Enhance" })).toHaveCount(0);
});

test("Analyze prompt shows the shortened prompts; Imagine on one submits it with the prompt's parameters", async ({
  page,
}) => {
  const prompt = "a very beautiful cat in a garden at sunset --ar 3:2";
  await page.getByRole("textbox", { name: "Prompt" }).fill(prompt);
  const analysed = page.waitForRequest((r) => r.url().endsWith("/api/mj/submit/shorten"));
  await page.getByRole("button", { name: "Analyze prompt" }).click();
  expect(((await analysed).postDataJSON() as { prompt: string }).prompt).toBe(prompt);

  const analysis = card(page, prompt);
  await waitDone(analysis);
  await expect(analysis.getByText("Analyze prompt", { exact: true })).toBeVisible();
  await expect(
    analysis.getByRole("region", { name: "Important tokens" }).getByRole("listitem"),
  ).not.toHaveCount(0);
  const shortened = analysis.getByRole("region", { name: "Shortened prompts" }).getByRole("listitem");
  await expect(shortened).not.toHaveCount(0);
  // The upstream's own 1️⃣–5️⃣ would be refused (§5.5): they are not offered.
  await expect(analysis.getByRole("button", { name: /Imagine shortened prompt/ })).toHaveCount(0);
  await expect(analysis.getByRole("button", { name: "Show Details" })).toHaveCount(0);

  const first = (await shortened.first().locator("p").first().textContent())?.trim() ?? "";
  expect(first.length).toBeGreaterThan(0);
  const submitted = nextImagine(page);
  await analysis.getByRole("button", { name: "Imagine 1", exact: true }).click();
  expect(await submitted).toBe(`${first} --ar 3:2`);
  await expect(card(page, `${first} --ar 3:2`)).toBeVisible();

  // "Use" puts the same prompt in the composer instead.
  await analysis.getByRole("button", { name: "Use 1", exact: true }).click();
  await expect(page.getByRole("textbox", { name: "Prompt" })).toHaveValue(`${first} --ar 3:2`);
});

test("a V8.1 upscale offers no Zoom, Pan or Upscale (Subtle); a V7 one does", async ({ page }) => {
  const box = page.getByRole("textbox", { name: "Prompt" });
  for (const [version, hasZoom] of [
    ["8.1", false],
    ["7", true],
  ] as const) {
    const prompt = `a harbour crane at noon --v ${version}`;
    await box.fill(prompt);
    await box.press("Enter");
    const grid = card(page, prompt);
    await waitDone(grid);
    const { job: single } = await pressed(page, grid.getByRole("button", { name: "U1" }));
    await expect(single).toContainText("Upscale · image 1");
    await waitDone(single);
    // Vary stays on every model (docs/protocol.md §5.2.1); zoom, pan and Vary (Region) are under More.
    await expect(single.getByRole("button", { name: "Vary (Subtle)" })).toBeVisible();
    await single.getByRole("button", { name: "More", exact: true }).click();
    await expect(single.getByRole("button", { name: "Vary (Region)" })).toBeVisible();
    for (const name of [/Zoom Out/, /Custom Zoom/, /Pan (left|right|up|down)/i, /Upscale \(Subtle\)/]) {
      const buttons = single.getByRole("button", { name });
      if (hasZoom) await expect(buttons.first()).toBeVisible();
      else await expect(buttons).toHaveCount(0);
    }
  }
});
