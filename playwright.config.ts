import os from "node:os";
import path from "node:path";
import { defineConfig, devices } from "@playwright/test";
import { chromiumLaunchOptions } from "./lib/testing/chromium";
import { E2E_API_TOKEN, E2E_APP_PASSWORD, E2E_SUBMIT_LIMIT, E2E_UPSTREAM_KEY } from "./e2e/constants";

/**
 * E2E against the production build (`npm run build` first). The browser is Debian's
 * Chromium unless PLAYWRIGHT_CHROMIUM_PATH names another (or Playwright's own one is wanted: set it
 * to an empty string).
 */

const port = Number(process.env.E2E_PORT ?? 3100);
// One data directory per run; workers inherit the variable, so all of them agree on it.
process.env.E2E_DATA_DIR ??= path.join(os.tmpdir(), `mj-studio-e2e-${Date.now()}`);
const dataDir = (name: string) => path.join(process.env.E2E_DATA_DIR!, name);

/**
 * Besides demo mode, the app runs against the simulator served as a real HTTP upstream in two
 * dialects: a trueai proxy (raw key in Authorization) and a new-api relay (Bearer key, code 21
 * rewritten to 1, lagging task copies).
 */
const upstreams = [
  {
    name: "trueai",
    family: "trueai",
    authHeader: "authorization",
    simulatorPort: port + 91,
    appPort: port + 1,
    // Lists a grid's images in `imageUrls` (trueai's official accounts, or "fill official CDN"), so
    // the app shows the upstream's images there and cuts cells from the grid everywhere else.
    listImages: "1",
  },
  {
    name: "new-api",
    family: "new-api",
    authHeader: "bearer",
    simulatorPort: port + 92,
    appPort: port + 2,
    listImages: "0",
  },
] as const;

/** An app with access control on (demo mode underneath): the `auth` project. */
const authPort = port + 3;
/**
 * The `drop-in` project: an app with a password, the API token and CORS for one other origin, the
 * page a midjourney-proxy client would be, which e2e/drop-in.spec.ts serves itself on `clientPort`.
 */
const dropInPort = port + 4;
const clientPort = port + 5;
process.env.E2E_DROP_IN_CLIENT_PORT = String(clientPort);

// The submit rate limit is off unless a server sets it (the `auth` project tests it), so specs
// that submit many tasks do not share one per-client budget.
const appServer = (appPort: number, env: Record<string, string>) => ({
  // As `npm start` runs it (its memory settings included): scripts/start.sh.
  command: `sh scripts/start.sh --hostname 127.0.0.1 --port ${appPort}`,
  url: `http://127.0.0.1:${appPort}/api/health`,
  reuseExistingServer: false,
  timeout: 60_000,
  env: { APP_SUBMIT_RATE_LIMIT: "0", ...env },
});

export default defineConfig({
  testDir: "e2e",
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: [["list"]],
  timeout: 60_000,
  use: {
    trace: "retain-on-failure",
    launchOptions: chromiumLaunchOptions,
  },
  projects: [
    {
      name: "demo",
      testIgnore: /(upstream|auth|drop-in|resilience|restart|limits|slow-jobs|cluster)\.spec\.ts/,
      use: { ...devices["Desktop Chrome"], baseURL: `http://127.0.0.1:${port}` },
    },
    ...upstreams.map((u) => ({
      name: u.name,
      // Today's Midjourney (references, draft, shorten, V8 buttons), video, the Editor and a job's
      // image tiles run against both dialects too.
      testMatch: /(upstream|references|today|video|editor|tiles)\.spec\.ts/,
      use: { ...devices["Desktop Chrome"], baseURL: `http://127.0.0.1:${u.appPort}` },
    })),
    {
      name: "auth",
      testMatch: /auth\.spec\.ts/,
      use: { ...devices["Desktop Chrome"], baseURL: `http://127.0.0.1:${authPort}` },
    },
    {
      name: "drop-in",
      testMatch: /drop-in\.spec\.ts/,
      use: { ...devices["Desktop Chrome"], baseURL: `http://127.0.0.1:${dropInPort}` },
    },
    // Starts its own simulator and app on free ports (lib/testing/processes.ts): it flips faults and SIGKILLs the app.
    {
      // Two instances on one PostgreSQL and one S3 bucket, started by e2e/cluster.spec.ts itself.
      name: "cluster",
      testMatch: /cluster\.spec\.ts/,
      use: { ...devices["Desktop Chrome"] },
    },
    {
      name: "resilience",
      testMatch: /(resilience|restart|limits|slow-jobs)\.spec\.ts/,
      use: { ...devices["Desktop Chrome"] },
    },
  ],
  webServer: [
    appServer(port, {
      DATA_DIR: dataDir("demo"),
      SIMULATOR_SPEED: "4",
      MJ_API_URL: "",
      MJ_API_KEY: "",
      // Opt-in: the demo project's history on PostgreSQL (an empty database of its own).
      ...(process.env.E2E_DATABASE_URL ? { DATABASE_URL: process.env.E2E_DATABASE_URL } : {}),
    }),
    appServer(authPort, {
      DATA_DIR: dataDir("auth"),
      SIMULATOR_SPEED: "4",
      MJ_API_URL: "",
      MJ_API_KEY: "",
      APP_PASSWORD: E2E_APP_PASSWORD,
      APP_API_TOKEN: E2E_API_TOKEN,
      APP_SUBMIT_RATE_LIMIT: String(E2E_SUBMIT_LIMIT),
      // Reached directly, with no reverse proxy: no X-Forwarded-For is believed, not even from loopback.
      TRUSTED_PROXIES: "none",
    }),
    appServer(dropInPort, {
      DATA_DIR: dataDir("drop-in"),
      SIMULATOR_SPEED: "4",
      MJ_API_URL: "",
      MJ_API_KEY: "",
      APP_PASSWORD: E2E_APP_PASSWORD,
      APP_API_TOKEN: E2E_API_TOKEN,
      APP_CORS_ORIGINS: `http://127.0.0.1:${clientPort}`,
      // The spec's notifyHook receiver listens on loopback.
      APP_NOTIFY_ALLOW_PRIVATE: "1",
    }),
    ...upstreams.flatMap((u) => [
      {
        command: "node_modules/.bin/tsx packages/mj-simulator/src/cli.ts",
        url: `http://127.0.0.1:${u.simulatorPort}/mj/task/list`,
        reuseExistingServer: false,
        timeout: 60_000,
        env: {
          PORT: String(u.simulatorPort),
          HOST: "127.0.0.1",
          SIMULATOR_FAMILY: u.family,
          SIMULATOR_KEY: E2E_UPSTREAM_KEY,
          SIMULATOR_SPEED: "20",
          SIMULATOR_LIST_IMAGES: u.listImages,
        },
      },
      appServer(u.appPort, {
        DATA_DIR: dataDir(u.name),
        MJ_API_URL: `http://127.0.0.1:${u.simulatorPort}`,
        MJ_API_KEY: E2E_UPSTREAM_KEY,
        MJ_AUTH_HEADER: u.authHeader,
      }),
    ]),
  ],
});
