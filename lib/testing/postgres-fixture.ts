import { afterEach } from "vitest";
import type { TestDatabase, TestPostgres } from "./postgres";

/**
 * A database of its own for every test that asks for one, and everything opened on it closed
 * and the database dropped afterwards. Call once at the top of a test file, with the server from
 * `postgresOrSkip()` (the file skips its tests when that is null).
 */
export function postgresFixture(postgres: TestPostgres | null) {
  const toClose: { close(): unknown }[] = [];
  let current: Promise<TestDatabase> | null = null;
  const fixture = {
    /** This test's database, created at first use; the same one for the rest of the test. */
    database(): Promise<TestDatabase> {
      if (!postgres) throw new Error("postgresFixture: no PostgreSQL (the test should have been skipped)");
      current ??= postgres.createDatabase();
      return current;
    },
    /** Closes `handle` after the test (unless the test already did), before the database is dropped. */
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
    const database = current;
    current = null;
    await (await database)?.drop();
  });
  return fixture;
}
