import "server-only";
import { jobImages } from "@/lib/images/job-images";
import type { Task } from "@/lib/mj/task";
import type { MediaCache } from "./cache";
import { isCellSlot, isMediaSlot, isThumbSlot, withAppMediaUrls } from "./urls";

/**
 * The thumbnails a page shows of a finished job (`jobImages`: the four cells of a grid, or the one
 * image), made from the task's copy before the job is recorded as finished (the task service's
 * `mediaReady`). The page that hears of the finish then loads them from the cache, instead of
 * asking for them at once and waiting on the download and the decode of the grid: 100-600 ms per
 * grid on a busy 2-core machine, the slowest requests a studio answered under load. A grid's cells
 * come from one pass (asked together, they share it); thumbnails of the upstream's own (listed
 * images with a thumbnail) are files it serves, not made here.
 */
export async function makeShownThumbnails(
  cache: Pick<MediaCache, "cell" | "thumbnail">,
  task: Task,
): Promise<void> {
  const prefix = `/api/media/${encodeURIComponent(task.id)}/`;
  const slots = new Set<string>();
  for (const { thumb } of jobImages(withAppMediaUrls(task))) {
    if (thumb.startsWith(prefix)) slots.add(thumb.slice(prefix.length).split("?")[0]!);
  }
  await Promise.all(
    [...slots].filter(isMediaSlot).map((slot) => {
      if (isCellSlot(slot)) return cache.cell(task, slot);
      if (isThumbSlot(slot)) return cache.thumbnail(task, slot);
      return null;
    }),
  );
}
