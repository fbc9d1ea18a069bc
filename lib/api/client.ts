import { z } from "zod";
import {
  isAccepted,
  resultTaskIds,
  SUBMIT_CODE,
  submitResultSchema,
  type SubmitResult,
} from "@/lib/mj/envelope";
import {
  blendRequestSchema,
  describeRequestSchema,
  editRequestSchema,
  imagineRequestSchema,
  LIMITS,
  shortenRequestSchema,
  videoRequestSchema,
  type ActionRequest,
  type BlendRequest,
  type DescribeRequest,
  type EditRequest,
  type ImagineRequest,
  type ModalRequest,
  type ShortenRequest,
  type VideoRequest,
} from "@/lib/mj/requests";
import { taskListSchema, taskSchema, type Task } from "@/lib/mj/task";
import {
  historyDetailSchema,
  historyPageSchema,
  type HistoryDetail,
  type HistoryMedia,
  type HistoryPage,
} from "@/lib/mj/history-query";
import type { Speed } from "@/lib/mj/prompt-params";
import { folderSchema, smartFolderSchema, type Folder, type SmartFolder } from "@/lib/mj/folders";
import { fetchBlob, fetchJson } from "./fetch-json";

/**
 * The browser's one client of the app's API: a function per endpoint it calls, and the builders
 * of the URLs it links to. Components never spell an `/api/` path. Every answer is parsed before
 * use; a non-2xx answer is an `ApiError` (fetch-json), a refused submit an `UpstreamRefusal`.
 */

const post = (path: string, body: unknown) => fetchJson(path, { method: "POST", body: JSON.stringify(body) });
const taskPath = (id: string) => `/api/tasks/${encodeURIComponent(id)}`;
const mjTaskPath = (id: string, what: "cancel" | "image-seed") =>
  `/api/mj/task/${encodeURIComponent(id)}/${what}`;

const countSchema = (key: string) =>
  z.object({ [key]: z.number() }).transform((value) => value[key] as number);

// --- Submits (the protocol's mirror) -----------------------------------------------------------

/**
 * A submit the upstream refused (an envelope code other than 1/21/22): not an HTTP error, so it
 * keeps the envelope's code and the upstream's own words, and the page says why in its language.
 */
export class UpstreamRefusal extends Error {
  readonly code: number;
  readonly description: string;
  constructor(result: Pick<SubmitResult, "code" | "description">) {
    super(`The upstream refused the request (code ${result.code}): ${result.description}`);
    this.name = "UpstreamRefusal";
    this.code = result.code;
    this.description = result.description;
  }
}

/** The ids of the tasks an accepted envelope started; a refused one throws `UpstreamRefusal`. */
export function acceptedTaskIds(result: SubmitResult): string[] {
  if (!isAccepted(result.code)) throw new UpstreamRefusal(result);
  return resultTaskIds(result.result);
}

async function submit(path: string, body: unknown): Promise<SubmitResult> {
  return submitResultSchema.parse(await post(path, body));
}

/** What the composer (and a Retry) submits: one of the ways to start a task. */
export type SubmitRequest =
  | { kind: "imagine"; body: ImagineRequest }
  | { kind: "describe"; body: DescribeRequest }
  | { kind: "blend"; body: BlendRequest }
  | { kind: "shorten"; body: ShortenRequest }
  | { kind: "video"; body: VideoRequest }
  | { kind: "edits"; body: EditRequest }
  | { kind: "retexture"; body: EditRequest };

export function submitTask(request: SubmitRequest): Promise<SubmitResult> {
  return submit(`/api/mj/submit/${request.kind}`, request.body);
}

export function submitAction(body: ActionRequest): Promise<SubmitResult> {
  return submit("/api/mj/submit/action", body);
}

export function submitModal(body: ModalRequest): Promise<SubmitResult> {
  return submit("/api/mj/submit/modal", body);
}

/**
 * Local images (data URLs) as public URLs the upstream hosts, one per image in order (§3.9). An
 * upstream without the route is an ApiError with code `not_supported` (its message asks for a
 * URL instead); a refusal (uploads off, storage failure) an `UpstreamRefusal`.
 */
export async function uploadImages(base64Array: string[]): Promise<string[]> {
  const answer = submitResultSchema.parse(
    await post("/api/mj/submit/upload-discord-images", { base64Array }),
  );
  if (answer.code !== SUBMIT_CODE.success) throw new UpstreamRefusal(answer);
  // The server answers an array of URLs, one per image (an empty one on a refusal).
  return Array.isArray(answer.result) ? answer.result : [];
}

export async function cancelTask(id: string): Promise<SubmitResult> {
  return submitResultSchema.parse(await post(mjTaskPath(id, "cancel"), {}));
}

/** The seed of a finished task, as the upstream's envelope (its `result` is the seed). */
export async function fetchImageSeed(id: string): Promise<SubmitResult> {
  return submitResultSchema.parse(await fetchJson(mjTaskPath(id, "image-seed")));
}

/** The live state of many tasks: one request per 200 ids (the API's bound), in practice one per poll. */
export async function listTasksByIds(ids: readonly string[]): Promise<Task[]> {
  const chunks: string[][] = [];
  for (let i = 0; i < ids.length; i += LIMITS.idsPerList) chunks.push(ids.slice(i, i + LIMITS.idsPerList));
  const lists = await Promise.all(
    chunks.map(async (chunk) => taskListSchema.parse(await post("/api/mj/task/list-by-ids", { ids: chunk }))),
  );
  return lists.flat();
}

// --- The history --------------------------------------------------------------------------------

/** A view of the history (`GET /api/tasks`): every field optional, and they combine with AND. */
export interface TaskListParams {
  q?: string;
  action?: string;
  /** Protocol statuses to keep, or to leave out. */
  status?: readonly string[];
  excludeStatus?: readonly string[];
  favorite?: boolean;
  /** Only the hidden tasks (the gallery's Hidden view); without it, lists leave them out. */
  hidden?: boolean;
  /** Only the tasks of this folder. */
  folder?: string;
  /** Facets of the prompt (lib/mj/facets.ts): a model id, an `--ar` ratio, a speed, a style reference used or not. */
  model?: string;
  aspect?: string;
  speed?: Speed;
  sref?: boolean;
  /** Only videos, or only the rest (the gallery's Video filter). */
  media?: HistoryMedia;
  /** Epoch ms, both ends included. */
  from?: number;
  to?: number;
  sort?: "newest" | "oldest";
}

/** The `GET /api/tasks` query of one page of a view. */
export function taskListSearch(params: TaskListParams, limit: number, cursor: string | null): string {
  const search = new URLSearchParams({ limit: String(limit) });
  if (params.q) search.set("q", params.q);
  if (params.action) search.set("action", params.action);
  if (params.status?.length) search.set("status", params.status.join(","));
  if (params.excludeStatus?.length) search.set("excludeStatus", params.excludeStatus.join(","));
  if (params.favorite) search.set("favorite", "true");
  if (params.hidden) search.set("hidden", "true");
  if (params.folder) search.set("folder", params.folder);
  if (params.model) search.set("model", params.model);
  if (params.aspect) search.set("aspect", params.aspect);
  if (params.speed) search.set("speed", params.speed);
  if (params.sref !== undefined) search.set("sref", String(params.sref));
  if (params.media) search.set("media", params.media);
  if (params.from !== undefined) search.set("from", String(params.from));
  if (params.to !== undefined) search.set("to", String(params.to));
  if (params.sort && params.sort !== "newest") search.set("sort", params.sort);
  if (cursor) search.set("cursor", cursor);
  return search.toString();
}

export async function listTasks(
  params: TaskListParams,
  limit: number,
  cursor: string | null,
): Promise<HistoryPage> {
  return historyPageSchema.parse(await fetchJson(`/api/tasks?${taskListSearch(params, limit, cursor)}`));
}

/** One task with its lineage and the request the app submitted for it. */
export async function getTask(id: string): Promise<HistoryDetail> {
  return historyDetailSchema.parse(await fetchJson(taskPath(id)));
}

export async function setFavorite(id: string, favorite: boolean): Promise<Task> {
  return taskSchema.parse(
    await fetchJson(taskPath(id), { method: "PATCH", body: JSON.stringify({ favorite }) }),
  );
}

/** Resolves to the number of tasks changed. */
export async function setFavoriteMany(ids: readonly string[], favorite: boolean): Promise<number> {
  return countSchema("updated").parse(
    await fetchJson("/api/tasks", { method: "PATCH", body: JSON.stringify({ ids, favorite }) }),
  );
}

/** Hides or shows tasks (`PATCH /api/tasks {ids, hidden}`); resolves to the number changed. */
export async function setHiddenMany(ids: readonly string[], hidden: boolean): Promise<number> {
  return countSchema("updated").parse(
    await fetchJson("/api/tasks", { method: "PATCH", body: JSON.stringify({ ids, hidden }) }),
  );
}

// --- Folders and smart folders -----------------------------------------------------------------

const folderPath = (id: string) => `/api/folders/${encodeURIComponent(id)}`;
const smartFolderPath = (id: string) => `/api/smart-folders/${encodeURIComponent(id)}`;

export async function listFolders(): Promise<Folder[]> {
  return folderSchema.array().parse(await fetchJson("/api/folders"));
}

export async function createFolder(name: string): Promise<Folder> {
  return folderSchema.parse(
    await fetchJson("/api/folders", { method: "POST", body: JSON.stringify({ name }) }),
  );
}

export async function renameFolder(id: string, name: string): Promise<Folder> {
  return folderSchema.parse(
    await fetchJson(folderPath(id), { method: "PATCH", body: JSON.stringify({ name }) }),
  );
}

export async function deleteFolder(id: string): Promise<void> {
  await fetchJson(folderPath(id), { method: "DELETE" });
}

/** Adds tasks to a folder, or with `from` moves them there from that folder; resolves to how many are in it. */
export async function addToFolder(id: string, ids: readonly string[], from?: string): Promise<number> {
  return countSchema("count").parse(
    await fetchJson(`${folderPath(id)}/tasks`, { method: "POST", body: JSON.stringify({ ids, from }) }),
  );
}

export async function removeFromFolder(id: string, ids: readonly string[]): Promise<number> {
  return countSchema("removed").parse(
    await fetchJson(`${folderPath(id)}/tasks/remove`, { method: "POST", body: JSON.stringify({ ids }) }),
  );
}

export async function listSmartFolders(): Promise<SmartFolder[]> {
  return smartFolderSchema.array().parse(await fetchJson("/api/smart-folders"));
}

export async function createSmartFolder(name: string, search: string): Promise<SmartFolder> {
  return smartFolderSchema.parse(
    await fetchJson("/api/smart-folders", { method: "POST", body: JSON.stringify({ name, search }) }),
  );
}

export async function renameSmartFolder(id: string, name: string): Promise<SmartFolder> {
  return smartFolderSchema.parse(
    await fetchJson(smartFolderPath(id), { method: "PATCH", body: JSON.stringify({ name }) }),
  );
}

export async function deleteSmartFolder(id: string): Promise<void> {
  await fetchJson(smartFolderPath(id), { method: "DELETE" });
}

export async function deleteTask(id: string): Promise<void> {
  await fetchJson(taskPath(id), { method: "DELETE" });
}

/** Resolves to the number of tasks deleted. */
export async function deleteTasks(ids: readonly string[]): Promise<number> {
  return countSchema("deleted").parse(await post("/api/tasks/delete", { ids }));
}

/** `{imported, skipped, invalid}` from an archive, `{imported, missing}` from an import by id. */
const importResultSchema = z
  .object({
    imported: z.number(),
    skipped: z.number().default(0),
    invalid: z.number().default(0),
    missing: z.array(z.string()).default([]),
  })
  .loose();
export type ImportResult = z.output<typeof importResultSchema>;

/** Tasks made with other tools, fetched from the upstream by id. */
export async function importTasks(ids: readonly string[]): Promise<ImportResult> {
  return importResultSchema.parse(await post("/api/tasks/import", { ids }));
}

/** An export archive (of this or another instance); nothing already here is duplicated. */
export async function importArchive(file: Blob): Promise<ImportResult> {
  return importResultSchema.parse(
    await fetchJson("/api/tasks/import-archive", {
      method: "POST",
      body: file,
      headers: { "content-type": "application/zip" },
    }),
  );
}

/** The export archive (records and media) of the given tasks, or of the whole history. */
export function exportUrl(ids?: readonly string[]): string {
  return ids ? `/api/tasks/export?ids=${ids.join(",")}` : "/api/tasks/export";
}

/** A zip of the given tasks' media files alone. */
export function downloadUrl(ids: readonly string[]): string {
  return `/api/tasks/download?ids=${ids.join(",")}`;
}

// --- Media ----------------------------------------------------------------------------------------

/**
 * The poster still of a task's clip `index`: the media cache's small WebP of that clip
 * (`videos.<index>.thumb`, made from the upstream's still or the start frame).
 */
export function videoPosterUrl(taskId: string, index: number): string {
  return `/api/media/${encodeURIComponent(taskId)}/videos.${index}.thumb`;
}

/**
 * The task whose media an app URL (`/api/media/<id>/...`, relative or on this origin) is, or null
 * for any other URL: an image dragged or typed in from the feed keeps its lineage.
 */
export function mediaTaskId(url: string, origin: string): string | null {
  if (!URL.canParse(url, origin)) return null;
  const parsed = new URL(url, origin);
  if (parsed.origin !== origin) return null;
  return /^\/api\/media\/([\w-]{1,64})\//.exec(parsed.pathname)?.[1] ?? null;
}

/** One of the app's media or stored input files (an app URL the server handed out). */
export function fetchMedia(url: string): Promise<Blob> {
  return fetchBlob(url);
}

const originalRequestSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("imagine"), body: imagineRequestSchema }),
  z.object({ kind: z.literal("describe"), body: describeRequestSchema }),
  z.object({ kind: z.literal("blend"), body: blendRequestSchema }),
  z.object({ kind: z.literal("shorten"), body: shortenRequestSchema }),
  z.object({ kind: z.literal("video"), body: videoRequestSchema }),
  z.object({ kind: z.literal("edits"), body: editRequestSchema }),
  z.object({ kind: z.literal("retexture"), body: editRequestSchema }),
  z.object({ kind: z.literal("action"), body: z.unknown() }),
  z.object({ kind: z.literal("modal"), body: z.unknown() }),
]);
export type OriginalRequest = z.output<typeof originalRequestSchema>;

/** A stored request image (`/api/inputs/...`) as a data URL; anything else unchanged. */
async function inlineInput(value: string): Promise<string> {
  if (!value.startsWith("/api/inputs/")) return value;
  const blob = await fetchMedia(value);
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error("The original image could not be read."));
    reader.readAsDataURL(blob);
  });
}

/**
 * What the app submitted for a task, ready to submit again: its stored images (app URLs the
 * upstream cannot reach) come back inline as data URLs. Null for tasks made elsewhere.
 */
export async function originalRequest(id: string): Promise<OriginalRequest | null> {
  const { request } = await getTask(id);
  if (!request) return null;
  const body: Record<string, unknown> = { ...request.body };
  for (const [key, value] of Object.entries(body)) {
    if (typeof value === "string") body[key] = await inlineInput(value);
    else if (Array.isArray(value))
      body[key] = await Promise.all(
        value.map((item) => (typeof item === "string" ? inlineInput(item) : item)),
      );
  }
  const parsed = originalRequestSchema.safeParse({ kind: request.kind, body });
  return parsed.success ? parsed.data : null;
}

// --- Access -----------------------------------------------------------------------------------------

/** Signs in; the answer sets the session cookie. A wrong password is an ApiError with status 401. */
export async function login(password: string): Promise<void> {
  await post("/api/auth/login", { password });
}

export async function logout(): Promise<void> {
  await fetchJson("/api/auth/logout", { method: "POST" });
}
