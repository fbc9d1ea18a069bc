import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { postgresFixture } from "@/lib/testing/postgres-fixture";
import { NO_POSTGRES, postgresOrSkip, withClient } from "@/lib/testing/postgres";
import { closeWorlds, finished, world } from "@/lib/testing/world";

/** The composition root's choice of history backend. */

const postgres = await postgresOrSkip();
const fixture = postgresFixture(postgres);
afterEach(closeWorlds);

describe.skipIf(!postgres)(`DATABASE_URL${postgres ? "" : ` (skipped: ${NO_POSTGRES})`}`, () => {
  it("puts the history in PostgreSQL, where a restart and a second instance find it", async () => {
    const { url } = await fixture.state();
    const first = world({ env: { DATABASE_URL: url } });
    const task = await finished(first.tasks, "a lighthouse in fog");

    const { rows } = await withClient(url, (client) =>
      client.query<{ status: string; prompt: string }>("SELECT status, prompt FROM tasks WHERE id = $1", [
        task.id,
      ]),
    );
    expect(rows).toEqual([{ status: "SUCCESS", prompt: "a lighthouse in fog" }]);
    expect(fs.existsSync(path.join(first.dir, "mj-studio.sqlite"))).toBe(false);

    await first.restart();
    expect(await first.store.get(task.id)).toMatchObject({ status: "SUCCESS" });
    // Another instance (its own DATA_DIR) on the same database lists it.
    const second = world({ env: { DATABASE_URL: url } });
    const page = await second.store.list({ limit: 10, cursor: null });
    expect(page.items.map((t) => t.id)).toEqual([task.id]);
  });
});
