import "server-only";
import { createHash, randomUUID } from "node:crypto";
import { isGridTask } from "@/lib/images/grid";
import { extensionOf } from "@/lib/mj/media-kinds";
import { TASK_STATUS, type Task } from "@/lib/mj/task";
import { readBlob, type BlobBody, type BlobInfo, type BlobStore, type ByteRange } from "./blob-store";
import { MEDIA_LIMITS, MediaFetchError, readAll, type MediaDownloader } from "./fetch";
import { createHotBytes, type HotBytes } from "./hot-bytes";
import type { MediaFileRecord, MediaIndex, MediaJobRecord, MediaJobState } from "./media-index";
import {
  cutCell,
  ImageDecodeError,
  type ImageReader,
  makeGridThumbnails,
  makeThumbnail,
  type Urgency,
} from "./thumbnail";
import {
  isCellSlot,
  originalSlots,
  parseCellSlot,
  thumbSources,
  upstreamUrlFor,
  urlVersion,
  type CellIndex,
  type CellSlot,
  type MediaSlot,
  type OriginalSlot,
  type ThumbSlot,
} from "./urls";

/**
 * The media cache: a finished task's images and videos, downloaded in the background into the
 * blob store (`media/<taskId>/<slot>.<ext>`) while the upstream's links still work (Discord's
 * expire within a day), plus WebP thumbnails made from them. What is cached and the job queue are
 * kept by the MediaIndex; tasks come from injected functions, so this module knows neither the
 * task store nor the upstream.
 *
 * A failing download is retried with exponential backoff; an expired link (403/404/410) first
 * makes the task be fetched again (`refreshTask`: the task service asks the upstream and records
 * it) for a fresh link. Refusals (private address, not an image or video, too large) are final.
 */

/** A cached file as callers see it (its `key` is read with `MediaCache.open`). */
export type CachedMedia = Omit<MediaFileRecord, "source">;

export interface MediaJob {
  state: MediaJobState;
  attempts: number;
  error: string | null;
}

export interface MediaCacheOptions {
  blobs: BlobStore;
  index: MediaIndex;
  /** The recorded task, or null. */
  getTask(id: string): Promise<Task | null>;
  /** Fetches the task from the upstream again and records it; the recorded copy, or null when gone. */
  refreshTask(id: string): Promise<Task | null>;
  /** Opens a media URL a task carries (guarded, capped). */
  download: MediaDownloader;
  /** Downloads at once (default 2: the machine serves pages meanwhile). */
  concurrency?: number;
  /** First retry delay; doubles per attempt (default 5 s). */
  retryBaseMs?: number;
  /** Attempts before a job is marked failed (default 6: ~2.5 min of retries at the default base). */
  maxAttempts?: number;
  /**
   * How long a hold on a job lasts unrenewed (default 30 s). It is renewed every third of that
   * while the job runs, so two instances sharing the index never cache one task at once; when a
   * runner dies mid-job, its hold runs out this soon and another instance, which looks for such
   * jobs as often, takes the job.
   */
  claimMs?: number;
  now?: () => number;
  log?: (message: string) => void;
  /** Where small files are kept whole in memory (default: 32 MB of them; tests pass their own). */
  hot?: HotBytes;
}

/**
 * Files up to this size (thumbnails, cells' thumbnails: a few KB) are read whole and kept in
 * memory by `whole`; larger ones are streamed from the blob store by `open`.
 */
export const WHOLE_FILE_BYTES = 256 * 1024;
/** What memory holds of them at most: some thousands of thumbnails. */
const HOT_BYTES = 32 * 1024 * 1024;

export interface MediaCache {
  /** Queues the finished ones among these tasks (others are ignored); never waits for a download. */
  enqueue(tasks: readonly Task[]): void;
  /** The cached file of this slot, or null. */
  get(taskId: string, slot: MediaSlot): Promise<CachedMedia | null>;
  /**
   * The record of a cached file, its blob unchecked (one index lookup, for serving): `open`
   * answers null, and forgets the record, when the blob is gone.
   */
  lookup(taskId: string, slot: MediaSlot): Promise<CachedMedia | null>;
  /** Every cached file of a task (originals and thumbnails), by slot. */
  list(taskId: string): Promise<CachedMedia[]>;
  /** The bytes of a cached file, or of a range of them; null when they are gone. */
  open(media: CachedMedia, options?: { range?: ByteRange; signal?: AbortSignal }): Promise<BlobBody | null>;
  /**
   * The bytes of a small cached file whole (see WHOLE_FILE_BYTES): from memory when they are
   * there, else read once and kept, when they are what the record's SHA-256 says; null when the
   * blob is gone (the record is forgotten, as by `open`).
   */
  whole(media: CachedMedia, options?: { signal?: AbortSignal }): Promise<Uint8Array<ArrayBuffer> | null>;
  /**
   * The thumbnail, made now if missing; null when the task has nothing to make one from. A person
   * is waiting for it: its sharp work, and the background job's for the same task, go ahead of
   * other background work.
   */
  thumbnail(task: Task, slot: ThumbSlot): Promise<CachedMedia | null>;
  /**
   * Image n of a finished still grid (or its thumbnail), cut now if missing; null when the task is
   * no such grid (an upscale, a video, an animated grid) or its image cannot be had. A person is
   * waiting for it, as for `thumbnail`.
   */
  cell(task: Task, slot: CellSlot): Promise<CachedMedia | null>;
  /**
   * Makes thumbnails a page is about to show before anyone asks for them (`makeShown`): as
   * `thumbnail` and `cell`, but nobody waits on them yet, so a person's request for any task's media
   * goes ahead of this work until someone asks for these. Null, making nothing, when `AHEAD_MAX`
   * tasks' thumbnails are being made ahead already.
   */
  ahead(task: Task, slots: readonly (ThumbSlot | CellSlot)[]): Promise<unknown> | null;
  /** Downloads a finished task's missing originals now (archives); failures are left to the queue. */
  cacheNow(taskId: string): Promise<void>;
  /**
   * Stores a file from elsewhere (an imported archive), before its task is recorded: unlike a
   * download's, it is kept without the task's record (the importer removes it if the task is refused).
   */
  put(
    taskId: string,
    slot: OriginalSlot,
    contentType: string,
    body: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  ): Promise<CachedMedia>;
  /** Deletes these tasks' files, records and jobs. */
  remove(ids: readonly string[]): Promise<void>;
  job(taskId: string): Promise<MediaJob | null>;
  /** Resolves once no job is queued, running or waiting to retry. */
  idle(): Promise<void>;
  /** Stops the queue; the index and blob store stay open (their creator closes them). */
  close(): void;
}

/** Ids become key segments; anything else an upstream might send is not cached. */
const SAFE_ID = /^[A-Za-z0-9_-]{1,64}$/;
const MAX_BACKOFF_MS = 10 * 60 * 1000;
/** A grid's thumbnail and its images' thumbnails: made together, from one decode of the grid. */
type GridThumbSlot = "thumb" | CellThumbSlot;
type CellThumbSlot = `cell.${CellIndex}.thumb`;

/**
 * The most tasks whose thumbnails are being made ahead of a page (`ahead`) at once; past it, a
 * finish gets nothing made ahead: it is recorded as it is, and a person's request, or its media
 * job, makes its thumbnails. Without a bound this was the app's one backlog that grew for as long
 * as an overload lasted: 631 grid passes waiting for sharp, each holding its task, closures and
 * promises, after 78 s of the load bench's capacity level (the heap grew 20 MB in the 53 s between
 * two snapshots). In the load bench at most 10 were in hand at 50 tabs and 44 at 200, so the
 * bound acts only under overload. Bounding the sharp line instead (8 a slot) acted at 200 tabs
 * too: every finish there then had its thumbnails made on request, and their p50 went from 0.1
 * to 1.7 s.
 */
export const AHEAD_MAX = 64;
const CELL_THUMBS = ([1, 2, 3, 4] as const).map((n): CellThumbSlot => `cell.${n}.thumb`);
/** Jobs left behind (`MediaIndex.dueJobs`) taken per look. */
const ADOPT_BATCH = 50;

/** Delay before retry number `attempt` (1-based). */
export function backoffMs(attempt: number, baseMs: number): number {
  return Math.min(baseMs * 2 ** (attempt - 1), MAX_BACKOFF_MS);
}

/** The blob of a slot of a task: `media/<taskId>/<slot>.<ext>`. */
function keyOf(taskId: string, slot: MediaSlot, contentType: string): string {
  const extension = extensionOf(contentType);
  if (!extension) throw new Error(`${contentType} is not a media type the cache stores`);
  return `media/${taskId}/${slot}.${extension}`;
}

/**
 * Memory keeps a file's bytes by its record's content hash and by the blob as storage has it (size,
 * modification time): bytes are answered only for the record and the blob they were read as.
 */
const hotKey = (media: CachedMedia, blob: BlobInfo) =>
  `${hotPrefix(media.key)}${media.sha256}#${blob.size}#${blob.modifiedAt}`;
/** Every version of one blob in memory (`#` is no key character). */
const hotPrefix = (key: string) => `${key}#`;

const toMedia = (file: MediaFileRecord): CachedMedia => ({
  taskId: file.taskId,
  slot: file.slot,
  key: file.key,
  contentType: file.contentType,
  bytes: file.bytes,
  sha256: file.sha256,
});

export function createMediaCache(options: MediaCacheOptions): MediaCache {
  const { blobs, index, getTask, refreshTask, download } = options;
  const concurrency = options.concurrency ?? 2;
  const retryBaseMs = options.retryBaseMs ?? 5_000;
  const maxAttempts = options.maxAttempts ?? 6;
  const claimMs = options.claimMs ?? 30_000;
  /** This cache's name on the jobs it holds: only it renews them. */
  const holder = randomUUID();
  const now = options.now ?? Date.now;
  const log = options.log ?? ((message: string) => console.warn(message));
  const hot = options.hot ?? createHotBytes({ maxBytes: HOT_BYTES, maxEntryBytes: WHOLE_FILE_BYTES });

  const queue: string[] = [];
  const queued = new Set<string>();
  const again = new Set<string>();
  const timers = new Map<string, NodeJS.Timeout>();
  const removed = new Set<string>();
  /** Thumbnails and cells being made, by `<taskId>/<slot>`: two requests for one make it once. */
  const derivedInFlight = new Map<string, Promise<CachedMedia | null>>();
  /** A grid's thumbnails being made in one pass (`gridPass`), by task id. */
  const gridPasses = new Map<string, Promise<Map<GridThumbSlot, CachedMedia | null>>>();
  /**
   * Tasks a person is waiting on (a browser asked for a thumbnail or cell), with how many requests
   * wait: their sharp work goes ahead of other background work (`urgentFor`).
   */
  const asked = new Map<string, number>();
  /** Tasks whose thumbnails are being made ahead (`ahead`), until that settles. */
  let aheadPending = 0;
  /** Originals being downloaded, by `<taskId>/<slot>` (`cacheOriginal`). */
  const originalsInFlight = new Map<string, Promise<CachedMedia | null>>();
  const idleWaiters: (() => void)[] = [];
  let running = 0;
  /** Index work started by a synchronous call (enqueue, the restart): not idle until it is done. */
  let bookkeeping = 0;
  let closed = false;

  function inBackground(label: string, work: () => Promise<void>): void {
    bookkeeping++;
    void work()
      .catch((error: unknown) => log(`[media] ${label} failed: ${String(error)}`))
      .finally(() => {
        bookkeeping--;
        settleIdle();
      });
  }

  async function get(taskId: string, slot: MediaSlot): Promise<CachedMedia | null> {
    const file = await index.file(taskId, slot);
    if (!file) return null;
    if (await blobs.head(file.key)) return toMedia(file);
    await lost(file);
    return null;
  }

  /**
   * Someone cleaned the storage by hand: forget the record, the task's URL may still serve, and a
   * job that had cached it is not done any more: download it again.
   */
  async function lost({ taskId, slot, key }: CachedMedia): Promise<void> {
    hot.forget(hotPrefix(key));
    if (closed) return;
    await index.deleteFile(taskId, slot);
    await reopen(taskId);
  }

  /** Keeps a small file's bytes in memory, when they are what its record says. */
  function remember(media: CachedMedia, blob: BlobInfo, bytes: Uint8Array): void {
    if (removed.has(media.taskId)) return; // deleted while it was read
    if (createHash("sha256").update(bytes).digest("hex") === media.sha256)
      hot.set(hotKey(media, blob), bytes);
  }

  /** A thumbnail just made is kept in memory: the gallery asks for it next, and storage is not read back. */
  async function rememberMade(media: CachedMedia | null, bytes: Uint8Array): Promise<CachedMedia | null> {
    const blob = media && (await blobs.head(media.key));
    if (media && blob) remember(media, blob, bytes);
    return media;
  }

  /** Streams a body into the slot's blob (atomically: a crash leaves no half file). */
  async function save(
    taskId: string,
    slot: MediaSlot,
    contentType: string,
    body: AsyncIterable<Uint8Array> | ReadableStream<Uint8Array> | Uint8Array,
  ) {
    const maxBytes = contentType.startsWith("video/") ? MEDIA_LIMITS.videoBytes : MEDIA_LIMITS.imageBytes;
    const key = keyOf(taskId, slot, contentType);
    const saved = await blobs.put(key, body, { contentType, maxBytes });
    return { key, bytes: saved.size, sha256: saved.sha256 };
  }

  async function record(
    taskId: string,
    slot: MediaSlot,
    saved: { key: string; bytes: number; sha256: string },
    contentType: string,
    source: string,
    /** An imported file, put before its task is recorded: no record of the task to check yet. */
    taskComing = false,
  ): Promise<CachedMedia | null> {
    if (closed && !removed.has(taskId)) return null;
    // The task was deleted while its file downloaded, here or through another instance sharing the
    // history (its record is gone then, tombstoned): drop what arrived late.
    const gone = async () => removed.has(taskId) || (!taskComing && !(await getTask(taskId)));
    if (await gone()) {
      await blobs.delete(saved.key);
      return null;
    }
    const file: MediaFileRecord = { taskId, slot, ...saved, contentType, source };
    // What memory held of the blob this one replaces is of no use any more.
    hot.forget(hotPrefix(saved.key));
    await index.putFile(file, now());
    // Deleted between that look and the record: the deleting instance may have forgotten the task's
    // files before this one was recorded, so it is taken out here.
    if (await gone()) {
      await index.deleteFile(taskId, slot);
      await blobs.delete(saved.key);
      return null;
    }
    return toMedia(file);
  }

  async function downloadMissing(task: Task): Promise<void> {
    for (const { slot, url } of originalSlots(task)) {
      // A server stopping waits for the file being downloaded, not for the job's other clips.
      if (closed) return;
      await cacheOriginal(task.id, slot, url);
    }
  }

  /**
   * One original in the cache: the cached file, else downloaded once however many ask at the same
   * time. The background job and a thumbnail asked for before the job got there (or while it
   * downloads) share the download: one download per media.
   */
  function cacheOriginal(taskId: string, slot: OriginalSlot, url: string): Promise<CachedMedia | null> {
    const key = `${taskId}/${slot}`;
    let pending = originalsInFlight.get(key);
    if (!pending) {
      pending = fetchOriginal(taskId, slot, url).finally(() => originalsInFlight.delete(key));
      originalsInFlight.set(key, pending);
    }
    return pending;
  }

  async function fetchOriginal(taskId: string, slot: OriginalSlot, url: string): Promise<CachedMedia | null> {
    const cached = await get(taskId, slot);
    if (cached) return cached;
    const source = urlVersion(url);
    // Several slots carrying one URL (a video task's imageUrl is its mp4) share one blob.
    const same = await index.fileFrom(taskId, source);
    if (same && (await blobs.head(same.key))) {
      const { key, bytes, sha256, contentType } = same;
      return record(taskId, slot, { key, bytes, sha256 }, contentType, source);
    }
    const media = await download(url);
    const saved = await save(taskId, slot, media.contentType, media.body);
    return record(taskId, slot, saved, media.contentType, source);
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
        const fresh = await refreshTask(task.id);
        if (!fresh) throw error;
        task = fresh;
      }
    }
  }

  /**
   * The thumbnails made with the originals, so a gallery page never waits for sharp: the task's,
   * each grid image's, and each clip's poster.
   */
  function eagerThumbs(task: Task): ThumbSlot[] {
    return [
      "thumb",
      ...(task.imageUrls ?? []).map((_, i): ThumbSlot => `images.${i}.thumb`),
      ...(task.videoUrls ?? []).map((_, i): ThumbSlot => `videos.${i}.thumb`),
    ];
  }

  /**
   * Whether a finished still grid is shown by its cells' thumbnails: a grid whose images the
   * upstream lists (`imageUrls`) is shown by those, so no cell of it is made ahead of time.
   *
   * The full-size cells are not made ahead of time at all. A person needs one only when opening
   * the viewer on it, downloading it or handing it to the Editor (or a drop-in client asks), and
   * it is then cut once, ahead of background work, and kept. Made for every finished grid, the
   * four PNG cuts were most of the background CPU per job (14 ms each of the simulator's 1024 px
   * grid, 120 ms of a grainy 2048 px one: `npm run bench -- grid`), which saturated two cores at
   * 50 tabs; on demand they cost that only for the cells someone opens.
   */
  function showsCells(task: Task): boolean {
    return hasCells(task) && (task.imageUrls ?? []).filter((ref) => ref.url).length <= 1;
  }

  async function runJob(taskId: string): Promise<void> {
    // Held, so another instance sharing the index does not cache the same task meanwhile.
    const job = await index.claimJob(taskId, holder, now(), claimMs);
    if (!job) {
      // Another runner holds it; should that one die, the job is free again once its hold runs out.
      if ((await index.job(taskId))?.state === "pending") schedule(taskId, claimMs);
      return;
    }
    const renewal = setInterval(() => {
      index.renewClaim(taskId, holder, now(), claimMs).then(
        (held) => held || log(`[media] lost the hold on ${taskId}'s job (renewed too late)`),
        (error: unknown) => log(`[media] could not renew the hold on ${taskId}'s job: ${String(error)}`),
      );
    }, claimMs / 3);
    renewal.unref();
    try {
      await runClaimed(taskId, job);
    } finally {
      clearInterval(renewal);
    }
  }

  /**
   * Records how this runner's round of the job ended, while the job is still this runner's; false
   * when it is not: another runner claimed it once this one's hold ran out (its outcome stands), or
   * the task was removed meanwhile.
   */
  async function endRound(taskId: string, update: Omit<MediaJobRecord, "taskId">): Promise<boolean> {
    const ended = await index.updateJob(taskId, update, holder);
    if (!ended) log(`[media] ${taskId}'s job is no longer this runner's; its round is not recorded`);
    return ended;
  }

  async function runClaimed(taskId: string, job: MediaJobRecord): Promise<void> {
    /** Lets the job go as it was, for whoever runs it next (this server is stopping). */
    const release = () =>
      endRound(taskId, {
        state: "pending",
        attempts: job.attempts,
        nextAt: job.nextAt,
        error: job.error,
      });
    let task = await getTask(taskId);
    if (!task || task.status !== TASK_STATUS.success || removed.has(taskId)) {
      await (closed ? release() : index.deleteJob(taskId));
      return;
    }
    try {
      task = await cacheOriginals(task);
      // Stopping: the job is let go as it is, and the next start (or another instance) ends it.
      if (closed) {
        await release();
        return;
      }
      for (const slot of eagerThumbs(task)) {
        if (closed) break;
        await thumbnail(task, slot).catch((error: unknown) =>
          log(`[media] thumbnail ${slot} of ${taskId} failed: ${String(error)}`),
        );
      }
      // A grid's images' thumbnails are made now too (with its own, in one pass), so its tiles
      // never wait for sharp either.
      for (const slot of showsCells(task) ? CELL_THUMBS : []) {
        if (closed) break;
        await cell(task, slot).catch((error: unknown) =>
          log(`[media] ${slot} of ${taskId} failed: ${String(error)}`),
        );
      }
      if (closed) await release();
      else await endRound(taskId, { state: "done", attempts: job.attempts, nextAt: now(), error: null });
    } catch (error) {
      if (closed) {
        await release();
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      const attempts = job.attempts + 1;
      const final =
        (error instanceof MediaFetchError && error.reason === "refused") || attempts >= maxAttempts;
      if (final) {
        log(`[media] giving up caching ${taskId} after ${attempts} attempt(s): ${message}`);
        await endRound(taskId, { state: "failed", attempts, nextAt: now(), error: message });
      } else {
        const delay = backoffMs(attempts, retryBaseMs);
        if (await endRound(taskId, { state: "pending", attempts, nextAt: now() + delay, error: message }))
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
  async function reopen(taskId: string): Promise<void> {
    if (!closed && (await index.reopenJob(taskId, now()))) push(taskId);
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
    return running === 0 && bookkeeping === 0 && queue.length === 0 && timers.size === 0;
  }

  function settleIdle(): void {
    if (isIdle()) for (const resolve of idleWaiters.splice(0)) resolve();
  }

  /**
   * Runs sharp work (`work`: makeThumbnail, makeGridThumbnails or cutCell, which read their source
   * once a slot is free) on a source image of the task. An original the job keeps anyway is cached
   * now (or awaited, when the job is downloading it), never fetched a second time for the work;
   * only an original nobody keeps is downloaded here, before the wait. A cached blob that vanished
   * between the look-up and the read in the slot gives the work nothing there, and is downloaded
   * after it, for the work to run once more on those bytes: downloaded in the slot, it held one of
   * the process's sharp slots for as long as the upstream took.
   */
  async function onSourceImage<T>(
    task: Task,
    source: OriginalSlot,
    work: (read: ImageReader) => Promise<T | null>,
  ): Promise<T | null> {
    const url = upstreamUrlFor(task, source);
    const kept = url !== null && originalSlots(task).some((original) => original.slot === source);
    const cached = kept ? await cacheOriginal(task.id, source, url) : await get(task.id, source);
    if (cached && !cached.contentType.startsWith("image/")) return null;
    if (!url && !cached) return null;
    if (kept && !cached) return null;
    /** The work on the upstream's bytes, downloaded now. */
    const fresh = async (): Promise<T | null> => {
      if (!url) return null;
      const media = await download(url);
      if (!media.contentType.startsWith("image/")) {
        await media.body.cancel();
        return null;
      }
      const bytes = await readAll(media);
      return work(async () => bytes);
    };
    if (!cached) return fresh();
    let vanished = false;
    const made = await work(async () => {
      const body = await blobs.get(cached.key);
      vanished = !body;
      return body && readBlob(body);
    });
    return made === null && vanished ? fresh() : made;
  }

  /** sharp's failure to read an image is the upstream's bad media, said as such. */
  async function decoding<T>(work: Promise<T>, message: string): Promise<T> {
    try {
      return await work;
    } catch (error) {
      if (error instanceof ImageDecodeError)
        throw new MediaFetchError("refused", "upstream_bad_response", message);
      throw error;
    }
  }

  async function makeThumb(task: Task, slot: ThumbSlot): Promise<CachedMedia | null> {
    for (const source of thumbSources(task, slot)) {
      const webp = await decoding(
        onSourceImage(task, source, (read) => makeThumbnail(read, urgentFor(task.id))),
        "The upstream's image could not be read.",
      );
      if (!webp) continue;
      const saved = await save(task.id, slot, "image/webp", webp);
      return rememberMade(await record(task.id, slot, saved, "image/webp", `thumb:${source}`), webp);
    }
    return null;
  }

  /**
   * A file the app makes from the task's media (a thumbnail, a cell): the cached one, else made
   * once however many ask at the same time.
   */
  async function derived(
    task: Task,
    slot: ThumbSlot | CellSlot,
    make: () => Promise<CachedMedia | null>,
  ): Promise<CachedMedia | null> {
    const key = `${task.id}/${slot}`;
    const making = derivedInFlight.get(key);
    if (making) return making;
    const existing = await get(task.id, slot);
    if (existing) return existing;
    // A running task's previews change every step; only finished content is derived for good.
    if (task.status !== TASK_STATUS.success || !SAFE_ID.test(task.id)) return null;
    let pending = derivedInFlight.get(key);
    if (!pending) {
      pending = make().finally(() => derivedInFlight.delete(key));
      derivedInFlight.set(key, pending);
    }
    return pending;
  }

  function thumbnail(task: Task, slot: ThumbSlot): Promise<CachedMedia | null> {
    // A still grid's own thumbnail comes with its cells' thumbnails; when the grid cannot be read,
    // the task's other sources are tried.
    if (slot === "thumb" && hasCells(task))
      return derived(task, slot, async () => (await fromGrid(task, slot)) ?? makeThumb(task, slot));
    return derived(task, slot, () => makeThumb(task, slot));
  }

  /** A finished grid of four stills; an animated grid (a video job's WebP) cannot be cut into stills. */
  function hasCells(task: Task): boolean {
    return isGridTask(task) && task.action !== "VIDEO";
  }

  async function cell(task: Task, slot: CellSlot): Promise<CachedMedia | null> {
    if (!hasCells(task)) return null;
    const { n, thumb } = parseCellSlot(slot);
    return derived(task, slot, () => (thumb ? fromGrid(task, `cell.${n}.thumb`) : makeCell(task, n)));
  }

  /**
   * Whether a person waits on some of this task's media: checked when a sharp slot frees, so the
   * background job's queued work for a task someone starts looking at moves up too.
   */
  function urgentFor(taskId: string): Urgency {
    return () => asked.has(taskId);
  }

  /** Runs a request a person makes for a task's media, marking the task as waited on meanwhile. */
  async function forPerson<T>(taskId: string, work: () => Promise<T>): Promise<T> {
    asked.set(taskId, (asked.get(taskId) ?? 0) + 1);
    try {
      return await work();
    } finally {
      const left = (asked.get(taskId) ?? 1) - 1;
      if (left > 0) asked.set(taskId, left);
      else asked.delete(taskId);
    }
  }

  /** A slot of the grid pass, from its result; one the running pass did not make gets a pass of its own. */
  async function fromGrid(task: Task, slot: GridThumbSlot): Promise<CachedMedia | null> {
    const made = (await gridPass(task, slot)).get(slot);
    if (made !== undefined) return made;
    return (await get(task.id, slot)) ?? (await gridPass(task, slot)).get(slot) ?? null;
  }

  /** The running pass over the task's grid, else a new one: two slots asked at once share one decode. */
  function gridPass(task: Task, slot: GridThumbSlot): Promise<Map<GridThumbSlot, CachedMedia | null>> {
    let pass = gridPasses.get(task.id);
    if (!pass) {
      pass = makeGridThumbs(task, slot).finally(() => gridPasses.delete(task.id));
      gridPasses.set(task.id, pass);
    }
    return pass;
  }

  /**
   * The grid's thumbnail and its cells' thumbnails that are missing (and the one asked for), made
   * from one decode of the grid (`makeGridThumbnails`). Cells' thumbnails are made for a grid shown
   * by them, or when one is asked for.
   */
  async function makeGridThumbs(
    task: Task,
    asking: GridThumbSlot,
  ): Promise<Map<GridThumbSlot, CachedMedia | null>> {
    const slots: GridThumbSlot[] = ["thumb", ...(showsCells(task) || asking !== "thumb" ? CELL_THUMBS : [])];
    const wanted: GridThumbSlot[] = [];
    for (const slot of slots) if (slot === asking || !(await index.file(task.id, slot))) wanted.push(slot);
    const made = new Map<GridThumbSlot, CachedMedia | null>(wanted.map((slot) => [slot, null]));
    const cells = wanted.some((slot) => slot !== "thumb");
    const thumbs = await decoding(
      onSourceImage(task, "image", (read) => makeGridThumbnails(read, { cells }, urgentFor(task.id))),
      "The upstream's grid could not be cut.",
    );
    if (!thumbs) return made;
    for (const slot of wanted) {
      const n = slot === "thumb" ? null : parseCellSlot(slot).n;
      const webp = n === null ? thumbs.grid : thumbs.cells?.[n - 1];
      if (!webp) continue;
      const saved = await save(task.id, slot, "image/webp", webp);
      const source = n === null ? "thumb:image" : `thumb:cell.${n}`;
      made.set(slot, await rememberMade(await record(task.id, slot, saved, "image/webp", source), webp));
    }
    return made;
  }

  /** Image n cut out of the grid (`cutCell`), when someone asks for it. */
  async function makeCell(task: Task, n: CellIndex): Promise<CachedMedia | null> {
    const made = await decoding(
      onSourceImage(task, "image", (read) => cutCell(read, n, urgentFor(task.id))),
      "The upstream's grid could not be cut.",
    );
    if (!made) return null;
    const saved = await save(task.id, `cell.${n}`, made.contentType, made.bytes);
    return record(task.id, `cell.${n}`, saved, made.contentType, `cell:${n}`);
  }

  // A restart picks up what the last process left unfinished, and what it gave up on, at once:
  // it is a fresh chance.
  inBackground("resuming jobs", async () => {
    await index.retryFailedJobs(now());
    for (const job of await index.pendingJobs()) push(job.taskId);
  });

  // Jobs another instance queued, or held and stopped renewing (it died), are anyone's: taken
  // here as often as such a hold runs out. One look at a time; none while this cache is busy.
  let adopting = false;
  const adopter = setInterval(() => {
    if (closed || adopting || queue.length > 0) return;
    adopting = true;
    index
      .dueJobs(now(), ADOPT_BATCH)
      .then((jobs) => {
        for (const { taskId } of jobs) if (!queued.has(taskId) && !timers.has(taskId)) push(taskId);
      })
      .catch((error: unknown) => log(`[media] looking for jobs left behind failed: ${String(error)}`))
      .finally(() => (adopting = false));
  }, claimMs);
  adopter.unref();

  function enqueue(tasks: readonly Task[]): void {
    if (closed) return;
    const finished = tasks.filter(
      (task) =>
        task.status === TASK_STATUS.success && SAFE_ID.test(task.id) && originalSlots(task).length > 0,
    );
    if (finished.length === 0) return;
    for (const task of finished) removed.delete(task.id);
    inBackground("queueing", async () => {
      for (const task of finished) {
        if (closed) return;
        if (await index.openJob(task.id, now())) push(task.id);
        // Done, but a file is no longer recorded (its storage was emptied): fetch it again.
        else if (await someUnrecorded(task)) await reopen(task.id);
      }
    });
  }

  async function someUnrecorded(task: Task): Promise<boolean> {
    for (const { slot } of originalSlots(task)) if (!(await index.file(task.id, slot))) return true;
    return false;
  }

  return {
    enqueue,

    get,

    async lookup(taskId, slot) {
      const file = await index.file(taskId, slot);
      return file && toMedia(file);
    },

    async list(taskId) {
      return (await index.files(taskId)).map(toMedia);
    },

    async open(media, options = {}) {
      const body = await blobs.get(media.key, options);
      if (!body) await lost(media);
      return body;
    },

    async whole(media, options = {}) {
      // The blob as storage has it now (a stat; a HEAD in S3) picks what memory may answer, so a
      // file removed or rewritten behind the app's back is noticed at once, as without memory.
      const blob = await blobs.head(media.key);
      const kept = blob && hot.get(hotKey(media, blob));
      if (kept) return kept;
      // The whole blob, whatever range the caller serves from it: only the signal is passed on.
      const body = blob && (await blobs.get(media.key, { signal: options.signal }));
      if (!body) {
        await lost(media);
        return null;
      }
      // Bytes that differ from the record (a put replacing the blob, its record not yet written)
      // are answered as `open` would, and not kept.
      const bytes = new Uint8Array(await readBlob(body));
      remember(media, body.info, bytes);
      return bytes;
    },

    thumbnail: (task, slot) => forPerson(task.id, () => thumbnail(task, slot)),

    cell: (task, slot) => forPerson(task.id, () => cell(task, slot)),

    ahead(task, slots) {
      if (slots.length === 0 || aheadPending >= AHEAD_MAX) return null;
      aheadPending++;
      return Promise.all(
        slots.map((slot) => (isCellSlot(slot) ? cell(task, slot) : thumbnail(task, slot))),
      ).finally(() => aheadPending--);
    },

    async cacheNow(taskId) {
      const task = await getTask(taskId);
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
      const chunks = (async function* () {
        yield* body;
      })();
      const saved = await save(taskId, slot, contentType, chunks);
      const media = await record(taskId, slot, saved, contentType, `sha:${saved.sha256}`, true);
      if (!media) throw new Error("the media cache is closed");
      return media;
    },

    async remove(ids) {
      for (const id of ids) {
        removed.add(id);
        if (SAFE_ID.test(id)) hot.forget(`media/${id}/`);
        const timer = timers.get(id);
        if (timer) clearTimeout(timer);
        timers.delete(id);
        if (!closed) await index.forgetTask(id);
        if (!SAFE_ID.test(id)) continue;
        const keys: string[] = [];
        for await (const blob of blobs.list(`media/${id}/`)) keys.push(blob.key);
        for (const key of keys) await blobs.delete(key);
      }
      settleIdle();
    },

    async job(taskId) {
      const job = await index.job(taskId);
      return job ? { state: job.state, attempts: job.attempts, error: job.error } : null;
    },

    idle() {
      return isIdle() ? Promise.resolve() : new Promise((resolve) => idleWaiters.push(resolve));
    },

    close() {
      closed = true;
      clearInterval(adopter);
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
      queue.length = 0;
      for (const resolve of idleWaiters.splice(0)) resolve();
    },
  };
}
