import { expect, type Locator, type Page } from "@playwright/test";

/**
 * Opens the imagine bar's Settings popover (the parameter controls) and answers it. The page must
 * be hydrated: the button works only then.
 */
export async function openSettings(page: Page): Promise<Locator> {
  const dialog = page.getByRole("dialog", { name: "Imagine settings" });
  if (!(await dialog.isVisible())) {
    await page
      .getByRole("region", { name: "Composer" })
      .getByRole("button", { name: "Settings", exact: true })
      .click();
  }
  await expect(dialog).toBeVisible();
  return dialog;
}
