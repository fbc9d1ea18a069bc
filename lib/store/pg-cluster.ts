import { randomUUID } from "node:crypto";
import { ERROR_STATUS } from "@/lib/http/errors";
import { taskIdSchema } from "@/lib/mj/requests";
import type { Cluster, ClusterListener, PollerFault } from "./cluster";
import { listenPostgres, migratePostgres, type PgFeed, type PgMigration, type Pool } from "./postgres";

/**
 * The Cluster port on PostgreSQL, for instances sharing one database.
 *
 * The poller's lease is a row (`cluster_leases`: holder, expiry by the database's clock), taken
 * with one upsert that succeeds only for its holder or once it has expired. It is renewed twice
 * per poll interval and lasts one and a half, so when its holder dies another instance holds it
 * within two intervals, and polls at once. A row rather than `pg_try_advisory_lock`: a session
 * lock lives as long as a connection, so a hung instance (or one behind a partition the server
 * has not noticed) would keep it for good, and it cannot pass through a transaction-pooling
 * proxy; a row expires by itself and can be read (`SELECT * FROM cluster_leases`). The holder
 * counts itself the poller only until the time it sent its last successful renewal plus the
 * lease's length, by its own clock: the database grants the row to another only after that.
 * The holder writes what its polls fail with into the row as it renews; the others read it then.
 *
 * What an instance records is announced with NOTIFY on one channel: the sender's id and task ids
 * (a payload must stay under 8000 bytes, so many ids go in several), never tasks; the listeners
 * read the record. Each instance LISTENs on a connection of its own (`listenPostgres`) and
 * reconnects when it drops, then reads the record again.
 */

export const CLUSTER_CHANNEL = "mj_tasks";
const POLLER_LEASE = "poller";
/** Under the 8000 bytes NOTIFY takes, with room for the sender's id. */
const PAYLOAD_BYTES = 7_500;

const MIGRATIONS: PgMigration[] = [
  {
    version: 1,
    name: "leases",
    up: `CREATE TABLE cluster_leases (
           name       text PRIMARY KEY,
           holder     text NOT NULL,
           expires_at timestamptz NOT NULL,
           fault      jsonb
         )`,
  },
];

export interface PgClusterOptions {
  pool: Pool;
  /** The database's URL, for the connection that listens. */
  url: string;
  /** The poller's interval: the lease is renewed every half of it and lasts one and a half. */
  intervalMs: number;
  /** This instance's name in the lease and the notifications (default: a random one). */
  instanceId?: string;
  log?: (message: string) => void;
}

export type PgCluster = Cluster & { readonly instanceId: string };

export function createPgCluster({
  pool,
  url,
  intervalMs,
  instanceId = randomUUID(),
  log = console.warn,
}: PgClusterOptions): PgCluster {
  const leaseMs = Math.round(intervalMs * 1.5);
  const renewMs = Math.max(1, Math.round(intervalMs / 2));
  let listener: ClusterListener | null = null;
  let closed = false;
  /**
   * Until when (this process's monotonic clock: a wall clock stepped back by NTP must not stretch
   * the lease) the lease is this instance's; 0 when it is not.
   */
  let leaderUntil = 0;
  const isLeader = () => performance.now() < leaderUntil;
  /** What this instance's polls fail with (written while it holds the lease), and what the holder's do. */
  let reported: PollerFault | null = null;
  let holdersReport: PollerFault | null = null;
  const ready = migratePostgres(pool, "cluster", MIGRATIONS);

  // ── the lease ────────────────────────────────────────────────────────────────────────────────
  let renewTimer: ReturnType<typeof setTimeout> | null = null;
  let renewing: Promise<void> = Promise.resolve();
  let renewFailing = false;

  async function renew(): Promise<void> {
    const sentAt = performance.now();
    const wasLeader = isLeader();
    try {
      await ready;
      const { rowCount } = await pool.query(
        `INSERT INTO cluster_leases (name, holder, expires_at, fault)
         VALUES ($1, $2, now() + $3 * interval '1 millisecond', $4)
         ON CONFLICT (name) DO UPDATE
           SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at, fault = EXCLUDED.fault
           WHERE cluster_leases.holder = EXCLUDED.holder OR cluster_leases.expires_at < now()`,
        [POLLER_LEASE, instanceId, leaseMs, reported && JSON.stringify(reported)],
      );
      if (closed) return;
      leaderUntil = rowCount ? sentAt + leaseMs : 0;
      // A fault this instance saw while it polled is not the next holder's to report.
      if (!rowCount) reported = null;
      holdersReport = rowCount ? null : await holdersFault();
      if (renewFailing) log("[cluster] the lease can be renewed again");
      renewFailing = false;
    } catch (error) {
      // Whatever was held lapses by itself (leaderUntil); another instance may hold it then.
      if (!renewFailing) log(`[cluster] could not renew the poller's lease: ${String(error)}`);
      renewFailing = true;
    }
    if (!wasLeader && isLeader()) {
      log(`[cluster] this instance (${instanceId}) polls the upstream now`);
      listener?.led();
    }
  }

  async function holdersFault(): Promise<PollerFault | null> {
    const { rows } = await pool.query<{ fault: { code?: unknown; message?: unknown } | null }>(
      "SELECT fault FROM cluster_leases WHERE name = $1 AND expires_at > now()",
      [POLLER_LEASE],
    );
    const { code, message } = rows[0]?.fault ?? {};
    return typeof code === "string" && Object.hasOwn(ERROR_STATUS, code) && typeof message === "string"
      ? { code: code as PollerFault["code"], message }
      : null;
  }

  function scheduleRenew(): void {
    if (closed) return;
    renewTimer = setTimeout(() => {
      renewTimer = null;
      renewing = renew().finally(scheduleRenew);
    }, renewMs);
    renewTimer.unref?.();
  }
  renewing = renew().finally(scheduleRenew);

  // ── the feed ─────────────────────────────────────────────────────────────────────────────────
  let feed: PgFeed | null = null;

  function heard(payload: string | undefined): void {
    const separator = payload?.indexOf(" ") ?? -1;
    if (!payload || separator < 0 || payload.slice(0, separator) === instanceId) return;
    const ids = payload
      .slice(separator + 1)
      .split(",")
      .filter((id) => taskIdSchema.safeParse(id).success);
    if (ids.length > 0) listener?.changed(ids);
  }

  /** Task ids as payloads under NOTIFY's limit: `<instance id> <id>,<id>,…`. */
  function payloads(ids: readonly string[]): string[] {
    const out: string[] = [];
    let current: string[] = [];
    let bytes = 0;
    for (const id of ids) {
      if (current.length > 0 && bytes + id.length + 1 > PAYLOAD_BYTES) {
        out.push(`${instanceId} ${current.join(",")}`);
        current = [];
        bytes = 0;
      }
      current.push(id);
      bytes += id.length + 1;
    }
    if (current.length > 0) out.push(`${instanceId} ${current.join(",")}`);
    return out;
  }

  return {
    instanceId,
    isLeader,

    reportFault(fault) {
      reported = fault;
    },
    fault: () => (isLeader() ? null : holdersReport),

    announce(ids) {
      if (closed) return;
      for (const payload of payloads(ids)) {
        pool
          .query("SELECT pg_notify($1, $2)", [CLUSTER_CHANNEL, payload])
          .catch((error: unknown) => log(`[cluster] could not announce task changes: ${String(error)}`));
      }
    },

    listen(next) {
      listener = next;
      // One feed however often listen() is called: a second call (even while the first one's
      // connection is still being made) takes the listener over, not a second connection.
      const own = (feed ??= listenPostgres({
        url,
        channel: CLUSTER_CHANNEL,
        heard,
        // What was announced while the feed was down is in the record; read it again.
        connected: (afterFault) => {
          if (afterFault) listener?.rescan();
        },
        log: (message) => log(`[cluster] ${message}`),
      }));
      return () => {
        // A later listen() took over: the feed is its own now.
        if (listener !== next) return;
        listener = null;
        if (feed === own) feed = null;
        void own.close();
      };
    },

    async close() {
      closed = true;
      listener = null;
      if (renewTimer) clearTimeout(renewTimer);
      renewTimer = null;
      await renewing.catch(() => {});
      await feed?.close();
      feed = null;
      if (isLeader()) {
        // Handed back at once: another instance need not wait for it to expire.
        await pool
          .query("DELETE FROM cluster_leases WHERE name = $1 AND holder = $2", [POLLER_LEASE, instanceId])
          .catch(() => {});
      }
      leaderUntil = 0;
    },
  };
}
