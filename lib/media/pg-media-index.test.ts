import { describe, expect, it } from "vitest";
import { createPool, type Pool } from "@/lib/store/postgres";
import { NO_POSTGRES, postgresOrSkip } from "@/lib/testing/postgres";
import { postgresFixture } from "@/lib/testing/postgres-fixture";
import { describeMediaIndex } from "./media-index.contract";
import { createPgMediaIndex } from "./pg-media-index";

/** The MediaIndex contract on a real PostgreSQL (a schema of its own per test), and what a cluster adds. */

const postgres = await postgresOrSkip();
const fixture = postgresFixture(postgres);

async function pool(): Promise<Pool> {
  const opened = createPool((await fixture.state()).url, () => {});
  fixture.track({ close: () => opened.end() });
  return opened;
}

describe.skipIf(!postgres)(
  `the media index on PostgreSQL${postgres ? "" : ` (skipped: ${NO_POSTGRES})`}`,
  () => {
    describeMediaIndex("postgres", async () => {
      const index = createPgMediaIndex(await pool());
      // The fixture drops the schema after each test.
      return { index, cleanup: () => index.close() };
    });

    it("gives each pending job to one runner when instances claim the same jobs at once", async () => {
      const [a, b] = [createPgMediaIndex(await pool()), createPgMediaIndex(await pool())];
      const ids = Array.from({ length: 40 }, (_, i) => `task-${i}`);
      for (const id of ids) await a!.openJob(id, 1);
      const claims = await Promise.all(
        ids.flatMap((id) => [
          a!.claimJob(id, "a", 10, 60_000),
          b!.claimJob(id, "b", 10, 60_000),
          a!.claimJob(id, "a2", 10, 60_000),
        ]),
      );
      const held = claims.filter((job) => job !== null).map((job) => job.taskId);
      expect(held.sort()).toEqual([...ids].sort());
    });

    it("serves on one instance what another cached", async () => {
      const [a, b] = [createPgMediaIndex(await pool()), createPgMediaIndex(await pool())];
      await a!.putFile(
        {
          taskId: "t",
          slot: "image",
          key: "media/t/image.png",
          contentType: "image/png",
          bytes: 5_000_000_000,
          sha256: "c".repeat(64),
          source: "v1",
        },
        1,
      );
      expect(await b!.file("t", "image")).toMatchObject({ key: "media/t/image.png", bytes: 5_000_000_000 });
    });
  },
);
