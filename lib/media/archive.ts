import "server-only";
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { Zip, ZipDeflate, ZipPassThrough } from "fflate";
import { z } from "zod";
import { AppError } from "@/lib/http/errors";
import { extensionOf, isMediaType, mediaDownloadName } from "@/lib/mj/media-kinds";
import { taskIdSchema } from "@/lib/mj/requests";
import { taskSchema, type Task } from "@/lib/mj/task";
import { getTaskStore } from "@/lib/store";
import type { TaskStore } from "@/lib/store/task-store";
import { tasks as taskService } from "@/lib/tasks";
import type { TaskService } from "@/lib/tasks/service";
import { getUpstream } from "@/lib/upstream";
import type { UpstreamClient } from "@/lib/upstream/client";
import { createTasksFileReader, TasksFileError } from "./archive-json";
import type { MediaCache } from "./cache";
import { chunksOf, MEDIA_LIMITS, openMedia, type UrlGuard } from "./fetch";
import { getMediaCache, getMediaGuard } from "./index";
import { hasSignatureOf, isImageOf, SNIFF_BYTES } from "./sniff";
import { IMPORT_STAGING_PREFIX, importStagingRoot } from "./staging";
import { isMediaSlot, isThumbSlot, originalSlots, type OriginalSlot } from "./urls";
import { openZip, ZipError, type ZipEntry, type ZipFile } from "./zip-reader";

/**
 * Zip archives of tasks. A zip is produced with fflate chunk by chunk as the response is read
 * (never whole in memory); an uploaded one is staged to disk, checked, and only then applied
 * (see `importArchive`).
 *
 * Export layout: `tasks.json` (`{format, version, exportedAt, tasks}`: the Task records as stored,
 * upstream URLs included: they are the record, and the archive goes to the key's owner),
 * `media/<taskId>/<slot>.<ext>` (the originals), `media.json` (`[{taskId, slot, path,
 * contentType, bytes, sha256}]`). Thumbnails are not exported; they are remade on demand.
 */

export const ARCHIVE_LIMITS = {
  /** Tasks in one bulk download or selection export (the route's bound). */
  ids: 200,
  importBytes: 2 * 1024 ** 3,
  /** Every entry as unpacked, by the sizes the archive declares (reading holds it to them). */
  unpackedBytes: 4 * 1024 ** 3,
  entries: 100_000,
  directoryBytes: 32 * 1024 ** 2,
  /** Read as a stream, record by record: its size costs time, not memory. */
  tasksJsonBytes: 1024 ** 3,
  records: 1_000_000,
  /** One task record: a larger one is skipped as invalid (a real one is a few KB). */
  recordChars: 8 * 1024 ** 2,
  /** Parsed whole: ~200 bytes per media file. */
  manifestBytes: 32 * 1024 ** 2,
} as const;

const FORMAT = "mj-studio-archive";
const PAGE = 200;

export interface ArchiveDeps {
  store: TaskStore;
  /** The one writer of the history: an import records through it. */
  tasks: Pick<TaskService, "restore">;
  cache: MediaCache;
  upstream: UpstreamClient;
  guard: UrlGuard;
  /** Where an import is staged (DATA_DIR/tmp). */
  tmpDir: string;
  log?: (message: string) => void;
}

export interface ArchiveResponse {
  body: ReadableStream<Uint8Array>;
  filename: string;
}

function defaultDeps(): ArchiveDeps {
  return {
    store: getTaskStore(),
    tasks: taskService(),
    cache: getMediaCache(),
    upstream: getUpstream(),
    guard: getMediaGuard(),
    tmpDir: importStagingRoot(),
  };
}

/** The zip as an attachment; the body streams as the client reads. */
export function zipResponse(archive: ArchiveResponse): Response {
  return new Response(archive.body, {
    headers: {
      "content-type": "application/zip",
      "content-disposition": `attachment; filename="${archive.filename}"`,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    },
  });
}

/** `a,b,c` -> 1 to 200 task ids, each checked. */
export const archiveIdsSchema = z
  .string()
  .transform((value) => [
    ...new Set(
      value
        .split(",")
        .map((id) => id.trim())
        .filter(Boolean),
    ),
  ])
  .pipe(
    z
      .array(taskIdSchema)
      .min(1, { error: "ids must name at least one task" })
      .max(ARCHIVE_LIMITS.ids, { error: `ids may name at most ${ARCHIVE_LIMITS.ids} tasks` }),
  );

interface OutgoingEntry {
  name: string;
  /** Media is already compressed: stored as is. JSON is deflated. */
  deflate: boolean;
  data: AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
}

/**
 * A zip whose bytes are made as the consumer pulls: each pull advances the entry generator by
 * one chunk, so memory holds one chunk of one file at a time whatever the archive's size.
 */
function zipStream(entries: () => AsyncGenerator<OutgoingEntry>): ReadableStream<Uint8Array> {
  async function* produce(): AsyncGenerator<Uint8Array> {
    const out: Uint8Array[] = [];
    let failure: Error | null = null;
    const zip = new Zip((error, chunk) => {
      if (error) failure = error;
      else out.push(chunk);
    });
    for await (const entry of entries()) {
      const file = entry.deflate ? new ZipDeflate(entry.name, { level: 6 }) : new ZipPassThrough(entry.name);
      zip.add(file);
      for await (const chunk of entry.data) {
        file.push(chunk);
        if (failure) throw failure;
        yield* out.splice(0);
      }
      file.push(new Uint8Array(0), true);
      yield* out.splice(0);
    }
    zip.end();
    if (failure) throw failure;
    yield* out.splice(0);
  }
  const chunks = produce();
  return new ReadableStream({
    async pull(controller) {
      const next = await chunks.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
}

const today = () => new Date().toISOString().slice(0, 10);

function tasksInOrder(store: TaskStore, ids: readonly string[]): Task[] {
  const found = new Map(store.getMany([...ids]).map((task) => [task.id, task]));
  return ids.flatMap((id) => found.get(id) ?? []);
}

/** Each distinct original of a task once (a video task's imageUrl, videoUrl and videos.0 are one mp4). */
function distinctOriginals(task: Task): OriginalSlot[] {
  const seen = new Set<string>();
  return originalSlots(task).flatMap(({ slot, url }) => (seen.has(url) ? [] : (seen.add(url), [slot])));
}

/** `GET /api/tasks/download?ids=`: the originals of these tasks, flat, named for people. */
export function downloadArchive(ids: readonly string[], deps = defaultDeps()): ArchiveResponse {
  const tasks = tasksInOrder(deps.store, ids);
  if (tasks.length === 0) throw new AppError("not_found", "None of these tasks is recorded.");
  const log = deps.log ?? ((message: string) => console.warn(message));
  async function* entries(): AsyncGenerator<OutgoingEntry> {
    const names = new Set<string>();
    for (const task of tasks) {
      for (const slot of distinctOriginals(task)) {
        const source = await openOriginal(task, slot, deps).catch((error: unknown) => {
          log(`[archive] skipping ${slot} of ${task.id}: ${String(error)}`);
          return null;
        });
        if (!source) continue;
        let name = mediaDownloadName(task, slot, source.contentType);
        for (let n = 2; names.has(name); n++) name = name.replace(/(-\d+)?(\.[a-z0-9]+)$/, `-${n}$2`);
        names.add(name);
        yield { name, deflate: false, data: source.data };
      }
    }
  }
  return { body: zipStream(entries), filename: `mj-studio-${today()}.zip` };
}

/** The cached file, or the upstream's (not cached here: the background queue does that). */
async function openOriginal(
  task: Task,
  slot: OriginalSlot,
  deps: ArchiveDeps,
): Promise<{ contentType: string; data: AsyncIterable<Uint8Array> } | null> {
  const cached = await deps.cache.get(task.id, slot);
  const stored = cached && (await deps.cache.open(cached));
  if (cached && stored) return { contentType: cached.contentType, data: chunksOf(stored.body) };
  const url = originalSlots(task).find((s) => s.slot === slot)?.url;
  if (!url) return null;
  const media = await openMedia({ upstream: deps.upstream, guard: deps.guard }, url);
  return { contentType: media.contentType, data: chunksOf(media.body) };
}

/** `GET /api/tasks/export[?ids=]`: records and originals, restorable with `importArchive`. */
export function exportArchive(ids: readonly string[] | null, deps = defaultDeps()): ArchiveResponse {
  const selection = ids ? tasksInOrder(deps.store, ids) : null;
  if (selection?.length === 0) throw new AppError("not_found", "None of these tasks is recorded.");

  /** The selection, or the whole history page by page (newest first). */
  async function* everyTask(): AsyncGenerator<Task> {
    if (selection) {
      yield* selection;
      return;
    }
    let cursor: string | null = null;
    do {
      const page = deps.store.list({ limit: PAGE, cursor });
      yield* page.items;
      cursor = page.nextCursor;
    } while (cursor);
  }

  async function* tasksJson(): AsyncGenerator<Uint8Array> {
    const encoder = new TextEncoder();
    yield encoder.encode(
      `{"format":"${FORMAT}","version":1,"exportedAt":${JSON.stringify(new Date().toISOString())},"tasks":[`,
    );
    let first = true;
    for await (const task of everyTask()) {
      yield encoder.encode(`${first ? "" : ","}\n${JSON.stringify(task)}`);
      first = false;
    }
    yield encoder.encode("\n]}\n");
  }

  async function* entries(): AsyncGenerator<OutgoingEntry> {
    yield { name: "tasks.json", deflate: true, data: tasksJson() };
    const manifest: MediaManifestEntry[] = [];
    for await (const task of everyTask()) {
      // Originals still only upstream are cached first, so the archive holds files, not links.
      await deps.cache.cacheNow(task.id);
      for (const media of await deps.cache.list(task.id)) {
        if (isThumbSlot(media.slot)) continue;
        const stored = await deps.cache.open(media);
        if (!stored) continue;
        const file = `media/${task.id}/${media.slot}.${extensionOf(media.contentType)}`;
        manifest.push({
          taskId: task.id,
          slot: media.slot,
          path: file,
          contentType: media.contentType,
          bytes: media.bytes,
          sha256: media.sha256,
        });
        yield { name: file, deflate: false, data: chunksOf(stored.body) };
      }
    }
    yield { name: "media.json", deflate: true, data: [new TextEncoder().encode(JSON.stringify(manifest))] };
  }

  return { body: zipStream(entries), filename: `mj-studio-export-${today()}.zip` };
}

interface MediaManifestEntry {
  taskId: string;
  slot: string;
  path: string;
  contentType: string;
  bytes: number;
  sha256: string;
}

const tasksHeaderSchema = z.object({
  format: z.literal(FORMAT, { error: `tasks.json is not an ${FORMAT} file` }),
  version: z.literal(1, { error: "tasks.json has an unknown version" }),
});

/** A task record as an archive must carry it (a task, with an id fit for a path and a URL). */
const archivedIdSchema = z.looseObject({ id: taskIdSchema });

const manifestSchema = z
  .array(
    z.looseObject({
      path: z.string(),
      contentType: z.string().refine(isMediaType, { error: "is not a supported image or video type" }),
    }),
  )
  .max(ARCHIVE_LIMITS.entries);

const MEDIA_ENTRY =
  /^media\/([A-Za-z0-9_-]{1,64})\/((?:image|video|images\.\d{1,2}|videos\.\d{1,2}))\.([a-z0-9]{2,5})$/;

const CONTENT_TYPES: Record<string, string> = {
  png: "image/png",
  jpg: "image/jpeg",
  webp: "image/webp",
  gif: "image/gif",
  avif: "image/avif",
  mp4: "video/mp4",
  webm: "video/webm",
  mov: "video/quicktime",
};

interface ArchivedMedia {
  slot: OriginalSlot;
  entry: ZipEntry;
}

/** What an archive holds, checked before anything is written. */
interface ArchiveIndex {
  zip: ZipFile;
  tasksJson: ZipEntry;
  /** By task id. */
  media: Map<string, ArchivedMedia[]>;
  /** media.json's type of each entry. */
  types: Map<string, string>;
}

export interface ImportResult {
  /** Tasks the history now holds that it did not. */
  imported: number;
  /**
   * Tasks it held already (left as they were; their missing media added), and repeats of an id
   * earlier in the same archive (the first one counts), so the three add up to the records.
   */
  skipped: number;
  /** Records that are not tasks (a malformed id, a missing status, not JSON, too long). */
  invalid: number;
}

const bad = (message: string) => new AppError("invalid_input", `Invalid archive: ${message}`);

/**
 * `POST /api/tasks/import-archive`: restores an export. The upload is written to a staging folder
 * as it arrives (at the pace the disk takes it), then read through the zip's central directory:
 * the entries are checked first (any structural fault refuses the whole archive and nothing is
 * written), then tasks.json is read record by record and restored in batches through lib/tasks,
 * each task's media put in the cache before its record so the cache does not fetch it upstream.
 * Memory stays bounded by one batch and one image, whatever the archive.
 */
export async function importArchive(
  request: {
    body: ReadableStream<Uint8Array> | null;
    contentType: string | null;
    contentLength: string | null;
  },
  deps = defaultDeps(),
): Promise<ImportResult> {
  const type = (request.contentType ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== "application/zip" && type !== "application/x-zip-compressed") {
    throw new AppError("unsupported_media_type", "Send the archive as Content-Type: application/zip.");
  }
  if (Number(request.contentLength ?? "0") > ARCHIVE_LIMITS.importBytes) throw tooLarge();
  const body = request.body;
  if (!body) throw bad("the body is empty");

  const staging = path.join(deps.tmpDir, `${IMPORT_STAGING_PREFIX}${randomUUID()}`);
  await fs.promises.mkdir(staging, { recursive: true });
  try {
    const file = path.join(staging, "upload.zip");
    let received = 0;
    await pipeline(async function* () {
      for await (const chunk of chunksOf(body)) {
        received += chunk.byteLength;
        if (received > ARCHIVE_LIMITS.importBytes) throw tooLarge();
        yield chunk;
      }
    }, fs.createWriteStream(file));
    const index = await check(file);
    return await restoreAll(index, deps);
  } finally {
    await fs.promises.rm(staging, { recursive: true, force: true });
  }
}

function tooLarge(): AppError {
  return new AppError(
    "payload_too_large",
    `The archive is larger than ${ARCHIVE_LIMITS.importBytes / 1024 ** 3} GB.`,
  );
}

/** A ZipError or a TasksFileError is the archive's fault: a 400 saying what is wrong. */
async function asArchiveFault<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ZipError || error instanceof TasksFileError) throw bad(error.message);
    throw error;
  }
}

/** The entries, their names and sizes, media.json and the structure of tasks.json. */
async function check(file: string): Promise<ArchiveIndex> {
  return asArchiveFault(async () => {
    const zip = await openZip(file, {
      entries: ARCHIVE_LIMITS.entries,
      directoryBytes: ARCHIVE_LIMITS.directoryBytes,
    });
    let tasksJson: ZipEntry | null = null;
    let mediaJson: ZipEntry | null = null;
    const media = new Map<string, ArchivedMedia[]>();
    let unpacked = 0;
    for (const entry of zip.entries) {
      const name = entry.name;
      unpacked += entry.size;
      if (name.endsWith("/") && entry.size === 0) continue; // a directory
      if (name === "tasks.json" || name === "media.json") {
        if ((name === "tasks.json" ? tasksJson : mediaJson) !== null) throw bad(`${name} appears twice`);
        if (name === "tasks.json") tasksJson = entry;
        else mediaJson = entry;
        continue;
      }
      const match = MEDIA_ENTRY.exec(name);
      const slot = match?.[2];
      if (!match || !slot || !isMediaSlot(slot)) throw bad(`unexpected entry "${name.slice(0, 120)}"`);
      const list = media.get(match[1]!) ?? [];
      list.push({ slot: slot as OriginalSlot, entry });
      media.set(match[1]!, list);
    }
    if (unpacked > ARCHIVE_LIMITS.unpackedBytes) {
      throw bad(`it unpacks to more than ${ARCHIVE_LIMITS.unpackedBytes / 1024 ** 3} GB`);
    }
    if (!tasksJson) throw bad("it has no tasks.json (is it an MJ Studio export?)");
    if (tasksJson.size > ARCHIVE_LIMITS.tasksJsonBytes) throw bad("tasks.json is too large");
    const types = new Map<string, string>();
    if (mediaJson) {
      if (mediaJson.size > ARCHIVE_LIMITS.manifestBytes) throw bad("media.json is too large");
      const text = decodeAll(await collect(zip.read(mediaJson)));
      const manifest = manifestSchema.safeParse(parseJson(text, "media.json"));
      if (!manifest.success) throw bad("media.json does not describe media files");
      for (const item of manifest.data) types.set(item.path, item.contentType);
    }
    let records = 0;
    await readTasksJson(zip, tasksJson, async (batch) => {
      records += batch.length;
      if (records > ARCHIVE_LIMITS.records)
        throw bad(`tasks.json holds more than ${ARCHIVE_LIMITS.records} tasks`);
    });
    return { zip, tasksJson, media, types };
  });
}

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return Buffer.concat(parts);
}

function decodeAll(bytes: Uint8Array): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw bad("its JSON is not valid UTF-8");
  }
}

function parseJson(text: string, name: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw bad(`${name} is not valid JSON`);
  }
}

/** A batch of records restored at once: one transaction, and bounded memory. */
const BATCH_RECORDS = 500;
const BATCH_CHARS = 16 * 1024 * 1024;

/**
 * Reads tasks.json as a stream, checking its header before the first record, and hands over its
 * records (JSON text, or null for one too long to be a task) in batches.
 */
async function readTasksJson(
  zip: ZipFile,
  entry: ZipEntry,
  onBatch: (records: (string | null)[]) => Promise<void>,
): Promise<void> {
  const header: Record<string, unknown> = {};
  let batch: (string | null)[] = [];
  let chars = 0;
  let tasksSeen = false;
  const reader = createTasksFileReader(
    {
      field(key, value) {
        if (key === "tasks") throw bad("tasks.json tasks is not a list");
        header[key] = value;
      },
      tasksStart() {
        const parsed = tasksHeaderSchema.safeParse(header);
        if (!parsed.success) throw bad(parsed.error.issues[0]?.message ?? "tasks.json has no header");
        tasksSeen = true;
      },
      record(text) {
        batch.push(text);
        chars += text?.length ?? 0;
      },
    },
    { maxRecordChars: ARCHIVE_LIMITS.recordChars, maxFieldChars: 64 * 1024 },
  );
  const decoder = new TextDecoder("utf-8", { fatal: true });
  const decode = (chunk?: Uint8Array) => {
    try {
      return decoder.decode(chunk, { stream: chunk !== undefined });
    } catch {
      throw bad("its JSON is not valid UTF-8");
    }
  };
  const flush = async () => {
    const records = batch;
    batch = [];
    chars = 0;
    await onBatch(records);
  };
  for await (const chunk of zip.read(entry)) {
    reader.write(decode(chunk));
    if (batch.length >= BATCH_RECORDS || chars >= BATCH_CHARS) await flush();
  }
  reader.write(decode());
  reader.end();
  if (!tasksSeen) throw bad("tasks.json has no tasks");
  if (batch.length > 0) await flush();
}

async function restoreAll(index: ArchiveIndex, deps: ArchiveDeps): Promise<ImportResult> {
  const log = deps.log ?? ((message: string) => console.warn(message));
  const result: ImportResult = { imported: 0, skipped: 0, invalid: 0 };
  const seen = new Set<string>();
  await asArchiveFault(() =>
    readTasksJson(index.zip, index.tasksJson, async (records) => {
      const tasks: Task[] = [];
      for (const text of records) {
        const task = text === null ? null : parseTask(text);
        if (!task) result.invalid++;
        else if (seen.has(task.id)) result.skipped++;
        else {
          seen.add(task.id);
          tasks.push(task);
        }
      }
      for (const task of tasks) {
        for (const media of index.media.get(task.id) ?? []) {
          if (await deps.cache.get(task.id, media.slot)) continue;
          await restoreMedia(index, task.id, media, deps.cache).catch((error: unknown) =>
            log(
              `[archive] not keeping ${media.entry.name}: ${error instanceof Error ? error.message : String(error)}`,
            ),
          );
        }
      }
      const { restored, skipped } = deps.tasks.restore(tasks);
      const kept = new Set([...restored, ...skipped]);
      const refused = tasks.filter((task) => !kept.has(task.id)).map((task) => task.id);
      // Their media went in first (so the cache would not fetch it upstream): take it out again.
      if (refused.length > 0) await deps.cache.remove(refused);
      result.imported += restored.length;
      result.skipped += skipped.length;
      result.invalid += refused.length;
    }),
  );
  return result;
}

function parseTask(text: string): Task | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (!archivedIdSchema.safeParse(value).success) return null;
  const parsed = taskSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

/**
 * Puts one media entry in the cache if it is what it claims to be (media.json's type, else its
 * extension's), within the cap for that kind (the cache's own download caps). Throws otherwise.
 */
async function restoreMedia(
  index: ArchiveIndex,
  taskId: string,
  { slot, entry }: ArchivedMedia,
  cache: MediaCache,
): Promise<void> {
  const contentType =
    index.types.get(entry.name) ?? CONTENT_TYPES[entry.name.slice(entry.name.lastIndexOf(".") + 1)];
  if (!contentType) throw new Error("its type is not known");
  const video = contentType.startsWith("video/");
  const limit = video ? MEDIA_LIMITS.videoBytes : MEDIA_LIMITS.imageBytes;
  if (entry.size > limit) throw new Error(`it is larger than ${limit / 1024 / 1024} MB`);
  if (!video) {
    // At most 25 MB, and sharp needs the whole file to say it is an image.
    const bytes = await collect(index.zip.read(entry));
    if (!(await isImageOf(contentType, bytes))) throw new Error(`it is not a readable ${contentType}`);
    await cache.put(taskId, slot, contentType, [bytes]);
    return;
  }
  await cache.put(taskId, slot, contentType, checkedHead(index.zip.read(entry), contentType));
}

/** Passes a video through once its first bytes show its container; fails (so nothing is kept) if not. */
async function* checkedHead(
  chunks: AsyncIterable<Uint8Array>,
  contentType: string,
): AsyncGenerator<Uint8Array> {
  let head: Buffer | null = Buffer.alloc(0);
  const checked = (bytes: Buffer) => {
    if (!hasSignatureOf(contentType, bytes.subarray(0, SNIFF_BYTES))) {
      throw new Error(`it is not a ${contentType}`);
    }
    return bytes;
  };
  for await (const chunk of chunks) {
    if (head === null) {
      yield chunk;
      continue;
    }
    head = Buffer.concat([head, chunk]);
    if (head.length >= SNIFF_BYTES) {
      yield checked(head);
      head = null;
    }
  }
  if (head !== null) yield checked(head);
}
