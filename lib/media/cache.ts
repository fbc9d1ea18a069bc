import "server-only";
import { createHash, randomUUID } from "node:crypto";
import { once } from "node:events";
import fs from "node:fs";
import path from "node:path";
import { TASK_STATUS, type Task } from "@/lib/mj/task";
import { openDatabase } from "@/lib/store/database";
import type { Migration } from "@/lib/store/migrations";
import type { TaskStore } from "@/lib/store/task-store";
import type { UpstreamClient } from "@/lib/upstream/client";
import { chunksOf, MediaFetchError, openMedia, readAll, type UrlGuard } from "./fetch";
import { makeThumbnail } from "./thumbnail";
import {
  originalSlots,
  thumbSources,
  upstreamUrlFor,
  urlVersion,
  type MediaSlot,
  type OriginalSlot,
  type ThumbSlot,
} from "./urls";

/**
 * The media cache: a finished task's images and videos, downloaded in the background to
 * `DATA_DIR/media/<taskId>/<slot>.<ext>` while the upstream's links still work (Discord's expire
 * within a day), plus WebP thumbnails made from them. The index (what is cached, its type, size
 * and SHA-256, which becomes the ETag) and the job queue live in `DATA_DIR/media/index.sqlite`,
 * beside the files they describe: deleting the directory resets the cache coherently, and the
 * history database's migrations stay the history's.
 *
 * Jobs are rows, so a restart resumes what was not cached yet. A failing download is retried with
 * exponential backoff; an expired link (403/404/410) first makes the task be fetched again from
 * the upstream for a fresh link. Refusals (private address, not an image or video, too large)
 * are final.
 */

const MEDIA_MIGRATIONS: readonly Migration[] = [
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
];

export interface CachedMedia {
  taskId: string;
  slot: MediaSlot;
  /** Absolute path of the file. */
  path: string;
  contentType: string;
  bytes: number;
  sha256: string;
}

export interface MediaJob {
  state: "pending" | "done" | "failed";
  attempts: number;
  error: string | null;
}

export interface MediaCacheOptions {
  /** `DATA_DIR/media`. */
  dir: string;
  upstream: UpstreamClient;
  store: Pick<TaskStore, "get" | "upsert">;
  guard: UrlGuard;
  /** Downloads at once (default 2: the machine serves pages meanwhile). */
  concurrency?: number;
  /** First retry delay; doubles per attempt (default 5 s). */
  retryBaseMs?: number;
  /** Attempts before a job is marked failed (default 6: ~2.5 min of retries at the default base). */
  maxAttempts?: number;
  now?: () => number;
  log?: (message: string) => void;
}

export interface MediaCache {
  /** Queues the finished ones among these tasks (others are ignored); never waits for a download. */
  enqueue(tasks: readonly Task[]): void;
  /** The cached file of this slot, or null. */
  get(taskId: string, slot: MediaSlot): CachedMedia | null;
  /** Every cached file of a task (originals and thumbnails). */
  list(taskId: string): CachedMedia[];
  /** The thumbnail, made now if missing; null when the task has nothing to make one from. */
  thumbnail(task: Task, slot: ThumbSlot): Promise<CachedMedia | null>;
  /** Downloads a finished task's missing originals now (archives); failures are left to the queue. */
  cacheNow(taskId: string): Promise<void>;
  /** Stores a file from elsewhere (an imported archive). */
  put(
    taskId: string,
    slot: OriginalSlot,
    contentType: string,
    body: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  ): Promise<CachedMedia>;
  remove(ids: readonly string[]): Promise<void>;
  job(taskId: string): MediaJob | null;
  /** Resolves once no job is queued, running or waiting to retry. */
  idle(): Promise<void>;
  close(): void;
}

/** Ids become directory names; anything else an upstream might send is not cached. */
const SAFE_ID = /^[A-Za-z0-9_-]{1,64}$/;
const MAX_BACKOFF_MS = 10 * 60 * 1000;

const EXTENSIONS: Record<string, string> = {
  "image/png": "png",
  "image/jpeg": "jpg",
  "image/webp": "webp",
  "image/gif": "gif",
  "image/avif": "avif",
  "video/mp4": "mp4",
  "video/webm": "webm",
  "video/quicktime": "mov",
};

export function extensionFor(contentType: string): string {
  return EXTENSIONS[contentType] ?? (contentType.startsWith("video/") ? "video" : "img");
}

/** Delay before retry number `attempt` (1-based). */
export function backoffMs(attempt: number, baseMs: number): number {
  return Math.min(baseMs * 2 ** (attempt - 1), MAX_BACKOFF_MS);
}

interface FileRow {
  task_id: string;
  slot: string;
  file: string;
  content_type: string;
  bytes: number;
  sha256: string;
  source: string;
}

interface JobRow {
  task_id: string;
  state: MediaJob["state"];
  attempts: number;
  next_at: number;
  error: string | null;
}

export function createMediaCache(options: MediaCacheOptions): MediaCache {
  const { dir, upstream, store, guard } = options;
  const concurrency = options.concurrency ?? 2;
  const retryBaseMs = options.retryBaseMs ?? 5_000;
  const maxAttempts = options.maxAttempts ?? 6;
  const now = options.now ?? Date.now;
  const log = options.log ?? ((message: string) => console.warn(message));

  fs.mkdirSync(dir, { recursive: true });
  const db = openDatabase(path.join(dir, "index.sqlite"), MEDIA_MIGRATIONS);
  const sql = {
    file: db.prepare<[string, string], FileRow>("SELECT * FROM media_files WHERE task_id = ? AND slot = ?"),
    files: db.prepare<[string], FileRow>("SELECT * FROM media_files WHERE task_id = ? ORDER BY slot"),
    bySource: db.prepare<[string, string], FileRow>(
      "SELECT * FROM media_files WHERE task_id = ? AND source = ? LIMIT 1",
    ),
    insertFile: db.prepare(
      `INSERT OR REPLACE INTO media_files (task_id, slot, file, content_type, bytes, sha256, source, created_at)
       VALUES (@task_id, @slot, @file, @content_type, @bytes, @sha256, @source, @created_at)`,
    ),
    deleteFile: db.prepare<[string, string]>("DELETE FROM media_files WHERE task_id = ? AND slot = ?"),
    deleteFiles: db.prepare<[string]>("DELETE FROM media_files WHERE task_id = ?"),
    job: db.prepare<[string], JobRow>("SELECT * FROM media_jobs WHERE task_id = ?"),
    pending: db.prepare<[], JobRow>("SELECT * FROM media_jobs WHERE state = 'pending'"),
    // A job that gave up gets a fresh round when the task is seen again (viewed, fetched,
    // imported): an upstream outage of a few minutes must not leave media uncached for good.
    insertJob: db.prepare<[string, number]>(
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
    updateJob: db.prepare<[MediaJob["state"], number, number, string | null, string]>(
      "UPDATE media_jobs SET state = ?, attempts = ?, next_at = ?, error = ? WHERE task_id = ?",
    ),
    deleteJob: db.prepare<[string]>("DELETE FROM media_jobs WHERE task_id = ?"),
  };

  const queue: string[] = [];
  const queued = new Set<string>();
  const again = new Set<string>();
  const timers = new Map<string, NodeJS.Timeout>();
  const removed = new Set<string>();
  const thumbsInFlight = new Map<string, Promise<CachedMedia | null>>();
  const idleWaiters: (() => void)[] = [];
  let running = 0;
  let closed = false;

  const toMedia = (row: FileRow): CachedMedia => ({
    taskId: row.task_id,
    slot: row.slot as MediaSlot,
    path: path.join(dir, row.file),
    contentType: row.content_type,
    bytes: row.bytes,
    sha256: row.sha256,
  });

  function get(taskId: string, slot: MediaSlot): CachedMedia | null {
    const row = sql.file.get(taskId, slot);
    if (!row) return null;
    const media = toMedia(row);
    // Someone cleaned the directory by hand: forget the record, the task's URL may still serve,
    // and a job that had cached it is not done any more: download it again.
    if (!fs.existsSync(media.path)) {
      sql.deleteFile.run(taskId, slot);
      reopen(taskId);
      return null;
    }
    return media;
  }

  /** Streams a body to `<taskId>/<name>` (via a temporary name, so a crash leaves no half file). */
  async function saveFile(
    taskId: string,
    name: string,
    body: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  ) {
    const taskDir = path.join(dir, taskId);
    await fs.promises.mkdir(taskDir, { recursive: true });
    const target = path.join(taskDir, name);
    const part = `${target}.${randomUUID()}.part`;
    const hash = createHash("sha256");
    let bytes = 0;
    const out = fs.createWriteStream(part);
    try {
      for await (const chunk of body) {
        hash.update(chunk);
        bytes += chunk.byteLength;
        if (!out.write(chunk)) await once(out, "drain");
      }
      await new Promise<void>((resolve, reject) =>
        out.end((error?: Error | null) => (error ? reject(error) : resolve())),
      );
      await fs.promises.rename(part, target);
    } catch (error) {
      out.destroy();
      await fs.promises.rm(part, { force: true });
      throw error;
    }
    return { file: `${taskId}/${name}`, bytes, sha256: hash.digest("hex") };
  }

  function record(
    taskId: string,
    slot: MediaSlot,
    saved: { file: string; bytes: number; sha256: string },
    contentType: string,
    source: string,
  ): CachedMedia | null {
    // The task was deleted while its file downloaded: drop what arrived late.
    if (removed.has(taskId) || closed) return null;
    const row: FileRow = {
      task_id: taskId,
      slot,
      file: saved.file,
      bytes: saved.bytes,
      sha256: saved.sha256,
      content_type: contentType,
      source,
    };
    sql.insertFile.run({ ...row, created_at: now() });
    return toMedia(row);
  }

  async function downloadMissing(task: Task): Promise<void> {
    for (const { slot, url } of originalSlots(task)) {
      if (get(task.id, slot)) continue;
      const source = urlVersion(url);
      // Several slots carrying one URL (a video task's imageUrl is its mp4) share one file.
      const same = sql.bySource.get(task.id, source);
      if (same && fs.existsSync(path.join(dir, same.file))) {
        record(task.id, slot, same, same.content_type, source);
        continue;
      }
      const download = await openMedia({ upstream, guard }, url);
      const saved = await saveFile(
        task.id,
        `${slot}.${extensionFor(download.contentType)}`,
        chunksOf(download.body),
      );
      record(task.id, slot, saved, download.contentType, source);
    }
  }

  /** Downloads the originals; an expired link gets one fresh copy of the task from the upstream. */
  async function cacheOriginals(task: Task): Promise<Task> {
    let refreshed = false;
    for (;;) {
      try {
        await downloadMissing(task);
        return task;
      } catch (error) {
        if (!(error instanceof MediaFetchError) || error.reason !== "expired" || refreshed) throw error;
        refreshed = true;
        const fresh = await upstream.fetchTask(task.id);
        if (!fresh) throw error;
        task = store.upsert(fresh);
      }
    }
  }

  /** The thumbnails made with the originals, so a gallery page never waits for sharp. */
  function eagerThumbs(task: Task): ThumbSlot[] {
    return ["thumb", ...(task.imageUrls ?? []).map((_, i): ThumbSlot => `images.${i}.thumb`)];
  }

  async function runJob(taskId: string): Promise<void> {
    const job = sql.job.get(taskId);
    if (!job || job.state !== "pending") return;
    let task: Task | null = store.get(taskId);
    if (!task || task.status !== TASK_STATUS.success || removed.has(taskId)) {
      sql.deleteJob.run(taskId);
      return;
    }
    try {
      task = await cacheOriginals(task);
      for (const slot of eagerThumbs(task)) {
        await thumbnail(task, slot).catch((error: unknown) =>
          log(`[media] thumbnail ${slot} of ${taskId} failed: ${String(error)}`),
        );
      }
      if (!closed) sql.updateJob.run("done", job.attempts, now(), null, taskId);
    } catch (error) {
      if (closed) return;
      const message = error instanceof Error ? error.message : String(error);
      const attempts = job.attempts + 1;
      const final =
        (error instanceof MediaFetchError && error.reason === "refused") || attempts >= maxAttempts;
      if (final) {
        log(`[media] giving up caching ${taskId} after ${attempts} attempt(s): ${message}`);
        sql.updateJob.run("failed", attempts, now(), message, taskId);
      } else {
        const delay = backoffMs(attempts, retryBaseMs);
        sql.updateJob.run("pending", attempts, now() + delay, message, taskId);
        schedule(taskId, delay);
      }
    }
  }

  function schedule(taskId: string, delayMs: number): void {
    if (closed || timers.has(taskId)) return;
    if (delayMs <= 0) {
      push(taskId);
      return;
    }
    const timer = setTimeout(() => {
      timers.delete(taskId);
      push(taskId);
      settleIdle();
    }, delayMs);
    timer.unref();
    timers.set(taskId, timer);
  }

  /** Queues a finished job again: a file it cached is gone. */
  function reopen(taskId: string): void {
    if (sql.reopenJob.run(now(), taskId).changes > 0) push(taskId);
  }

  function push(taskId: string): void {
    if (closed) return;
    // Queued already, or its last run is finishing (it may have just marked the job done): once more after.
    if (queued.has(taskId)) {
      again.add(taskId);
      return;
    }
    queued.add(taskId);
    queue.push(taskId);
    pump();
  }

  function pump(): void {
    while (!closed && running < concurrency && queue.length > 0) {
      const taskId = queue.shift()!;
      running++;
      void runJob(taskId)
        .catch((error: unknown) => log(`[media] job ${taskId} crashed: ${String(error)}`))
        .finally(() => {
          queued.delete(taskId);
          running--;
          if (again.delete(taskId)) push(taskId);
          pump();
          settleIdle();
        });
    }
  }

  function isIdle(): boolean {
    return running === 0 && queue.length === 0 && timers.size === 0;
  }

  function settleIdle(): void {
    if (isIdle()) for (const resolve of idleWaiters.splice(0)) resolve();
  }

  async function sourceImage(task: Task, source: OriginalSlot): Promise<Buffer | null> {
    const cached = get(task.id, source);
    if (cached) return cached.contentType.startsWith("image/") ? fs.promises.readFile(cached.path) : null;
    const url = upstreamUrlFor(task, source);
    if (!url) return null;
    const download = await openMedia({ upstream, guard }, url);
    if (!download.contentType.startsWith("image/")) {
      await download.body.cancel();
      return null;
    }
    return readAll(download);
  }

  async function makeThumb(task: Task, slot: ThumbSlot): Promise<CachedMedia | null> {
    for (const source of thumbSources(task, slot)) {
      const input = await sourceImage(task, source);
      if (!input) continue;
      let webp: Buffer;
      try {
        webp = await makeThumbnail(input);
      } catch {
        throw new MediaFetchError(
          "refused",
          "upstream_bad_response",
          "The upstream's image could not be read.",
        );
      }
      const saved = await saveFile(task.id, `${slot}.webp`, [webp]);
      return record(task.id, slot, saved, "image/webp", `thumb:${source}`);
    }
    return null;
  }

  function thumbnail(task: Task, slot: ThumbSlot): Promise<CachedMedia | null> {
    const existing = get(task.id, slot);
    if (existing) return Promise.resolve(existing);
    // A running task's previews change every step; only finished content is thumbnailed for good.
    if (task.status !== TASK_STATUS.success || !SAFE_ID.test(task.id)) return Promise.resolve(null);
    const key = `${task.id}/${slot}`;
    let pending = thumbsInFlight.get(key);
    if (!pending) {
      pending = makeThumb(task, slot).finally(() => thumbsInFlight.delete(key));
      thumbsInFlight.set(key, pending);
    }
    return pending;
  }

  // A restart picks up what the last process left unfinished, and what it gave up on, at once:
  // it is a fresh chance.
  sql.retryFailed.run(now());
  for (const job of sql.pending.all()) push(job.task_id);

  function enqueue(tasks: readonly Task[]): void {
    if (closed) return;
    for (const task of tasks) {
      if (task.status !== TASK_STATUS.success || !SAFE_ID.test(task.id)) continue;
      if (originalSlots(task).length === 0) continue;
      removed.delete(task.id);
      if (sql.insertJob.run(task.id, now()).changes > 0) push(task.id);
      // Done, but a file is no longer recorded (its directory was emptied): fetch it again.
      else if (originalSlots(task).some(({ slot }) => !sql.file.get(task.id, slot))) reopen(task.id);
    }
  }

  return {
    enqueue,

    get,

    list(taskId) {
      return sql.files.all(taskId).map(toMedia);
    },

    thumbnail,

    async cacheNow(taskId) {
      const task = store.get(taskId);
      if (!task || task.status !== TASK_STATUS.success || !SAFE_ID.test(taskId)) return;
      try {
        await cacheOriginals(task);
      } catch (error) {
        log(`[media] caching ${taskId} for an archive failed: ${String(error)}`);
        enqueue([task]);
      }
    },

    async put(taskId, slot, contentType, body) {
      if (!SAFE_ID.test(taskId)) throw new Error(`unsafe task id ${taskId}`);
      removed.delete(taskId);
      const saved = await saveFile(taskId, `${slot}.${extensionFor(contentType)}`, body);
      const media = record(taskId, slot, saved, contentType, `sha:${saved.sha256}`);
      if (!media) throw new Error("the media cache is closed");
      return media;
    },

    async remove(ids) {
      for (const id of ids) {
        removed.add(id);
        const timer = timers.get(id);
        if (timer) clearTimeout(timer);
        timers.delete(id);
        if (!closed) {
          sql.deleteFiles.run(id);
          sql.deleteJob.run(id);
        }
        if (SAFE_ID.test(id)) await fs.promises.rm(path.join(dir, id), { recursive: true, force: true });
      }
      settleIdle();
    },

    job(taskId) {
      const row = sql.job.get(taskId);
      return row ? { state: row.state, attempts: row.attempts, error: row.error } : null;
    },

    idle() {
      return isIdle() ? Promise.resolve() : new Promise((resolve) => idleWaiters.push(resolve));
    },

    close() {
      closed = true;
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
      queue.length = 0;
      db.close();
      for (const resolve of idleWaiters.splice(0)) resolve();
    },
  };
}
