import pluginQuery from "@tanstack/eslint-plugin-query";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";
import { defineConfig, globalIgnores } from "eslint/config";

// ─────────────────────────────────────────────────────────────────────────────────────────────────
// Fences: imports point one way between the rooms (docs/architecture.md, "The one-way rule").
// lint/fences.test.ts proves that each fence fails a wrong-way import and passes a right-way one.
//
// A flat config applies the LAST block that sets a rule, options and all, so every file gets one
// block below that lists all of its bans: the room's own, plus the `../` and root-only bans.
// ─────────────────────────────────────────────────────────────────────────────────────────────────

/** An import of `@/<path>` or of anything under it, for any of `paths`. */
const to = (...paths) => `^@/(${paths.join("|")})(/|$)`;
/** An import of anything under `@/` but `paths` (and what is under them). */
const onlyTo = (...paths) => `^@/(?!(${paths.join("|")})(/|$))`;

const ban = (regex, message) => ({ regex, message: `${message} (docs/architecture.md)` });

/** Server-only rooms: never bundled for the browser. lib/http/errors is the isomorphic error shape. */
const SERVER = [
  "lib/store",
  "lib/media",
  "lib/tasks",
  "lib/upstream",
  "lib/server",
  "lib/auth",
  "lib/env",
  "lib/http/route",
];
/** The browser's rooms (and the pages that render them). */
const BROWSER = ["components", "app", "lib/api"];

/** What only the composition root (lib/server/services.ts) builds; everyone else is handed it. */
const ROOT_ONLY = [
  ban(
    "^(mj-simulator|@/lib/simulator|@/packages/mj-simulator)(/|$)",
    "Only the composition root (lib/server/services.ts) knows the simulator; take an UpstreamClient",
  ),
  ban(
    "^@/lib/[^/]+/(sqlite|fs|pg)-",
    "Only the composition root (lib/server/services.ts) builds an adapter (sqlite-*, fs-*, pg-*); take the port (TaskStore, BlobStore)",
  ),
];
/** `../` would walk past the fences below, which read `@/` paths: cross a folder by `@/` instead. */
const NO_CLIMB = ban(
  "(^|/)\\.\\.(/|$)",
  "Import across folders with `@/...`, not `../`, so the room fences see where the import goes",
);
const NO_BROWSER = ban(to(...BROWSER), "A server room never imports components, app or lib/api");
const NO_SERVER = ban(
  to(...SERVER),
  "The browser side never imports a server room (lib/store, lib/media, lib/tasks, lib/upstream, lib/server, lib/auth, lib/env, lib/http/route); lib/mj and lib/http/errors are shared",
);

/**
 * Each room's bans, for its code and its tests alike (a test that needs the whole world takes it
 * from lib/testing), plus the `../` ban and, but in lib/server, lib/testing and packages, the
 * root-only bans. Folders not listed here (i18n, messages, scripts, e2e) and the root files get
 * only the root-only bans; tests, scripts and e2e may build what they need themselves.
 */
const ROOMS = [
  {
    dir: "lib/mj",
    bans: [
      ban(
        onlyTo("lib/mj"),
        "lib/mj is the protocol as code, shared by server and browser: it imports nothing else of the app",
      ),
    ],
  },
  {
    dir: "lib/store",
    bans: [
      ban(
        onlyTo("lib/store", "lib/mj", "lib/http/errors"),
        "lib/store imports only lib/mj and lib/http/errors",
      ),
    ],
    testBans: [
      ban(
        onlyTo("lib/store", "lib/mj", "lib/http/errors", "lib/testing"),
        "lib/store's tests import only lib/store, lib/mj, lib/http/errors and the test kit lib/testing",
      ),
    ],
  },
  {
    dir: "lib/media",
    bans: [
      ban(
        to("lib/tasks", "lib/upstream", "lib/server"),
        "lib/media never imports lib/tasks, lib/upstream or lib/server: it is given getTask, refreshTask and fetch as functions",
      ),
      ban(
        "^@/lib/store(/index|/sqlite[^/]*)?$",
        "lib/media never reaches the task store or its SQLite adapter: it writes no task records",
      ),
      NO_BROWSER,
    ],
  },
  {
    dir: "lib/upstream",
    bans: [
      ban(
        to("lib/store", "lib/media", "lib/tasks", "lib/server", "lib/env"),
        "lib/upstream is only the HTTP client that holds the key: it is given its config and knows no store, media, tasks or env",
      ),
      NO_BROWSER,
    ],
  },
  {
    dir: "lib/tasks",
    bans: [ban(to("lib/server"), "lib/tasks is given its ports; only lib/server wires them"), NO_BROWSER],
  },
  { dir: "lib/server", bans: [NO_BROWSER], root: true },
  { dir: "lib/auth", bans: [NO_BROWSER] },
  { dir: "lib/http", bans: [NO_BROWSER] },
  {
    dir: "lib/api",
    bans: [NO_SERVER, ban(to("components", "app"), "lib/api is below the components: it never imports them")],
  },
  { dir: "components", bans: [NO_SERVER] },
  {
    dir: "lib/images",
    bans: [
      NO_SERVER,
      ban(to(...BROWSER), "lib/images is a helper of both sides: it imports no components, app or lib/api"),
    ],
  },
  {
    dir: "lib/mask",
    bans: [
      NO_SERVER,
      ban(to(...BROWSER), "lib/mask is a helper of both sides: it imports no components, app or lib/api"),
    ],
  },
  { dir: "app", bans: [] },
  { dir: "lib/testing", bans: [], root: true },
  {
    dir: "packages",
    bans: [ban("^@/", "A workspace package is its own product: it imports nothing of the app")],
    root: true,
  },
];

/** The files eslint-config-next lints (and registers the `import` plugin for). */
const SOURCES = "**/*.{js,jsx,mjs,ts,tsx,mts,cts}";
/** Test code: tests, their helpers and the contract suites a store or blob adapter runs. */
const TESTS = ["**/*.test.ts", "**/*.test.tsx", "**/test-support.ts", "**/*.contract.ts"];
/** Who may build the simulator and adapters: the root, tests, the test kit, scripts, e2e, packages. */
const ROOT_AND_TESTS = [...TESTS, "lib/server/**", "lib/testing/**", "scripts/**", "e2e/**", "packages/**"];

/**
 * One block setting both import rules: `no-restricted-imports` for static imports and re-exports,
 * `no-restricted-syntax` for `import("…")`, which the former does not look at.
 */
function fence(name, files, bans, ignores = []) {
  return {
    name,
    files,
    ignores,
    rules: {
      "no-restricted-imports": ["error", { patterns: bans }],
      "no-restricted-syntax": [
        "error",
        ...bans.map(({ regex, message }) => ({
          selector: `ImportExpression[source.value=/${regex.replaceAll("/", "\\/")}/]`,
          message,
        })),
      ],
    },
  };
}

const fences = [
  fence("fences/everywhere", [SOURCES], ROOT_ONLY, ROOT_AND_TESTS),
  ...ROOMS.flatMap(({ dir, bans, testBans = bans, root = false }) => [
    fence(`fences/${dir}`, [`${dir}/**`], [...bans, NO_CLIMB, ...(root ? [] : ROOT_ONLY)], TESTS),
    fence(
      `fences/${dir}/tests`,
      TESTS.map((glob) => `${dir}/${glob}`),
      [...testBans, NO_CLIMB],
    ),
  ]),
  {
    name: "fences/no-cycle",
    files: [SOURCES],
    // `@/` resolves through tsconfig.json's paths (eslint-config-next's typescript resolver).
    // Packages cannot import the app back, so their files are not parsed for cycles (which
    // would double the time of a whole lint).
    settings: { "import/ignore": ["node_modules"] },
    rules: { "import/no-cycle": ["error", { ignoreExternal: true }] },
  },
];

// ─────────────────────────────────────────────────────────────────────────────────────────────────

export default defineConfig([
  ...nextVitals,
  ...nextTs,

  // --- TanStack Query: keys, stable clients and option order checked (the browser data layer).
  ...pluginQuery.configs["flat/recommended"],
  // --- end TanStack Query

  globalIgnores([
    ".next/**",
    ".data/**",
    "node_modules/**",
    "test-results/**",
    "playwright-report/**",
    "next-env.d.ts",
    // Written and removed by lint/fences.test.ts (which lints them with ignores off).
    "lint/cycle-probe-*/**",
  ]),
  ...fences,
]);
