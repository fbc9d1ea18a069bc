import { randomBytes } from "node:crypto";
import { afterAll, afterEach } from "vitest";
import { withClient, type TestDatabase, type TestPostgres } from "./postgres";

/**
 * Fresh, empty PostgreSQL state for every test that asks for it: a schema of its own (first on
 * the search path of the URL it is given) in a database of the test file's own, which is
 * dropped after the file. A schema costs a few milliseconds where a database costs most of a
 * second. Advisory locks and NOTIFY channels belong to the database, so the file's tests share
 * them; they run one after another, and everything a test opened is closed after it.
 *
 * Call once at the top of a test file, with the server from `postgresOrSkip()` (the file skips
 * its tests when that is null).
 */
export function postgresFixture(postgres: TestPostgres | null) {
  const toClose: { close(): unknown }[] = [];
  let database: Promise<TestDatabase> | null = null;
  let current: Promise<{ url: string; schema: string }> | null = null;

  async function createSchema(): Promise<{ url: string; schema: string }> {
    if (!postgres) throw new Error("postgresFixture: no PostgreSQL (the test should have been skipped)");
    database ??= postgres.createDatabase();
    const { url } = await database;
    const schema = `test_${randomBytes(6).toString("hex")}`;
    await withClient(url, (client) => client.query(`CREATE SCHEMA ${schema}`));
    const scoped = new URL(url);
    scoped.searchParams.set("options", `-c search_path=${schema},public`);
    return { url: scoped.toString(), schema };
  }

  const fixture = {
    /** This test's state: a postgres:// URL, the same one for the rest of the test (a restart reopens it). */
    state(): Promise<{ url: string; schema: string }> {
      current ??= createSchema();
      return current;
    },
    /** Closes `handle` after the test (unless the test already did), before its schema is dropped. */
    track<T extends { close(): unknown }>(handle: T): T {
      toClose.push(handle);
      return handle;
    },
  };

  afterEach(async () => {
    for (const handle of toClose.splice(0)) {
      try {
        await handle.close();
      } catch {
        // Already closed by the test itself.
      }
    }
    const state = current;
    current = null;
    if (state && database) {
      const [{ schema }, { url }] = await Promise.all([state, database]);
      await withClient(url, (client) => client.query(`DROP SCHEMA ${schema} CASCADE`));
    }
  });
  afterAll(async () => {
    const created = database;
    database = null;
    await (await created)?.drop();
  });
  return fixture;
}
