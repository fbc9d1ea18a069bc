import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { NO_POSTGRES, postgresOrSkip, type TestDatabase } from "@/lib/testing/postgres";
import { startApp, startSimulator, type Proc } from "@/lib/testing/processes";

/**
 * Two password-protected instances on one PostgreSQL, as behind a load balancer (issue 15): a
 * session signed out on one is refused on the other, and the login and submit limits count the
 * attempts made on both together, exactly.
 */

const KEY = "sk-auth-cluster-spec-key";
const PASSWORD = "cluster correct horse";
const SUBMIT_LIMIT = 3;
test.setTimeout(180_000);
test.describe.configure({ mode: "serial" });

let database: TestDatabase | null = null;
const procs: Proc[] = [];
const dataDirs: string[] = [];
let a: Proc;
let b: Proc;

async function instance(simulator: Proc): Promise<Proc> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "mj-auth-cluster-"));
  dataDirs.push(dataDir);
  const app = await startApp({
    DATA_DIR: dataDir,
    MJ_API_URL: simulator.url,
    MJ_API_KEY: KEY,
    MJ_AUTH_HEADER: "authorization",
    DATABASE_URL: database!.url,
    APP_SESSION_SECRET: "auth-cluster-spec-session-secret-0123456789",
    APP_PASSWORD: PASSWORD,
    APP_SUBMIT_RATE_LIMIT: String(SUBMIT_LIMIT),
  });
  procs.push(app);
  return app;
}

async function login(app: Proc, password: string): Promise<{ status: number; cookie: string }> {
  const response = await fetch(`${app.url}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ password }),
  });
  const session = response.headers.getSetCookie().find((cookie) => cookie.startsWith("mj-session="));
  return { status: response.status, cookie: session?.split(";")[0] ?? "" };
}

const tasksStatus = async (app: Proc, cookie: string) =>
  (await fetch(`${app.url}/api/tasks`, { headers: { cookie } })).status;

test.beforeAll(async () => {
  const postgres = await postgresOrSkip();
  test.skip(!postgres, NO_POSTGRES);
  database = await postgres!.createDatabase();
  const simulator = await startSimulator({ key: KEY, speed: 4 });
  procs.push(simulator);
  a = await instance(simulator);
  b = await instance(simulator);
});

test.afterAll(async () => {
  for (const proc of procs) await proc.kill("SIGKILL");
  await database?.drop();
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

test("a session signed out on one instance is refused on the other, pages and API alike", async () => {
  const { status, cookie } = await login(a, PASSWORD);
  expect(status).toBe(204);
  expect(await tasksStatus(b, cookie)).toBe(200);

  const logout = await fetch(`${a.url}/api/auth/logout`, { method: "POST", headers: { cookie } });
  expect(logout.status).toBe(204);
  expect(await tasksStatus(a, cookie)).toBe(401);
  // B hears of it through NOTIFY: a moment, not a round trip per request.
  await expect.poll(() => tasksStatus(b, cookie), { timeout: 15_000 }).toBe(401);
  const page = await fetch(`${b.url}/gallery`, { headers: { cookie }, redirect: "manual" });
  expect(page.status).toBe(307);
  expect(page.headers.get("location")).toMatch(/\/login\?next=%2Fgallery$/);
});

test("submissions sent to both instances at once spend one budget per session", async () => {
  const { cookie } = await login(b, PASSWORD);
  const statuses = await Promise.all(
    Array.from({ length: SUBMIT_LIMIT * 2 }, async (_, i) => {
      const response = await fetch(`${(i % 2 ? a : b).url}/api/mj/submit/imagine`, {
        method: "POST",
        headers: { cookie, "content-type": "application/json" },
        body: JSON.stringify({ prompt: `a lantern on a pier ${i}` }),
      });
      return response.status;
    }),
  );
  expect(statuses.filter((status) => status === 200)).toHaveLength(SUBMIT_LIMIT);
  expect(statuses.filter((status) => status === 429)).toHaveLength(SUBMIT_LIMIT);
});

// Last: it locks this machine's address out of both instances for the rest of the window.
test("wrong passwords sent to both instances at once get five comparisons in all", async () => {
  const statuses = await Promise.all(
    Array.from({ length: 12 }, async (_, i) => (await login(i % 2 ? a : b, `guess ${i}`)).status),
  );
  expect(statuses.filter((status) => status === 401)).toHaveLength(5);
  expect(statuses.filter((status) => status === 429)).toHaveLength(7);
  // Even the right password waits now, on either instance.
  expect((await login(a, PASSWORD)).status).toBe(429);
  expect((await login(b, PASSWORD)).status).toBe(429);
});
