import type { MediaSlot } from "./urls";

/**
 * The MediaIndex port: what the media cache knows beside the bytes. Which files of which task are
 * cached (in which blob, of what type, size and SHA-256, which becomes the ETag), and the job
 * queue of tasks whose originals are still to be cached. Jobs are records, so a restart resumes
 * what was not cached yet. The SQLite adapter is sqlite-media-index.ts, the PostgreSQL one (shared
 * by a cluster's instances) pg-media-index.ts; the contract every adapter passes is
 * media-index.contract.ts.
 */

export interface MediaFileRecord {
  taskId: string;
  slot: MediaSlot;
  /** The blob holding the bytes; several slots may share one (a video task's image is its mp4). */
  key: string;
  contentType: string;
  bytes: number;
  sha256: string;
  /** What it was made from: the upstream URL's version, `thumb:<slot>`, or `sha:<hash>` (imported). */
  source: string;
}

export type MediaJobState = "pending" | "done" | "failed";

export interface MediaJobRecord {
  taskId: string;
  state: MediaJobState;
  attempts: number;
  /** When a pending job may run (ms epoch). */
  nextAt: number;
  error: string | null;
}

export interface MediaIndex {
  file(taskId: string, slot: MediaSlot): Promise<MediaFileRecord | null>;
  /** A task's files, by slot. */
  files(taskId: string): Promise<MediaFileRecord[]>;
  /** The files of these tasks (a page of a history at once, for the migration), in no set order. */
  filesOf(taskIds: readonly string[]): Promise<MediaFileRecord[]>;
  /** A file of the task made from this source, if any. */
  fileFrom(taskId: string, source: string): Promise<MediaFileRecord | null>;
  /** Records a file, replacing what the slot held. */
  putFile(file: MediaFileRecord, createdAt: number): Promise<void>;
  deleteFile(taskId: string, slot: MediaSlot): Promise<void>;

  job(taskId: string): Promise<MediaJobRecord | null>;
  /** The jobs of these tasks (those that have one), in no set order. */
  jobsOf(taskIds: readonly string[]): Promise<MediaJobRecord[]>;
  /**
   * Records these jobs as they are, replacing what their tasks had, held by nobody: another
   * index's jobs copied over (the migration), in one write.
   */
  putJobs(jobs: readonly MediaJobRecord[]): Promise<void>;
  pendingJobs(): Promise<MediaJobRecord[]>;
  /**
   * The task's pending job, held by `holder` (a runner's id) from `now` for `holdMs`, so no other
   * runner (in this process or another instance sharing the index) runs it meanwhile; null when
   * there is no pending job or another runner holds it. `updateJob` (and a fresh round) lets it
   * go; a runner that dies lets it go when the hold runs out, so a hold is kept short and renewed
   * (`renewClaim`) while the job runs.
   */
  claimJob(taskId: string, holder: string, now: number, holdMs: number): Promise<MediaJobRecord | null>;
  /**
   * Extends `holder`'s hold on the task's pending job to `now + holdMs`; false (and nothing
   * changed) when the job is no longer pending or no longer held by `holder`.
   */
  renewClaim(taskId: string, holder: string, now: number, holdMs: number): Promise<boolean>;
  /**
   * Up to `limit` pending jobs due by `now` that no runner holds: what a runner that died (or an
   * instance that queued them in memory and stopped) left behind, for any runner to take.
   */
  dueJobs(now: number, limit: number): Promise<MediaJobRecord[]>;
  /**
   * A pending job for the task, new or a fresh round (attempts 0) for one that failed: a task seen
   * again after an outage gets another chance. True when a job was created or restarted; a
   * pending or done job is left as it is.
   */
  openJob(taskId: string, now: number): Promise<boolean>;
  /** A done job pending again (a file of it is gone); true when the job was done. */
  reopenJob(taskId: string, now: number): Promise<boolean>;
  /** Every failed job pending again, attempts 0 (a restart is a fresh chance). */
  retryFailedJobs(now: number): Promise<void>;
  /**
   * Records the job as it is now and lets it go (no runner holds it after); false, changing
   * nothing, when there is no such job. With `holder`, only while the job is that runner's: it
   * claimed the job last, and no update has let the job go since. A hold that ran out is still its
   * runner's until another runner claims the job; once one has (a renewal too late: a stalled event
   * loop, or instances whose clocks are apart), the job is that runner's, and its outcome stands.
   */
  updateJob(taskId: string, update: Omit<MediaJobRecord, "taskId">, holder?: string): Promise<boolean>;
  deleteJob(taskId: string): Promise<void>;

  /** Forgets a task's files and its job. */
  forgetTask(taskId: string): Promise<void>;
  close(): Promise<void>;
}
