import { describe, expect, it } from "vitest";
import { postgresFixture } from "@/lib/testing/postgres-fixture";
import { NO_POSTGRES, postgresOrSkip } from "@/lib/testing/postgres";
import { createPool, migratePostgres, type PgMigration, type Pool } from "./postgres";

/** The migration runner every PostgreSQL adapter shares. */

const postgres = await postgresOrSkip();
const fixture = postgresFixture(postgres);

async function pool(): Promise<Pool> {
  const opened = createPool((await fixture.state()).url);
  fixture.track({ close: () => opened.end() });
  return opened;
}

const MIGRATIONS: PgMigration[] = [
  // Plain CREATE TABLE: running it twice would fail.
  { version: 1, name: "things", up: "CREATE TABLE things (id integer PRIMARY KEY)" },
  {
    version: 2,
    name: "a thing, by code",
    up: async (client) => {
      await client.query("INSERT INTO things (id) VALUES (1)");
    },
  },
];

async function applied(db: Pool, component: string): Promise<number[]> {
  const { rows } = await db.query<{ version: number }>(
    "SELECT version FROM schema_migrations WHERE component = $1 ORDER BY version",
    [component],
  );
  return rows.map((row) => row.version);
}

describe.skipIf(!postgres)(`migratePostgres${postgres ? "" : ` (skipped: ${NO_POSTGRES})`}`, () => {
  it("applies each migration once, also when several instances start together", async () => {
    const [a, b, c] = await Promise.all([pool(), pool(), pool()]);
    await Promise.all([a, b, c].map((db) => migratePostgres(db, "things", MIGRATIONS)));
    expect(await applied(a, "things")).toEqual([1, 2]);
    expect((await a.query("SELECT id FROM things")).rows).toEqual([{ id: 1 }]);
    // A restart with one more migration applies only that one.
    await migratePostgres(b, "things", [
      ...MIGRATIONS,
      { version: 3, name: "another", up: "INSERT INTO things (id) VALUES (3)" },
    ]);
    expect(await applied(c, "things")).toEqual([1, 2, 3]);
    expect((await c.query("SELECT id FROM things ORDER BY id")).rows).toEqual([{ id: 1 }, { id: 3 }]);
  });

  it("keeps components apart", async () => {
    const db = await pool();
    await migratePostgres(db, "things", MIGRATIONS);
    await migratePostgres(db, "other", [{ version: 1, name: "other", up: "CREATE TABLE other (x int)" }]);
    expect(await applied(db, "things")).toEqual([1, 2]);
    expect(await applied(db, "other")).toEqual([1]);
  });

  it("rolls a failed migration back and stays at the previous version", async () => {
    const db = await pool();
    const failing: PgMigration = {
      version: 3,
      name: "half done",
      up: "CREATE TABLE half (x int); SELECT * FROM no_such_table",
    };
    await expect(migratePostgres(db, "things", [...MIGRATIONS, failing])).rejects.toThrow(/no_such_table/);
    expect(await applied(db, "things")).toEqual([1, 2]);
    expect((await db.query("SELECT to_regclass('half') AS t")).rows).toEqual([{ t: null }]);
    // The lock was let go: the next start migrates.
    await migratePostgres(db, "things", MIGRATIONS);
  });

  it("refuses a database migrated by a newer build", async () => {
    const db = await pool();
    await migratePostgres(db, "things", MIGRATIONS);
    await expect(migratePostgres(db, "things", MIGRATIONS.slice(0, 1))).rejects.toThrow(
      /schema version 2, but this build of MJ Studio only knows versions up to 1/,
    );
  });
});
