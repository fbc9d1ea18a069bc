import { TASK_STATUS, type Task } from "@/lib/mj/task";
import { thumbnailOf } from "@/lib/mj/task-view";
import { resultMedia } from "./grid";

/**
 * The images of a finished job as separate pictures, as midjourney.com shows them: each image of a
 * grid is its own tile with its own actions (U n, V n act on image n). Where the upstream lists the
 * grid's images (`imageUrls`, official accounts), those are used; otherwise the app's media route
 * cuts image n out of the grid on the server (`cell.<n>`, and its WebP thumbnail `cell.<n>.thumb`),
 * cached like every other slot.
 */
export interface JobImage {
  /** 1-4: the image of a grid, the index its U and V buttons name; null: the job's one image. */
  n: number | null;
  /** The full image. */
  src: string;
  /** A small WebP for tiles. */
  thumb: string;
}

const MEDIA_URL = /^(\/api\/media\/[^/?#]+\/)[^/?#]+(\?[^#]*)?$/;

/**
 * Another slot of the same task, same version: `/api/media/t/image?v=x` -> `/api/media/t/cell.2?v=x`.
 * The version names the upstream grid the cell is cut from, so a cell is as cacheable as its grid.
 */
export function siblingSlotUrl(url: string, slot: string): string | null {
  const match = MEDIA_URL.exec(url);
  return match ? `${match[1]}${slot}${match[2] ?? ""}` : null;
}

/** The job's images, in order; none for a video, a text result or a job that has not finished. */
export function jobImages(task: Task): JobImage[] {
  if (task.status !== TASK_STATUS.success) return [];
  const media = resultMedia(task);
  if (!media || media.kind === "video") return [];
  if (!media.grid) return [{ n: null, src: media.src, thumb: thumbnailOf(task) ?? media.src }];
  // An animated grid (a video job shown as one WebP) cannot be cut into stills.
  if (media.animated) return [];
  const listed = (task.imageUrls ?? []).filter((ref) => ref.url);
  if (listed.length > 1)
    return listed.map((ref, i) => ({ n: i + 1, src: ref.url, thumb: ref.thumbnail || ref.url }));
  const cells = [1, 2, 3, 4].map((n) => ({
    n,
    src: siblingSlotUrl(media.src, `cell.${n}`),
    thumb: siblingSlotUrl(media.src, `cell.${n}.thumb`),
  }));
  return cells.every((cell) => cell.src && cell.thumb)
    ? cells.map(({ n, src, thumb }) => ({ n, src: src ?? "", thumb: thumb ?? "" }))
    : // Not an app media URL (nothing the server can cut): the grid as one picture.
      [{ n: null, src: media.src, thumb: thumbnailOf(task) ?? media.src }];
}
