import { expect, test, type Page } from "@playwright/test";
import { LOCALE_COOKIE } from "@/i18n/locales";
import { openSettings } from "./composer";

/**
 * The layout at a laptop's and a phone's size, in both languages and both themes: nothing scrolls
 * sideways, the header's controls are on screen and its labels never wrap, and at 1440x900 the
 * imagine bar leaves the newest results above the fold. Then the Settings popover: its open state
 * and the settings chosen in it are remembered, and those apply to the next job.
 */

const SIZES = [
  { width: 1440, height: 900 },
  { width: 390, height: 844 },
  { width: 360, height: 740 },
] as const;
const LOCALES = [
  { locale: "en", language: "Language", settings: "Settings" },
  { locale: "zh", language: "语言", settings: "设置" },
] as const;
const PAGES = ["/", "/gallery", "/login"] as const;

async function useLocale(page: Page, locale: string, baseURL: string | undefined) {
  await page
    .context()
    .addCookies([{ name: LOCALE_COOKIE, value: locale, url: baseURL ?? "http://127.0.0.1" }]);
}

/** Every line box of the element: more than one means its text wrapped. */
const lineCount = (page: Page, selector: string) =>
  page.locator(selector).evaluateAll((elements) =>
    elements
      .filter((element) => element.getBoundingClientRect().width > 1)
      .map((element) => {
        const range = document.createRange();
        range.selectNodeContents(element);
        const lines = new Set([...range.getClientRects()].map((rect) => Math.round(rect.top)));
        return { text: element.textContent, lines: lines.size };
      }),
  );

for (const size of SIZES)
  for (const { locale, language, settings } of LOCALES)
    test(`no sideways scroll, the header fits and nothing wraps at ${size.width}x${size.height} (${locale})`, async ({
      page,
      baseURL,
    }) => {
      await useLocale(page, locale, baseURL);
      await page.setViewportSize(size);
      for (const colorScheme of ["light", "dark"] as const) {
        await page.emulateMedia({ colorScheme });
        for (const path of PAGES) {
          await page.goto(path);
          await page.locator("html[data-hydrated]").waitFor();
          const where = `${path} ${colorScheme}`;
          const widths = await page.evaluate(() => ({
            scroll: document.documentElement.scrollWidth,
            inner: window.innerWidth,
          }));
          expect(widths.scroll, where).toBeLessThanOrEqual(widths.inner);

          const header = page.getByRole("banner");
          for (const control of [
            header.getByRole("combobox", { name: language }),
            header.getByRole("button", { name: /theme|主题/ }),
            header.getByRole("link", { name: /MJ Studio/ }),
          ]) {
            const box = await control.boundingBox();
            expect(box, where).not.toBeNull();
            expect(box!.x, where).toBeGreaterThanOrEqual(0);
            expect(box!.x + box!.width, where).toBeLessThanOrEqual(size.width);
          }
          for (const link of await header.getByRole("navigation").getByRole("link").all())
            await expect(link, where).toBeInViewport({ ratio: 1 });
          for (const { text, lines } of await lineCount(page, "header nav a span"))
            expect(lines, `${where}: "${text}" wraps`).toBe(1);

          if (path !== "/") continue;
          for (const { text, lines } of await lineCount(page, "[role=tab]"))
            expect(lines, `${where}: tab "${text}" wraps`).toBe(1);
          const settingsButton = page.getByRole("button", { name: settings, exact: true });
          await expect(settingsButton).toBeInViewport({ ratio: 1 });
          if (size.width === 1440) {
            // With the settings closed the bar is one line: the feed starts in the top third.
            const bar = await page
              .getByRole("textbox")
              .first()
              .evaluate((box) => box.closest("form")!.getBoundingClientRect().bottom);
            expect(bar, where).toBeLessThanOrEqual(size.height * 0.3);
          }
        }
      }
    });

test("the settings popover remembers being open, and its settings go with the next jobs", async ({
  page,
}) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  const prompts: string[] = [];
  page.on("request", (request) => {
    if (request.url().endsWith("/api/mj/submit/imagine"))
      prompts.push((request.postDataJSON() as { prompt: string }).prompt);
  });
  await page.goto("/");
  await page.locator("html[data-hydrated]").waitFor();
  const box = page.getByRole("textbox", { name: "Prompt" });
  const button = page.getByRole("button", { name: "Settings", exact: true });

  const settings = await openSettings(page);
  await settings.getByRole("radio", { name: "3:2" }).check();
  await settings.getByRole("checkbox", { name: "Raw style" }).check();
  await expect(box).toHaveValue(/--ar 3:2/);

  // Open survives a reload, and so do the settings: a fresh prompt gets them when it is sent.
  await page.reload();
  await page.locator("html[data-hydrated]").waitFor();
  await expect(settings).toBeVisible();
  await expect(settings.getByRole("radio", { name: "3:2" })).toBeChecked();
  await expect(settings.getByRole("checkbox", { name: "Raw style" })).toBeChecked();
  await page.keyboard.press("Escape");
  await expect(settings).toBeHidden();
  await expect(button).toBeFocused();
  await page.reload();
  await page.locator("html[data-hydrated]").waitFor();
  await expect(button).toBeVisible();
  await expect(settings).toBeHidden();
  // The bar shows what will be added.
  await expect(button).toContainText("--ar 3:2");

  await box.fill("a lone tree on a hill");
  let sent = page.waitForRequest((r) => r.url().endsWith("/api/mj/submit/imagine"));
  await box.press("Enter");
  await sent;
  await expect.poll(() => prompts.at(-1)).toMatch(/^a lone tree on a hill --ar 3:2 .*raw/);
  await expect(box).toHaveValue("a lone tree on a hill");

  // A parameter typed in the prompt wins over the remembered one.
  await box.fill("a lone tree at night --ar 1:1");
  sent = page.waitForRequest((r) => r.url().endsWith("/api/mj/submit/imagine"));
  await box.press("Enter");
  await sent;
  await expect.poll(() => prompts.at(-1)).toContain("--ar 1:1");
  expect(prompts.at(-1)).not.toContain("3:2");

  // Reset to defaults forgets them.
  await (await openSettings(page)).getByRole("button", { name: "Reset to defaults" }).click();
  await expect(button).not.toContainText("--ar");
  await box.fill("a lone tree at dawn");
  sent = page.waitForRequest((r) => r.url().endsWith("/api/mj/submit/imagine"));
  await box.press("Enter");
  await sent;
  await expect.poll(() => prompts.at(-1)).toBe("a lone tree at dawn");
  expect(prompts).toHaveLength(3);
});

test("on a phone the settings are a bottom sheet across the screen", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto("/");
  await page.locator("html[data-hydrated]").waitFor();
  const settings = await openSettings(page);
  const box = await settings.boundingBox();
  expect(box).not.toBeNull();
  expect(box!.x).toBeCloseTo(0, 0);
  expect(box!.width).toBeCloseTo(390, 0);
  expect(box!.y + box!.height).toBeCloseTo(844, 0);
  // The sheet is modal: its first control takes focus, Escape gives it back to the button.
  await expect(settings.locator(":focus")).toHaveCount(1);
  await page.keyboard.press("Escape");
  await expect(settings).toBeHidden();
  await expect(page.getByRole("button", { name: "Settings", exact: true })).toBeFocused();
});

test("an image dragged onto the bar can be dropped on a bin's zone", async ({ page }) => {
  await page.goto("/");
  await page.locator("html[data-hydrated]").waitFor();
  const url = "https://example.com/style.png";
  const dataTransfer = await page.evaluateHandle((link) => {
    const data = new DataTransfer();
    data.setData("text/uri-list", link);
    return data;
  }, url);
  const box = page.getByRole("textbox", { name: "Prompt" });
  await box.dispatchEvent("dragenter", { dataTransfer });
  const zones = page.getByRole("group", { name: "Drop an image to use it as" });
  await expect(zones).toBeVisible();
  const style = zones.getByText("Style reference");
  for (const type of ["dragenter", "dragover", "drop"]) await style.dispatchEvent(type, { dataTransfer });
  await expect(zones).toBeHidden();
  await expect(box).toHaveValue(`--sref ${url}`);
  await expect(page.getByRole("button", { name: /^References/ })).toContainText("1 style reference");
});
