import { REQUEST_KINDS, type HistoryMedia } from "@/lib/mj/history-query";
import type { Speed } from "@/lib/mj/prompt-params";
import type { Task } from "@/lib/mj/task";

/**
 * The TaskStore port: persistence of every task the app has seen. Every method is async, so a
 * backend that talks to a server (PostgreSQL) implements it as well as the SQLite one does.
 * Callers import this module only; `lib/server/services.ts` picks the adapter, and
 * `task-store.contract.ts` is the suite every adapter passes.
 */

/**
 * A task as the store hands it out: the Task JSON plus the user's own flags, `favorite` and
 * `hidden` (kept, but out of the feed and the gallery unless asked for).
 */
export type StoredTask = Task & { favorite: boolean; hidden: boolean };

export interface TaskPage {
  items: StoredTask[];
  nextCursor: string | null;
}

export type SortOrder = "newest" | "oldest";

/** What `list` filters on; every filter is optional and they combine with AND. */
export interface TaskListQuery {
  /** 1-100 (the route bounds it); one page. */
  limit: number;
  /** From the previous page's `nextCursor`, for the same sort; null for the first page. */
  cursor: string | null;
  /** Words of the prompt, each matched as a word prefix; Chinese, Japanese, Korean, Thai as substrings. */
  q?: string | undefined;
  /** Any of these actions / statuses. */
  action?: readonly string[] | undefined;
  status?: readonly string[] | undefined;
  /** None of these statuses. */
  excludeStatus?: readonly string[] | undefined;
  favorite?: boolean | undefined;
  /** Only the tasks in this folder (an unknown folder lists nothing). */
  folder?: string | undefined;
  /** Only hidden tasks, or only the others; both when undefined (the archive export). */
  hidden?: boolean | undefined;
  /** Tasks whose result is a video, or all the others (`mediaOf` in lib/mj/history-query.ts). */
  media?: HistoryMedia | undefined;
  /** Any of these models / aspect ratios (`facetsOf` in lib/mj/facets.ts: "v8.1", "niji6", "default"; "16:9"). */
  model?: readonly string[] | undefined;
  aspect?: readonly string[] | undefined;
  /** The speed the job ran or was asked at. */
  speed?: Speed | undefined;
  /** Whether a style reference was used. */
  sref?: boolean | undefined;
  /** Epoch ms, inclusive, on the first-seen submit time the list is sorted by. */
  from?: number | undefined;
  to?: number | undefined;
  /** Default newest. */
  sort?: SortOrder | undefined;
}

/** The history API hands the kind out, so the list lives with its schemas. */
export { REQUEST_KINDS };
export type RequestKind = (typeof REQUEST_KINDS)[number];

/** The fields of a submit body that carry images (§3; a video's start and end frames, §3.7). */
export const REQUEST_IMAGE_FIELDS = ["base64Array", "base64", "maskBase64", "image", "endImage"] as const;

/** How a stored request body refers to a stored request image in place of its base64. */
export interface InputRef {
  input: string;
}

export interface StoredRequest {
  kind: RequestKind;
  /** The body as submitted, each base64 image of `REQUEST_IMAGE_FIELDS` replaced by an `InputRef`. */
  body: Record<string, unknown>;
}

export interface TaskLineage {
  /** Nearest parent first, up to the root; parents the app never recorded end the chain. */
  parents: StoredTask[];
  /** Direct children, oldest first. */
  children: StoredTask[];
}

/**
 * What to keep when a copy of a task arrives: given the stored copy (null when there is none),
 * the incoming one and whether the user deleted this id, the copy to write, or null to write
 * nothing. The store calls it inside its write transaction; the rules themselves belong to the
 * history's one writer (`lib/tasks/merge.ts`), not to any backend.
 */
export type MergeRule = (stored: Task | null, incoming: Task, deleted: boolean) => Task | null;

/** A manual collection of tasks; a task may be in several. */
export interface Folder {
  id: string;
  name: string;
  /** How many tasks it holds. */
  count: number;
  /** The newest task in it that is not hidden (its picture stands for the folder), or null. */
  cover: StoredTask | null;
  createdAt: number;
}

/** A saved view of the gallery: its filters, as the gallery writes them in its URL. */
export interface SmartFolder {
  id: string;
  name: string;
  search: string;
  createdAt: number;
}

export interface TaskStore {
  /**
   * Records copies of tasks, atomically: all are written or none. For each, `merge` decides
   * what is written (see MergeRule). Returns each task as stored afterwards: the written copy,
   * or when nothing was written the stored one, or else the incoming one with `favorite: false`.
   * `undelete` first forgets that these ids were deleted (an explicit import by the user).
   * The sort time is fixed at the first write: `submitTime`, else the time of first sight.
   */
  record(tasks: readonly Task[], merge: MergeRule, options?: { undelete?: boolean }): Promise<StoredTask[]>;
  get(id: string): Promise<StoredTask | null>;
  /** Any order; unknown ids are omitted. */
  getMany(ids: readonly string[]): Promise<StoredTask[]>;
  /** Sorted by first-seen submit time then id, filtered, keyset-paginated (no OFFSET). */
  list(query: TaskListQuery): Promise<TaskPage>;
  /** Sets the flag on the recorded tasks among `ids`; returns how many there were. */
  setFavorite(ids: readonly string[], favorite: boolean): Promise<number>;
  /** Sets the hidden flag on the recorded tasks among `ids`; returns how many there were. */
  setHidden(ids: readonly string[], hidden: boolean): Promise<number>;
  /**
   * Removes the recorded tasks among `ids` and their requests, and remembers the ids as deleted.
   * `orphanedInputs` are the request images no remaining request refers to: the caller removes them.
   */
  delete(ids: readonly string[]): Promise<{ deleted: string[]; orphanedInputs: string[] }>;
  lineage(id: string): Promise<TaskLineage>;
  /** Records the body the app forwarded for these (new) tasks; `inputs` are the images it refers to. */
  saveRequest(
    taskIds: readonly string[],
    kind: RequestKind,
    body: Record<string, unknown>,
    inputs: readonly string[],
  ): Promise<void>;
  getRequest(taskId: string): Promise<StoredRequest | null>;

  /** Oldest first. */
  listFolders(): Promise<Folder[]>;
  /** A new empty folder, or null when there are `max` folders already (checked atomically). */
  createFolder(name: string, max: number): Promise<Folder | null>;
  /** The renamed folder, or null when there is no such folder. */
  renameFolder(id: string, name: string): Promise<Folder | null>;
  /** Removes the folder and its memberships (the tasks stay); false when there was none. */
  deleteFolder(id: string): Promise<boolean>;
  /**
   * Puts the recorded tasks among `taskIds` into folder `id`, and when `from` is given takes them
   * out of that folder, in one transaction (a move). Returns how many tasks are now in `id` of
   * those asked for, or null when a folder does not exist (nothing changes then).
   */
  addToFolder(id: string, taskIds: readonly string[], from?: string): Promise<number | null>;
  /** Takes tasks out of a folder; how many were in it, or null when there is no such folder. */
  removeFromFolder(id: string, taskIds: readonly string[]): Promise<number | null>;

  /** Oldest first. */
  listSmartFolders(): Promise<SmartFolder[]>;
  /** A new smart folder, or null when there are `max` already. */
  createSmartFolder(fields: { name: string; search: string }, max: number): Promise<SmartFolder | null>;
  updateSmartFolder(
    id: string,
    fields: { name?: string | undefined; search?: string | undefined },
  ): Promise<SmartFolder | null>;
  deleteSmartFolder(id: string): Promise<boolean>;
  close(): Promise<void>;
}

/** A cursor that was not produced by `list` for this sort order (the route answers 400). */
export class InvalidCursorError extends Error {
  constructor() {
    super("Invalid cursor");
    this.name = "InvalidCursorError";
  }
}
