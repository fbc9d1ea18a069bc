import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll } from "vitest";
import { parseEnv, type AppEnv } from "@/lib/env";
import { resetServices } from "@/lib/server/services";

/**
 * The environment of tests: demo mode at test speed (a task finishes in well under a second), on
 * a data directory of the test's own. `testEnv` is the parsed configuration a test world is built
 * from; `testServer` sets the process's environment for tests that go through `env()` and
 * `services()` as the server does (route handlers, the start hook, access checks).
 */

// The poller at test pace too: a task the simulator moves is in the record within milliseconds.
const TEST_VARS: Record<string, string> = { SIMULATOR_SPEED: "50", MJ_POLL_INTERVAL_MS: "20" };

/** The configuration of a server over `dataDir`; `vars` are environment variables over the test defaults. */
export function testEnv(dataDir: string, vars: Record<string, string> = {}): AppEnv {
  return parseEnv({ ...TEST_VARS, DATA_DIR: dataDir, ...vars });
}

/**
 * Makes this test file's process a demo server on a fresh DATA_DIR, with `vars` set too (a
 * password, a rate limit). Call it at the top of the file, before anything reads `env()`. After
 * the file's tests the services are closed and the directory removed.
 */
export function testServer(vars: Record<string, string> = {}): { dataDir: string } {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "mj-server-"));
  delete process.env.MJ_API_URL;
  // The history on SQLite under dataDir, whatever the shell running the tests points at.
  delete process.env.DATABASE_URL;
  Object.assign(process.env, TEST_VARS, { DATA_DIR: dataDir }, vars);
  afterAll(async () => {
    await resetServices();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
  return { dataDir };
}
