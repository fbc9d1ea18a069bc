import "server-only";
import { migratePostgres, type PgMigration, type Pool } from "@/lib/store/postgres";
import type { MediaFileRecord, MediaIndex, MediaJobRecord, MediaJobState } from "./media-index";
import type { MediaSlot } from "./urls";

/**
 * The MediaIndex in PostgreSQL, shared by the instances of a cluster (with a shared blob store):
 * what one cached, every one serves, and a job is run by one instance at a time. A runner holds a
 * job with a conditional UPDATE that skips a row another runner is taking right now
 * (`FOR UPDATE SKIP LOCKED`) instead of waiting for it: that runner is about to hold it anyway.
 * Times are the app's milliseconds, as `nextAt` is.
 */

const MIGRATIONS: PgMigration[] = [
  {
    version: 1,
    name: "media files and jobs",
    up: `
      CREATE TABLE media_files (
        task_id      text NOT NULL,
        slot         text NOT NULL,
        key          text NOT NULL,
        content_type text NOT NULL,
        bytes        bigint NOT NULL,
        sha256       text NOT NULL,
        source       text NOT NULL,
        created_at   bigint NOT NULL,
        PRIMARY KEY (task_id, slot)
      );
      CREATE TABLE media_jobs (
        task_id       text PRIMARY KEY,
        state         text NOT NULL,
        attempts      integer NOT NULL DEFAULT 0,
        next_at       bigint NOT NULL,
        error         text,
        claimed_until bigint NOT NULL DEFAULT 0
      );
      CREATE INDEX media_jobs_state ON media_jobs (state);
    `,
  },
  {
    // A hold names its runner, so only that runner renews it (holds are short and renewed now).
    version: 2,
    name: "media job holders",
    up: "ALTER TABLE media_jobs ADD COLUMN claimed_by text",
  },
];

interface FileRow {
  task_id: string;
  slot: string;
  key: string;
  content_type: string;
  /** bigint: pg hands it over as a string. */
  bytes: string;
  sha256: string;
  source: string;
}

interface JobRow {
  task_id: string;
  state: MediaJobState;
  attempts: number;
  next_at: string;
  error: string | null;
}

const toFile = (row: FileRow): MediaFileRecord => ({
  taskId: row.task_id,
  slot: row.slot as MediaSlot,
  key: row.key,
  contentType: row.content_type,
  bytes: Number(row.bytes),
  sha256: row.sha256,
  source: row.source,
});

const toJob = (row: JobRow): MediaJobRecord => ({
  taskId: row.task_id,
  state: row.state,
  attempts: row.attempts,
  nextAt: Number(row.next_at),
  error: row.error,
});

const JOB_COLUMNS = "task_id, state, attempts, next_at, error";

/** The index over `pool`; its tables are created (or brought up to date) before the first query. */
export function createPgMediaIndex(pool: Pool): MediaIndex {
  const ready = migratePostgres(pool, "media", MIGRATIONS);
  // A failed migration is answered by every query; this keeps it from also being unhandled.
  ready.catch(() => {});

  async function rows<T extends object>(sql: string, values: unknown[] = []): Promise<T[]> {
    await ready;
    return (await pool.query<T>(sql, values)).rows;
  }
  async function changes(sql: string, values: unknown[]): Promise<number> {
    await ready;
    return (await pool.query(sql, values)).rowCount ?? 0;
  }

  return {
    async file(taskId, slot) {
      const [row] = await rows<FileRow>("SELECT * FROM media_files WHERE task_id = $1 AND slot = $2", [
        taskId,
        slot,
      ]);
      return row ? toFile(row) : null;
    },
    async files(taskId) {
      // COLLATE "C": slots in byte order, as SQLite sorts them, whatever the database's locale.
      return (
        await rows<FileRow>('SELECT * FROM media_files WHERE task_id = $1 ORDER BY slot COLLATE "C"', [
          taskId,
        ])
      ).map(toFile);
    },
    async filesOf(taskIds) {
      return (
        await rows<FileRow>("SELECT * FROM media_files WHERE task_id = ANY($1::text[])", [[...taskIds]])
      ).map(toFile);
    },
    async fileFrom(taskId, source) {
      const [row] = await rows<FileRow>(
        "SELECT * FROM media_files WHERE task_id = $1 AND source = $2 LIMIT 1",
        [taskId, source],
      );
      return row ? toFile(row) : null;
    },
    async putFile(file, createdAt) {
      await changes(
        `INSERT INTO media_files (task_id, slot, key, content_type, bytes, sha256, source, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (task_id, slot) DO UPDATE SET key = EXCLUDED.key, content_type = EXCLUDED.content_type,
           bytes = EXCLUDED.bytes, sha256 = EXCLUDED.sha256, source = EXCLUDED.source,
           created_at = EXCLUDED.created_at`,
        [file.taskId, file.slot, file.key, file.contentType, file.bytes, file.sha256, file.source, createdAt],
      );
    },
    async deleteFile(taskId, slot) {
      await changes("DELETE FROM media_files WHERE task_id = $1 AND slot = $2", [taskId, slot]);
    },
    async job(taskId) {
      const [row] = await rows<JobRow>(`SELECT ${JOB_COLUMNS} FROM media_jobs WHERE task_id = $1`, [taskId]);
      return row ? toJob(row) : null;
    },
    async jobsOf(taskIds) {
      return (
        await rows<JobRow>(`SELECT ${JOB_COLUMNS} FROM media_jobs WHERE task_id = ANY($1::text[])`, [
          [...taskIds],
        ])
      ).map(toJob);
    },
    async putJobs(jobs) {
      if (jobs.length === 0) return;
      await changes(
        `INSERT INTO media_jobs (task_id, state, attempts, next_at, error)
         SELECT * FROM unnest($1::text[], $2::text[], $3::integer[], $4::bigint[], $5::text[])
         ON CONFLICT (task_id) DO UPDATE SET state = EXCLUDED.state, attempts = EXCLUDED.attempts,
           next_at = EXCLUDED.next_at, error = EXCLUDED.error, claimed_until = 0, claimed_by = NULL`,
        [
          jobs.map((job) => job.taskId),
          jobs.map((job) => job.state),
          jobs.map((job) => job.attempts),
          jobs.map((job) => job.nextAt),
          jobs.map((job) => job.error),
        ],
      );
    },
    async pendingJobs() {
      return (await rows<JobRow>(`SELECT ${JOB_COLUMNS} FROM media_jobs WHERE state = 'pending'`)).map(toJob);
    },
    async claimJob(taskId, holder, now, holdMs) {
      const [row] = await rows<JobRow>(
        `UPDATE media_jobs SET claimed_until = $2 + $3, claimed_by = $4
         WHERE task_id = (
           SELECT task_id FROM media_jobs
           WHERE task_id = $1 AND state = 'pending' AND claimed_until <= $2
           FOR UPDATE SKIP LOCKED
         )
         RETURNING ${JOB_COLUMNS}`,
        [taskId, now, holdMs, holder],
      );
      return row ? toJob(row) : null;
    },
    async renewClaim(taskId, holder, now, holdMs) {
      // Only while the hold still runs: once it has run out another runner may have the job.
      return (
        (await changes(
          `UPDATE media_jobs SET claimed_until = $3 + $4
           WHERE task_id = $1 AND state = 'pending' AND claimed_by = $2 AND claimed_until > $3`,
          [taskId, holder, now, holdMs],
        )) > 0
      );
    },
    async dueJobs(now, limit) {
      return (
        await rows<JobRow>(
          `SELECT ${JOB_COLUMNS} FROM media_jobs
           WHERE state = 'pending' AND next_at <= $1 AND claimed_until <= $1
           ORDER BY next_at LIMIT $2`,
          [now, limit],
        )
      ).map(toJob);
    },
    async openJob(taskId, now) {
      return (
        (await changes(
          `INSERT INTO media_jobs (task_id, state, attempts, next_at) VALUES ($1, 'pending', 0, $2)
           ON CONFLICT (task_id) DO UPDATE SET state = 'pending', attempts = 0, next_at = EXCLUDED.next_at,
             claimed_until = 0
           WHERE media_jobs.state = 'failed'`,
          [taskId, now],
        )) > 0
      );
    },
    async reopenJob(taskId, now) {
      return (
        (await changes(
          `UPDATE media_jobs SET state = 'pending', attempts = 0, next_at = $1, claimed_until = 0
           WHERE task_id = $2 AND state = 'done'`,
          [now, taskId],
        )) > 0
      );
    },
    async retryFailedJobs(now) {
      await changes(
        "UPDATE media_jobs SET state = 'pending', attempts = 0, next_at = $1, claimed_until = 0 WHERE state = 'failed'",
        [now],
      );
    },
    async updateJob(taskId, { state, attempts, nextAt, error }, holder) {
      // claimed_by is the runner whose job it is (its hold run out or not), until an update lets it go.
      return (
        (await changes(
          `UPDATE media_jobs SET state = $1, attempts = $2, next_at = $3, error = $4, claimed_until = 0,
             claimed_by = NULL
           WHERE task_id = $5 AND ($6::text IS NULL OR claimed_by = $6)`,
          [state, attempts, nextAt, error, taskId, holder ?? null],
        )) > 0
      );
    },
    async deleteJob(taskId) {
      await changes("DELETE FROM media_jobs WHERE task_id = $1", [taskId]);
    },
    async forgetTask(taskId) {
      await ready;
      // One statement, so no reader sees the files gone and the job still there.
      await pool.query(
        `WITH files AS (DELETE FROM media_files WHERE task_id = $1)
         DELETE FROM media_jobs WHERE task_id = $1`,
        [taskId],
      );
    },
    // The pool is the composition root's, shared with the other PostgreSQL adapters.
    async close() {},
  };
}
