import { expect, test } from "@playwright/test";
import { waitForStatus } from "@/lib/testing/wait";

test("the home page loads in demo mode and says so", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "Create" })).toBeVisible();
  await expect(page.getByRole("status").filter({ hasText: "Demo mode" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Your tasks" })).toBeVisible();
});

test("/api/health answers in demo mode", async ({ request }) => {
  const response = await request.get("/api/health");
  expect(response.status()).toBe(200);
  expect(await response.json()).toMatchObject({ ok: true, mode: "demo", upstream: { state: "ok" } });
});

test("a task submitted through the API appears on the home page with a real image", async ({
  page,
  request,
}) => {
  const submit = await request.post("/api/mj/submit/imagine", {
    data: { prompt: "a lighthouse at dusk --ar 3:2" },
  });
  expect(submit.status()).toBe(200);
  const envelope = (await submit.json()) as { code: number; result: string };
  expect(envelope.code).toBe(1);

  const read = async (id: string) =>
    (await (await request.get(`/api/mj/task/${id}/fetch`)).json()) as { status: string };
  await waitForStatus(read, envelope.result, "SUCCESS", { timeoutMs: 30_000, intervalMs: 250 });

  await page.goto("/");
  const image = page.getByRole("img", { name: "a lighthouse at dusk --ar 3:2" }).first();
  await expect(image).toBeVisible();
  // The image really decoded: a broken image has naturalWidth 0.
  await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
});

test("the language follows the browser and can be switched; the theme toggles", async ({ browser }) => {
  const context = await browser.newContext({ locale: "zh-CN" });
  const page = await context.newPage();
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "创作" })).toBeVisible();
  await expect(page.locator("html")).toHaveAttribute("lang", "zh-CN");

  await page.getByRole("combobox", { name: "语言" }).selectOption("en");
  await expect(page.getByRole("heading", { name: "Create" })).toBeVisible();
  await page.reload();
  await expect(page.getByRole("heading", { name: "Create" })).toBeVisible();

  const html = page.locator("html");
  const wasDark = ((await html.getAttribute("class")) ?? "").includes("dark");
  await page.getByRole("button", { name: /Switch to (light|dark) theme/ }).click();
  await expect(html).toHaveClass(wasDark ? /^(?!.*\bdark\b)/ : /\bdark\b/);
  await context.close();
});
