import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { createPgTaskStore } from "@/lib/store/pg-task-store";
import { createPool } from "@/lib/store/postgres";
import type { TaskStore } from "@/lib/store/task-store";

/**
 * The test kit's PostgreSQL: finds (or starts) a server and hands each test a database of its
 * own, with a random name, dropped afterwards, so helpers and CI jobs running at the same time
 * never share data.
 *
 * Where the server comes from, in order:
 * 1. `PG_TEST_URL` (any role that may CREATE DATABASE): used as given; failing to reach it throws.
 * 2. A Debian cluster (`pg_lsclusters`, which `scripts/test.sh` installs on CI): started when
 *    down, and reached over TCP as the kit's own role `mj_test`, created through the `postgres`
 *    superuser when missing (only root can do both). The role and the server outlive the test
 *    process, so the next run finds them at once; `scripts/test.sh` (`npm test`) drops the role
 *    again if it was missing before the run, and stops the clusters it started.
 * With neither, `testPostgres()` answers null and the tests skip, unless `MJ_REQUIRE_POSTGRES=1`
 * (set by `scripts/test.sh`, so `npm test` fails instead of passing without PostgreSQL).
 */

export interface TestDatabase {
  name: string;
  /** A postgres:// URL of the database, for the store and for DATABASE_URL. */
  url: string;
  /** Drops the database, ending any connection still open on it. */
  drop(): Promise<void>;
}

export interface TestPostgres {
  /** A URL of the server's `postgres` database, for creating and dropping test databases. */
  adminUrl: string;
  createDatabase(): Promise<TestDatabase>;
}

const KIT_ROLE = "mj_test";
// Not a secret: the role reaches only loopback on a test machine, and owns only test databases.
const KIT_PASSWORD = "mj_test";
/** Every test database's name starts so, so a leftover one is recognisable. */
export const TEST_DATABASE_PREFIX = "mj_test_";

export const requirePostgres = (): boolean =>
  process.env.MJ_REQUIRE_POSTGRES === "1" || process.env.MJ_REQUIRE_POSTGRES === "true";

let found: Promise<TestPostgres | null> | undefined;

/** The server to create test databases on, or null when there is none (see the module comment). */
export function testPostgres(): Promise<TestPostgres | null> {
  found ??= locate().then((adminUrl) => (adminUrl === null ? null : server(adminUrl)));
  return found;
}

/** A fresh database on the test server, or null when there is none and none is required. */
export async function testDatabase(): Promise<TestDatabase | null> {
  const postgres = await testPostgres();
  return postgres ? postgres.createDatabase() : null;
}

/**
 * The test server, throwing when there is none and `MJ_REQUIRE_POSTGRES` asks for one; a null
 * answer is the caller's cue to skip, with `NO_POSTGRES` as the reason.
 */
export async function postgresOrSkip(): Promise<TestPostgres | null> {
  const postgres = await testPostgres();
  if (!postgres && requirePostgres()) {
    throw new Error(`MJ_REQUIRE_POSTGRES is set, but ${NO_POSTGRES}`);
  }
  if (!postgres) console.warn(`PostgreSQL tests skipped: ${NO_POSTGRES}`);
  return postgres;
}

export const NO_POSTGRES =
  "no PostgreSQL was found: set PG_TEST_URL=postgres://user:pass@host/postgres (a role that may create " +
  "databases), or install Debian's postgresql and run the tests as root (scripts/test.sh does both)";

/**
 * A PostgreSQL task store at `url` with a pool of its own, which `close()` ends: another app
 * instance in a test, or a spec seeding the history of a server that runs on PostgreSQL.
 */
export function openPgTaskStore(url: string): TaskStore {
  const pool = createPool(url);
  const store = createPgTaskStore(pool);
  return {
    ...store,
    async close() {
      await store.close();
      await pool.end();
    },
  };
}

function server(adminUrl: string): TestPostgres {
  return {
    adminUrl,
    async createDatabase() {
      const name = TEST_DATABASE_PREFIX + randomBytes(8).toString("hex");
      await withClient(adminUrl, (client) => client.query(`CREATE DATABASE ${name}`));
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      return {
        name,
        url: url.toString(),
        async drop() {
          await withClient(adminUrl, (client) =>
            client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
          );
        },
      };
    },
  };
}

async function locate(): Promise<string | null> {
  const given = process.env.PG_TEST_URL?.trim();
  if (given) {
    await withClient(given, (client) => client.query("SELECT 1")).catch((error: unknown) => {
      throw new Error(`PG_TEST_URL is set but PostgreSQL does not answer there: ${String(error)}`);
    });
    return given;
  }
  const cluster = debianCluster();
  if (!cluster) return null;
  const url = `postgresql://${KIT_ROLE}:${KIT_PASSWORD}@127.0.0.1:${cluster.port}/postgres`;
  if (await answers(url)) return url;
  if (!isRoot()) return null;
  // As root: ask the superuser (peer authentication over the socket) for the kit's role. Test
  // files run in parallel, so another may be creating it right now: a failure here is only
  // final if the role still cannot connect afterwards.
  try {
    execFileSync(
      "runuser",
      [
        "-u",
        "postgres",
        "--",
        "psql",
        "-p",
        String(cluster.port),
        "-v",
        "ON_ERROR_STOP=1",
        "-qc",
        `DO $$ BEGIN
           IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${KIT_ROLE}') THEN
             CREATE ROLE ${KIT_ROLE} LOGIN CREATEDB PASSWORD '${KIT_PASSWORD}';
           END IF;
         END $$`,
      ],
      { stdio: "pipe", timeout: 30_000 },
    );
  } catch {
    // Checked below.
  }
  return (await answers(url)) ? url : null;
}

/** The first cluster `pg_lsclusters` lists (an online one if any), started when down and we may. */
function debianCluster(): { port: number } | null {
  let listing: string;
  try {
    listing = execFileSync("pg_lsclusters", ["--no-header"], { encoding: "utf8", stdio: "pipe" });
  } catch {
    return null;
  }
  // "15  main    5432 online postgres /var/lib/postgresql/15/main /var/log/…"
  const clusters = listing
    .split("\n")
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields.length >= 4 && /^\d+$/.test(fields[2] ?? ""))
    .map(([version = "", name = "", port = "", status = ""]) => ({
      version,
      name,
      port: Number(port),
      online: status.startsWith("online"),
    }));
  const cluster = clusters.find((c) => c.online) ?? clusters[0];
  if (!cluster) return null;
  if (!cluster.online) {
    if (!isRoot()) return null;
    try {
      execFileSync("pg_ctlcluster", [cluster.version, cluster.name, "start"], {
        stdio: "pipe",
        timeout: 60_000,
      });
    } catch {
      // Another test file may have started it a moment ago; whether it answers is what counts.
    }
  }
  return { port: cluster.port };
}

function isRoot(): boolean {
  return process.getuid?.() === 0;
}

async function answers(url: string): Promise<boolean> {
  try {
    await withClient(url, (client) => client.query("SELECT 1"));
    return true;
  } catch {
    return false;
  }
}

/** One connection for `work`, closed afterwards. */
export async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
