import { z } from "zod";
import { taskIdSchema } from "./requests";
import { SPEEDS } from "./prompt-params";
import { TASK_ACTIONS, TASK_STATUS, taskSchema, type Task } from "./task";

/**
 * The history API's inputs and outputs (`/api/tasks*`), shared by the route handlers and the
 * gallery in the browser, so this module holds schemas only: nothing server-side.
 */

export const HISTORY_SORTS = ["newest", "oldest"] as const;
export const HISTORY_LIMITS = {
  pageSize: 100,
  searchChars: 200,
  filterValues: 20,
  bulkIds: 500,
  importIds: 200,
};

/**
 * `IMAGINE,UPSCALE` -> ["IMAGINE", "UPSCALE"], compared upper-case. A value outside `accepted` is
 * refused with the list, rather than silently matching nothing.
 */
function enumList(name: string, accepted: readonly string[]) {
  const error = `${name} must be one of ${accepted.join(", ")} (comma-separated)`;
  return z
    .string()
    .transform((value) =>
      value
        .split(",")
        .map((item) => item.trim().toUpperCase())
        .filter(Boolean),
    )
    .pipe(
      z
        .array(z.string())
        .max(HISTORY_LIMITS.filterValues, { error: `at most ${HISTORY_LIMITS.filterValues} ${name} values` })
        .refine((values) => values.every((value) => accepted.includes(value)), { error }),
    )
    .transform((values) => (values.length > 0 ? [...new Set(values)] : undefined))
    .optional();
}

/** `16:9,3:2` -> ["16:9", "3:2"], lower-case, each matching `pattern`. */
function textList(name: string, pattern: RegExp) {
  return z
    .string()
    .max(HISTORY_LIMITS.filterValues * 12, { error: `${name} is too long` })
    .transform((value) =>
      value
        .split(",")
        .map((item) => item.trim().toLowerCase())
        .filter(Boolean),
    )
    .pipe(
      z
        .array(z.string().regex(pattern, { error: `${name} has a value it cannot be` }))
        .max(HISTORY_LIMITS.filterValues, { error: `at most ${HISTORY_LIMITS.filterValues} ${name} values` }),
    )
    .transform((values) => (values.length > 0 ? [...new Set(values)] : undefined))
    .optional();
}

/**
 * What a task's result is, for the gallery's Video filter: a video when it is a video job (VIDEO,
 * new-api's VIDEO_EXTEND), says so by its content type, carries video links, or its image is an
 * mp4 (a trueai video U1-U4 keeps its clip in `imageUrl`, §7); an image otherwise (also a job
 * that has no result yet, or none at all). The store keeps this as a column, so the SQL of its
 * migration says the same: lib/store/sqlite-task-store.test.ts holds the two to each other.
 */
export const HISTORY_MEDIA = ["video", "image"] as const;
export type HistoryMedia = (typeof HISTORY_MEDIA)[number];

const VIDEO_ACTIONS = new Set(["VIDEO", "VIDEO_EXTEND"]);

export function mediaOf(task: Task): HistoryMedia {
  const video =
    VIDEO_ACTIONS.has(task.action ?? "") ||
    /^video\//i.test(task.contentType ?? "") ||
    Boolean(task.videoUrl) ||
    (task.videoUrls?.length ?? 0) > 0 ||
    /\.mp4($|\?)/i.test(task.imageUrl ?? "");
  return video ? "video" : "image";
}

/** The kinds of request the app records with the tasks it submits (`GET /api/tasks/{id}`'s `request`). */
export const REQUEST_KINDS = [
  "imagine",
  "describe",
  "blend",
  "action",
  "modal",
  "shorten",
  "video",
  "edits",
  "retexture",
] as const;

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

/**
 * Epoch ms, or an ISO date or date-time. A date alone means the whole UTC day: its start for
 * `from`, its last millisecond for `to`. (The gallery sends epoch ms for local days.)
 */
function instant(name: string, edge: "start" | "end") {
  return z
    .string()
    .trim()
    .transform((value, ctx) => {
      if (value === "") return undefined;
      const ms = /^\d{1,15}$/.test(value)
        ? Number(value)
        : /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value)
          ? Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value)
          : Number.NaN;
      // Date.parse rolls 2026-02-30 over into March; a day that does not exist is a mistake.
      const day = value.slice(0, 10);
      const dayMs = Date.parse(`${day}T00:00:00Z`);
      const realDay =
        !DATE_ONLY.test(day) || (Number.isFinite(dayMs) && new Date(dayMs).toISOString().startsWith(day));
      if (!Number.isFinite(ms) || !realDay) {
        ctx.addIssue({ code: "custom", message: `${name} must be epoch milliseconds or an ISO date` });
        return z.NEVER;
      }
      return edge === "end" && DATE_ONLY.test(value) ? ms + DAY_MS - 1 : ms;
    })
    .optional();
}

/** The store makes folder ids (UUIDs); anything else cannot name one. */
export const folderIdSchema = z.string().regex(/^[A-Za-z0-9-]{1,64}$/, { error: "not a folder id" });

/** `GET /api/tasks` query. Every filter is optional; they combine with AND. */
export const historyQuerySchema = z
  .object({
    q: z
      .string()
      .trim()
      .max(HISTORY_LIMITS.searchChars, { error: `q is longer than ${HISTORY_LIMITS.searchChars} characters` })
      .transform((v) => v || undefined)
      .optional(),
    action: enumList("action", TASK_ACTIONS),
    status: enumList("status", Object.values(TASK_STATUS)),
    favorite: z
      .enum(["true", "false"], { error: "favorite must be true or false" })
      .transform((v) => v === "true")
      .optional(),
    /**
     * Hidden tasks are left out unless asked for: `hidden=true` lists only them (the gallery's
     * Hidden view). A hidden task still answers `GET /api/tasks/{id}` and the protocol routes.
     */
    hidden: z
      .enum(["true", "false"], { error: "hidden must be true or false" })
      .default("false")
      .transform((v) => v === "true"),
    /** Only the tasks of this folder (`/api/folders`); an unknown folder lists nothing. */
    folder: folderIdSchema.optional(),
    /** Any of these models, as `facetsOf` (lib/mj/facets.ts) names them: `v8.1,niji6,default`. */
    model: textList("model", /^(default|v\d{1,2}(\.\d{1,2})?|niji\d{0,2}(\.\d{1,2})?)$/),
    /** Any of these `--ar` ratios (`1:1` for none): `16:9,3:2`. */
    aspect: textList("aspect", /^\d{1,4}:\d{1,4}$/),
    speed: z.enum(SPEEDS, { error: "speed must be fast, relax or turbo" }).optional(),
    /** Whether a style reference (`--sref`) was used. */
    sref: z
      .enum(["true", "false"], { error: "sref must be true or false" })
      .transform((v) => v === "true")
      .optional(),
    /** Videos only, or everything else (see mediaOf). */
    media: z.enum(HISTORY_MEDIA, { error: "media must be video or image" }).optional(),
    from: instant("from", "start"),
    to: instant("to", "end"),
    sort: z.enum(HISTORY_SORTS, { error: "sort must be newest or oldest" }).default("newest"),
    limit: z.coerce
      .number({ error: "limit must be a number" })
      .int({ error: "limit must be a whole number" })
      .min(1, { error: "limit must be between 1 and 100" })
      .max(HISTORY_LIMITS.pageSize, { error: "limit must be between 1 and 100" })
      .default(30),
    cursor: z
      .string()
      .max(512, { error: "cursor is not valid" })
      .optional()
      .transform((v) => v || null),
    /** Statuses to leave out (the gallery hides abandoned MODAL tasks unless asked for them). */
    excludeStatus: enumList("excludeStatus", Object.values(TASK_STATUS)),
  })
  .refine((query) => query.from === undefined || query.to === undefined || query.from <= query.to, {
    error: "from must not be after to",
    path: ["from"],
  });
export type HistoryQuery = z.output<typeof historyQuerySchema>;

/**
 * A Task as the history hands it out: the Task JSON plus the user's own flags: favourite, and
 * hidden (kept, but out of the feed and the gallery unless asked for).
 */
export const historyItemSchema = taskSchema.extend({
  favorite: z.boolean().default(false),
  hidden: z.boolean().default(false),
});
export type HistoryItem = z.output<typeof historyItemSchema>;

export const historyPageSchema = z.object({
  items: z.array(historyItemSchema),
  nextCursor: z.string().nullable(),
});
export type HistoryPage = z.output<typeof historyPageSchema>;

/**
 * `GET /api/tasks/{id}`: the task, its lineage, and the body the app submitted for it (null for
 * tasks it did not submit itself). Images in the body are app URLs `/api/inputs/<sha256>.<ext>`.
 */
export const historyDetailSchema = z.object({
  task: historyItemSchema,
  parents: z.array(historyItemSchema),
  children: z.array(historyItemSchema),
  request: z
    .object({
      kind: z.enum(REQUEST_KINDS),
      body: z.record(z.string(), z.unknown()),
    })
    .nullable(),
});
export type HistoryDetail = z.output<typeof historyDetailSchema>;

export function idList(max: number) {
  return z
    .array(taskIdSchema, { error: "ids must be a list of task ids" })
    .min(1, { error: "ids must not be empty" })
    .max(max, { error: `at most ${max} ids per request` });
}

const favoriteFlag = z.boolean({ error: "favorite must be true or false" });

/** `PATCH /api/tasks/{id}`. */
export const favoriteBodySchema = z.object({ favorite: favoriteFlag });
/** `PATCH /api/tasks` -> `{updated}`: sets `favorite`, `hidden`, or both, on every task of `ids`. */
export const bulkFlagsBodySchema = z
  .object({
    ids: idList(HISTORY_LIMITS.bulkIds),
    favorite: favoriteFlag.optional(),
    hidden: z.boolean({ error: "hidden must be true or false" }).optional(),
  })
  .refine((body) => body.favorite !== undefined || body.hidden !== undefined, {
    error: "give favorite or hidden (or both)",
  });
export type TaskFlags = { favorite?: boolean | undefined; hidden?: boolean | undefined };
/** `POST /api/tasks/delete` -> `{deleted}`. */
export const bulkDeleteBodySchema = z.object({ ids: idList(HISTORY_LIMITS.bulkIds) });
/** `POST /api/tasks/import` -> `{imported, missing}`. */
export const importBodySchema = z.object({ ids: idList(HISTORY_LIMITS.importIds) });
export const importResultSchema = z.object({ imported: z.number(), missing: z.array(z.string()) });
export type ImportResult = z.output<typeof importResultSchema>;
