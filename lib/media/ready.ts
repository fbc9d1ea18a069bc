import "server-only";
import { jobImages } from "@/lib/images/job-images";
import { isTerminalStatus, TASK_STATUS, type Task } from "@/lib/mj/task";
import type { MediaCache } from "./cache";
import type { PreviewCache } from "./previews";
import {
  isCellSlot,
  isMediaSlot,
  isThumbSlot,
  withAppMediaUrls,
  type CellSlot,
  type ThumbSlot,
} from "./urls";

/**
 * What a page shows of a copy the poller brings, made before the copy is recorded and pushed (the
 * task service's `mediaReady`), so the page that hears of it loads it from memory or the cache
 * instead of every tab asking at that moment and waiting on the same download and decode:
 * - a finish: the thumbnails the page shows (`jobImages`: a grid's four cells from one pass, or
 *   the one image's); the media queue would make them anyway, so they are made whoever listens,
 *   unless the cache has its most tasks' thumbnails in hand already (`MediaCache.ahead`);
 * - a running task's new progress image, fetched once into the preview cache, only while a page
 *   on this instance listens (the cache is this instance's memory; drop-in API clients never
 *   show previews, so nobody listening means no fetch per step).
 * Null when there is nothing to make.
 */
export function makeShown(
  cache: Pick<MediaCache, "ahead">,
  previews: Pick<PreviewCache, "get">,
): (task: Task, pageListening: boolean) => Promise<unknown> | null {
  return (task, pageListening) => {
    if (task.status === TASK_STATUS.success) return makeShownThumbnails(cache, task);
    if (pageListening && task.imageUrl && !isTerminalStatus(task.status))
      return previews.get(task.id, task.imageUrl);
    return null;
  };
}

/** A finished job's thumbnails a page shows, made ahead; null when there are none to make. */
function makeShownThumbnails(cache: Pick<MediaCache, "ahead">, task: Task): Promise<unknown> | null {
  // Thumbnails the upstream lists itself are its files, not made here.
  const prefix = `/api/media/${encodeURIComponent(task.id)}/`;
  const slots = new Set<ThumbSlot | CellSlot>();
  for (const { thumb } of jobImages(withAppMediaUrls(task))) {
    if (!thumb.startsWith(prefix)) continue;
    const slot = thumb.slice(prefix.length).split("?")[0]!;
    if (isMediaSlot(slot) && (isCellSlot(slot) || isThumbSlot(slot))) slots.add(slot);
  }
  return slots.size > 0 ? cache.ahead(task, [...slots]) : null;
}
