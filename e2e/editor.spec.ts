import { expect, test, type APIRequestContext, type Locator, type Page } from "@playwright/test";
import sharp from "sharp";
import { quadrantRect } from "@/lib/images/grid";
import { waitForStatus } from "@/lib/testing/wait";

/**
 * The Editor in a real browser against the production build, in demo mode and through the
 * simulator as a trueai proxy and as a new-api relay (which has no /submit/retexture): a region of
 * a gallery image erased and repainted with only that region changed, a canvas widened and its
 * border filled, a retexture, and every result in the gallery with its lineage.
 */

interface Task {
  id: string;
  status: string;
  action: string | null;
  parentId: string | null;
}

interface Envelope {
  code: number;
  result: string;
}

interface Pixels {
  data: Buffer;
  width: number;
  height: number;
}

/** A gallery image made through the API: a finished 2x2 grid. */
async function gridImage(request: APIRequestContext, prompt: string): Promise<string> {
  const response = await request.post("/api/mj/submit/imagine", { data: { prompt } });
  const envelope = (await response.json()) as Envelope;
  expect([1, 22], JSON.stringify(envelope)).toContain(envelope.code);
  await finished(request, envelope.result);
  return envelope.result;
}

function finished(request: APIRequestContext, id: string): Promise<Task> {
  const read = async (task: string) =>
    (await (await request.get(`/api/mj/task/${task}/fetch`)).json()) as Task;
  return waitForStatus(read, id, "SUCCESS", { timeoutMs: 60_000, intervalMs: 250 });
}

async function rgba(bytes: Buffer): Promise<Pixels> {
  const { data, info } = await sharp(bytes).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

async function media(request: APIRequestContext, id: string): Promise<Pixels> {
  const response = await request.get(`/api/media/${id}/image`);
  expect(response.ok()).toBe(true);
  return rgba(await response.body());
}

/** Image `index` (1-4) of a grid, cut out as the Editor and the lightbox cut it. */
function cell(grid: Pixels, index: number): Pixels {
  const rect = quadrantRect(grid.width, grid.height, index);
  const data = Buffer.alloc(rect.w * rect.h * 4);
  for (let y = 0; y < rect.h; y++) {
    const from = ((rect.y + y) * grid.width + rect.x) * 4;
    grid.data.copy(data, y * rect.w * 4, from, from + rect.w * 4);
  }
  return { data, width: rect.w, height: rect.h };
}

const difference = (a: Pixels, b: Pixels, p: number) =>
  Math.max(...[0, 1, 2].map((c) => Math.abs((a.data[p * 4 + c] ?? 0) - (b.data[p * 4 + c] ?? 0))));

const composer = (page: Page) => page.getByRole("region", { name: "Composer" });
const editorOf = (page: Page) => composer(page).getByRole("region", { name: "Editor" });

async function waitDone(task: Locator) {
  await expect(task).toHaveAttribute("data-status", "SUCCESS", { timeout: 60_000 });
}

/** Presses the Editor's submit; answers the body the page sent and the task it started. */
async function submitFrom(page: Page, kind: "edits" | "retexture", button: string) {
  const answered = page.waitForResponse((r) => r.url().endsWith(`/api/mj/submit/${kind}`));
  await editorOf(page).getByRole("button", { name: button }).click();
  const response = await answered;
  const body = response.request().postDataJSON() as { prompt: string; image: string; sourceTaskId?: string };
  const envelope = (await response.json()) as Envelope;
  return { body, envelope, status: response.status() };
}

function pngOf(dataUrl: string): Buffer {
  expect(dataUrl).toMatch(/^data:image\/png;base64,/);
  return Buffer.from(dataUrl.slice(dataUrl.indexOf(",") + 1), "base64");
}

/** In the gallery's lightbox, the result is made from its source. */
async function expectLineage(page: Page, resultPrompt: string, sourcePrompt: string) {
  await page.goto(`/gallery?q=${encodeURIComponent(resultPrompt.split(" ").at(-1)!)}`);
  await page.locator("html[data-hydrated]").waitFor();
  await page
    .getByRole("button", { name: `Open ${resultPrompt}` })
    .first()
    .click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByRole("heading", { name: resultPrompt })).toBeVisible();
  await expect(
    dialog.getByRole("region", { name: "Made from" }).getByRole("button", { name: new RegExp(sourcePrompt) }),
  ).toBeVisible();
}

test("erase a region of a gallery image and repaint it: only that region changes", async ({
  page,
  request,
}) => {
  const sourcePrompt = "a walled garden at noon editorsource";
  const sourceId = await gridImage(request, sourcePrompt);
  const source = cell(await media(request, sourceId), 2);

  // Edit… on image 2 of the grid in the gallery's lightbox opens the Editor on that image.
  await page.goto("/gallery?q=editorsource");
  await page.locator("html[data-hydrated]").waitFor();
  await page
    .getByRole("button", { name: `Open ${sourcePrompt}` })
    .first()
    .click();
  const dialog = page.getByRole("dialog");
  await dialog.getByRole("button", { name: "Image 2", exact: true }).click();
  await dialog.getByRole("button", { name: "Edit…" }).click();
  await expect(page).toHaveURL(/\/$/);
  const editor = editorOf(page);
  await expect(editor.getByRole("radio", { name: "Image 2" })).toBeChecked();

  // A rectangle over the middle of the image is erased.
  await editor.getByRole("button", { name: "Erase area" }).click();
  const canvas = editor.getByRole("img", { name: "The image: paint over what to erase" });
  const box = (await canvas.boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.3);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.65, box.y + box.height * 0.6, { steps: 6 });
  await page.mouse.up();
  await expect(editor.getByText(/% of the image erased/)).toBeVisible();

  const prompt = "a stone fountain editorrepaint";
  await editor.getByRole("textbox", { name: "Prompt: what the image should show" }).fill(prompt);
  const { body, envelope } = await submitFrom(page, "edits", "Submit edit");
  expect(body.prompt).toBe(prompt);
  expect(body.sourceTaskId).toBe(sourceId);
  expect(body).not.toHaveProperty("maskBase64");

  // The image sent is the cell at its own size: the erased part transparent, the rest exactly the cell.
  const sent = await rgba(pngOf(body.image));
  expect([sent.width, sent.height]).toEqual([source.width, source.height]);
  // Counted, then asserted once: an expect per pixel would take minutes.
  let erased = 0;
  let halfErased = 0;
  let keptAltered = 0;
  for (let p = 0; p < sent.width * sent.height; p++) {
    const alpha = sent.data[p * 4 + 3];
    if (alpha === 0) erased++;
    else if (alpha !== 255) halfErased++;
    else if (difference(sent, source, p) !== 0) keptAltered++;
  }
  expect({ halfErased, keptAltered }).toEqual({ halfErased: 0, keptAltered: 0 });
  expect(erased / (sent.width * sent.height)).toBeGreaterThan(0.08);

  const result = page.locator(`article[data-task-id="${envelope.result}"]`);
  await waitDone(result);
  // The card says what made it, in the app's words for EDIT (new-api: EDITS).
  await expect(result.getByText("Edit", { exact: true })).toBeVisible();
  const task = await finished(request, envelope.result);
  expect(task.parentId).toBe(sourceId);

  // Each cell of the result keeps every kept pixel and paints the erased ones anew.
  const grid = await media(request, envelope.result);
  for (const index of [1, 2, 3, 4]) {
    const painted = cell(grid, index);
    expect([painted.width, painted.height]).toEqual([source.width, source.height]);
    let kept = 0;
    let keptSame = 0;
    let changed = 0;
    let change = 0;
    for (let p = 0; p < painted.width * painted.height; p++) {
      const d = difference(painted, source, p);
      if (sent.data[p * 4 + 3] === 255) {
        kept++;
        if (d <= 2) keptSame++;
      } else {
        change += d;
        if (d > 8) changed++;
      }
    }
    expect(keptSame / kept, `cell ${index}: kept pixels unchanged`).toBeGreaterThan(0.999);
    // Painted from a scene of its own: most erased pixels differ, by a clear margin on average.
    expect(changed / erased, `cell ${index}: erased pixels repainted`).toBeGreaterThan(0.6);
    expect(change / erased, `cell ${index}: mean change of the erased pixels`).toBeGreaterThan(12);
  }

  await expectLineage(page, prompt, sourcePrompt);
});

test("widen the canvas with the keyboard: the border travels as transparency and Midjourney fills it", async ({
  page,
  request,
}) => {
  const sourcePrompt = "a red lighthouse on rocks editorwiden";
  const sourceId = await gridImage(request, sourcePrompt);
  await page.goto("/");
  await page.locator("html[data-hydrated]").waitFor();
  const card = page.locator(`article[data-task-id="${sourceId}"]`);
  await card.getByRole("button", { name: "Edit image 1…" }).click();
  const editor = editorOf(page);
  await expect(editor.getByRole("radio", { name: "Image 1" })).toBeChecked();

  await editor.getByRole("radio", { name: "16:9" }).check();
  const stage = editor.getByRole("application", { name: "Canvas" });
  await stage.focus();
  for (let i = 0; i < 4; i++) await page.keyboard.press("-");
  await page.keyboard.press("Shift+ArrowLeft");
  await expect(editor.getByRole("slider", { name: "Image size" })).toHaveValue("80");
  await expect(editor.getByText("The canvas reaches past the image.")).toBeVisible();

  const prompt = "a stormy sea around it editorwidened";
  await editor.getByRole("textbox", { name: "Prompt: what the image should show" }).fill(prompt);
  const { body, envelope } = await submitFrom(page, "edits", "Submit edit");
  expect(body.sourceTaskId).toBe(sourceId);
  const sent = await rgba(pngOf(body.image));
  expect(sent.width / sent.height).toBeCloseTo(16 / 9, 1);
  // The image sits left of centre, 80 % of the canvas high: the right edge and every corner are empty.
  const alphaAt = (x: number, y: number) => sent.data[(y * sent.width + x) * 4 + 3];
  for (const [x, y] of [
    [0, 0],
    [sent.width - 1, 0],
    [0, sent.height - 1],
    [sent.width - 1, sent.height - 1],
    [sent.width - 1, Math.floor(sent.height / 2)],
  ] as const)
    expect(alphaAt(x, y), `(${x}, ${y})`).toBe(0);
  expect(alphaAt(Math.floor(sent.width * 0.4), Math.floor(sent.height / 2))).toBe(255);

  const result = page.locator(`article[data-task-id="${envelope.result}"]`);
  await waitDone(result);
  const grid = await media(request, envelope.result);
  for (const index of [1, 2, 3, 4]) {
    const filled = cell(grid, index);
    expect(filled.width / filled.height).toBeCloseTo(16 / 9, 1);
    // Nothing is left transparent, and the border is painted, not one flat colour.
    const border: number[] = [];
    let transparent = 0;
    for (let y = 0; y < filled.height; y++)
      for (let x = 0; x < filled.width; x++) {
        const p = y * filled.width + x;
        if (filled.data[p * 4 + 3] !== 255) transparent++;
        // The upstream may paint at another size than the one sent (the simulator caps it at 1024).
        const sentX = Math.floor((x * sent.width) / filled.width);
        const sentY = Math.floor((y * sent.height) / filled.height);
        if (alphaAt(sentX, sentY) === 0) border.push(filled.data[p * 4] ?? 0);
      }
    expect(transparent, `cell ${index}: transparent pixels`).toBe(0);
    expect(border.length, `cell ${index}: the border is where it was sent`).toBeGreaterThan(0);
    const mean = border.reduce((sum, value) => sum + value, 0) / Math.max(1, border.length);
    const spread = Math.sqrt(
      border.reduce((sum, value) => sum + (value - mean) ** 2, 0) / Math.max(1, border.length),
    );
    expect(spread, `cell ${index}: painted border`).toBeGreaterThan(4);
  }
  await expectLineage(page, prompt, sourcePrompt);
});

test("retexture an image, or hear clearly that the upstream cannot", async ({ page, request }, testInfo) => {
  const sourcePrompt = "a wooden cabin in snow editorretexture";
  const sourceId = await gridImage(request, sourcePrompt);
  await page.goto("/");
  await page.locator("html[data-hydrated]").waitFor();
  await page
    .locator(`article[data-task-id="${sourceId}"]`)
    .getByRole("button", { name: "Edit image 1…" })
    .click();
  const editor = editorOf(page);
  await editor.getByRole("radio", { name: "Retexture" }).check();
  // Retexture takes the whole image: no erasing or canvas tools.
  await expect(editor.getByRole("button", { name: "Erase area" })).toHaveCount(0);
  const prompt = "made of stained glass editorretextured";
  await editor.getByRole("textbox", { name: "Prompt: the new look" }).fill(prompt);
  const { body, envelope, status } = await submitFrom(page, "retexture", "Retexture");
  expect(body.sourceTaskId).toBe(sourceId);
  const sent = await rgba(pngOf(body.image));
  expect(sent.data.filter((_, i) => i % 4 === 3 && sent.data[i] !== 255).length, "transparent pixels").toBe(
    0,
  );

  if (testInfo.project.name === "new-api") {
    // new-api relays /submit/edits only: the Editor says so where the button is, and keeps the work.
    expect(status).toBe(501);
    await expect(editor.getByRole("alert")).toContainText("This upstream cannot retexture images");
    await expect(editor.getByRole("textbox", { name: "Prompt: the new look" })).toHaveValue(prompt);
    return;
  }
  const result = page.locator(`article[data-task-id="${envelope.result}"]`);
  await waitDone(result);
  await expect(result.getByText("Retexture", { exact: true })).toBeVisible();
  const task = await finished(request, envelope.result);
  expect(task.action).toBe("RETEXTURE");
  expect(task.parentId).toBe(sourceId);
  await expectLineage(page, prompt, sourcePrompt);
});

test("an uploaded image opens in the Editor; nothing scrolls sideways on a 360 px phone", async ({
  browser,
}) => {
  const context = await browser.newContext({
    viewport: { width: 360, height: 780 },
    isMobile: true,
    hasTouch: true,
  });
  const page = await context.newPage();
  await page.goto("/");
  await page.locator("html[data-hydrated]").waitFor();
  await composer(page).getByRole("tab", { name: "Edit" }).click();
  const png = await sharp({ create: { width: 300, height: 200, channels: 3, background: "#3a7" } })
    .png()
    .toBuffer();
  await composer(page)
    .getByLabel("Upload an image")
    .setInputFiles({ name: "field.png", mimeType: "image/png", buffer: png });
  const editor = editorOf(page);
  await expect(editor.getByRole("application", { name: "Canvas" })).toBeVisible();
  // An upload is one image: no grid choice.
  await expect(editor.getByRole("radiogroup", { name: "Image of the grid" })).toHaveCount(0);
  await editor.getByRole("radio", { name: "9:16" }).check();
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
  await context.close();
});
