import { GALLERY_STATUSES } from "@/lib/mj/folders";
import { SPEEDS, type Speed } from "@/lib/mj/prompt-params";
import type { TaskListParams } from "./client";

/**
 * The gallery's view as it lives in the page URL (so a view can be shared and survives a reload),
 * and its translation into the history API's query. Dates are the user's calendar days: `to`
 * includes the whole day.
 */

export const GALLERY_ACTIONS = [
  "IMAGINE",
  "UPSCALE",
  "VARIATION",
  "ZOOM",
  "PAN",
  "BLEND",
  "DESCRIBE",
  "VIDEO",
  "EDIT",
  "RETEXTURE",
] as const;

/** A choice that stands for more than its own label: new-api records an edit as EDITS (§4.3). */
const ACTION_LABELS: Record<string, string> = { EDIT: "EDIT,EDITS" };

export { GALLERY_STATUSES };

/**
 * Left out of a view that picks no status: a MODAL task is a dialog someone closed without
 * submitting (no image, and nothing ever comes of it); the "waiting" choice still shows them.
 */
const HIDDEN_BY_DEFAULT = GALLERY_STATUSES.waiting;
export type GalleryStatus = keyof typeof GALLERY_STATUSES;

export interface GalleryFilters {
  q: string;
  action: string;
  status: GalleryStatus | "";
  favorite: boolean;
  /** Only tasks with a video: clips of any action (an Animate, a video upscale, an extend). */
  video: boolean;
  /** The Hidden view: only the hidden tasks (every other view leaves them out). */
  hidden: boolean;
  /** A folder's tasks ("" for all). */
  folder: string;
  /** A model as `facetsOf` names it ("v8.1", "niji6", "default"), an `--ar` ratio, a speed. */
  model: string;
  aspect: string;
  speed: Speed | "";
  /** Whether a style reference was used: "true", "false", or "" for either. */
  sref: "" | "true" | "false";
  from: string;
  to: string;
  sort: "newest" | "oldest";
}

export const EMPTY_FILTERS: GalleryFilters = {
  q: "",
  action: "",
  status: "",
  favorite: false,
  video: false,
  hidden: false,
  folder: "",
  model: "",
  aspect: "",
  speed: "",
  sref: "",
  from: "",
  to: "",
  sort: "newest",
};

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const FOLDER_ID = /^[A-Za-z0-9-]{1,64}$/;
const MODEL = /^(default|v\d{1,2}(\.\d{1,2})?|niji\d{0,2}(\.\d{1,2})?)$/;
const ASPECT = /^\d{1,4}:\d{1,4}$/;

/** The aspect ratios the filter offers (any other `--ar` still works from a shared URL). */
export const GALLERY_ASPECTS = ["1:1", "16:9", "9:16", "3:2", "2:3", "4:3", "3:4", "21:9"] as const;

/** Reads the URL leniently: an unknown value is dropped rather than breaking the page. */
export function filtersFromSearch(search: URLSearchParams): GalleryFilters {
  const action = search.get("action") ?? "";
  const status = search.get("status") ?? "";
  const from = search.get("from") ?? "";
  const to = search.get("to") ?? "";
  const folder = search.get("folder") ?? "";
  const model = search.get("model") ?? "";
  const aspect = search.get("aspect") ?? "";
  const speed = search.get("speed") ?? "";
  const sref = search.get("sref") ?? "";
  return {
    q: search.get("q")?.slice(0, 200) ?? "",
    action: (GALLERY_ACTIONS as readonly string[]).includes(action) ? action : "",
    status: status in GALLERY_STATUSES ? (status as GalleryStatus) : "",
    favorite: search.get("favorite") === "true",
    video: search.get("media") === "video",
    hidden: search.get("hidden") === "true",
    folder: FOLDER_ID.test(folder) ? folder : "",
    model: MODEL.test(model) ? model : "",
    aspect: ASPECT.test(aspect) ? aspect : "",
    speed: (SPEEDS as readonly string[]).includes(speed) ? (speed as Speed) : "",
    sref: sref === "true" || sref === "false" ? sref : "",
    from: DAY.test(from) ? from : "",
    to: DAY.test(to) ? to : "",
    sort: search.get("sort") === "oldest" ? "oldest" : "newest",
  };
}

/** Only what differs from the defaults, so a plain gallery has a plain URL. */
export function filtersToSearch(filters: GalleryFilters): string {
  const search = new URLSearchParams();
  if (filters.q.trim()) search.set("q", filters.q);
  if (filters.action) search.set("action", filters.action);
  if (filters.status) search.set("status", filters.status);
  if (filters.favorite) search.set("favorite", "true");
  if (filters.video) search.set("media", "video");
  if (filters.hidden) search.set("hidden", "true");
  if (filters.folder) search.set("folder", filters.folder);
  if (filters.model) search.set("model", filters.model);
  if (filters.aspect) search.set("aspect", filters.aspect);
  if (filters.speed) search.set("speed", filters.speed);
  if (filters.sref) search.set("sref", filters.sref);
  if (filters.from) search.set("from", filters.from);
  if (filters.to) search.set("to", filters.to);
  if (filters.sort !== "newest") search.set("sort", filters.sort);
  return search.toString();
}

/** Local midnight of a `YYYY-MM-DD` day, in epoch ms. */
function dayStart(day: string): number {
  const [y, m, d] = day.split("-").map(Number);
  return new Date(y!, m! - 1, d!).getTime();
}

/** The history view (`GET /api/tasks` parameters) these filters stand for. */
export function historyParams(filters: GalleryFilters): TaskListParams {
  const q = filters.q.trim();
  return {
    ...(q ? { q } : {}),
    ...(filters.action ? { action: ACTION_LABELS[filters.action] ?? filters.action } : {}),
    ...(filters.status ? { status: GALLERY_STATUSES[filters.status] } : { excludeStatus: HIDDEN_BY_DEFAULT }),
    ...(filters.favorite ? { favorite: true } : {}),
    ...(filters.video ? { media: "video" as const } : {}),
    ...(filters.hidden ? { hidden: true } : {}),
    ...(filters.folder ? { folder: filters.folder } : {}),
    ...(filters.model ? { model: filters.model } : {}),
    ...(filters.aspect ? { aspect: filters.aspect } : {}),
    ...(filters.speed ? { speed: filters.speed } : {}),
    ...(filters.sref ? { sref: filters.sref === "true" } : {}),
    ...(filters.from ? { from: dayStart(filters.from) } : {}),
    ...(filters.to ? { to: dayStart(filters.to) + 24 * 60 * 60 * 1000 - 1 } : {}),
    ...(filters.sort !== "newest" ? { sort: filters.sort } : {}),
  };
}
