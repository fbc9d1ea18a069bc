import { describe, expect, it } from "vitest";
import { postgresFixture } from "@/lib/testing/postgres-fixture";
import { NO_POSTGRES, postgresOrSkip } from "@/lib/testing/postgres";
import { until } from "@/lib/testing/wait";
import type { ClusterListener } from "./cluster";
import { createPgCluster, type PgCluster } from "./pg-cluster";
import { createPool, type Pool } from "./postgres";

/**
 * The Cluster port on a real PostgreSQL (a schema of its own per test): one lease holder among
 * instances, the lease passing on when its holder stops or dies, and announcements reaching the
 * other instances in payloads NOTIFY takes. Real time: the lease's clock is the database's.
 */

const postgres = await postgresOrSkip();
const fixture = postgresFixture(postgres);
// Production polls every 2 s; a shorter lease here, still long enough for a busy machine.
const INTERVAL = 1_000;

async function pool(): Promise<Pool> {
  const opened = createPool((await fixture.state()).url, () => {});
  fixture.track({ close: () => opened.end() });
  return opened;
}

/** An instance with its own pool (so it can die alone), and what its listener heard. */
async function instance(name: string) {
  const own = await pool();
  const heard = { changed: [] as string[], led: 0, rescans: 0 };
  const listener: ClusterListener = {
    changed: (ids) => heard.changed.push(...ids),
    led: () => (heard.led += 1),
    rescan: () => (heard.rescans += 1),
  };
  const cluster = fixture.track(
    createPgCluster({
      pool: own,
      url: (await fixture.state()).url,
      intervalMs: INTERVAL,
      instanceId: name,
      log: () => {},
    }),
  );
  cluster.listen(listener);
  return { name, pool: own, cluster, heard };
}

const leaders = <T extends { cluster: PgCluster }>(instances: T[]) =>
  instances.filter((i) => i.cluster.isLeader());
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(!postgres)(
  `the Cluster port on PostgreSQL${postgres ? "" : ` (skipped: ${NO_POSTGRES})`}`,
  () => {
    it("gives the lease to one instance at a time, which keeps it while it lives", async () => {
      const all = [await instance("a"), await instance("b"), await instance("c")];
      const [first] = await until(async () => leaders(all).length === 1 && leaders(all), "a leader");
      expect(first!.heard.led).toBe(1);
      for (let sample = 0; sample < 12; sample++) {
        await sleep(INTERVAL / 4);
        expect(leaders(all).map((i) => i.name)).toEqual([first!.name]);
      }
      for (const other of all) if (other !== first) expect(other.heard.led).toBe(0);
    });

    it("passes the lease on within two intervals when its holder dies, and at once when it stops", async () => {
      const all = [await instance("a"), await instance("b"), await instance("c")];
      const [dying] = await until(async () => leaders(all).length === 1 && leaders(all), "a leader");
      // A death: its connections go, the lease row stays until it expires.
      await dying!.pool.end();
      const diedAt = Date.now();
      const living = all.filter((i) => i !== dying);
      const [heir] = await until(async () => leaders(living).length === 1 && leaders(living), "an heir", {
        intervalMs: 5,
      });
      expect(Date.now() - diedAt).toBeLessThanOrEqual(2 * INTERVAL + 400);
      expect(heir!.heard.led).toBe(1);
      // The dead one does not count itself the poller once its lease has run out.
      expect(dying!.cluster.isLeader()).toBe(false);

      // A shutdown hands it back: the last one takes it at its next renewal (half an interval).
      await heir!.cluster.close();
      const stoppedAt = Date.now();
      const last = living.filter((i) => i !== heir);
      await until(async () => leaders(last).length === 1, "the last one leading", { intervalMs: 5 });
      expect(Date.now() - stoppedAt).toBeLessThanOrEqual(INTERVAL / 2 + 400);
    });

    it("tells the others what the holder's polls fail with, as it renews the lease", async () => {
      const all = [await instance("a"), await instance("b")];
      const [holder] = await until(async () => leaders(all).length === 1 && leaders(all), "a leader");
      const other = all.find((i) => i !== holder)!;
      const fault = { code: "upstream_timeout", message: "The upstream did not answer in time." } as const;
      other.cluster.reportFault({ code: "internal", message: "not the poller: never heard" });
      holder!.cluster.reportFault(fault);
      await until(async () => other.cluster.fault(), "the fault heard");
      expect(other.cluster.fault()).toEqual(fault);
      expect(holder!.cluster.fault()).toBeNull();
      holder!.cluster.reportFault(null);
      await until(async () => other.cluster.fault() === null, "the recovery heard");
    });

    it("tells every other instance which tasks one changed, in as many notifications as needed", async () => {
      const [a, b, c] = [await instance("a"), await instance("b"), await instance("c")];
      // 64-character ids: 500 of them are four times what one notification may carry.
      const ids = Array.from({ length: 500 }, (_, i) => `${String(i).padStart(4, "0")}${"x".repeat(60)}`);
      await sleep(INTERVAL); // the feeds are listening
      a!.cluster.announce(ids);
      await until(async () => b!.heard.changed.length === 500 && c!.heard.changed.length === 500, "the ids");
      expect([...b!.heard.changed].sort()).toEqual(ids);
      expect(a!.heard.changed).toEqual([]);

      // A payload that is not ids (another program on the channel) is not passed on.
      await a!.pool.query("SELECT pg_notify('mj_tasks', $1)", ["x ../../etc/passwd,a b"]);
      b!.cluster.announce(["after"]);
      await until(async () => a!.heard.changed.includes("after"), "the next announcement");
      expect(a!.heard.changed).toEqual(["after"]);
    });

    it("opens one listening connection however many times listen() is called while it connects", async () => {
      const own = await pool();
      const cluster = fixture.track(
        createPgCluster({ pool: own, url: (await fixture.state()).url, intervalMs: INTERVAL, log: () => {} }),
      );
      const first: string[] = [];
      const second: string[] = [];
      const listenerOf = (heard: string[]): ClusterListener => ({
        changed: (ids) => heard.push(...ids),
        led: () => {},
        rescan: () => {},
      });
      // The second call comes before the first one's connect has had a chance to finish.
      cluster.listen(listenerOf(first));
      cluster.listen(listenerOf(second));
      const listening = async () =>
        Number(
          (
            await own.query<{ n: string }>(
              "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND query = 'LISTEN mj_tasks'",
            )
          ).rows[0]!.n,
        );
      await until(async () => (await listening()) > 0, "the feed listening");
      await sleep(INTERVAL / 2); // a second connect, were there one, would have finished by now
      expect(await listening()).toBe(1);
      await own.query("SELECT pg_notify('mj_tasks', 'someone-else once')");
      await until(async () => second.length > 0, "the announcement");
      await sleep(INTERVAL / 4);
      expect(second).toEqual(["once"]);
      expect(first).toEqual([]);
    });

    it("reconnects a dropped feed and has the record read again", async () => {
      const [a, b] = [await instance("a"), await instance("b")];
      await sleep(INTERVAL);
      // End b's listening connection from the server's side.
      await a!.pool.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query = 'LISTEN mj_tasks'",
      );
      await until(async () => b!.heard.rescans > 0, "b reading the record again");
      a!.cluster.announce(["after-the-drop"]);
      await until(async () => b!.heard.changed.includes("after-the-drop"), "b hearing again");
    });
  },
);
