import { describe } from "vitest";
import { postgresFixture } from "@/lib/testing/postgres-fixture";
import { NO_POSTGRES, postgresOrSkip } from "@/lib/testing/postgres";
import { createPgTaskStore } from "./pg-task-store";
import { createPool } from "./postgres";
import { describeTaskStore } from "./task-store.contract";
import type { TaskStore } from "./task-store";

/** The PostgreSQL adapter: the port's contract, each test on a database of its own. */

const postgres = await postgresOrSkip();
const fixture = postgresFixture(postgres);

/** A store on this test's database with a pool of its own, as another app instance would have. */
async function openStore(): Promise<TaskStore> {
  const pool = createPool((await fixture.state()).url);
  const store = createPgTaskStore(pool);
  return fixture.track({
    ...store,
    async close() {
      await store.close();
      await pool.end();
    },
  });
}

describe.skipIf(!postgres)(postgres ? "PostgreSQL" : `PostgreSQL (skipped: ${NO_POSTGRES})`, () => {
  describeTaskStore("PostgreSQL", () => ({ open: openStore }));
});
