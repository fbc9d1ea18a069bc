import type { Locator, Page } from "@playwright/test";

/**
 * Clicks a button of a job and returns the customId it posted and the job it started, found by
 * the id the submit answered: a prompt or a label ("Upscale · image 1") may match older jobs too.
 */
export async function pressed(page: Page, button: Locator): Promise<{ customId: string; job: Locator }> {
  const request = page.waitForRequest(
    (r) => r.method() === "POST" && new URL(r.url()).pathname === "/api/mj/submit/action",
  );
  const response = page.waitForResponse((r) => new URL(r.url()).pathname === "/api/mj/submit/action");
  await button.click();
  const body = (await request).postDataJSON() as { customId: string };
  const id = String(((await (await response).json()) as { result: string }).result);
  return { customId: body.customId, job: page.locator(`article[data-task-id="${id}"]`) };
}
