import { describe, expect, it } from "vitest";
import { taskSchema } from "@/lib/mj/task";
import { postgresFixture } from "@/lib/testing/postgres-fixture";
import { NO_POSTGRES, openPgTaskStore, postgresOrSkip, withClient } from "@/lib/testing/postgres";
import { createPgTaskStore } from "./pg-task-store";
import { createPool } from "./postgres";
import { describeTaskStore } from "./task-store.contract";
import type { TaskStore } from "./task-store";

/** The PostgreSQL adapter: the port's contract, each test on a database of its own. */

const postgres = await postgresOrSkip();
const fixture = postgresFixture(postgres);

/** A store on this test's database with a pool of its own, as another app instance would have. */
async function openStore(): Promise<TaskStore> {
  return fixture.track(openPgTaskStore((await fixture.state()).url));
}

describe.skipIf(!postgres)(postgres ? "PostgreSQL" : `PostgreSQL (skipped: ${NO_POSTGRES})`, () => {
  describeTaskStore("PostgreSQL", () => ({ open: openStore }));
});

describe.skipIf(!postgres)("PostgreSQL only", () => {
  it("a database it cannot set up is said in the log once, and every call answers why", async () => {
    const { url } = await fixture.state();
    await (await openStore()).get("none");
    // As if a newer build had migrated it.
    await withClient(url, (client) =>
      client.query("INSERT INTO schema_migrations (component, version, name) VALUES ('tasks', 99, 'future')"),
    );
    const logged: string[] = [];
    const pool = createPool(url);
    fixture.track({ close: () => pool.end() });
    const store = createPgTaskStore(pool, (message) => logged.push(message));
    await expect(store.get("a")).rejects.toThrow(/schema version 99/);
    await expect(store.list({ limit: 1, cursor: null })).rejects.toThrow(/schema version 99/);
    expect(logged).toEqual([expect.stringMatching(/could not set up its tables: .*schema version 99/)]);
  });

  it("stores a NUL (which PostgreSQL text cannot hold) as U+FFFD instead of failing the batch", async () => {
    const store = await openStore();
    const copy = taskSchema.parse({
      id: "n\u0000ul",
      status: "SUCCESS",
      submitTime: 1,
      prompt: "a\u0000fox",
    });
    await store.record([copy], (_stored, incoming) => incoming);
    expect(await store.get("n\u0000ul")).toMatchObject({ id: "n\uFFFDul", prompt: "a\uFFFDfox" });
    expect((await store.list({ limit: 10, cursor: null, q: "fox" })).items).toHaveLength(1);
  });
});
