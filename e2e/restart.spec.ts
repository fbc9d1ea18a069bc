import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { startApp, startSimulator, type Proc } from "@/lib/testing/processes";
import { waitForStatus } from "@/lib/testing/wait";

/**
 * History that lasts: a task is made, the server is restarted and the upstream that made it is
 * gone for good (every link it handed out is dead, as Discord's are after a day). The task is
 * still found by a word of its prompt, and its thumbnail and full image still load: from the
 * app's own media cache.
 */

const KEY = "sk-restart-spec-key";
test.setTimeout(180_000);

let dataDir: string;
const procs: Proc[] = [];

test.beforeAll(() => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), "mj-restart-"));
});

test.afterAll(async () => {
  for (const proc of procs) await proc.kill("SIGKILL");
  rmSync(dataDir, { recursive: true, force: true });
});

async function stack() {
  const simulator = await startSimulator({ key: KEY, speed: 20 });
  const app = await startApp({
    DATA_DIR: dataDir,
    MJ_API_URL: simulator.url,
    MJ_API_KEY: KEY,
    MJ_AUTH_HEADER: "authorization",
  });
  procs.push(simulator, app);
  return { simulator, app };
}

test("after a restart, with every upstream link dead, the task is found and its images load", async ({
  page,
}) => {
  const first = await stack();
  const submit = await fetch(`${first.app.url}/api/mj/submit/imagine`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ prompt: "an armadillo astronaut restartword --ar 3:2" }),
  });
  const { result: id } = (await submit.json()) as { result: string };
  const read = async (task: string) =>
    (await (await fetch(`${first.app.url}/api/mj/task/${task}/fetch`)).json()) as { status: string };
  await waitForStatus(read, id, "SUCCESS", { timeoutMs: 60_000, intervalMs: 250 });
  // The cache answers with the content's hash as ETag once the original is on disk.
  await expect
    .poll(async () => (await fetch(`${first.app.url}/api/media/${id}/image`)).headers.get("etag"), {
      timeout: 60_000,
    })
    .toMatch(/^"[0-9a-f]{64}"$/);

  await first.app.kill("SIGTERM");
  await first.simulator.kill("SIGTERM");
  // A new upstream that has never heard of the task: its links and its id are gone.
  const second = await stack();
  const upstreamCopy = await fetch(`${second.simulator.url}/mj/task/${id}/fetch`, {
    headers: { authorization: KEY },
  });
  expect(upstreamCopy.status).toBe(204);
  // The app answers a task it knows from its record, upstream or not.
  const recorded = await fetch(`${second.app.url}/api/mj/task/${id}/fetch`);
  expect(recorded.status).toBe(200);
  expect(((await recorded.json()) as { status: string }).status).toBe("SUCCESS");

  await page.goto(`${second.app.url}/gallery?q=armadillo`);
  const tile = page.getByRole("listitem", { name: "an armadillo astronaut restartword --ar 3:2" });
  await expect(tile).toBeVisible();
  const thumb = tile.getByRole("img").first();
  await expect.poll(() => thumb.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
  expect(await thumb.getAttribute("src")).toMatch(/\/thumb\?/);

  await tile.getByRole("button", { name: /^Open / }).click();
  const large = page
    .getByRole("dialog")
    .getByRole("img", { name: /an armadillo astronaut restartword --ar 3:2$/ });
  await expect
    .poll(() => large.evaluate((img: HTMLImageElement) => img.naturalWidth / img.naturalHeight))
    .toBeCloseTo(3 / 2, 1);
  const download = await fetch(`${second.app.url}/api/media/${id}/image?download=1`);
  expect(download.status).toBe(200);
  expect(download.headers.get("content-disposition")).toMatch(/attachment; filename=".*armadillo.*"/);
});
