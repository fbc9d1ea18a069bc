import "server-only";
import { AppError } from "@/lib/http/errors";
import { isTerminalStatus, type Task } from "@/lib/mj/task";
import { readAll, type MediaDownloader } from "./fetch";
import { createHotBytes } from "./hot-bytes";

/**
 * A running task's progress image (its `imageUrl` until it finishes; the upstream gives each step
 * a new URL), fetched from the upstream once however many tabs and requests ask for it: asks that
 * come while it is on its way wait for that one fetch, and the bytes of each task's newest preview
 * are kept in memory (a small LRU by bytes) until the task finishes.
 *
 * An upstream slow to send a new step is answered with the task's previous preview once
 * `staleAfterMs` have passed, and a failed one likewise: the card would otherwise hold one of a
 * browser's six connections to the app for up to the upstream's 30 s timeout and then show a
 * broken image, where the last step it showed is what is worth seeing. With no earlier preview,
 * the ask waits for the upstream, or for a later step of the task, whichever lands first; only
 * when its own fetch fails with nothing to show is it the error it is today.
 *
 * The poller fetches a new step here before recording it, but only while a page on this instance
 * listens (lib/media/ready.ts): every tab that shows the task then asks at the moment of the push,
 * and drop-in API clients, which never show previews, cost no fetch per step.
 */

export interface Preview {
  bytes: Uint8Array<ArrayBuffer>;
  contentType: string;
  /**
   * Another step's preview (the task's previous one, or a later one that landed first), answered
   * because the upstream was slow with this one, or failed it.
   */
  stale: boolean;
}

export interface PreviewCacheOptions {
  /** Opens a media URL a task carries (guarded, capped): the same download as every media file. */
  download: MediaDownloader;
  /** Bytes kept at most, all tasks together (default 4 MB: some dozens of running tasks' previews). */
  maxBytes?: number;
  /** A larger preview is passed on to those waiting for it, not kept (default 1 MB). */
  maxEntryBytes?: number;
  /** How long an ask waits for a new step before the task's previous one answers (default 3 s). */
  staleAfterMs?: number;
}

export interface PreviewCache {
  /** The preview at `url` (a step of task `taskId`), or the task's previous one: see above. */
  get(taskId: string, url: string, signal?: AbortSignal): Promise<Preview>;
  /** Told of every copy the task service records: a finished task's previews are over. */
  recorded(tasks: readonly Task[]): void;
  /** Forgets what is kept of these tasks (deleted). */
  forget(taskIds: Iterable<string>): void;
  /** Bytes kept now (never above `maxBytes`). */
  readonly bytes: number;
}

type Fetched = Omit<Preview, "stale">;

interface Kept {
  url: string;
  contentType: string;
  /** The order its fetch started in: a slow older step landing late does not replace a newer one. */
  order: number;
}

interface InFlight {
  taskId: string;
  order: number;
  promise: Promise<Fetched>;
  /** False once the task was forgotten meanwhile: what lands then is not kept. */
  keep: boolean;
}

export function createPreviewCache({
  download,
  maxBytes = 4 * 1024 * 1024,
  maxEntryBytes = 1024 * 1024,
  staleAfterMs = 3_000,
}: PreviewCacheOptions): PreviewCache {
  // One entry per task (its newest step); what it is, beside it. The key ends the id, as
  // `forget` forgets by prefix and one id may begin another.
  const hot = createHotBytes({ maxBytes, maxEntryBytes });
  const keyOf = (taskId: string) => `${taskId}\n`;
  const kept = new Map<string, Kept>();
  const inFlight = new Map<string, InFlight>();
  /** Asks past `staleAfterMs` with no other step to show: answered by the task's next to land. */
  const overdue = new Map<string, Set<(preview: Fetched, url: string) => void>>();
  let started = 0;

  /** The kept preview of the task: at `url` only, when given; the entry is dropped if evicted. */
  function keptOf(taskId: string, url?: string): Fetched | null {
    const meta = kept.get(taskId);
    if (!meta || (url !== undefined && meta.url !== url)) return null;
    const bytes = hot.get(keyOf(taskId));
    if (!bytes) {
      kept.delete(taskId);
      return null;
    }
    return { bytes, contentType: meta.contentType };
  }

  function fetchOnce(taskId: string, url: string): Promise<Fetched> {
    const running = inFlight.get(url);
    if (running) return running.promise;
    const order = ++started;
    const entry: InFlight = {
      taskId,
      order,
      keep: true,
      // Not bound to any one ask's signal: the others still want it, and what lands is kept for
      // the next ask. The upstream client's deadline bounds it.
      promise: (async () => {
        const media = await download(url);
        return { bytes: new Uint8Array(await readAll(media)), contentType: media.contentType };
      })(),
    };
    inFlight.set(url, entry);
    entry.promise.then(
      (fetched) => {
        inFlight.delete(url);
        const newest = kept.get(taskId);
        // Too large to keep: the previous step stays the fallback.
        const fits = fetched.bytes.byteLength <= Math.min(maxEntryBytes, maxBytes);
        if (!entry.keep || !fits || (newest && newest.order > order)) return;
        hot.set(keyOf(taskId), fetched.bytes);
        kept.set(taskId, { url, contentType: fetched.contentType, order });
        for (const answer of overdue.get(taskId) ?? []) answer(fetched, url);
      },
      // A failure is not kept: the next ask tries the upstream again.
      () => inFlight.delete(url),
    );
    return entry.promise;
  }

  function forget(taskIds: Iterable<string>): void {
    const forgotten = new Set(taskIds);
    for (const taskId of forgotten) {
      kept.delete(taskId);
      hot.forget(keyOf(taskId));
    }
    for (const entry of inFlight.values()) if (forgotten.has(entry.taskId)) entry.keep = false;
  }

  return {
    get(taskId, url, signal) {
      const hit = keptOf(taskId, url);
      if (hit) return Promise.resolve({ ...hit, stale: false });
      const fetched = fetchOnce(taskId, url);
      return new Promise<Preview>((resolve, reject) => {
        const earlier = () => {
          const previous = keptOf(taskId);
          return previous && { ...previous, stale: true };
        };
        const landed = (preview: Fetched, landedUrl: string) =>
          settle(() => resolve({ ...preview, stale: landedUrl !== url }));
        const settle = (finish: () => void) => {
          clearTimeout(timer);
          signal?.removeEventListener("abort", cancelled);
          const waiting = overdue.get(taskId);
          waiting?.delete(landed);
          if (waiting?.size === 0) overdue.delete(taskId);
          finish();
        };
        const cancelled = () =>
          settle(() => reject(new AppError("upstream_error", "The request was cancelled.")));
        const timer = setTimeout(() => {
          const previous = earlier();
          if (previous) return settle(() => resolve(previous));
          // Nothing to show yet: whichever step of the task lands first (this one's included) answers.
          const waiting = overdue.get(taskId) ?? new Set();
          overdue.set(taskId, waiting.add(landed));
        }, staleAfterMs);
        if (signal?.aborted) return cancelled();
        signal?.addEventListener("abort", cancelled, { once: true });
        fetched.then(
          (preview) => settle(() => resolve({ ...preview, stale: false })),
          (error: unknown) => {
            const previous = earlier();
            settle(() => (previous ? resolve(previous) : reject(error)));
          },
        );
      });
    },
    recorded(tasks) {
      forget(tasks.filter((task) => isTerminalStatus(task.status)).map((task) => task.id));
    },
    forget,
    get bytes() {
      return hot.bytes;
    },
  };
}
