import { parsePrompt } from "./prompt-params";
import { isTerminalStatus, TASK_STATUS, type Task } from "./task";

/** What the UI derives from a task, in one place, so cards, lightbox and gallery agree. */

const BLEND_ASPECT: Record<string, number> = { PORTRAIT: 2 / 3, SQUARE: 1, LANDSCAPE: 3 / 2 };

/**
 * The width/height ratio of the final result, known from the moment of submit (from `--ar`, the
 * blend dimensions, or the image size), so a card reserves its box and never jumps.
 */
export function aspectRatioOf(task: Task): number {
  if (task.width && task.height) return task.width / task.height;
  const dimensions = task.properties.dimensions;
  if (task.action === "BLEND" && typeof dimensions === "string") return BLEND_ASPECT[dimensions] ?? 1;
  const text =
    (typeof task.properties.finalPrompt === "string" && task.properties.finalPrompt) || task.prompt || "";
  const aspect = parsePrompt(text).params.aspect;
  const match = aspect ? /^(\d+):(\d+)$/.exec(aspect) : null;
  const ratio = match ? Number(match[1]) / Number(match[2]) : 1;
  return Number.isFinite(ratio) && ratio > 0 ? Math.min(4, Math.max(0.25, ratio)) : 1;
}

/** Tasks older than this are no longer polled: every upstream gives up on them well before. */
export const POLL_HORIZON_MS = 2 * 60 * 60 * 1000;

/** Whether the batched poll should ask about this task. MODAL waits for the user, not the upstream. */
export function isPollable(task: Pick<Task, "status" | "submitTime">, now: number): boolean {
  if (isTerminalStatus(task.status) || task.status === TASK_STATUS.modal) return false;
  return task.submitTime === null || now - task.submitTime < POLL_HORIZON_MS;
}

/** No visible progress for this long while running: offer Cancel and Retry. */
export const STUCK_AFTER_MS = 4 * 60 * 1000;

/** The four prompts of a DESCRIBE result (`1️⃣ …\n\n2️⃣ …`), without their numbering. */
export function describedPrompts(task: Task): string[] {
  const text =
    typeof task.properties.finalPrompt === "string" ? task.properties.finalPrompt : (task.promptEn ?? "");
  return text
    .split(/\n\s*\n/)
    .map((part) => part.replace(/^\s*(?:[1-9]\uFE0F?\u20E3|\d+[.)])\s*/u, "").trim())
    .filter((part) => part.length > 0);
}

/** The app's favourite mark, carried beside the protocol fields by the history API. */
export function isFavorite(task: Task): boolean {
  return (task as Record<string, unknown>).favorite === true;
}

/** Thumbnail for grids and lists: the app's small WebP where there is one, else the full image. */
export function thumbnailOf(task: Task): string | null {
  return task.thumbnailUrl || task.imageUrl || task.videoUrls?.[0]?.thumbnail || null;
}
