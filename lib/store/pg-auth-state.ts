import type { AuthState, RateWindow } from "./auth-state";
import { listenPostgres, migratePostgres, type PgMigration, type Pool } from "./postgres";

/**
 * The AuthState port on PostgreSQL, for instances sharing one database.
 *
 * Sign-outs are rows of `signed_out` (session id, expiry in Unix seconds), each announced with
 * NOTIFY on a channel of their own as it is written. Every instance keeps the set in memory, read
 * at start and again whenever its feed reconnects (what was announced meanwhile was missed), and
 * adds what it hears: checking a session costs no round trip. A sign-out on one instance is
 * refused on the others once the notification arrives (milliseconds on a healthy database; while
 * an instance's feed is down, once it reconnects and reads the table again, within 15 s; and the
 * table is read again every 30 s whatever the feed says, for a feed dropped without a word).
 *
 * Rate limits are rows of `rate_windows` (counter, key, events, end by the database's clock),
 * counted with one upsert that opens a new window when the last one has ended: the row lock
 * serialises concurrent counts, so every instance sees each count once and a limit holds exactly
 * across them. Only counted requests (a login, a submission) make that round trip. The table is
 * UNLOGGED: a count skips the write-ahead log and its flush (about 0.5 ms a count on a local
 * database instead of 1 to 4), at the price of the counts, never the sign-outs, being emptied by a
 * database crash and not reaching a standby, so a crash or failover starts every window afresh, as
 * restarting a lone instance always did.
 *
 * Ended windows and expired sign-outs are deleted at start and every `pruneEveryMs` by whichever
 * instance gets there (deleting twice is harmless).
 */

export const SIGN_OUT_CHANNEL = "mj_signouts";
const PRUNE_EVERY_MS = 10 * 60 * 1000;
const REREAD_EVERY_MS = 30_000;
/** `<session id> <expiry>`, as announced. */
const PAYLOAD = /^([A-Za-z0-9_-]{1,64}) (\d{1,12})$/;

const MIGRATIONS: PgMigration[] = [
  {
    version: 1,
    name: "sign-outs and rate windows",
    up: `
      CREATE TABLE signed_out (
        session_id text PRIMARY KEY,
        expires_at bigint NOT NULL
      );
      CREATE INDEX signed_out_expiry ON signed_out (expires_at);
      CREATE UNLOGGED TABLE rate_windows (
        name    text NOT NULL,
        key     text NOT NULL,
        events  integer NOT NULL,
        ends_at timestamptz NOT NULL,
        PRIMARY KEY (name, key)
      );
      CREATE INDEX rate_windows_end ON rate_windows (ends_at);
    `,
  },
];

export interface PgAuthStateOptions {
  pool: Pool;
  /** The database's URL, for the connection that listens. */
  url: string;
  pruneEveryMs?: number;
  /** How often the sign-outs are read again whatever the feed says (default 30 s). */
  rereadEveryMs?: number;
  log?: (message: string) => void;
}

export function createPgAuthState({
  pool,
  url,
  pruneEveryMs = PRUNE_EVERY_MS,
  rereadEveryMs = REREAD_EVERY_MS,
  log = console.warn,
}: PgAuthStateOptions): AuthState {
  /** Session id → expiry (Unix seconds): every sign-out this instance knows of. */
  const signedOut = new Map<string, number>();
  // Tried again after a failure: an instance started before its database came up must not stay
  // unable to read sign-outs, count logins or record a sign-out until it is restarted.
  let migrating: Promise<void> | null = null;
  const migrated = (): Promise<void> =>
    (migrating ??= migratePostgres(pool, "auth", MIGRATIONS).catch((error: unknown) => {
      migrating = null;
      throw error;
    }));
  migrated().catch(() => {});

  function remember(sessionId: string, expiresAt: number): void {
    if (expiresAt * 1000 > Date.now()) signedOut.set(sessionId, expiresAt);
  }

  async function readSignOuts(): Promise<void> {
    await migrated();
    const { rows } = await pool.query<{ session_id: string; expires_at: string }>(
      "SELECT session_id, expires_at FROM signed_out WHERE expires_at > extract(epoch FROM now())",
    );
    for (const row of rows) remember(row.session_id, Number(row.expires_at));
  }

  const readAgain = () =>
    readSignOuts().catch((error: unknown) => log(`[auth] could not read the sign-outs: ${String(error)}`));

  // Listening before reading: a sign-out written in between is heard, not lost.
  const feed = listenPostgres({
    url,
    channel: SIGN_OUT_CHANNEL,
    heard(payload) {
      const match = PAYLOAD.exec(payload ?? "");
      if (match) remember(match[1]!, Number(match[2]));
    },
    connected: (afterFault) => {
      if (afterFault) void readAgain();
    },
    log: (message) => log(`[auth] ${message}`),
  });
  const loaded = feed.started.then(readAgain);

  async function prune(): Promise<void> {
    const now = Date.now();
    for (const [id, expiresAt] of signedOut) if (expiresAt * 1000 <= now) signedOut.delete(id);
    await migrated();
    await pool.query(
      `DELETE FROM signed_out WHERE expires_at <= extract(epoch FROM now());
       DELETE FROM rate_windows WHERE ends_at <= now();`,
    );
  }
  const pruneNow = () =>
    prune().catch((error: unknown) => log(`[auth] could not prune ended windows: ${String(error)}`));
  void loaded.then(pruneNow);
  const pruneTimer = setInterval(pruneNow, pruneEveryMs);
  pruneTimer.unref?.();
  // A feed a NAT or balancer dropped without a word hears nothing until TCP notices (minutes):
  // the table, small (unexpired sign-outs only), is read again meanwhile all the same.
  const rereadTimer = setInterval(() => void readAgain(), rereadEveryMs);
  rereadTimer.unref?.();

  const keyOf = (window: RateWindow, key: string) => [window.name, key];

  return {
    isSignedOut: (sessionId) => {
      const expiresAt = signedOut.get(sessionId);
      return expiresAt !== undefined && expiresAt * 1000 > Date.now();
    },

    async signOut(sessionId, expiresAt) {
      // Refused here at once, whatever the database says; the others once they hear of it.
      remember(sessionId, expiresAt);
      await migrated();
      // One statement, so the row and its announcement are committed together.
      await pool.query(
        `WITH recorded AS (
           INSERT INTO signed_out (session_id, expires_at) VALUES ($1, $2) ON CONFLICT (session_id) DO NOTHING
         )
         SELECT pg_notify($3, $4)`,
        [sessionId, expiresAt, SIGN_OUT_CHANNEL, `${sessionId} ${expiresAt}`],
      );
    },

    async count(window, key) {
      await migrated();
      const { rows } = await pool.query<{ events: number; ends_in_ms: number }>(
        `INSERT INTO rate_windows AS w (name, key, events, ends_at)
         VALUES ($1, $2, 1, now() + $3::double precision * interval '1 millisecond')
         ON CONFLICT (name, key) DO UPDATE SET
           events  = CASE WHEN w.ends_at <= now() THEN 1 ELSE w.events + 1 END,
           ends_at = CASE WHEN w.ends_at <= now() THEN EXCLUDED.ends_at ELSE w.ends_at END
         RETURNING w.events, ceil(extract(epoch FROM w.ends_at - now()) * 1000)::integer AS ends_in_ms`,
        [...keyOf(window, key), window.windowMs],
      );
      const row = rows[0]!;
      return { count: row.events, endsInMs: Math.max(0, row.ends_in_ms) };
    },

    async uncount(window, key) {
      await migrated();
      await pool.query(
        `UPDATE rate_windows SET events = events - 1
         WHERE name = $1 AND key = $2 AND events > 0 AND ends_at > now()`,
        keyOf(window, key),
      );
    },

    async reset(window, key) {
      await migrated();
      await pool.query("DELETE FROM rate_windows WHERE name = $1 AND key = $2", keyOf(window, key));
    },

    loaded: () => loaded,

    async close() {
      clearInterval(pruneTimer);
      clearInterval(rereadTimer);
      await feed.close();
      await loaded;
    },
  };
}
