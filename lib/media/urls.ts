import { createHash } from "node:crypto";
import { TASK_STATUS, type MediaRef, type Task } from "@/lib/mj/task";

/**
 * Media never points at the upstream: every media URL a task carries is replaced with the app's
 * own `/api/media/{taskId}/{slot}` route, which looks the upstream URL up again on the server.
 * Discord links expire and leak where a user has been; the app's links do neither.
 */

export type MediaSlot = OriginalSlot | ThumbSlot | CellSlot;

/** A file the upstream serves: what the task carries, byte for byte. */
export type OriginalSlot =
  | "image"
  | "thumbnail"
  | "video"
  | "base-image"
  | "video-origin"
  | `images.${number}`
  | `images.${number}.thumbnail`
  | `videos.${number}`
  | `videos.${number}.thumbnail`;

/** A WebP thumbnail the app makes itself (lib/media/thumbnail.ts) from the task's media. */
export type ThumbSlot = "thumb" | `images.${number}.thumb` | `videos.${number}.thumb`;

/**
 * Image n (1-4, as U n and V n number them) cut out of a finished still grid by the app, and its
 * WebP thumbnail: how a job shows its images as separate pictures when the upstream lists none
 * (lib/images/job-images.ts). They are versioned by the grid's URL (`appMediaUrl(id, "cell.2",
 * imageUrl)`), since they are made from it.
 */
export type CellSlot = `cell.${CellIndex}` | `cell.${CellIndex}.thumb`;
export type CellIndex = 1 | 2 | 3 | 4;

const SLOT_PATTERN =
  /^(image|thumbnail|thumb|video|base-image|video-origin|(images|videos)\.(\d{1,2})(\.thumbnail|\.thumb)?)$/;
const CELL_PATTERN = /^cell\.([1-4])(\.thumb)?$/;

export function isMediaSlot(value: string): value is MediaSlot {
  return SLOT_PATTERN.test(value) || CELL_PATTERN.test(value);
}

export function isCellSlot(slot: MediaSlot): slot is CellSlot {
  return CELL_PATTERN.test(slot);
}

/** The image a cell slot is (1-4) and whether the slot is its thumbnail. */
export function parseCellSlot(slot: CellSlot): { n: CellIndex; thumb: boolean } {
  const match = CELL_PATTERN.exec(slot);
  if (!match) throw new RangeError(`${slot} is not a cell slot`);
  return { n: Number(match[1]) as CellIndex, thumb: Boolean(match[2]) };
}

export function isThumbSlot(slot: MediaSlot): slot is ThumbSlot {
  return !isCellSlot(slot) && (slot === "thumb" || slot.endsWith(".thumb"));
}

/**
 * The originals of a finished task worth keeping: the image, each grid image, the video and each
 * video. Several slots may carry one URL (a video task's imageUrl is its mp4); callers fetch each
 * URL once.
 */
export function originalSlots(task: Task): { slot: OriginalSlot; url: string }[] {
  const slots: { slot: OriginalSlot; url: string }[] = [];
  if (task.imageUrl) slots.push({ slot: "image", url: task.imageUrl });
  task.imageUrls?.forEach((ref, i) => ref.url && slots.push({ slot: `images.${i}`, url: ref.url }));
  if (task.videoUrl) slots.push({ slot: "video", url: task.videoUrl });
  task.videoUrls?.forEach((ref, i) => ref.url && slots.push({ slot: `videos.${i}`, url: ref.url }));
  return slots;
}

/**
 * Where a thumbnail is made from, best first. An image slot is its own source. A video has no
 * frame sharp can read, so its still is used: the upstream's thumbnail of that video (trueai's
 * `videoUrls[i].thumbnail`, the simulator's first frame), the start frame
 * (`videoGenOriginImageUrl`), or the first grid image. Candidates that turn out to be videos
 * (trueai overwrites `imageUrls` with mp4s) are skipped by the thumbnailer.
 */
export function thumbSources(task: Task, slot: ThumbSlot): OriginalSlot[] {
  const stills: OriginalSlot[] = ["video-origin", "images.0"];
  if (slot === "thumb") return ["image", "videos.0.thumbnail", ...stills, "thumbnail"];
  const [list, index] = slot.split(".") as ["images" | "videos", string];
  return list === "images"
    ? [`images.${Number(index)}`, `videos.${Number(index)}.thumbnail`]
    : [`videos.${Number(index)}.thumbnail`, ...stills];
}

/** The first thumbnail source the task carries a URL for, if any. */
export function thumbSourceUrl(task: Task, slot: ThumbSlot): string | null {
  for (const source of thumbSources(task, slot)) {
    const url = upstreamUrlFor(task, source);
    if (url) return url;
  }
  return null;
}

/** The upstream URL behind a slot of this task, or null when the task carries none. */
export function upstreamUrlFor(task: Task, slot: MediaSlot): string | null {
  const match = SLOT_PATTERN.exec(slot);
  if (!match) return null;
  const [, name, list, index, suffix] = match;
  if (suffix === ".thumb" || name === "thumb") return null;
  if (list) {
    const ref: MediaRef | undefined = (list === "images" ? task.imageUrls : task.videoUrls)?.[Number(index)];
    return (suffix ? ref?.thumbnail : ref?.url) ?? null;
  }
  switch (name) {
    case "image":
      return task.imageUrl;
    case "thumbnail":
      return task.thumbnailUrl;
    case "video":
      return task.videoUrl;
    case "base-image":
      return stringField(task, "baseImageUrl");
    case "video-origin":
      return stringField(task, "videoGenOriginImageUrl");
    default:
      return null;
  }
}

function stringField(task: Task, key: string): string | null {
  const value = (task as Record<string, unknown>)[key];
  return typeof value === "string" && value !== "" ? value : null;
}

/** Short fingerprint of the upstream URL: changes with every new preview, so caches never go stale. */
export function urlVersion(upstreamUrl: string): string {
  return createHash("sha256").update(upstreamUrl).digest("base64url").slice(0, 12);
}

export function appMediaUrl(taskId: string, slot: MediaSlot, upstreamUrl: string | null): string | null {
  if (!upstreamUrl) return null;
  return `/api/media/${encodeURIComponent(taskId)}/${slot}?v=${urlVersion(upstreamUrl)}`;
}

/** A finished grid image without an upstream thumbnail gets the app's. */
function rewriteRefs(task: Task, list: "images" | "videos", refs: MediaRef[] | null): MediaRef[] | null {
  if (!refs) return null;
  const done = task.status === TASK_STATUS.success;
  return refs.map((ref, i) => ({
    ...ref,
    url: appMediaUrl(task.id, `${list}.${i}`, ref.url) ?? "",
    thumbnail: ref.thumbnail
      ? appMediaUrl(task.id, `${list}.${i}.thumbnail`, ref.thumbnail)
      : list === "images" && done
        ? appMediaUrl(task.id, `images.${i}.thumb`, ref.url)
        : null,
  }));
}

/**
 * The task as the app hands it out: same shape as upstream, every media URL the app's own. A
 * finished task's `thumbnailUrl` is the app's WebP thumbnail (the gallery loads those, not the
 * originals); a running task's previews change every step, so it keeps the upstream's, if any.
 */
export function withAppMediaUrls(task: Task): Task {
  const done = task.status === TASK_STATUS.success;
  const out: Task = {
    ...task,
    imageUrl: appMediaUrl(task.id, "image", task.imageUrl),
    thumbnailUrl: done
      ? appMediaUrl(task.id, "thumb", thumbSourceUrl(task, "thumb"))
      : appMediaUrl(task.id, "thumbnail", task.thumbnailUrl),
    videoUrl: appMediaUrl(task.id, "video", task.videoUrl),
    imageUrls: rewriteRefs(task, "images", task.imageUrls),
    videoUrls: rewriteRefs(task, "videos", task.videoUrls),
  };
  const extra = out as Record<string, unknown>;
  if ("baseImageUrl" in extra)
    extra.baseImageUrl = appMediaUrl(task.id, "base-image", stringField(task, "baseImageUrl"));
  if ("videoGenOriginImageUrl" in extra) {
    extra.videoGenOriginImageUrl = appMediaUrl(
      task.id,
      "video-origin",
      stringField(task, "videoGenOriginImageUrl"),
    );
  }
  // Raw Discord attachment links (`url`, `proxyUrl`) duplicate imageUrl; they are dropped, not proxied.
  if ("url" in extra) extra.url = null;
  if ("proxyUrl" in extra) extra.proxyUrl = null;
  return out;
}
