import { parseCustomId, type ParsedCustomId } from "@/lib/mj/buttons";
import { VIDEO_EXTEND_CAP_SECONDS } from "@/lib/mj/requests";
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

/**
 * One playable MP4 of a finished task. `index` is its place in `videoUrls` (0-based, what an
 * extend names); `listed` says the task lists it there, so the media cache has a
 * `videos.<index>` slot (and a poster still) for it.
 */
export interface VideoClip {
  index: number;
  url: string;
  listed: boolean;
}

/**
 * The clips of a task, each its own player: the listed videos of a VIDEO task (1, 2 or 4, however
 * its `imageUrl` shows them), or the one video of a video upscale or an extend. None for an image,
 * nor for an animated grid with no clips listed (Discord: its U buttons make the clips).
 */
export function videoClips(task: Task): VideoClip[] {
  const listed = task.videoUrls ?? [];
  if (task.action === "VIDEO" && listed.length > 0)
    return listed.map((ref, index) => ({ index, url: ref.url, listed: true }));
  if (!isSingleVideo(task)) return [];
  const url = task.videoUrl || listed[0]?.url || task.imageUrl;
  return url ? [{ index: 0, url, listed: listed.length > 0 }] : [];
}

export type ResultMedia =
  { kind: "image"; src: string; grid: boolean; animated: boolean } | { kind: "video"; clips: VideoClip[] };

/** How a finished task is shown, or null when it carries no media (DESCRIBE, a broken result). */
export function resultMedia(task: Task): ResultMedia | null {
  const clips = videoClips(task);
  if (clips.length > 0) return { kind: "video", clips };
  if (!task.imageUrl) return null;
  // An animated webp cannot be cropped on a canvas (it would freeze on its first frame).
  return { kind: "image", src: task.imageUrl, grid: isGridTask(task), animated: task.action === "VIDEO" };
}

/**
 * A video U (`video_virtual_upscale::n`) of a clip the VIDEO task already lists: the page plays,
 * downloads and extends that clip itself, while a relay refuses the button (§8.1) and trueai's
 * answer would be the same MP4 again. Such buttons are not offered.
 */
export function upscalesListedClip(task: Task, button: ParsedCustomId): boolean {
  return (
    task.action === "VIDEO" &&
    button.kind === "upscale" &&
    button.variant === "video" &&
    button.index !== null &&
    button.index <= (task.videoUrls?.length ?? 0)
  );
}

/** What `/submit/video` with `action: "extend"` names for a clip: a VIDEO task and a clip of it. */
export interface ExtendSource {
  taskId: string;
  index: number;
}

/**
 * The task and index an extend of this clip names (§3.7: the VIDEO task, not a video upscale), or
 * null when that cannot be known (an upscaled video whose press was not recorded). A video
 * upscale is clip n-1 of its parent VIDEO task, n being the `video_virtual_upscale::n` pressed.
 */
export function extendSource(task: Task, clip: VideoClip): ExtendSource | null {
  if (task.action === "VIDEO") return { taskId: task.id, index: clip.index };
  const pressed = parseCustomId(String(task.properties.custom_id ?? ""));
  if (task.parentId && pressed.kind === "upscale" && pressed.variant === "video" && pressed.index)
    return { taskId: task.parentId, index: pressed.index - 1 };
  return null;
}

/** A new clip's length and what each extend adds (§7): 5 s, then about 4 s up to four times. */
export const VIDEO_CLIP_SECONDS = 5;
export const VIDEO_EXTEND_SECONDS = 4;

/** Made by an Extend: an extend request (`video_extend_index`) or an Extend button. */
function isExtension(task: Task): boolean {
  if (task.properties.video_extend_index !== undefined) return true;
  return parseCustomId(String(task.properties.custom_id ?? "")).kind === "extend";
}

/**
 * How long a task's clips run, in seconds, as far as it is known: what the upstream says
 * (`videoDuration`), else what the player measured, else counted from the chain of extends
 * (`parents` nearest first, as the history's lineage lists them). Null when nothing says.
 */
export function clipSeconds(
  task: Task,
  { measured = null, parents = [] }: { measured?: number | null; parents?: readonly Task[] } = {},
): number | null {
  const stated = (task as Record<string, unknown>).videoDuration;
  if (typeof stated === "number" && Number.isFinite(stated) && stated > 0) return stated;
  if (measured !== null && Number.isFinite(measured) && measured > 0) return measured;
  let extensions = 0;
  for (const link of [task, ...parents]) {
    if (isExtension(link)) extensions += 1;
    // A video upscale between two extends is the same clip, not a new one.
    else if (!(link.action !== "VIDEO" && isSingleVideo(link))) break;
  }
  return extensions > 0 ? VIDEO_CLIP_SECONDS + VIDEO_EXTEND_SECONDS * extensions : null;
}

/**
 * Whether one more extend would pass Midjourney's cap (21 s: four extends of a 5 s clip). Lengths
 * come in 4 s steps (5, 9, 13, 17, 21), so the line sits halfway between the last two: a measured
 * 20.96 s is at the cap, 17.04 s is not.
 */
export function atExtendCap(seconds: number | null): boolean {
  return seconds !== null && seconds >= VIDEO_EXTEND_CAP_SECONDS - VIDEO_EXTEND_SECONDS / 2;
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
