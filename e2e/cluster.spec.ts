import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test, type Browser } from "@playwright/test";
import { NO_POSTGRES, postgresOrSkip, type TestDatabase } from "@/lib/testing/postgres";
import { startApp, startSimulator, type Proc } from "@/lib/testing/processes";
import { startLocalS3, type LocalS3 } from "@/lib/testing/s3";
import { waitForStatus } from "@/lib/testing/wait";

/**
 * Two app instances on one PostgreSQL and one bucket, as a team behind a load balancer runs them
 * (issue 15): what one records the other shows, exactly one of them asks the upstream, and when
 * that one is killed mid-job the other finishes its jobs with nothing lost.
 */

const KEY = "sk-cluster-spec-key";
const INTERVAL_MS = 1_000;
test.setTimeout(240_000);
test.describe.configure({ mode: "serial" });

let database: TestDatabase | null = null;
let s3: LocalS3 | null = null;
let simulator: Proc;
const instances: Record<"a" | "b", Proc> = {} as Record<"a" | "b", Proc>;
const procs: Proc[] = [];
const dataDirs: string[] = [];

async function instance(): Promise<Proc> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "mj-cluster-"));
  dataDirs.push(dataDir);
  const app = await startApp({
    DATA_DIR: dataDir,
    MJ_API_URL: simulator.url,
    MJ_API_KEY: KEY,
    MJ_AUTH_HEADER: "authorization",
    MJ_POLL_INTERVAL_MS: String(INTERVAL_MS),
    DATABASE_URL: database!.url,
    // Shared by every instance, as the deployment guide says (sessions, signed links).
    APP_SESSION_SECRET: "cluster-spec-session-secret-0123456789abcdef",
    ...s3!.env,
  });
  procs.push(app);
  return app;
}

const health = async (app: Proc) =>
  (await (await fetch(`${app.url}/api/health`)).json()) as { poller?: string };

async function imagine(app: Proc, prompt: string): Promise<string> {
  const response = await fetch(`${app.url}/api/mj/submit/imagine`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ prompt }),
  });
  expect(response.status).toBe(200);
  return String(((await response.json()) as { result: string }).result);
}

const readVia = (app: Proc) => async (id: string) =>
  (await (await fetch(`${app.url}/api/mj/task/${id}/fetch`)).json()) as { status: string };

async function upstreamCalls(fragment: string): Promise<number> {
  const stats = (await (await fetch(`${simulator.url}/__stats`)).json()) as {
    byPath: Record<string, number>;
  };
  return Object.entries(stats.byPath)
    .filter(([p]) => p.includes(fragment))
    .reduce((sum, [, n]) => sum + n, 0);
}

/** The cached original: the app answers with the content's SHA-256 as ETag once it is in the bucket. */
async function cachedEtag(app: Proc, id: string): Promise<string | null> {
  return (await fetch(`${app.url}/api/media/${id}/image`)).headers.get("etag");
}

test.beforeAll(async () => {
  const postgres = await postgresOrSkip();
  test.skip(!postgres, NO_POSTGRES);
  database = await postgres!.createDatabase();
  s3 = await startLocalS3();
  // A job takes a few seconds and one runs at a time, so a batch stays unfinished for a while.
  simulator = await startSimulator({ key: KEY, speed: 2, maxConcurrent: 1 });
  procs.push(simulator);
  // A starts first and takes the poller's lease; B joins as the standby.
  instances.a = await instance();
  await expect.poll(async () => (await health(instances.a)).poller, { timeout: 30_000 }).toBe("leader");
  instances.b = await instance();
  await expect.poll(async () => (await health(instances.b)).poller, { timeout: 30_000 }).toBe("standby");
});

test.afterAll(async () => {
  for (const proc of procs) await proc.kill("SIGKILL");
  await s3?.close();
  await database?.drop();
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

test("a job submitted on one instance is polled, cached and shown on the other", async ({ page }) => {
  const id = await imagine(instances.a, "a lighthouse in a storm clusterword --ar 3:2");
  await page.goto(`${instances.b.url}/`);
  const card = page.locator(`article[data-task-id="${id}"]`);
  await expect(card).toBeVisible({ timeout: 30_000 });
  await waitForStatus(readVia(instances.b), id, "SUCCESS", { timeoutMs: 90_000, intervalMs: 250 });
  // Cached once, in the shared bucket: both instances serve the same bytes under the same ETag.
  await expect.poll(() => cachedEtag(instances.b, id), { timeout: 60_000 }).toMatch(/^"[0-9a-f]{64}"$/);
  expect(await cachedEtag(instances.a, id)).toBe(await cachedEtag(instances.b, id));
  const image = card.getByRole("img").first();
  await expect
    .poll(() => image.evaluate((img: HTMLImageElement) => img.naturalWidth), { timeout: 30_000 })
    .toBeGreaterThan(0);
  // B's gallery finds it by a word of its prompt (the shared search index).
  await page.goto(`${instances.b.url}/gallery?q=clusterword`);
  await expect(
    page.getByRole("listitem", { name: /a lighthouse in a storm clusterword/ }).first(),
  ).toBeVisible();
});

test("with both instances and four tabs open, the upstream sees one poll per interval", async ({
  browser,
}) => {
  const tabs = await openTabs(browser, [instances.a, instances.a, instances.b, instances.b]);
  const ids: string[] = [];
  // Sixteen jobs of about 3.5 s, one at a time: nearly a minute of work, so the window below still
  // meets unfinished jobs when a busy machine is slow to show them in four tabs.
  for (let i = 0; i < 16; i++)
    ids.push(await imagine(i % 2 ? instances.b : instances.a, `a quiet harbour ${i}`));
  // Every tab sees every job (the feed's head and the pushed stream), while the jobs run.
  for (const tab of tabs)
    await expect(tab.locator(`article[data-task-id="${ids.at(-1)}"]`)).toBeVisible({ timeout: 30_000 });
  const windowMs = 8_000;
  const before = { polls: await upstreamCalls("/list-by"), fetches: await upstreamCalls("/fetch") };
  const started = Date.now();
  await new Promise((resolve) => setTimeout(resolve, windowMs));
  const elapsed = Date.now() - started;
  const polls = (await upstreamCalls("/list-by")) - before.polls;
  // Unfinished jobs remain through the window (one runs at a time, sixteen were queued).
  expect((await Promise.all(ids.map(readVia(instances.b)))).some((t) => t.status !== "SUCCESS")).toBe(true);
  expect(polls).toBeGreaterThanOrEqual(1);
  expect(polls).toBeLessThanOrEqual(Math.ceil(elapsed / INTERVAL_MS) + 1);
  expect((await upstreamCalls("/fetch")) - before.fetches).toBe(0);
  for (const tab of tabs) await tab.close();
  for (const id of ids)
    await waitForStatus(readVia(instances.b), id, "SUCCESS", { timeoutMs: 120_000, intervalMs: 500 });
});

test("when the polling instance is killed mid-job, the other takes over and nothing is lost", async () => {
  const ids: string[] = [];
  for (let i = 0; i < 4; i++)
    ids.push(await imagine(i % 2 ? instances.b : instances.a, `a night train ${i}`));
  // Kill whichever instance polls now (on a busy machine a late renewal may have moved the lease
  // to B already): a failover, not the loss of a standby.
  const roles = async () =>
    Promise.all([health(instances.a), health(instances.b)]).then((h) => h.map((x) => x.poller));
  await expect.poll(roles, { timeout: 10_000 }).toEqual(expect.arrayContaining(["leader", "standby"]));
  const [leader, survivor] =
    (await roles())[0] === "leader" ? [instances.a, instances.b] : [instances.b, instances.a];
  await leader.kill("SIGKILL");
  // The survivor takes the lease within two intervals of the leader's last renewal, then finishes every job.
  await expect.poll(async () => (await health(survivor)).poller, { timeout: 10_000 }).toBe("leader");
  for (const id of ids) {
    await waitForStatus(readVia(survivor), id, "SUCCESS", { timeoutMs: 120_000, intervalMs: 500 });
    await expect.poll(() => cachedEtag(survivor, id), { timeout: 60_000 }).toMatch(/^"[0-9a-f]{64}"$/);
  }
  const listed = (await (await fetch(`${survivor.url}/api/tasks?limit=100`)).json()) as {
    items: { id: string }[];
  };
  for (const id of ids) expect(listed.items.map((t) => t.id)).toContain(id);
});

async function openTabs(browser: Browser, apps: Proc[]) {
  return Promise.all(
    apps.map(async (app) => {
      const tab = await browser.newPage();
      await tab.goto(`${app.url}/`);
      return tab;
    }),
  );
}
