import { expect, test, type Locator, type Page } from "@playwright/test";

/**
 * The full-screen viewer, in demo mode: opened from a card of the Create feed and from a gallery
 * tile, the picture as large as the viewport allows, one image of a job at a time with a side
 * panel of everything about it; keys, the address (reload, Back), a phone's bottom sheet and
 * swipe, and the `?` sheet of shortcuts.
 */

const card = (page: Page, prompt: string): Locator => page.getByRole("article", { name: prompt }).first();

async function imagine(page: Page, prompt: string): Promise<string> {
  await page.goto("/");
  await page.locator("html[data-hydrated]").waitFor();
  const box = page.getByRole("textbox", { name: "Prompt" });
  await box.fill(prompt);
  await box.press("Enter");
  await expect(card(page, prompt)).toHaveAttribute("data-status", "SUCCESS", { timeout: 60_000 });
  return (await card(page, prompt).getAttribute("data-task-id"))!;
}

const FIRST = "a lighthouse in fog viewerword --ar 3:2";
const SECOND = "a lantern festival viewerword --ar 3:2";

test.describe("on a laptop", () => {
  test.use({ viewport: { width: 1440, height: 900 } });

  test("the viewer fills the screen, steps through a job's images, presses U of the image on view and lives in the address", async ({
    page,
  }) => {
    const firstId = await imagine(page, FIRST);
    const secondId = await imagine(page, SECOND);
    // By id: the upscale made below is a card with the same prompt, and comes first.
    const opener = page
      .locator(`article[data-task-id="${secondId}"]`)
      .getByRole("button", { name: "Open image 1" });
    await opener.click();

    const dialog = page.getByRole("dialog", { name: SECOND });
    await expect(dialog).toBeVisible();
    await expect(page).toHaveURL(new RegExp(`[?&]view=${secondId}&image=1$`));
    const picture = dialog.getByRole("img", { name: `Image 1 of: ${SECOND}` });
    await expect(picture).toBeVisible();
    const box = (await picture.boundingBox())!;
    expect(box.height).toBeGreaterThanOrEqual(0.7 * 900);

    // The side panel: prompt, parameters as chips, facts and the actions of image 1 only.
    const panel = dialog.getByRole("complementary", { name: "Details and actions" });
    await expect(panel.getByRole("heading", { name: SECOND })).toBeVisible();
    await expect(panel.getByRole("region", { name: "Parameters" })).toContainText("3:2");
    await expect(panel.getByRole("button", { name: "Copy prompt" })).toHaveAttribute(
      "aria-keyshortcuts",
      "C",
    );
    await expect(panel.getByRole("button", { name: "U1", exact: true })).toHaveAttribute(
      "aria-keyshortcuts",
      "U",
    );
    await expect(panel.getByRole("button", { name: "U2", exact: true })).toHaveCount(0);

    // → through the job's images, then on to the next job; ← back.
    for (const n of [2, 3, 4]) {
      await page.keyboard.press("ArrowRight");
      await expect(dialog.getByRole("button", { name: `Image ${n}`, exact: true })).toHaveAttribute(
        "aria-pressed",
        "true",
      );
      await expect(page).toHaveURL(new RegExp(`image=${n}$`));
    }
    await page.keyboard.press("ArrowRight");
    await expect(page.getByRole("dialog", { name: FIRST })).toBeVisible();
    await expect(page).toHaveURL(new RegExp(`view=${firstId}&image=1$`));
    await page.keyboard.press("ArrowLeft");
    await expect(dialog).toBeVisible();
    await expect(page).toHaveURL(new RegExp(`view=${secondId}&image=4$`));

    // U upscales the image on view: image 3's U3.
    await dialog.getByRole("button", { name: "Image 3", exact: true }).click();
    await expect(panel.getByRole("button", { name: "U3", exact: true })).toBeVisible();
    const submitted = page.waitForResponse(
      (r) => r.url().endsWith("/api/mj/submit/action") && r.request().method() === "POST",
    );
    await page.keyboard.press("u");
    const answer = await submitted;
    const body = answer.request().postDataJSON() as { customId: string };
    expect(body.customId).toMatch(/::upsample::3::/);
    const upscaleId = ((await answer.json()) as { result: string }).result;

    // The lineage: the upscale is "made from this".
    await expect(panel.getByRole("region", { name: "Made from this" }).getByRole("button")).toHaveCount(1, {
      timeout: 30_000,
    });
    // Its card, above the job's, changes size when it finishes: a click on the job's card while
    // that happens lands where the card was (CI under a hog, once), so the rest waits for it.
    await expect(page.locator(`article[data-task-id="${upscaleId}"]`)).toHaveAttribute(
      "data-status",
      "SUCCESS",
      {
        timeout: 30_000,
      },
    );

    // A reload reopens the same image; Escape closes and drops the parameters.
    await page.reload();
    await expect(page.getByRole("dialog", { name: SECOND })).toBeVisible();
    await expect(
      page.getByRole("dialog").getByRole("button", { name: "Image 3", exact: true }),
    ).toHaveAttribute("aria-pressed", "true");
    await page.keyboard.press("Escape");
    await expect(page.getByRole("dialog")).toHaveCount(0);
    await expect(page).not.toHaveURL(/view=/);

    // Back closes it; Escape returns focus to what opened it.
    await opener.click();
    await expect(page.getByRole("dialog")).toBeVisible();
    await page.goBack();
    await expect(page.getByRole("dialog")).toHaveCount(0);
    await expect(page).not.toHaveURL(/view=/);
    await opener.click();
    await expect(page.getByRole("dialog")).toBeVisible();
    await page.keyboard.press("Escape");
    await expect(page.getByRole("dialog")).toHaveCount(0);
    await expect(opener).toBeFocused();
  });

  test("the gallery opens the viewer, keeps its filter in the address and Back closes it", async ({
    page,
  }) => {
    await imagine(page, "a kite over dunes galleryviewerword");
    await page.goto("/gallery?q=galleryviewerword");
    await page.locator("html[data-hydrated]").waitFor();
    await page.getByRole("button", { name: "Open a kite over dunes galleryviewerword" }).first().click();
    const dialog = page.getByRole("dialog", { name: "a kite over dunes galleryviewerword" });
    await expect(dialog).toBeVisible();
    await expect(page).toHaveURL(/\/gallery\?q=galleryviewerword&view=\d+&image=1$/);
    const picture = dialog.getByRole("img", { name: /^Image 1 of/ });
    await expect.poll(async () => (await picture.boundingBox())?.height ?? 0).toBeGreaterThanOrEqual(630);
    await page.goBack();
    await expect(page.getByRole("dialog")).toHaveCount(0);
    await expect(page).toHaveURL(/\/gallery\?q=galleryviewerword$/);
  });

  test("deleting or hiding the job on view moves on to the next one; hiding offers Undo", async ({
    page,
  }) => {
    test.setTimeout(180_000);
    const stamp = Date.now();
    const [oldest, middle, newest] = ["oldest", "middle", "newest"].map((n) => `a ${n} moveonword ${stamp}`);
    for (const prompt of [oldest!, middle!, newest!]) await imagine(page, prompt);
    await card(page, newest!).getByRole("button", { name: "Open image 1" }).click();
    const viewing = (prompt: string) => page.getByRole("dialog", { name: prompt });
    await expect(viewing(newest!)).toBeVisible();

    // Delete (confirmed): the viewer stays open on the next job, and the deleted one has left the feed.
    const panel = page.getByRole("complementary", { name: "Details and actions" });
    await panel.getByRole("button", { name: "Delete", exact: true }).click();
    await panel.getByRole("button", { name: "Delete for good" }).click();
    await expect(viewing(middle!)).toBeVisible();
    await expect(page).toHaveURL(/[?&]view=\d+&image=1$/);
    await expect(page.getByRole("article", { name: newest! })).toHaveCount(0);

    // Hide: on to the next job again, with an Undo that brings the hidden one back to the feed.
    await panel.getByRole("button", { name: "Hide", exact: true }).click();
    await expect(viewing(oldest!)).toBeVisible();
    const toast = page.getByRole("status").filter({ hasText: "Job hidden" });
    await toast.getByRole("button", { name: "Undo" }).click();
    await expect(toast).toHaveCount(0);
    await page.keyboard.press("Escape");
    await expect(page.getByRole("dialog")).toHaveCount(0);
    await expect(card(page, middle!)).toBeVisible({ timeout: 15_000 });
  });

  test("→ on the last job the feed has loaded loads the next page and moves on to it", async ({ page }) => {
    test.setTimeout(120_000);
    const stamp = Date.now();
    const ids: string[] = [];
    for (let i = 0; i < 22; i++) {
      const response = await page.request.post("/api/mj/submit/imagine", {
        data: { prompt: `a paged job ${i} pagingword ${stamp}` },
      });
      ids.push(((await response.json()) as { result: string }).result);
    }
    try {
      // → steps through a finished job's images before it goes on to the next job, so job 2 is
      // viewed finished (whether it had finished by the time the page opened was a race a busy
      // machine lost).
      await expect
        .poll(
          async () =>
            ((await (await page.request.get(`/api/mj/task/${ids[2]}/fetch`)).json()) as { status: string })
              .status,
          { timeout: 60_000 },
        )
        .toBe("SUCCESS");
      // The feed loads 20 at a time, newest first: the 20th is ids[2], the next page starts at ids[1].
      await page.goto(`/?view=${ids[2]}`);
      await page.locator("html[data-hydrated]").waitFor();
      const viewer = page.getByRole("dialog", { name: `a paged job 2 pagingword ${stamp}` });
      await expect(viewer).toBeVisible();
      // Its four images first, then on.
      for (const n of [2, 3, 4]) {
        await page.keyboard.press("ArrowRight");
        const shown = viewer.getByRole("group", { name: "View" }).getByRole("button", { name: `Image ${n}` });
        await expect(shown).toHaveAttribute("aria-pressed", "true");
      }
      await page.keyboard.press("ArrowRight");
      await expect(page.getByRole("dialog", { name: `a paged job 1 pagingword ${stamp}` })).toBeVisible({
        timeout: 15_000,
      });
      await expect(page).toHaveURL(new RegExp(`view=${ids[1]}`));
    } finally {
      // The simulator's queue is shared with the specs after this one: these jobs leave it.
      for (const id of ids) await page.request.post(`/api/mj/task/${id}/cancel`);
    }
  });

  test("? opens the sheet of keyboard shortcuts", async ({ page }) => {
    await page.goto("/");
    await page.locator("html[data-hydrated]").waitFor();
    await page.locator("body").press("?");
    const sheet = page.getByRole("dialog", { name: "Keyboard shortcuts" });
    await expect(sheet).toBeVisible();
    await expect(sheet).toContainText("Upscale the image on view");
    await expect(sheet).toContainText("Jump to the prompt");
    await page.keyboard.press("Escape");
    await expect(sheet).toHaveCount(0);
    // Typed into the prompt, ? is just a character.
    const box = page.getByRole("textbox", { name: "Prompt" });
    await box.fill("why");
    await box.press("?");
    await expect(box).toHaveValue("why?");
    await expect(sheet).toHaveCount(0);
  });
});

test.describe("on a phone", () => {
  test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });

  test("a bottom sheet opens and folds, nothing scrolls sideways, a swipe moves and a double tap zooms", async ({
    page,
  }) => {
    await imagine(page, "a tram in the rain phoneviewerword");
    await card(page, "a tram in the rain phoneviewerword")
      .getByRole("button", { name: "Open image 1" })
      .click();
    const dialog = page.getByRole("dialog", { name: "a tram in the rain phoneviewerword" });
    await expect(dialog).toBeVisible();
    await expect(dialog.getByRole("img", { name: /^Image 1 of/ })).toBeVisible();

    const toggle = dialog.getByRole("button", { name: "Details" });
    await expect(toggle).toHaveAttribute("aria-expanded", "false");
    await expect(dialog.getByRole("button", { name: "Copy prompt" })).toBeHidden();
    await toggle.click();
    await expect(toggle).toHaveAttribute("aria-expanded", "true");
    await expect(dialog.getByRole("button", { name: "Copy prompt" })).toBeVisible();
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await toggle.click();
    await expect(toggle).toHaveAttribute("aria-expanded", "false");

    // The sheet follows a finger on its header: dragged up it opens, dragged down it folds.
    const cdp = await page.context().newCDPSession(page);
    const dragSheet = async (by: number) => {
      const grip = (await dialog.locator("[data-sheet-handle]").boundingBox())!;
      const x = grip.x + 24;
      const from = grip.y + 8;
      await cdp.send("Input.dispatchTouchEvent", { type: "touchStart", touchPoints: [{ x, y: from }] });
      for (const f of [0.25, 0.5, 0.75, 1])
        await cdp.send("Input.dispatchTouchEvent", {
          type: "touchMove",
          touchPoints: [{ x, y: from + by * f }],
        });
      await cdp.send("Input.dispatchTouchEvent", { type: "touchEnd", touchPoints: [] });
    };
    await dragSheet(-300);
    await expect(toggle).toHaveAttribute("aria-expanded", "true");
    await expect(dialog.getByRole("button", { name: "Copy prompt" })).toBeVisible();
    await dragSheet(300);
    await expect(toggle).toHaveAttribute("aria-expanded", "false");
    await expect(dialog.getByRole("button", { name: "Copy prompt" })).toBeHidden();

    // A swipe to the left shows the next image.
    const stage = dialog.locator("[data-zoom]");
    const area = (await stage.boundingBox())!;
    const y = area.y + area.height / 2;
    const touch = (type: "touchStart" | "touchMove" | "touchEnd", x: number) =>
      cdp.send("Input.dispatchTouchEvent", {
        type,
        touchPoints: type === "touchEnd" ? [] : [{ x, y }],
      });
    await touch("touchStart", area.x + area.width * 0.8);
    for (const f of [0.6, 0.4, 0.2]) await touch("touchMove", area.x + area.width * f);
    await touch("touchEnd", 0);
    await expect(dialog.getByRole("button", { name: "Image 2", exact: true })).toHaveAttribute(
      "aria-pressed",
      "true",
    );

    // A double tap zooms in; then a swipe pans instead of moving on.
    const middle = area.x + area.width / 2;
    for (let i = 0; i < 2; i++) {
      await touch("touchStart", middle);
      await touch("touchEnd", 0);
    }
    await expect(dialog.locator("[data-zoom]")).toHaveAttribute("data-zoom", "2.50");
    await touch("touchStart", area.x + area.width * 0.8);
    for (const f of [0.6, 0.4, 0.2]) await touch("touchMove", area.x + area.width * f);
    await touch("touchEnd", 0);
    await expect(dialog.getByRole("button", { name: "Image 2", exact: true })).toHaveAttribute(
      "aria-pressed",
      "true",
    );
  });
});
