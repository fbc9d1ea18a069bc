import "server-only";
import { openDatabase } from "@/lib/store/database";
import type { MediaFileRecord, MediaIndex, MediaJobRecord, MediaJobState } from "./media-index";
import type { MediaSlot } from "./urls";

/**
 * The MediaIndex in its own SQLite file (`DATA_DIR/media/index.sqlite`), beside the blobs it
 * describes: deleting the media directory resets the cache coherently, and the history
 * database's migrations stay the history's.
 */

const MEDIA_MIGRATIONS: Parameters<typeof openDatabase>[1] = [
  {
    version: 1,
    name: "media files and jobs",
    up: `
      CREATE TABLE media_files (
        task_id      TEXT NOT NULL,
        slot         TEXT NOT NULL,
        file         TEXT NOT NULL,
        content_type TEXT NOT NULL,
        bytes        INTEGER NOT NULL,
        sha256       TEXT NOT NULL,
        source       TEXT NOT NULL,
        created_at   INTEGER NOT NULL,
        PRIMARY KEY (task_id, slot)
      ) WITHOUT ROWID;
      CREATE TABLE media_jobs (
        task_id  TEXT PRIMARY KEY,
        state    TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_at  INTEGER NOT NULL,
        error    TEXT
      ) WITHOUT ROWID;
      CREATE INDEX media_jobs_state ON media_jobs (state);
    `,
  },
  {
    // Files were paths under DATA_DIR/media; they are blob keys now, and the blob store rooted at
    // DATA_DIR keeps `media/<taskId>/<file>` where the file always was.
    version: 2,
    name: "media files name blob keys",
    up: `
      ALTER TABLE media_files RENAME COLUMN file TO key;
      UPDATE media_files SET key = 'media/' || key;
    `,
  },
];

interface FileRow {
  task_id: string;
  slot: string;
  key: string;
  content_type: string;
  bytes: number;
  sha256: string;
  source: string;
}

interface JobRow {
  task_id: string;
  state: MediaJobState;
  attempts: number;
  next_at: number;
  error: string | null;
}

const toFile = (row: FileRow): MediaFileRecord => ({
  taskId: row.task_id,
  slot: row.slot as MediaSlot,
  key: row.key,
  contentType: row.content_type,
  bytes: row.bytes,
  sha256: row.sha256,
  source: row.source,
});

const toJob = (row: JobRow): MediaJobRecord => ({
  taskId: row.task_id,
  state: row.state,
  attempts: row.attempts,
  nextAt: row.next_at,
  error: row.error,
});

export function createSqliteMediaIndex(filePath: string): MediaIndex {
  const db = openDatabase(filePath, MEDIA_MIGRATIONS);
  /**
   * Until when each held job is held. In memory: the file is one instance's, so a hold matters
   * only within this process, and a restart (even a SIGKILL) finds every job free.
   */
  const holds = new Map<string, { holder: string; until: number }>();
  const sql = {
    file: db.prepare<[string, string], FileRow>("SELECT * FROM media_files WHERE task_id = ? AND slot = ?"),
    files: db.prepare<[string], FileRow>("SELECT * FROM media_files WHERE task_id = ? ORDER BY slot"),
    fileFrom: db.prepare<[string, string], FileRow>(
      "SELECT * FROM media_files WHERE task_id = ? AND source = ? LIMIT 1",
    ),
    putFile: db.prepare(
      `INSERT OR REPLACE INTO media_files (task_id, slot, key, content_type, bytes, sha256, source, created_at)
       VALUES (@task_id, @slot, @key, @content_type, @bytes, @sha256, @source, @created_at)`,
    ),
    deleteFile: db.prepare<[string, string]>("DELETE FROM media_files WHERE task_id = ? AND slot = ?"),
    deleteFiles: db.prepare<[string]>("DELETE FROM media_files WHERE task_id = ?"),
    filesOf: db.prepare<[string], FileRow>(
      "SELECT * FROM media_files WHERE task_id IN (SELECT value FROM json_each(?))",
    ),
    job: db.prepare<[string], JobRow>("SELECT * FROM media_jobs WHERE task_id = ?"),
    jobsOf: db.prepare<[string], JobRow>(
      "SELECT * FROM media_jobs WHERE task_id IN (SELECT value FROM json_each(?))",
    ),
    putJob: db.prepare<[string, MediaJobState, number, number, string | null]>(
      "INSERT OR REPLACE INTO media_jobs (task_id, state, attempts, next_at, error) VALUES (?, ?, ?, ?, ?)",
    ),
    pending: db.prepare<[], JobRow>("SELECT * FROM media_jobs WHERE state = 'pending'"),
    due: db.prepare<[number], JobRow>(
      "SELECT * FROM media_jobs WHERE state = 'pending' AND next_at <= ? ORDER BY next_at",
    ),
    openJob: db.prepare<[string, number]>(
      `INSERT INTO media_jobs (task_id, state, attempts, next_at) VALUES (?, 'pending', 0, ?)
       ON CONFLICT (task_id) DO UPDATE SET state = 'pending', attempts = 0, next_at = excluded.next_at
       WHERE media_jobs.state = 'failed'`,
    ),
    reopenJob: db.prepare<[number, string]>(
      "UPDATE media_jobs SET state = 'pending', attempts = 0, next_at = ? WHERE task_id = ? AND state = 'done'",
    ),
    retryFailed: db.prepare<[number]>(
      "UPDATE media_jobs SET state = 'pending', attempts = 0, next_at = ? WHERE state = 'failed'",
    ),
    updateJob: db.prepare<[MediaJobState, number, number, string | null, string]>(
      "UPDATE media_jobs SET state = ?, attempts = ?, next_at = ?, error = ? WHERE task_id = ?",
    ),
    deleteJob: db.prepare<[string]>("DELETE FROM media_jobs WHERE task_id = ?"),
  };
  const forget = db.transaction((taskId: string) => {
    holds.delete(taskId);
    sql.deleteFiles.run(taskId);
    sql.deleteJob.run(taskId);
  });

  const putJobs = db.transaction((jobs: readonly MediaJobRecord[]) => {
    for (const job of jobs) {
      holds.delete(job.taskId);
      sql.putJob.run(job.taskId, job.state, job.attempts, job.nextAt, job.error);
    }
  });

  return {
    async file(taskId, slot) {
      const row = sql.file.get(taskId, slot);
      return row ? toFile(row) : null;
    },
    async files(taskId) {
      return sql.files.all(taskId).map(toFile);
    },
    async filesOf(taskIds) {
      return sql.filesOf.all(JSON.stringify(taskIds)).map(toFile);
    },
    async fileFrom(taskId, source) {
      const row = sql.fileFrom.get(taskId, source);
      return row ? toFile(row) : null;
    },
    async putFile(file, createdAt) {
      sql.putFile.run({
        task_id: file.taskId,
        slot: file.slot,
        key: file.key,
        content_type: file.contentType,
        bytes: file.bytes,
        sha256: file.sha256,
        source: file.source,
        created_at: createdAt,
      });
    },
    async deleteFile(taskId, slot) {
      sql.deleteFile.run(taskId, slot);
    },
    async job(taskId) {
      const row = sql.job.get(taskId);
      return row ? toJob(row) : null;
    },
    async jobsOf(taskIds) {
      return sql.jobsOf.all(JSON.stringify(taskIds)).map(toJob);
    },
    async putJobs(jobs) {
      putJobs(jobs);
    },
    async pendingJobs() {
      return sql.pending.all().map(toJob);
    },
    async claimJob(taskId, holder, now, holdMs) {
      const row = sql.job.get(taskId);
      if (row?.state !== "pending" || (holds.get(taskId)?.until ?? 0) > now) return null;
      holds.set(taskId, { holder, until: now + holdMs });
      return toJob(row);
    },
    async renewClaim(taskId, holder, now, holdMs) {
      const hold = holds.get(taskId);
      if (sql.job.get(taskId)?.state !== "pending" || hold?.holder !== holder || hold.until <= now) {
        return false;
      }
      hold.until = now + holdMs;
      return true;
    },
    async dueJobs(now, limit) {
      const due: MediaJobRecord[] = [];
      // The holds are in memory: the few held jobs are skipped here rather than in the query.
      for (const row of sql.due.iterate(now)) {
        if (due.length >= limit) break;
        if ((holds.get(row.task_id)?.until ?? 0) <= now) due.push(toJob(row));
      }
      return due;
    },
    async openJob(taskId, now) {
      const opened = sql.openJob.run(taskId, now).changes > 0;
      if (opened) holds.delete(taskId);
      return opened;
    },
    async reopenJob(taskId, now) {
      const reopened = sql.reopenJob.run(now, taskId).changes > 0;
      if (reopened) holds.delete(taskId);
      return reopened;
    },
    async retryFailedJobs(now) {
      sql.retryFailed.run(now);
    },
    async updateJob(taskId, { state, attempts, nextAt, error }, holder) {
      // A hold that ran out stays its runner's until another runner claims the job.
      if (holder !== undefined && holds.get(taskId)?.holder !== holder) return false;
      holds.delete(taskId);
      return sql.updateJob.run(state, attempts, nextAt, error, taskId).changes > 0;
    },
    async deleteJob(taskId) {
      sql.deleteJob.run(taskId);
      holds.delete(taskId);
    },
    async forgetTask(taskId) {
      forget(taskId);
    },
    async close() {
      db.close();
    },
  };
}
