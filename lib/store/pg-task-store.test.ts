import { describe, expect, it } from "vitest";
import { taskSchema } from "@/lib/mj/task";
import { postgresFixture } from "@/lib/testing/postgres-fixture";
import { NO_POSTGRES, openPgTaskStore, postgresOrSkip } from "@/lib/testing/postgres";
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
