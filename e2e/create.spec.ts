import { expect, test, type Locator, type Page } from "@playwright/test";
import { openSettings } from "./composer";
import { pressed } from "./jobs";

/**
 * What a person does on the Create page, in demo mode against the production build. The
 * simulator runs at SIMULATOR_SPEED=20, so a job takes a fraction of a second to a few seconds.
 */

/** The composer's own Imagine button (cards in the feed have Imagine buttons of their own). */
const imagineButton = (page: Page) =>
  page.getByRole("region", { name: "Composer" }).getByRole("button", { name: "Imagine", exact: true });

const card = (page: Page, prompt: string | RegExp): Locator =>
  page.getByRole("article", { name: prompt }).first();

async function imagine(page: Page, prompt: string) {
  await page.locator("html[data-hydrated]").waitFor();
  const box = page.getByRole("textbox", { name: "Prompt" });
  await box.fill(prompt);
  await box.press("Enter");
  const task = card(page, prompt);
  await expect(task).toBeVisible({ timeout: 15_000 });
  return task;
}

async function waitDone(task: Locator) {
  await expect(task).toHaveAttribute("data-status", "SUCCESS", { timeout: 30_000 });
}

/** An action of the whole job kept in its "More" menu (zoom, pan, Vary Region, seed…). */
async function more(task: Locator, name: string): Promise<Locator> {
  const toggle = task.getByRole("button", { name: "More", exact: true });
  if ((await toggle.getAttribute("aria-expanded")) !== "true") await toggle.click();
  return task.getByRole("button", { name });
}

/** Submits an imagine, waits for the grid, presses U1 (image 1's Upscale), and returns the upscale's card. */
async function upscaled(page: Page, prompt: string): Promise<Locator> {
  const grid = await imagine(page, prompt);
  await waitDone(grid);
  // A touch screen cannot hover: its "…" button shows the image's actions.
  const reveal = grid.getByRole("button", { name: "Actions of image 1" });
  if (await reveal.isVisible()) await reveal.click();
  const { job: single } = await pressed(page, grid.getByRole("button", { name: "U1" }));
  await expect(single).toContainText("Upscale · image 1");
  await waitDone(single);
  return single;
}

/** One stroke across the middle of the mask editor's canvas, as a mouse or a finger draws it. */
async function paint(canvas: Locator, input: "mouse" | "touch") {
  await expect(canvas).toBeVisible();
  const boxSize = (await canvas.boundingBox())!;
  const from = { x: boxSize.x + boxSize.width * 0.3, y: boxSize.y + boxSize.height * 0.4 };
  const to = { x: boxSize.x + boxSize.width * 0.7, y: boxSize.y + boxSize.height * 0.6 };
  await canvas.dispatchEvent("pointerdown", {
    pointerType: input,
    clientX: from.x,
    clientY: from.y,
    isPrimary: true,
    pointerId: 1,
    buttons: 1,
  });
  for (let i = 1; i <= 8; i++) {
    await canvas.dispatchEvent("pointermove", {
      pointerType: input,
      clientX: from.x + ((to.x - from.x) * i) / 8,
      clientY: from.y + ((to.y - from.y) * i) / 8,
      isPrimary: true,
      pointerId: 1,
      buttons: 1,
    });
  }
  await canvas.dispatchEvent("pointerup", {
    pointerType: input,
    clientX: to.x,
    clientY: to.y,
    isPrimary: true,
    pointerId: 1,
  });
}

test.beforeEach(async ({ page }) => {
  await page.goto("/");
});

test("imagine with parameters set from the controls; the prompt stays after submit", async ({ page }) => {
  await page.locator("html[data-hydrated]").waitFor();
  const box = page.getByRole("textbox", { name: "Prompt" });
  await box.fill("a paper boat on a pond");
  const settings = await openSettings(page);
  await settings.getByRole("radio", { name: "16:9" }).check();
  await expect(box).toHaveValue(/--ar 16:9/);
  // Escape closes the popover and gives focus back to its button.
  await page.keyboard.press("Escape");
  await expect(settings).toBeHidden();
  await expect(page.getByRole("button", { name: "Settings", exact: true })).toBeFocused();
  await box.fill("a paper boat on a pond --ar 16:9 --s 5000");
  await expect(page.getByText(/stylize/i).first()).toBeVisible();
  await expect(imagineButton(page)).toBeDisabled();
  await box.fill("a paper boat on a pond --ar 16:9");
  await box.press("Enter");

  await expect(box).toHaveValue("a paper boat on a pond --ar 16:9");
  const task = card(page, "a paper boat on a pond --ar 16:9");
  await expect(task.getByRole("progressbar")).toBeVisible();
  await waitDone(task);
  // Each image of the grid is a tile of the job's ratio.
  const image = task.getByRole("img", { name: "Image 1 of: a paper boat on a pond --ar 16:9" });
  await expect
    .poll(() => image.evaluate((img: HTMLImageElement) => img.naturalWidth / img.naturalHeight))
    .toBeCloseTo(16 / 9, 1);
});

test("U1, then Custom Zoom with the slider", async ({ page }) => {
  // V7: the default model (V8.1) has no Custom Zoom (docs/protocol.md §5.2.1).
  const single = await upscaled(page, "a fox under a lantern --v 7");
  await (await more(single, "Custom Zoom")).click();
  const dialog = page.getByRole("dialog", { name: "Custom Zoom" });
  const slider = dialog.getByRole("slider");
  await slider.fill("1.8");
  await expect(dialog.getByRole("textbox", { name: "Prompt" })).toHaveValue(/--zoom 1\.8/);
  await dialog.getByRole("button", { name: "Submit" }).click();
  await expect(dialog).toBeHidden();
  const zoomed = page.locator("article[data-status]").first();
  await waitDone(zoomed);
});

test("V1 with remix opens the remix dialog prefilled", async ({ page }) => {
  await page.locator("html[data-hydrated]").waitFor();
  await page.getByRole("switch", { name: "Remix" }).check();
  const grid = await imagine(page, "a snail in the rain");
  await waitDone(grid);
  await grid.getByRole("button", { name: "V1" }).click();
  const dialog = page.getByRole("dialog", { name: "Remix prompt" });
  const prompt = dialog.getByRole("textbox", { name: "Prompt" });
  await expect(prompt).toHaveValue(/a snail in the rain/);
  await prompt.fill("a snail in the snow");
  await dialog.getByRole("button", { name: "Submit" }).click();
  await waitDone(page.locator("article[data-status]").first());
});

test("closing a modal leaves the task pending with a way back", async ({ page }) => {
  const single = await upscaled(page, "a castle in clouds");
  await (await more(single, "Vary (Region)")).click();
  const dialog = page.getByRole("dialog", { name: "Vary (Region)" });
  await dialog.getByRole("button", { name: "Close" }).click();
  const pending = page.locator('article[data-status="MODAL"]').first();
  await expect(pending.getByText("Waiting for your input")).toBeVisible();
  await pending.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByRole("dialog", { name: "Vary (Region)" })).toBeVisible();
});

test("a dialog closed without submitting can be dismissed from the feed", async ({ page }) => {
  const single = await upscaled(page, "a paper lantern to dismiss");
  await (await more(single, "Vary (Region)")).click();
  await page.getByRole("dialog", { name: "Vary (Region)" }).getByRole("button", { name: "Close" }).click();
  const pending = page.locator('article[data-status="MODAL"]').first();
  const id = await pending.getAttribute("data-task-id");
  await pending.getByRole("button", { name: "Dismiss", exact: true }).click();
  await expect(page.locator(`article[data-task-id="${id}"]`)).toHaveCount(0);
  // Gone from the history for good, not just from this page.
  await page.reload();
  await expect(single).toBeVisible();
  await expect(page.locator(`article[data-task-id="${id}"]`)).toHaveCount(0);
  expect((await page.request.get(`/api/tasks/${id}`)).status()).toBe(404);
});

test("Vary (Region) at 1440x900: title and Submit in view, the hint clears once painted, Escape asks before losing the mask", async ({
  browser,
}) => {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  await page.goto("/");
  const single = await upscaled(page, "a lighthouse to fit the viewport");
  await (await more(single, "Vary (Region)")).click();
  const dialog = page.getByRole("dialog", { name: "Vary (Region)" });
  const title = dialog.getByRole("heading", { name: "Vary (Region)" });
  const submit = dialog.getByRole("button", { name: "Submit" });
  await expect(dialog.locator("canvas").first()).toBeVisible();
  await expect(title).toBeInViewport({ ratio: 1 });
  await expect(submit).toBeInViewport({ ratio: 1 });

  await submit.click();
  const paintFirst = dialog.getByText("Paint the area to change first.");
  await expect(paintFirst).toBeVisible();
  await paint(dialog.locator("canvas").first(), "mouse");
  await expect(paintFirst).toBeHidden();

  // Escape with a painted mask asks first; "Keep editing" keeps the dialog and the mask.
  await page.keyboard.press("Escape");
  const confirm = page.getByRole("alertdialog", { name: "Discard your mask?" });
  await expect(confirm).toBeVisible();
  await confirm.getByRole("button", { name: "Keep editing" }).click();
  await expect(confirm).toBeHidden();
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole("button", { name: "Undo" })).toBeEnabled();
  await page.keyboard.press("Escape");
  await confirm.getByRole("button", { name: "Discard" }).click();
  await expect(dialog).toBeHidden();

  // On a phone the same dialog fits too.
  await page.setViewportSize({ width: 390, height: 844 });
  await page
    .locator('article[data-status="MODAL"]')
    .first()
    .getByRole("button", { name: "Continue" })
    .click();
  await expect(dialog.locator("canvas").first()).toBeVisible();
  await expect(title).toBeInViewport({ ratio: 1 });
  await expect(submit).toBeInViewport({ ratio: 1 });
  await context.close();
});

for (const input of ["mouse", "touch"] as const) {
  test(`Vary (Region) with a ${input} stroke`, async ({ browser }) => {
    const context = await browser.newContext({ hasTouch: input === "touch" });
    const page = await context.newPage();
    await page.goto("/");
    const single = await upscaled(page, `a lighthouse, ${input} region`);
    await (await more(single, "Vary (Region)")).click();
    const dialog = page.getByRole("dialog", { name: "Vary (Region)" });
    await paint(dialog.locator("canvas").first(), input);
    await expect(dialog.getByRole("button", { name: "Undo" })).toBeEnabled();

    const modal = page.waitForRequest((r) => r.url().endsWith("/api/mj/submit/modal"));
    await dialog.getByRole("button", { name: "Submit" }).click();
    const body = (await modal).postDataJSON() as { maskBase64: string };
    expect(body.maskBase64).toMatch(/^data:image\/png;base64,/);
    await waitDone(page.locator("article[data-status]").first());
    await context.close();
  });
}

test("Favourite on an upscale is the app's favourite, never Midjourney's bookmark", async ({ page }) => {
  const single = await upscaled(page, "a heart-shaped cloud");
  const pressed: string[] = [];
  page.on("request", (request) => {
    if (request.url().endsWith("/api/mj/submit/action")) pressed.push(request.postData() ?? "");
  });
  const favourite = single.getByRole("button", { name: "Favourite" });
  await expect(favourite).toHaveAttribute("aria-pressed", "false");
  await favourite.click();
  await expect(favourite).toHaveAttribute("aria-pressed", "true");
  const id = await single.getAttribute("data-task-id");
  const record = (await (await page.request.get(`/api/tasks/${id}`)).json()) as {
    task: { favorite: boolean };
  };
  expect(record.task.favorite).toBe(true);
  expect(pressed.filter((body) => body.includes("BOOKMARK"))).toEqual([]);
  // And once more takes it back.
  await favourite.click();
  await expect(favourite).toHaveAttribute("aria-pressed", "false");
});

test("a refusal is said in the page's language, with the upstream's own words as detail", async ({
  page,
}) => {
  const grid = await imagine(page, "a refused variation");
  await waitDone(grid);
  await page.route("**/api/mj/submit/action", (route) =>
    route.fulfill({ json: { code: 4, description: "关联任务状态错误", result: null, properties: {} } }),
  );
  await grid.getByRole("button", { name: "V1" }).click();
  const toast = page.locator("[data-sonner-toast]").filter({ hasText: "The task is not finished yet" });
  await expect(toast).toBeVisible();
  await expect(toast).toContainText("关联任务状态错误");
});

test("the Chinese UI says statuses, actions, modes and button names in Chinese", async ({ browser }) => {
  const context = await browser.newContext({ locale: "zh-CN" });
  const page = await context.newPage();
  await page.goto("/");
  await page.locator("html[data-hydrated]").waitFor();
  const box = page.getByRole("textbox", { name: "提示词" });
  // V7: the default model (V8.1) has no Custom Zoom (docs/protocol.md §5.2.1).
  await box.fill("a paper crane in chinese words --v 7");
  await box.press("Enter");
  const grid = card(page, "a paper crane in chinese words --v 7");
  await waitDone(grid);
  // The new upscale by its id: the feed holds earlier tests' "放大 · 第 1 张" too, and one that was
  // at the top before this card arrived passed for it on a busy machine.
  const pressed = page.waitForResponse((r) => r.url().endsWith("/api/mj/submit/action"));
  await grid.getByRole("button", { name: "U1" }).click();
  const id = ((await (await pressed).json()) as { result: string }).result;
  const single = page.locator(`article[data-task-id="${id}"]`);
  await expect(single).toContainText("放大 · 第 1 张", { timeout: 15_000 });
  await waitDone(single);
  for (const name of ["变化（细微）", "收藏"])
    await expect(single.getByRole("button", { name, exact: true })).toBeVisible();
  await single.getByRole("button", { name: "更多", exact: true }).click();
  for (const name of ["局部重绘", "自定义缩放"])
    await expect(single.getByRole("button", { name, exact: true })).toBeVisible();

  await single.getByRole("button", { name: "查看大图" }).first().click();
  const facts = page.getByRole("dialog").locator("dl");
  // UPSCALE, SUCCESS, FAST and MID_JOURNEY in the app's words, none of them raw.
  await expect(facts).toContainText("放大");
  await expect(facts).toContainText("完成");
  await expect(facts).toContainText("快速");
  await expect(facts).not.toContainText(/UPSCALE|SUCCESS|FAST|MID_JOURNEY/);
  await context.close();
});

test("Describe, then Imagine this, and Imagine all", async ({ page }) => {
  // An image made by the app itself serves as the upload.
  const grid = await imagine(page, "a teapot to describe");
  await waitDone(grid);
  const bytes = await (
    await page.request.get(`/api/media/${await grid.getAttribute("data-task-id")}/image`)
  ).body();

  await page.getByRole("tab", { name: "Describe" }).click();
  await page
    .getByLabel("Image to describe")
    .setInputFiles({ name: "teapot.png", mimeType: "image/png", buffer: bytes });
  await page.getByRole("button", { name: "Describe", exact: true }).click();
  const described = page
    .locator('article[data-status="SUCCESS"]', { has: page.getByRole("button", { name: /Imagine this/ }) })
    .first();
  await expect(described).toBeVisible({ timeout: 30_000 });

  await described
    .getByRole("button", { name: /Imagine this/ })
    .first()
    .click();
  const dialog = page.getByRole("dialog", { name: "Imagine this prompt" });
  await expect(dialog.getByRole("textbox", { name: "Prompt" })).not.toHaveValue("");
  await dialog.getByRole("button", { name: "Submit" }).click();
  await expect(dialog).toBeHidden();

  const all = page.waitForResponse((r) => r.url().endsWith("/api/mj/submit/action"));
  await described.getByRole("button", { name: "Imagine all" }).click();
  const ids = String(((await (await all).json()) as { result: string }).result).split(",");
  expect(ids).toHaveLength(4);
  // The feed renders only the rows near the viewport; the four new jobs are at its top. They come
  // with the feed's next reads (on a busy machine more than 5 s after the submit), and rows added
  // above the view can move it down: look at the top each time, as a person scrolling up does.
  for (const id of ids)
    await expect(async () => {
      await page.evaluate(() => window.scrollTo({ top: 0, behavior: "instant" }));
      await expect(page.locator(`article[data-task-id="${id}"]`)).toBeVisible({ timeout: 1_000 });
    }).toPass({ timeout: 15_000 });
});

test("Blend two images", async ({ page }) => {
  const grid = await imagine(page, "a pebble to blend");
  await waitDone(grid);
  const bytes = await (
    await page.request.get(`/api/media/${await grid.getAttribute("data-task-id")}/image`)
  ).body();
  await page.getByRole("tab", { name: "Blend" }).click();
  await page.getByLabel("Add images").setInputFiles([
    { name: "a.png", mimeType: "image/png", buffer: bytes },
    { name: "b.png", mimeType: "image/png", buffer: bytes },
  ]);
  await page.getByRole("radio", { name: /Landscape/ }).check();
  await page.getByRole("button", { name: "Blend", exact: true }).click();
  const blended = page.locator("article[data-status]").first();
  await waitDone(blended);
  const image = blended.getByRole("img").first();
  await expect
    .poll(() => image.evaluate((img: HTMLImageElement) => img.naturalWidth / img.naturalHeight))
    .toBeCloseTo(3 / 2, 1);
});

test("Enter submits only from the prompt box, not from Seed, Exclude or the custom ratio", async ({
  page,
}) => {
  const submitted: string[] = [];
  page.on("request", (request) => {
    if (request.url().endsWith("/api/mj/submit/imagine"))
      submitted.push((request.postDataJSON() as { prompt: string }).prompt);
  });
  await page.locator("html[data-hydrated]").waitFor();
  const box = page.getByRole("textbox", { name: "Prompt" });
  await box.fill("a harbour at night, enter in fields");
  const settings = await openSettings(page);
  for (const [name, value] of [
    ["Seed", "1234"],
    ["Exclude (--no)", "boats"],
    ["Custom W:H", "5:4"],
  ] as const) {
    const field = settings.getByRole("textbox", { name, exact: true });
    await field.fill(value);
    await field.press("Enter");
  }
  await expect(box).toHaveValue(/--seed 1234/);
  await expect(box).toHaveValue(/--no boats/);
  await expect(box).toHaveValue(/--ar 5:4/);

  // The prompt box's Enter submits once, with everything the fields set.
  const request = page.waitForRequest((r) => r.url().endsWith("/api/mj/submit/imagine"));
  await box.press("Enter");
  await request;
  await expect(card(page, /a harbour at night, enter in fields/)).toBeVisible();
  expect(submitted).toHaveLength(1);
  for (const param of ["--seed 1234", "--no boats", "--ar 5:4"]) expect(submitted[0]).toContain(param);
});

test("a banned prompt fails with a plain reason and Edit prompt (not Retry) brings it back", async ({
  page,
}) => {
  const task = await imagine(page, "a gore scene");
  await expect(task).toHaveAttribute("data-status", "FAILURE", { timeout: 30_000 });
  await expect(task.getByText(/refused by moderation/)).toBeVisible();
  // Retrying would resend the refused words. After a reload the prompt comes from the server's record.
  await page.reload();
  const failed = card(page, "a gore scene");
  await expect(failed.getByRole("button", { name: "Retry" })).toHaveCount(0);
  await failed.getByRole("button", { name: "Edit prompt" }).click();
  await expect(page.getByRole("textbox", { name: "Prompt" })).toHaveValue("a gore scene");
});

test("seed of a finished task", async ({ page }) => {
  const task = await imagine(page, "a seed to remember");
  await waitDone(task);
  await (await more(task, "Seed")).click();
  await expect(task.getByText(/^\d{5,}$/)).toBeVisible();
});

test("phone viewport: no horizontal scroll and the prompt bar is reachable", async ({ browser }) => {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 },
    hasTouch: true,
    isMobile: true,
  });
  const page = await context.newPage();
  await page.goto("/");
  const box = page.getByRole("textbox", { name: "Prompt" });
  await expect(box).toBeInViewport();
  const task = await imagine(page, "a kite on a phone");
  await waitDone(task);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await context.close();
});

for (const locale of ["en-US", "zh-CN"]) {
  test(`a 360 px phone in ${locale}: the header fits and its links stay on one line`, async ({ browser }) => {
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale });
    const page = await context.newPage();
    for (const path of ["/", "/gallery"]) {
      await page.goto(path);
      await page.locator("html[data-hydrated]").waitFor();
      expect(await page.evaluate(() => document.documentElement.scrollWidth), path).toBeLessThanOrEqual(360);
      const nav = page.getByRole("navigation");
      for (const link of await nav.getByRole("link").all()) {
        // The link's content box: a label on two lines would make it taller than one and a half lines.
        const { height, lineHeight } = await link.evaluate((el) => {
          const style = getComputedStyle(el);
          return {
            height:
              el.getBoundingClientRect().height -
              parseFloat(style.paddingTop) -
              parseFloat(style.paddingBottom),
            lineHeight: parseFloat(style.lineHeight),
          };
        });
        expect(height, `${path} ${await link.textContent()}`).toBeLessThan(lineHeight * 1.5);
      }
      await expect(page.getByRole("button", { name: /theme|主题/i })).toBeInViewport({ ratio: 1 });
    }
    await context.close();
  });
}

test("'/' focuses the prompt", async ({ page }) => {
  await page.locator("html[data-hydrated]").waitFor();
  await page.locator("body").click({ position: { x: 5, y: 300 } });
  await page.keyboard.press("/");
  await expect(page.getByRole("textbox", { name: "Prompt" })).toBeFocused();
});
