import { expect, test, type Page } from "@playwright/test";
import sharp from "sharp";
import { openSettings } from "./composer";

/**
 * The reference bins of the Imagine composer, in demo mode against the production build: a local
 * file becomes a hosted URL in the prompt (upload-discord-images), a gallery image is handed over
 * as an omni reference, and what is typed in the prompt shows in the bins and goes with its chip.
 */

/** The composer's own Imagine button (cards in the feed have Imagine buttons of their own). */
const imagineButton = (page: Page) =>
  page.getByRole("region", { name: "Composer" }).getByRole("button", { name: "Imagine", exact: true });

const promptBox = (page: Page) => page.getByRole("textbox", { name: "Prompt" });

async function openCreate(page: Page) {
  await page.goto("/");
  await page.locator("html[data-hydrated]").waitFor();
}

async function openBins(page: Page) {
  const toggle = page.getByRole("button", { name: /^References/ });
  if ((await toggle.getAttribute("aria-expanded")) !== "true") await toggle.click();
}

/** Picks a small PNG (style.png) with the Style reference bin's file input; answers the bin. */
async function uploadStylePng(page: Page, background: string) {
  const bin = page.getByRole("group", { name: "Style reference" });
  const png = await sharp({ create: { width: 96, height: 64, channels: 3, background } })
    .png()
    .toBuffer();
  await bin
    .getByLabel("Upload style references")
    .setInputFiles({ name: "style.png", mimeType: "image/png", buffer: png });
  return bin;
}

/** Presses Enter in the prompt box and answers the prompt of the task the imagine started, as the app recorded it. */
async function submitAndReadPrompt(page: Page): Promise<string> {
  const submitted = page.waitForResponse((r) => r.url().endsWith("/api/mj/submit/imagine"));
  await promptBox(page).press("Enter");
  const envelope = (await (await submitted).json()) as { code: number; result: string };
  expect(envelope.code).toBe(1);
  // The feed shows the new task on its next poll, which a busy machine may delay.
  await expect(page.locator(`article[data-task-id="${envelope.result}"]`)).toBeVisible({ timeout: 15_000 });
  const task = (await (await page.request.get(`/api/mj/task/${envelope.result}/fetch`)).json()) as {
    prompt: string;
  };
  return task.prompt;
}

test("a local PNG as a style reference is uploaded, and a V8.1 HD imagine carries its --sref URL", async ({
  page,
}) => {
  await openCreate(page);
  const box = promptBox(page);
  await box.fill("a lighthouse in fog refstyle --v 8.1 --hd");
  await openBins(page);
  const bin = await uploadStylePng(page, "#c63");

  await expect(box).toHaveValue(/--sref https?:\/\/\S+/, { timeout: 15_000 });
  const sref = /--sref (https?:\/\/\S+)/.exec(await box.inputValue())?.[1] ?? "";
  // The chip shows the picture that was uploaded, not a link, named by its file.
  await expect(bin.getByRole("img", { name: "style.png" })).toBeVisible();
  await expect(bin.getByRole("button", { name: "Remove style reference 1" })).toBeVisible();
  await expect(imagineButton(page)).toBeEnabled();

  const recorded = await submitAndReadPrompt(page);
  expect(recorded).toContain(`--sref ${sref}`);
  expect(recorded).toContain("--v 8.1");
  expect(recorded).toContain("--hd");
});

test("a finished gallery image, Use as omni, on V7: the prompt gains --oref and the imagine is accepted", async ({
  page,
}) => {
  await openCreate(page);
  await promptBox(page).fill("a bronze statue omniword");
  await promptBox(page).press("Enter");
  const made = page.getByRole("article", { name: "a bronze statue omniword" }).first();
  await expect(made).toHaveAttribute("data-status", "SUCCESS", { timeout: 30_000 });

  await page.goto("/gallery?q=omniword");
  await page.locator("html[data-hydrated]").waitFor();
  await page.getByRole("button", { name: "Open a bronze statue omniword" }).first().click();
  await page.getByRole("dialog").getByRole("button", { name: "Use as omni" }).click();

  // Handed over in the address, then fetched, downscaled and uploaded by the composer.
  await expect(page).toHaveURL(/\/$/);
  const box = promptBox(page);
  await expect(box).toHaveValue(/--oref https?:\/\/\S+/, { timeout: 15_000 });
  const bin = page.getByRole("group", { name: "Omni reference" });
  await expect(bin.getByRole("img")).toBeVisible();
  // Omni is a V7 feature: flagged (never blocked) on V8.1, where the sources disagree, plain on V7.
  const settings = await openSettings(page);
  await settings.getByLabel("Model").selectOption("v:8.1");
  await expect(bin).toContainText("Not confirmed");
  await settings.getByLabel("Model").selectOption("v:7");
  await expect(box).toHaveValue(/--v 7/);
  await expect(bin).not.toContainText("Not confirmed");
  await box.fill(`a knight in armour omniuse ${await box.inputValue()}`);

  const recorded = await submitAndReadPrompt(page);
  expect(recorded).toMatch(/--oref https?:\/\/\S+/);
  expect(recorded).toContain("--v 7");
});

test("a style code and weight typed in the prompt show in the bin, and its chip removes them", async ({
  page,
}) => {
  await page.setViewportSize({ width: 360, height: 780 });
  await openCreate(page);
  const box = promptBox(page);
  await box.fill("a quiet harbour --sref 1234567 --sw 300");
  await expect(page.getByRole("button", { name: /^References/ })).toContainText("1 style reference");
  await openBins(page);

  const bin = page.getByRole("group", { name: "Style reference" });
  await expect(bin.getByRole("listitem")).toHaveText("1234567");
  const weight = bin.getByLabel("Style weight");
  await expect(weight).toHaveValue("300");
  await weight.fill("450");
  await expect(box).toHaveValue("a quiet harbour --sref 1234567 --sw 450");

  // A code typed into the bin's field joins the one already there.
  await bin.getByLabel("Style reference URL or code").fill("random");
  await bin.getByLabel("Style reference URL or code").press("Enter");
  await expect(box).toHaveValue(/--sref 1234567 random/);
  // From the keyboard: the focus stays in the bin, on the chip that is left.
  await bin.getByRole("button", { name: "Remove style reference 2" }).focus();
  await page.keyboard.press("Enter");
  await expect(box).toHaveValue(/--sref 1234567 --sw 450/);
  await expect(bin.getByRole("button", { name: "Remove style reference 1" })).toBeFocused();

  // The bins fit a phone: nothing scrolls sideways.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);

  await page.keyboard.press("Enter");
  await expect(box).toHaveValue("a quiet harbour");
  await expect(bin.getByRole("listitem")).toHaveCount(0);
  // The last chip gone, the bin's field has the focus.
  await expect(bin.getByLabel("Style reference URL or code")).toBeFocused();
});

test("an upstream that cannot host files: the bin says so, keeps nothing half-done, and takes a URL", async ({
  page,
}) => {
  // What the app answers behind an upstream without upload-discord-images (novicezk; §3.9).
  await page.route("**/api/mj/submit/upload-discord-images", (route) =>
    route.fulfill({
      status: 501,
      contentType: "application/json",
      body: JSON.stringify({
        error: {
          code: "not_supported",
          message:
            "This upstream cannot host local files (it has no upload-discord-images route). Paste a public image URL instead.",
        },
      }),
    }),
  );
  await openCreate(page);
  const box = promptBox(page);
  await box.fill("a lighthouse in fog nohost --v 7");
  await openBins(page);
  const bin = await uploadStylePng(page, "#36c");

  await expect(bin).toContainText("This upstream cannot host local files: paste a public image URL instead.");
  await expect(box).toHaveValue("a lighthouse in fog nohost --v 7");
  // A public URL typed into the bin goes into the prompt as the reference.
  const field = bin.getByRole("textbox");
  await field.fill("https://images.example.com/style.png");
  await field.press("Enter");
  await expect(box).toHaveValue(
    "a lighthouse in fog nohost --v 7 --sref https://images.example.com/style.png",
  );
  await expect(imagineButton(page)).toBeEnabled();
});

test("text left in a bin's field goes with Imagine when valid, and holds it with the bin's message when not", async ({
  page,
}) => {
  await openCreate(page);
  const box = promptBox(page);
  await box.fill("a red kite draftword --v 7");
  await openBins(page);
  const images = page.getByRole("group", { name: "Image prompts" });
  const imageField = images.getByLabel("Image reference URL");
  const style = page.getByRole("group", { name: "Style reference" });
  const styleField = style.getByLabel("Style reference URL or code");
  let submits = 0;
  page.on("request", (request) => {
    if (request.url().endsWith("/api/mj/submit/imagine")) submits += 1;
  });

  // A half-typed URL, and a word that would read as a parameter: Imagine waits, and each bin says why.
  await imageField.fill("https:/");
  await styleField.fill("--no");
  await box.press("Enter");
  await expect(images).toContainText("Enter an http(s) image URL.");
  await expect(style).toContainText("Enter an http(s) image URL, a style code or random.");
  await expect(box).toHaveValue("a red kite draftword --v 7");
  expect(submits).toBe(0);

  // A valid code left un-added goes with the job.
  await imageField.fill("");
  await styleField.fill("7654321");
  const recorded = await submitAndReadPrompt(page);
  expect(recorded).toContain("--sref 7654321");
  await expect(styleField).toHaveValue("");
});
