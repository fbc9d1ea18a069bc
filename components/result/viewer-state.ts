import { resultMedia } from "@/lib/images/grid";
import { describeButton, type ButtonInfo } from "@/lib/mj/buttons";
import type { Task } from "@/lib/mj/task";

/**
 * The viewer's pure parts: its address (`?view=<taskId>&image=<n>`), how many pictures a job has
 * to step through, which button a single-key shortcut presses, and the zoom arithmetic.
 */

export const VIEW_PARAM = "view";
/** The viewer's own Toaster (see toastUndo): the page's one is outside the modal viewer. */
export const VIEWER_TOASTER = "viewer";
export const IMAGE_PARAM = "image";

const TASK_ID = /^[\w.-]{1,100}$/;

/** What the address asks the viewer to show; null when it shows nothing (or nonsense). */
export function viewFromSearch(search: URLSearchParams): { id: string; image: number | null } | null {
  const id = search.get(VIEW_PARAM);
  if (!id || !TASK_ID.test(id)) return null;
  const image = Number(search.get(IMAGE_PARAM));
  return { id, image: Number.isInteger(image) && image >= 1 && image <= 4 ? image : null };
}

/** The address `href` with the viewer on `view` (null: closed); every other parameter is kept. */
export function viewHref(href: string, view: { id: string; image: number | null } | null): string {
  const url = new URL(href);
  url.searchParams.delete(VIEW_PARAM);
  url.searchParams.delete(IMAGE_PARAM);
  if (view) {
    url.searchParams.set(VIEW_PARAM, view.id);
    if (view.image !== null) url.searchParams.set(IMAGE_PARAM, String(view.image));
  }
  return url.pathname + url.search + url.hash;
}

/** The pictures the arrows step through inside one job: a grid's images, a video's clips, else one. */
export function viewCount(task: Task): number {
  const media = resultMedia(task);
  if (media?.kind === "video") return Math.max(media.clips.length, 1);
  // An animated grid is cut with CSS; a still grid into jobImages' cells: four either way.
  if (media?.grid) return 4;
  return 1;
}

/** The numbered picture (1-based) of a job, or null for a job with one. */
export function viewIndex(task: Task, image: number | null): number | null {
  const count = viewCount(task);
  const media = resultMedia(task);
  if (count === 1 && media?.kind !== "video") return null;
  return Math.min(Math.max(image ?? 1, 1), count);
}

/**
 * Where the viewer goes when the job on view leaves the list (deleted or hidden from the viewer):
 * on to the next job, else back to the previous one (it was the last); null when none is left,
 * or the job was not one of the list's (opened through its lineage), and the viewer closes.
 */
export function successorOf<T extends { id: string }>(tasks: readonly T[], id: string): T | null {
  const at = tasks.findIndex((task) => task.id === id);
  if (at < 0) return null;
  return tasks[at + 1] ?? tasks[at - 1] ?? null;
}

/**
 * A keyboard event as the `aria-keyshortcuts` token the viewer's controls carry ("U", "Shift+V",
 * "ArrowLeft", "?"); null for keys with Ctrl, Alt or Meta, which belong to the browser.
 */
export function shortcutOf(
  event: Pick<KeyboardEvent, "key" | "shiftKey" | "altKey" | "ctrlKey" | "metaKey">,
) {
  if (event.altKey || event.ctrlKey || event.metaKey) return null;
  const { key } = event;
  if (/^[a-z]$/i.test(key)) return event.shiftKey ? `Shift+${key.toUpperCase()}` : key.toUpperCase();
  if (key.length === 1 || key.startsWith("Arrow") || key === "Escape") return key;
  return null;
}

/**
 * The shortcut of one of the job's buttons while image `image` is on view: U upscales it, V varies
 * it (strong; Shift+V subtle on an upscaled image), R rerolls the job. Other buttons have none.
 */
export function buttonShortcut(info: ButtonInfo, image: number | null): string | undefined {
  if (info.kind === "reroll" && info.variant === "job") return "R";
  // On a grid only image n's U n and V n; an upscaled image's buttons all name image 1.
  if (image !== null && info.index !== image) return undefined;
  if (info.kind === "upscale" && (info.variant === "grid" || info.variant === "subtle")) return "U";
  if (info.kind === "vary" && (info.variant === "grid" || info.variant === "strong")) return "V";
  if (info.kind === "vary" && info.variant === "subtle") return "Shift+V";
  return undefined;
}

/** The buttons shown beside image `image` of a grid: its own and the job's, not the other images'. */
export function buttonsForImage(task: Task, image: number | null): Task {
  if (image === null) return task;
  return { ...task, buttons: task.buttons.filter((b) => [null, image].includes(describeButton(b).index)) };
}

/** A drag of the phone's bottom sheet at least this far (px) opens or folds it; less is a tap. */
export const SHEET_SNAP_PX = 40;

/** Whether the bottom sheet ends open after a drag of `dy` px (negative: up) that began with it `open`. */
export function sheetOpenAfterDrag(open: boolean, dy: number): boolean {
  if (dy <= -SHEET_SNAP_PX) return true;
  if (dy >= SHEET_SNAP_PX) return false;
  return open;
}

/** The sheet's height under the finger: where the drag began, moved by `dy`, within [min, max]. */
export function sheetHeightDuringDrag(start: number, dy: number, min: number, max: number): number {
  return Math.min(Math.max(start - dy, min), max);
}

export interface Zoom {
  scale: number;
  x: number;
  y: number;
}

export const NO_ZOOM: Zoom = { scale: 1, x: 0, y: 0 };
export const MAX_SCALE = 5;
/** A double tap or double click zooms to this, or back out. */
export const TAP_SCALE = 2.5;

/**
 * Zooms by `factor` about a point (`cx`, `cy` from the stage's centre), keeping that point under
 * the fingers; back at 1 the picture is centred again.
 */
export function zoomAbout(zoom: Zoom, factor: number, cx: number, cy: number): Zoom {
  const scale = Math.min(Math.max(zoom.scale * factor, 1), MAX_SCALE);
  if (scale === 1) return NO_ZOOM;
  const k = scale / zoom.scale;
  return { scale, x: cx - (cx - zoom.x) * k, y: cy - (cy - zoom.y) * k };
}
