import { describe, expect, it } from "vitest";
import { postgresFixture } from "@/lib/testing/postgres-fixture";
import { NO_POSTGRES, postgresOrSkip, withClient } from "@/lib/testing/postgres";
import { until } from "@/lib/testing/wait";
import type { AuthState } from "./auth-state";
import { describeAuthState } from "./auth-state.contract";
import { createPgAuthState, SIGN_OUT_CHANNEL } from "./pg-auth-state";
import { createPool } from "./postgres";

/**
 * The PostgreSQL adapter, each test on a schema of its own: the port's contract with several
 * instances (each its own pool and feed, as app instances have) on one database.
 */

const postgres = await postgresOrSkip();
const fixture = postgresFixture(postgres);

async function open(): Promise<AuthState> {
  const { url } = await fixture.state();
  const pool = createPool(url, () => {});
  const state = createPgAuthState({ pool, url, log: () => {} });
  return fixture.track({
    ...state,
    async close() {
      await state.close();
      await pool.end();
    },
  });
}

describe.skipIf(!postgres)(postgres ? "PostgreSQL" : `PostgreSQL (skipped: ${NO_POSTGRES})`, () => {
  describeAuthState("PostgreSQL", { open, shared: true });

  it("reads the sign-outs again when its feed reconnects, so none announced meanwhile is missed", async () => {
    const [a, b] = [await open(), await open()];
    await Promise.all([a.loaded(), b.loaded()]);
    const { url } = await fixture.state();
    // Every feed on this database drops; A signs out before B listens again.
    const dropped = await withClient(url, (client) =>
      client.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query = $1",
        [`LISTEN ${SIGN_OUT_CHANNEL}`],
      ),
    );
    expect(dropped.rowCount).toBe(2);
    const gone = "a".repeat(22);
    await a.signOut(gone, Math.floor(Date.now() / 1000) + 3600);
    await until(async () => b.isSignedOut(gone), "instance B reading the sign-outs again");
  });

  it("reads the sign-outs again on a timer, for a feed dropped without a word", async () => {
    const { url } = await fixture.state();
    const pool = createPool(url, () => {});
    fixture.track({ close: () => pool.end() });
    const b = fixture.track(createPgAuthState({ pool, url, rereadEveryMs: 100, log: () => {} }));
    await b.loaded();
    // Written without its announcement: as if B's feed had missed it.
    const unheard = "u".repeat(22);
    await pool.query("INSERT INTO signed_out (session_id, expires_at) VALUES ($1, $2)", [
      unheard,
      Math.floor(Date.now() / 1000) + 3600,
    ]);
    await until(async () => b.isSignedOut(unheard), "instance B reading the table again");
  });

  it("tries its migration again when the database was not up at start", async () => {
    const { url } = await fixture.state();
    const real = createPool(url, () => {});
    fixture.track({ close: () => real.end() });
    let down = true;
    const refused = () => Promise.reject(new Error("the database system is starting up"));
    // The same pool, refusing every query and connection while `down`.
    const pool = new Proxy(real, {
      get(target, name, receiver) {
        if (name === "query" || name === "connect")
          return (...args: unknown[]) =>
            down
              ? refused()
              : (Reflect.get(target, name, receiver) as (...a: unknown[]) => unknown).apply(target, args);
        return Reflect.get(target, name, receiver) as unknown;
      },
    });
    const state = fixture.track(createPgAuthState({ pool, url, log: () => {} }));
    await state.loaded();
    await expect(state.count({ name: "login", windowMs: 60_000 }, "client")).rejects.toThrow(/starting up/);
    down = false;
    expect((await state.count({ name: "login", windowMs: 60_000 }, "client")).count).toBe(1);
    const later = "l".repeat(22);
    await state.signOut(later, Math.floor(Date.now() / 1000) + 3600);
    const { rows } = await real.query("SELECT 1 FROM signed_out WHERE session_id = $1", [later]);
    expect(rows).toHaveLength(1);
  });

  it("prunes ended windows and expired sign-outs from the tables", async () => {
    const { url } = await fixture.state();
    const pool = createPool(url, () => {});
    fixture.track({ close: () => pool.end() });
    const first = createPgAuthState({ pool, url, log: () => {} });
    await first.loaded();
    await first.count({ name: "short", windowMs: 1 }, "a");
    await first.count({ name: "long", windowMs: 60_000 }, "a");
    await first.signOut("expired", Math.floor(Date.now() / 1000) - 5);
    await first.close();
    // The next instance prunes at start.
    const next = createPgAuthState({ pool, url, log: () => {} });
    fixture.track(next);
    await next.loaded();
    const rows = async () =>
      (
        await pool.query<{ n: string }>(
          "SELECT (SELECT count(*) FROM rate_windows) + (SELECT count(*) FROM signed_out) AS n",
        )
      ).rows[0]!.n;
    expect(await until(async () => (await rows()) === "1" && "1", "pruned rows")).toBe("1");
  });
});
