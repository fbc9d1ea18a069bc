import { TASK_STATUS, type Task } from "@/lib/mj/task";

/**
 * What the result views need to know about a finished task's media, as pure functions so the card,
 * the lightbox and the gallery agree and the rules are unit-tested without a browser.
 */

/**
 * Actions whose result is four images in one file. REROLL, HIGH/LOW_VARIATION, CUSTOM_ZOOM and
 * INPAINT (Vary Region) are the labels novicezk and new-api relays use for the same jobs
 * (docs/protocol.md §4.3); trueai's reroll keeps the parent's action, which is already listed.
 * The Editor's EDIT and RETEXTURE answer grids too (EDITS is new-api's label for an edit).
 */
const GRID_ACTIONS = new Set([
  "IMAGINE",
  "VARIATION",
  "HIGH_VARIATION",
  "LOW_VARIATION",
  "REROLL",
  "ZOOM",
  "CUSTOM_ZOOM",
  "PAN",
  "BLEND",
  "INPAINT",
  "EDIT",
  "EDITS",
  "RETEXTURE",
]);

function isVideoContent(task: Task): boolean {
  return task.contentType?.toLowerCase().startsWith("video/") ?? false;
}

/**
 * One playable video: an mp4 by content type, or (relays drop `contentType`) a non-VIDEO task that
 * carries video links, i.e. a video U1-U4. A VIDEO task without a video content type is the
 * animated webp grid even when `videoUrl` is set, because the official-CDN fill copies `imageUrl`
 * into `videoUrl` (§7); only a single listed video makes it one clip (an extend via a relay).
 */
export function isSingleVideo(task: Task): boolean {
  if (isVideoContent(task)) return true;
  const listed = task.videoUrls?.length ?? 0;
  if (task.action === "VIDEO") return listed === 1 && !task.contentType?.toLowerCase().startsWith("image/");
  return Boolean(task.videoUrl) || listed > 0;
}

/** A finished 2x2 grid in one file: four stills, or four animations in one animated webp. */
export function isGridTask(task: Task): boolean {
  if (task.status !== TASK_STATUS.success || !task.imageUrl || isSingleVideo(task)) return false;
  return task.action === "VIDEO" || GRID_ACTIONS.has(task.action ?? "");
}

export type ResultMedia =
  | { kind: "image"; src: string; grid: boolean; animated: boolean }
  | { kind: "video"; src: string; poster: string | null };

/** How a finished task is shown, or null when it carries no media (DESCRIBE, a broken result). */
export function resultMedia(task: Task): ResultMedia | null {
  if (isSingleVideo(task)) {
    const first = task.videoUrls?.[0];
    const src = task.videoUrl || first?.url || task.imageUrl;
    return src ? { kind: "video", src, poster: first?.thumbnail ?? null } : null;
  }
  if (!task.imageUrl) return null;
  // An animated webp cannot be cropped on a canvas (it would freeze on its first frame).
  return { kind: "image", src: task.imageUrl, grid: isGridTask(task), animated: task.action === "VIDEO" };
}

/** The clip behind quadrant `index` (1-4) of a video grid, where the upstream lists one per image. */
export function quadrantVideo(task: Task, index: number): string | null {
  return task.videoUrls?.length === 4 ? (task.videoUrls[index - 1]?.url ?? null) : null;
}

/** The prompt to copy or reuse: the upstream's final (translated, parameterised) one if present. */
export function promptOf(task: Task): string {
  const final = task.properties.finalPrompt;
  return (typeof final === "string" && final.trim()) || task.prompt?.trim() || "";
}

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/**
 * Pixel rectangle of quadrant `index` (1 top-left, 2 top-right, 3 bottom-left, 4 bottom-right, as
 * Midjourney numbers U1-U4). The split is rounded once and shared, so the four rects tile the image
 * exactly even for odd sizes, with no gap or overlap a canvas crop would show.
 */
export function quadrantRect(width: number, height: number, index: number): Rect {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 2 || height < 2) {
    throw new RangeError(`A grid needs integer dimensions of at least 2x2, got ${width}x${height}.`);
  }
  if (!Number.isInteger(index) || index < 1 || index > 4) {
    throw new RangeError(`Quadrant index must be 1-4, got ${index}.`);
  }
  const midX = Math.round(width / 2);
  const midY = Math.round(height / 2);
  const right = index === 2 || index === 4;
  const bottom = index >= 3;
  return {
    x: right ? midX : 0,
    y: bottom ? midY : 0,
    w: right ? width - midX : midX,
    h: bottom ? height - midY : midY,
  };
}

/**
 * How much of a prompt the compact views carry: a tile or card shows a few clamped lines, and its
 * label need not hold ten thousand characters. The detail view shows more, and Copy gives it all.
 */
export const PROMPT_PREVIEW_CHARS = 300;
export const PROMPT_DETAIL_CHARS = 3_000;

/** Cuts a title to `max` characters (code points, so emoji and CJK are never split). */
export function truncateText(text: string, max: number): string {
  const chars = Array.from(text.trim());
  return chars.length <= max
    ? chars.join("")
    : `${chars
        .slice(0, max - 1)
        .join("")
        .trimEnd()}…`;
}
