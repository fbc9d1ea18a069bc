import pg from "pg";

/**
 * The PostgreSQL plumbing every `pg-*` adapter shares: one connection pool per process (built by
 * the composition root from DATABASE_URL and handed to each adapter), and the versioned
 * migration runner each adapter calls at start with its own list.
 */

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;

export function createPool(url: string, log: (message: string) => void = console.warn, max = 10): Pool {
  const pool = new pg.Pool({ connectionString: url, max, connectionTimeoutMillis: 10_000 });
  // An idle client whose connection drops (a server restart, a failover) emits "error" on the
  // pool; unhandled, that would end the process. The pool replaces the client by itself.
  pool.on("error", (error) => log(`[postgres] idle connection lost: ${error.message}`));
  return pool;
}

const RECONNECT_MAX_MS = 15_000;

export interface PgFeedOptions {
  /** The database's URL: the feed listens on a connection of its own. */
  url: string;
  channel: string;
  /** A notification on the channel (from any instance, this one included). */
  heard(payload: string | undefined): void;
  /**
   * The feed listens (again). `afterFault`: it had dropped or failed to connect, so what was
   * announced meanwhile was missed and should be read from the record.
   */
  connected(afterFault: boolean): void;
  log(message: string): void;
}

export interface PgFeed {
  /** Settles once the first attempt to listen has succeeded or failed (it retries by itself). */
  readonly started: Promise<void>;
  close(): Promise<void>;
}

/**
 * LISTENs on `channel` on a connection of its own (a pooled one is handed to other queries
 * between notifications), and reconnects with a growing wait when it drops.
 */
export function listenPostgres({ url, channel, heard, connected, log }: PgFeedOptions): PgFeed {
  let feed: pg.Client | null = null;
  let closed = false;
  let reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  let reconnects = 0;

  async function connect(): Promise<void> {
    // keepAlive: an idle LISTEN connection dropped by a NAT or balancer would otherwise never
    // say so, and this instance would stop hearing the others.
    const client = new pg.Client({
      connectionString: url,
      connectionTimeoutMillis: 10_000,
      keepAlive: true,
      // The first probe after 10 s idle, not the system's default two hours.
      keepAliveInitialDelayMillis: 10_000,
    });
    let lost = false;
    const onLost = (error?: Error) => {
      if (lost) return;
      lost = true;
      if (feed === client) feed = null;
      client.end().catch(() => {});
      if (closed) return;
      log(`the notification feed dropped${error ? `: ${error.message}` : ""}; reconnecting`);
      reconnectLater();
    };
    client.on("notification", (message) => {
      if (message.channel === channel) heard(message.payload);
    });
    client.on("error", onLost);
    client.on("end", () => onLost());
    try {
      await client.connect();
      await client.query(`LISTEN ${channel}`);
    } catch (error) {
      onLost(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    if (closed) {
      lost = true;
      await client.end().catch(() => {});
      return;
    }
    feed = client;
    connected(reconnects > 0);
    reconnects = 0;
  }

  function reconnectLater(): void {
    if (reconnectTimer) return;
    reconnects += 1;
    reconnectTimer = setTimeout(
      () => {
        reconnectTimer = null;
        void connect();
      },
      Math.min(RECONNECT_MAX_MS, 500 * 2 ** Math.min(reconnects, 5)),
    );
    reconnectTimer.unref?.();
  }

  return {
    started: connect(),
    close() {
      closed = true;
      if (reconnectTimer) clearTimeout(reconnectTimer);
      reconnectTimer = null;
      const client = feed;
      feed = null;
      return client ? client.end().catch(() => {}) : Promise.resolve();
    },
  };
}

/** Runs `work` in one transaction on one client: committed if it resolves, rolled back if it throws. */
export async function transaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const result = await work(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

export interface PgMigration {
  /** 1, 2, 3, … in order within its component; recorded in `schema_migrations` once applied. */
  version: number;
  name: string;
  /** SQL, or code for what SQL alone cannot do; runs in one transaction with its record. */
  up: string | ((client: PoolClient) => Promise<void>);
}

/**
 * Any fixed number shared by every instance: the session-level advisory lock all migrations run
 * under, whichever component they belong to.
 */
const MIGRATION_LOCK = 0x6d6a_5354; // "mjST"

/**
 * Brings `component`'s tables (the task store's "tasks", the media index's, …) up to the last of
 * `migrations`. Instances starting together queue on one advisory lock, and each re-reads what
 * is applied once it holds it, so every migration runs once. Each runs in its own transaction
 * with its row in `schema_migrations`: a failed one leaves the database at the previous version.
 * A database migrated by a newer build (a version this one does not know) is refused.
 */
export async function migratePostgres(
  pool: Pool,
  component: string,
  migrations: readonly PgMigration[],
): Promise<void> {
  const latest = migrations.at(-1)?.version ?? 0;
  const client = await pool.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK]);
    try {
      await client.query(`
        CREATE TABLE IF NOT EXISTS schema_migrations (
          component  text NOT NULL,
          version    integer NOT NULL,
          name       text NOT NULL,
          applied_at timestamptz NOT NULL DEFAULT now(),
          PRIMARY KEY (component, version)
        )
      `);
      const { rows } = await client.query<{ version: number | null }>(
        "SELECT max(version) AS version FROM schema_migrations WHERE component = $1",
        [component],
      );
      const current = rows[0]?.version ?? 0;
      if (current > latest) {
        throw new Error(
          `The PostgreSQL database has ${component} schema version ${current}, but this build of MJ ` +
            `Studio only knows versions up to ${latest}. It was migrated by a newer version: upgrade ` +
            `MJ Studio, or point DATABASE_URL at another database.`,
        );
      }
      for (const migration of migrations) {
        if (migration.version <= current) continue;
        await client.query("BEGIN");
        try {
          if (typeof migration.up === "string") await client.query(migration.up);
          else await migration.up(client);
          await client.query("INSERT INTO schema_migrations (component, version, name) VALUES ($1, $2, $3)", [
            component,
            migration.version,
            migration.name,
          ]);
          await client.query("COMMIT");
        } catch (error) {
          await client.query("ROLLBACK").catch(() => {});
          throw error;
        }
      }
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK]);
    }
  } finally {
    client.release();
  }
}
