import { z } from "zod";
import {
  folderIdSchema,
  HISTORY_LIMITS,
  historyItemSchema,
  historyQuerySchema,
  idList,
} from "./history-query";

export { folderIdSchema };

/**
 * Folders (manual collections of tasks) and smart folders (saved gallery views): the schemas of
 * `/api/folders*` and `/api/smart-folders*`, shared by the route handlers and the browser.
 */

export const FOLDER_LIMITS = {
  nameChars: 80,
  folders: 200,
  smartFolders: 100,
  searchChars: 1000,
};

const nameSchema = z
  .string({ error: "name must be text" })
  .trim()
  .min(1, { error: "name must not be empty" })
  .max(FOLDER_LIMITS.nameChars, { error: `name is longer than ${FOLDER_LIMITS.nameChars} characters` });

/**
 * The gallery's status choices, each a list of protocol statuses. A smart folder keeps the
 * gallery's own words, so the history query schema checks every other field of a saved view.
 */
export const GALLERY_STATUSES = {
  done: ["SUCCESS"],
  failed: ["FAILURE", "CANCEL"],
  running: ["NOT_START", "SUBMITTED", "IN_PROGRESS"],
  waiting: ["MODAL"],
} as const;

/** Paging is not part of a view; the rest is what `GET /api/tasks` takes. */
const NOT_A_VIEW = new Set(["cursor", "limit"]);

/**
 * A saved view: the gallery's filters as its URL writes them (`q=fox&media=video`). Refused unless
 * `GET /api/tasks` would take every field of it, so opening a saved one never breaks.
 */
export const smartSearchSchema = z
  .string({ error: "search must be text" })
  .max(FOLDER_LIMITS.searchChars, { error: `search is longer than ${FOLDER_LIMITS.searchChars} characters` })
  .transform((value) => value.replace(/^\?/, ""))
  .superRefine((value, ctx) => {
    const search = new URLSearchParams(value);
    const fields: Record<string, string> = {};
    for (const [key, field] of search) {
      if (key in fields || NOT_A_VIEW.has(key)) {
        ctx.addIssue({ code: "custom", message: `search may not repeat or contain ${key}` });
        return;
      }
      fields[key] = field;
    }
    const { status, ...rest } = fields;
    if (status !== undefined && !(status in GALLERY_STATUSES)) {
      ctx.addIssue({
        code: "custom",
        message: `status must be one of ${Object.keys(GALLERY_STATUSES).join(", ")}`,
      });
    }
    const known = historyQuerySchema.safeParse(rest);
    const unknown = Object.keys(rest).filter((key) => !(key in historyQuerySchema.shape));
    if (unknown.length > 0)
      ctx.addIssue({ code: "custom", message: `search has unknown fields: ${unknown.join(", ")}` });
    if (!known.success) {
      ctx.addIssue({ code: "custom", message: known.error.issues.map((issue) => issue.message).join("; ") });
    }
  });

export const folderSchema = z.object({
  id: z.string(),
  name: z.string(),
  count: z.number(),
  /** The newest task in it that is not hidden, whose picture stands for the folder. */
  cover: historyItemSchema.nullable(),
  createdAt: z.number(),
});
export type Folder = z.output<typeof folderSchema>;

export const smartFolderSchema = z.object({
  id: z.string(),
  name: z.string(),
  search: z.string(),
  createdAt: z.number(),
});
export type SmartFolder = z.output<typeof smartFolderSchema>;

/** `POST /api/folders`, `PATCH /api/folders/{id}`. */
export const folderNameBodySchema = z.object({ name: nameSchema });
/** `POST /api/folders/{id}/tasks` -> `{count}`: adds; with `from`, moves out of that folder. */
export const folderAddBodySchema = z.object({
  ids: idList(HISTORY_LIMITS.bulkIds),
  from: folderIdSchema.optional(),
});
/** `POST /api/folders/{id}/tasks/remove` -> `{removed}`. */
export const folderRemoveBodySchema = z.object({ ids: idList(HISTORY_LIMITS.bulkIds) });
/** `POST /api/smart-folders`. */
export const smartFolderBodySchema = z.object({ name: nameSchema, search: smartSearchSchema });
/** `PATCH /api/smart-folders/{id}`: a new name, a new search, or both. */
export const smartFolderPatchSchema = z
  .object({ name: nameSchema.optional(), search: smartSearchSchema.optional() })
  .refine((body) => body.name !== undefined || body.search !== undefined, {
    error: "give name or search (or both)",
  });
