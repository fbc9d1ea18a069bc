import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { setFaults, startApp, startSimulator, type Proc } from "@/lib/testing/processes";
import { E2E_UPSTREAM_KEY } from "./constants";

/**
 * Upstream faults, a crash, and the key: the production build in front of the standalone
 * simulator, both started here so the spec can flip the simulator's fault switches at runtime
 * (POST /__faults) and SIGKILL the app while the upstream keeps running. Every response, page and
 * log line seen along the way is kept and checked for the key at the end.
 */

const KEY = "sk-resilience-7f3a9c1e-key-must-never-leak";

interface Envelope {
  code: number;
  result: string;
}
interface Task {
  id: string;
  status: string;
}
interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

test.describe.configure({ mode: "serial" });
test.setTimeout(180_000);

let simulator: Proc;
let app: Proc;
let dataDir: string;
const seen: string[] = [];
const logs: string[] = [];

const appEnv = () => ({
  DATA_DIR: dataDir,
  MJ_API_URL: simulator.url,
  MJ_API_KEY: KEY,
  MJ_AUTH_HEADER: "authorization",
  MJ_TIMEOUT_MS: "5000",
  MJ_READ_ATTEMPTS: "3",
  MJ_BREAKER_FAILURES: "3",
  MJ_BREAKER_COOLDOWN_MS: "1000",
});

test.beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), "mj-resilience-"));
  simulator = await startSimulator({ key: KEY, speed: 4 });
  app = await startApp(appEnv());
});

test.afterAll(async () => {
  await app?.kill("SIGKILL");
  await simulator?.kill("SIGKILL");
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function call(method: "GET" | "POST", route: string, body?: unknown): Promise<Answer> {
  const response = await fetch(`${app.url}${route}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  seen.push(text, JSON.stringify([...response.headers]));
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    // kept as text
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** The one error shape, with the protocol's fields the drop-in API adds (upstream trouble: code 9). */
function expectErrorShape(answer: Answer, code: string | RegExp): void {
  expect(answer.json, answer.text).toEqual({
    error: { code: expect.stringMatching(code), message: expect.any(String) },
    code: 9,
    description: expect.any(String),
    result: null,
  });
}

async function imagine(prompt: string): Promise<Answer> {
  return call("POST", "/api/mj/submit/imagine", { prompt });
}

async function accepted(prompt: string): Promise<string> {
  const answer = await imagine(prompt);
  expect(answer.status, answer.text).toBe(200);
  const envelope = answer.json as Envelope;
  expect([1, 22]).toContain(envelope.code);
  return envelope.result;
}

/** Polls as the browser does (failed polls are retried later) until every task succeeded. */
async function allSucceed(ids: string[], timeout = 90_000): Promise<void> {
  await expect
    .poll(
      async () => {
        const answer = await call("POST", "/api/mj/task/list-by-ids", { ids });
        if (answer.status !== 200) return `HTTP ${answer.status}`;
        const tasks = answer.json as Task[];
        return tasks.length === ids.length && tasks.every((t) => t.status === "SUCCESS")
          ? "all done"
          : "running";
      },
      { timeout, intervals: [500] },
    )
    .toBe("all done");
}

async function historyIds(): Promise<string[]> {
  const answer = await call("GET", "/api/tasks?limit=100");
  expect(answer.status).toBe(200);
  return (answer.json as { items: Task[] }).items.map((t) => t.id);
}

async function health(): Promise<{ state: string; circuit: string }> {
  return ((await call("GET", "/api/health")).json as { upstream: { state: string; circuit: string } })
    .upstream;
}

async function openFeed(page: Page): Promise<void> {
  await page.goto(app.url);
  await page.locator("html[data-hydrated]").waitFor();
  await expect(page.getByRole("heading", { name: "Your tasks" })).toBeVisible();
}

const card = (page: Page, prompt: string) => page.getByRole("article", { name: prompt }).first();
const upstreamDown = (page: Page) =>
  page.getByRole("status").filter({ hasText: "The upstream is not answering, retrying…" });

test.afterEach(async () => {
  await setFaults(simulator, {});
});

test("30% 5xx: a submit succeeds or fails cleanly (never retried), reads are retried, no accepted task is lost", async () => {
  await setFaults(simulator, { errorRate: 0.3 });
  const ids: string[] = [];
  const refusals: Answer[] = [];
  for (let i = 0; ids.length < 6 && i < 40; i++) {
    const answer = await imagine(`flaky upstream ${i}`);
    if (answer.status === 200) ids.push((answer.json as Envelope).result);
    else {
      refusals.push(answer);
      await new Promise((r) => setTimeout(r, 300)); // past an open circuit's cool-down
    }
  }
  expect(ids.length).toBe(6);
  for (const refusal of refusals) {
    expect([502, 503]).toContain(refusal.status);
    expectErrorShape(refusal, /^upstream_(error|unavailable)$/);
  }
  // In the record before the submit answered, and every one finishes despite the faults.
  expect(await historyIds()).toEqual(expect.arrayContaining(ids));
  await allSucceed(ids);
});

test("3 s latency: slow, but the page submits and the task finishes", async ({ page }) => {
  await openFeed(page);
  await setFaults(simulator, { latencyMs: 3_000 });
  const box = page.getByRole("textbox", { name: "Prompt" });
  await box.fill("a slow upstream at night");
  await box.press("Enter");
  const task = card(page, "a slow upstream at night");
  await expect(task).toBeVisible({ timeout: 20_000 });
  await expect(task).toHaveAttribute("data-status", "SUCCESS", { timeout: 90_000 });
  seen.push(await page.content());
});

test("malformed JSON opens the circuit: the page says so, submits fail fast with 503, and all recovers by itself", async ({
  page,
}) => {
  const id = await accepted("an upstream that talks nonsense");
  await setFaults(simulator, { malformedRate: 1 });
  await openFeed(page);
  await expect(card(page, "an upstream that talks nonsense")).toBeVisible();
  await expect(upstreamDown(page)).toBeVisible({ timeout: 60_000 });

  // The server's poller fails on the task: a read of it answers the poller's error, not a stale copy.
  let read: Answer | undefined;
  await expect
    .poll(async () => (read = await call("GET", `/api/mj/task/${id}/fetch`)).status, { timeout: 30_000 })
    .toBeGreaterThanOrEqual(500);
  expect([502, 503]).toContain(read!.status);
  expectErrorShape(read!, /^upstream_(bad_response|unavailable)$/);
  // Three failed polls open the breaker (MJ_BREAKER_FAILURES=3); the poller backs off meanwhile.
  await expect.poll(async () => (await health()).state, { timeout: 60_000 }).toBe("down");
  // Fails fast without reaching the upstream (a submit landing on a half-open probe would go through).
  let fast: Answer | undefined;
  await expect
    .poll(async () => (fast = await imagine("not sent while the circuit is open")).status, {
      timeout: 30_000,
    })
    .toBe(503);
  expectErrorShape(fast!, "upstream_unavailable");
  expect(Number(fast!.headers.get("retry-after"))).toBeGreaterThan(0);

  await setFaults(simulator, {});
  await expect(card(page, "an upstream that talks nonsense")).toHaveAttribute("data-status", "SUCCESS", {
    timeout: 90_000,
  });
  await expect(upstreamDown(page)).toBeHidden();
  expect((await health()).state).toBe("ok");
  expect(await historyIds()).toContain(id);
  seen.push(await page.content());
});

test("timeouts: a read answers 504 in the error shape, then recovers", async () => {
  const id = await accepted("an upstream that hangs");
  await setFaults(simulator, { timeoutRate: 1 });
  // Once the server's poll of the running task has timed out (3 tries of 5 s), reading it says so.
  let answer: Answer | undefined;
  await expect
    .poll(async () => (answer = await call("GET", `/api/mj/task/${id}/fetch`)).status, { timeout: 60_000 })
    .toBe(504);
  expectErrorShape(answer!, "upstream_timeout");
  await setFaults(simulator, {});
  await allSucceed([id]);
});

test("401: the page says the upstream refused the key, submits answer 502, and it recovers", async ({
  page,
}) => {
  const id = await accepted("a key the upstream stops accepting");
  await setFaults(simulator, { unauthorized: true });
  const refused = await imagine("refused");
  expect(refused.status).toBe(502);
  expectErrorShape(refused, "upstream_unauthorized");
  expect(refused.text).toMatch(/MJ_API_KEY/);

  await openFeed(page);
  await expect(page.getByRole("status").filter({ hasText: /refused the API key/ })).toBeVisible({
    timeout: 30_000,
  });
  // A refusal is an answer: the breaker stays closed.
  expect((await health()).circuit).toBe("closed");
  await setFaults(simulator, {});
  await expect(card(page, "a key the upstream stops accepting")).toHaveAttribute("data-status", "SUCCESS", {
    timeout: 90_000,
  });
  await expect(page.getByRole("status").filter({ hasText: /refused the API key/ })).toBeHidden();
  expect(await historyIds()).toContain(id);
  seen.push(await page.content());
});

test("SIGKILL while twenty tasks run: after a restart all twenty are listed and finish", async () => {
  const ids: string[] = [];
  for (let i = 0; i < 20; i++) ids.push(await accepted(`crash survivor ${i}`));
  const running = (await call("POST", "/api/mj/task/list-by-ids", { ids })).json as Task[];
  expect(running.filter((t) => t.status !== "SUCCESS").length).toBeGreaterThan(0);

  logs.push(app.output());
  await app.kill("SIGKILL");
  app = await startApp(appEnv());

  expect(await historyIds()).toEqual(expect.arrayContaining(ids));
  await allSucceed(ids, 120_000);
});

test("the key appears in no response, header, page, log line or built static file", async ({ page }) => {
  for (const route of ["/", "/gallery", "/api/health", "/this-page-does-not-exist"]) {
    const response = await page.goto(`${app.url}${route}`);
    seen.push(await page.content(), JSON.stringify(response?.headers() ?? {}));
  }
  logs.push(app.output(), simulator.output());
  // The simulator's own log may say which key it wants; the app's never.
  const appLogs = logs.slice(0, -1).join("\n");
  expect(seen.length).toBeGreaterThan(50);
  for (const text of seen) expect(text).not.toContain(KEY);
  expect(appLogs).not.toContain(KEY);

  const staticDir = path.join(process.cwd(), ".next", "static");
  const files = (readdirSync(staticDir, { recursive: true }) as string[]).map((f) => path.join(staticDir, f));
  let read = 0;
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, "latin1");
    } catch {
      continue; // a directory
    }
    read++;
    expect(text.includes(KEY) || text.includes(E2E_UPSTREAM_KEY), file).toBe(false);
  }
  expect(read).toBeGreaterThan(0);
});
