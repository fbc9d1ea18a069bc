import "server-only";
import { jobImages } from "@/lib/images/job-images";
import { isTerminalStatus, TASK_STATUS, type Task } from "@/lib/mj/task";
import type { MediaCache } from "./cache";
import type { PreviewCache } from "./previews";
import { isCellSlot, isMediaSlot, isThumbSlot, withAppMediaUrls } from "./urls";

/**
 * What a page shows of a copy the poller brings, made before the copy is recorded and pushed (the
 * task service's `mediaReady`), so the page that hears of it loads it from memory or the cache
 * instead of every tab asking at that moment and waiting on the same download and decode:
 * - a finish: the thumbnails the page shows (`jobImages`: a grid's four cells from one pass, or
 *   the one image's); the media queue would make them anyway, so they are made whoever listens;
 * - a running task's new progress image, fetched once into the preview cache, only while a page
 *   on this instance listens (the cache is this instance's memory; drop-in API clients never
 *   show previews, so nobody listening means no fetch per step).
 * Null when there is nothing to make.
 */
export function makeShown(
  cache: Pick<MediaCache, "cell" | "thumbnail">,
  previews: Pick<PreviewCache, "get">,
): (task: Task, pageListening: boolean) => Promise<unknown> | null {
  return (task, pageListening) => {
    if (task.status === TASK_STATUS.success) return makeShownThumbnails(cache, task);
    if (pageListening && task.imageUrl && !isTerminalStatus(task.status))
      return previews.get(task.id, task.imageUrl);
    return null;
  };
}

/**
 * A finished job's thumbnails a page shows; null when there are none to make (thumbnails the
 * upstream lists itself are its files, not made here).
 */
function makeShownThumbnails(
  cache: Pick<MediaCache, "cell" | "thumbnail">,
  task: Task,
): Promise<unknown> | null {
  const prefix = `/api/media/${encodeURIComponent(task.id)}/`;
  const made: Promise<unknown>[] = [];
  const slots = new Set<string>();
  for (const { thumb } of jobImages(withAppMediaUrls(task))) {
    if (thumb.startsWith(prefix)) slots.add(thumb.slice(prefix.length).split("?")[0]!);
  }
  for (const slot of slots) {
    if (!isMediaSlot(slot)) continue;
    if (isCellSlot(slot)) made.push(cache.cell(task, slot));
    else if (isThumbSlot(slot)) made.push(cache.thumbnail(task, slot));
  }
  return made.length > 0 ? Promise.all(made) : null;
}
