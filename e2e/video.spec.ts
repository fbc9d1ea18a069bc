import { expect, test, type APIRequestContext, type Locator, type Page } from "@playwright/test";
import sharp from "sharp";
import { waitForStatus } from "@/lib/testing/wait";

/**
 * Video from any image, in a real browser against the production build, in demo mode and through
 * the simulator as a trueai proxy and as a new-api relay (which refuses every video button): a
 * gallery image animated towards an end frame and as a loop, its clip played and sought, extended
 * by about 4 s, Animate pressed on an upscale, and all of it under the gallery's Video filter with
 * its lineage.
 */

interface Task {
  id: string;
  status: string;
  parentId: string | null;
  buttons: { customId: string; label: string }[];
}

interface Envelope {
  code: number;
  result: string;
}

async function submit(request: APIRequestContext, path: string, data: object): Promise<string> {
  const response = await request.post(path, { data });
  const envelope = (await response.json()) as Envelope;
  expect([1, 22], JSON.stringify(envelope)).toContain(envelope.code);
  return envelope.result;
}

function finished(request: APIRequestContext, id: string): Promise<Task> {
  const read = async (task: string) =>
    (await (await request.get(`/api/mj/task/${task}/fetch`)).json()) as Task;
  return waitForStatus(read, id, "SUCCESS", { timeoutMs: 60_000, intervalMs: 250 });
}

/** An upscaled image made through the API: a still the gallery shows and Animate starts from. */
async function upscaledImage(request: APIRequestContext, prompt: string): Promise<Task> {
  const grid = await finished(request, await submit(request, "/api/mj/submit/imagine", { prompt }));
  const u1 = grid.buttons.find((button) => button.label === "U1")!;
  return finished(
    request,
    await submit(request, "/api/mj/submit/action", { taskId: grid.id, customId: u1.customId }),
  );
}

const composer = (page: Page) => page.getByRole("region", { name: "Composer" });
const card = (page: Page, id: string) => page.locator(`article[data-task-id="${id}"]`);

async function waitDone(task: Locator) {
  await expect(task).toHaveAttribute("data-status", "SUCCESS", { timeout: 60_000 });
}

/** Does what submits a video job; answers the body the page sent and the task it started. */
async function nextVideo(page: Page, act: () => Promise<void>) {
  const answered = page.waitForResponse((r) => r.url().endsWith("/api/mj/submit/video"));
  await act();
  const response = await answered;
  const envelope = (await response.json()) as Envelope;
  expect([1, 22], JSON.stringify(envelope)).toContain(envelope.code);
  return { body: response.request().postDataJSON() as Record<string, unknown>, id: envelope.result };
}

/** The large view's player has enough of the clip to play it; answers its length in seconds. */
async function playableClip(page: Page): Promise<{ video: Locator; seconds: number }> {
  const video = page.getByRole("dialog").locator("video");
  await expect
    .poll(() => video.evaluate((v: HTMLVideoElement) => v.readyState), { timeout: 20_000 })
    .toBeGreaterThanOrEqual(2);
  return { video, seconds: await video.evaluate((v: HTMLVideoElement) => v.duration) };
}

/** Seeks the player and waits for the browser to say it got there (ranged reads, 206). */
async function seek(video: Locator, to: number): Promise<number> {
  return video.evaluate(
    (v: HTMLVideoElement, time: number) =>
      new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("no seeked event")), 10_000);
        v.pause();
        v.addEventListener(
          "seeked",
          () => {
            clearTimeout(timer);
            resolve(v.currentTime);
          },
          { once: true },
        );
        v.currentTime = time;
      }),
    to,
  );
}

/** Opens a finished video task's large view at its (first) clip and checks it plays and seeks. */
async function watch(page: Page, task: Locator): Promise<number> {
  await task.getByRole("button", { name: /^Open (large view|clip 1)$/ }).click();
  const { video, seconds } = await playableClip(page);
  expect(await seek(video, seconds / 2)).toBeCloseTo(seconds / 2, 0);
  await page.keyboard.press("Escape");
  await expect(page.getByRole("dialog")).toHaveCount(0);
  return seconds;
}

const png = (background: string) =>
  sharp({ create: { width: 160, height: 96, channels: 3, background } })
    .png()
    .toBuffer();

test("a gallery image animated towards an end frame and as a loop; the clip plays, seeks and extends by about 4 s; all under the Video filter with lineage", async ({
  page,
  request,
}) => {
  test.setTimeout(240_000);
  const image = await upscaledImage(request, "a lighthouse on a cliff in storm light --ar 3:2");

  // Animate… on the image in the gallery hands it to the video composer.
  await page.goto("/gallery");
  await page.locator("html[data-hydrated]").waitFor();
  await card(page, image.id)
    .getByRole("button", { name: /^Open / })
    .click();
  await page.getByRole("dialog").getByRole("button", { name: "Animate…" }).click();
  await expect(page).toHaveURL(/\/$/);
  const form = composer(page);
  await expect(form.getByRole("tab", { name: "Video" })).toHaveAttribute("aria-selected", "true");
  await expect(form.getByRole("img", { name: /^Start frame: / })).toBeVisible();

  await form.getByLabel("Upload end frame").setInputFiles({
    name: "dusk.png",
    mimeType: "image/png",
    buffer: await png("#d97706"),
  });
  await expect(form.getByRole("img", { name: "End frame: dusk.png" })).toBeVisible();
  await form.getByRole("radiogroup", { name: "Videos" }).getByRole("radio", { name: "1" }).check();
  await form.getByRole("textbox", { name: "Motion prompt (optional)" }).fill("the storm clears slowly");
  const animate = form.getByRole("button", { name: "Animate", exact: true });
  await expect(animate).toBeEnabled({ timeout: 20_000 });
  const towards = await nextVideo(page, () => animate.click());
  expect(towards.body).toMatchObject({
    prompt: "the storm clears slowly",
    motion: "low",
    batchSize: 1,
    sourceTaskId: image.id,
  });
  // Frames the upstream can fetch: a hosted URL, or inline where it cannot host files.
  expect(towards.body.image).toMatch(/^(https?:\/\/|data:image\/)/);
  expect(towards.body.endImage).toMatch(/^(https?:\/\/|data:image\/)/);
  expect(towards.body).not.toHaveProperty("loop");

  const first = card(page, towards.id);
  await waitDone(first);
  // A clip plays while the pointer rests on it.
  await first.locator("video").first().hover({ force: true });
  await expect
    .poll(() =>
      first
        .locator("video")
        .first()
        .evaluate((v: HTMLVideoElement) => v.paused),
    )
    .toBe(false);
  const firstSeconds = await watch(page, first);
  expect(firstSeconds).toBeGreaterThan(4.5);
  expect(firstSeconds).toBeLessThan(5.5);

  // Extend… continues the clip with a new motion prompt.
  await first.getByRole("button", { name: "Extend…" }).click();
  await expect(form.getByText("Extending clip 1 of", { exact: false })).toBeVisible();
  await form.getByRole("textbox", { name: "Motion prompt (optional)" }).fill("lightning far away");
  const extended = await nextVideo(page, () =>
    form.getByRole("button", { name: "Extend", exact: true }).click(),
  );
  expect(extended.body).toEqual({
    action: "extend",
    taskId: towards.id,
    index: 0,
    prompt: "lightning far away",
    motion: "low",
  });
  const longer = card(page, extended.id);
  await waitDone(longer);
  // It names what made it and links to the clip it extends.
  await expect(longer).toContainText("Extend");
  await expect(longer.getByRole("button", { name: /^from / })).toBeVisible();
  const longerSeconds = await watch(page, longer);
  expect(longerSeconds - firstSeconds).toBeGreaterThan(3.5);
  expect(longerSeconds - firstSeconds).toBeLessThan(4.5);

  // The same start frame as a loop: no end frame goes with it.
  await form.getByRole("button", { name: "New video instead" }).click();
  await form.getByRole("checkbox", { name: "Loop" }).check();
  await expect(form.getByLabel("Upload end frame")).toBeDisabled();
  await expect(form.getByRole("textbox", { name: "End frame URL" })).toBeDisabled();
  const looped = await nextVideo(page, () => animate.click());
  expect(looped.body).toMatchObject({ loop: true, batchSize: 1, sourceTaskId: image.id });
  expect(looped.body).not.toHaveProperty("endImage");
  const loop = card(page, looped.id);
  await waitDone(loop);
  const loopSeconds = await watch(page, loop);
  expect(loopSeconds).toBeGreaterThan(4.5);
  expect(loopSeconds).toBeLessThan(5.5);

  // The gallery's Video filter shows the videos, not the image, and the lineage runs back to it.
  await page.goto("/gallery");
  await page.getByRole("checkbox", { name: "Videos only" }).check();
  await expect(page).toHaveURL(/[?&]media=video/);
  for (const id of [towards.id, extended.id, looped.id]) await expect(card(page, id)).toBeVisible();
  await expect(card(page, image.id)).toHaveCount(0);
  await card(page, extended.id)
    .getByRole("button", { name: /^Open / })
    .click();
  const parents = page.getByRole("dialog").getByRole("region", { name: "Made from" });
  await expect(parents.getByRole("button")).toHaveCount(3);
  const detail = (await (await request.get(`/api/tasks/${extended.id}`)).json()) as { parents: Task[] };
  expect(detail.parents.map((task) => task.id).slice(0, 2)).toEqual([towards.id, image.id]);
});

test("Animate on an upscale makes a video, also through a relay that refuses video buttons", async ({
  page,
  request,
}) => {
  test.setTimeout(120_000);
  const image = await upscaledImage(request, "a red kite over green hills --ar 3:2");
  await page.goto("/");
  await page.locator("html[data-hydrated]").waitFor();
  const pressed = page.waitForResponse((r) => r.url().endsWith("/api/mj/submit/action"));
  await card(page, image.id).getByRole("button", { name: "Animate (High motion)" }).click();
  const envelope = (await (await pressed).json()) as Envelope;
  expect([1, 22], JSON.stringify(envelope)).toContain(envelope.code);
  const video = card(page, envelope.result);
  await waitDone(video);
  await expect(video.locator("video").first()).toBeVisible();
  const seconds = await watch(page, video);
  expect(seconds).toBeGreaterThan(4.5);
  expect(seconds).toBeLessThan(5.5);
});
