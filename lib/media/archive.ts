import "server-only";
import { Zip, ZipDeflate, ZipPassThrough } from "fflate";
import { z } from "zod";
import { AppError } from "@/lib/http/errors";
import {
  bareContentType,
  contentTypeOfName,
  extensionOf,
  hasSignatureOf,
  isMediaType,
  mediaDownloadName,
  SNIFF_BYTES,
} from "@/lib/mj/media-kinds";
import type { Task } from "@/lib/mj/task";
import { createTasksFileReader, TasksFileError } from "./archive-json";
import { BlobTooLargeError, chunksOfSource, type BlobStore } from "./blob-store";
import type { MediaCache } from "./cache";
import { MEDIA_LIMITS, type MediaDownloader } from "./fetch";
import { isImageOf } from "./sniff";
import { stagingKey } from "./staging";
import { isCellSlot, isMediaSlot, isThumbSlot, originalSlots, type OriginalSlot } from "./urls";
import { openZip, ZipError, type ZipEntry, type ZipFile } from "./zip-reader";

/**
 * The mechanics of zip archives of tasks; which tasks go in, and how restored ones are recorded,
 * is lib/tasks/archive.ts's business. A zip is produced with fflate chunk by chunk as the
 * response is read (never whole in memory); an uploaded one is staged, checked, and only then
 * handed over record by record (see `withStagedArchive`).
 *
 * Export layout: `tasks.json` (`{format, version, exportedAt, tasks}`: the Task records as stored,
 * upstream URLs included: they are the record, and the archive goes to the key's owner),
 * `media/<taskId>/<slot>.<ext>` (the originals), `media.json` (`[{taskId, slot, path,
 * contentType, bytes, sha256}]`). Thumbnails are not exported; they are remade on demand.
 */

export const ARCHIVE_LIMITS = {
  importBytes: 2 * 1024 ** 3,
  /** Every entry as unpacked, by the sizes the archive declares (reading holds it to them). */
  unpackedBytes: 4 * 1024 ** 3,
  entries: 100_000,
  directoryBytes: 32 * 1024 ** 2,
  /** Read as a stream, record by record: its size costs time, not memory. */
  tasksJsonBytes: 1024 ** 3,
  records: 1_000_000,
  /** One task record: a larger one is handed over as invalid (a real one is a few KB). */
  recordChars: 8 * 1024 ** 2,
  /** Parsed whole: ~200 bytes per media file. */
  manifestBytes: 32 * 1024 ** 2,
} as const;

const FORMAT = "mj-studio-archive";

export interface ArchiveResponse {
  body: ReadableStream<Uint8Array>;
  filename: string;
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

/** Each distinct original of a task once (a video task's imageUrl, videoUrl and videos.0 are one mp4). */
function distinctOriginals(task: Task): { slot: OriginalSlot; url: string }[] {
  const seen = new Set<string>();
  return originalSlots(task).filter(({ url }) => !seen.has(url) && (seen.add(url), true));
}

export interface OriginalsSources {
  cache: Pick<MediaCache, "get" | "open">;
  /** Opens an upstream media URL (guarded and capped, as the media route does). */
  download: MediaDownloader;
  log: (message: string) => void;
}

/**
 * The bulk download: the originals of these tasks, flat, named for people, each from the cache or
 * else from the upstream (not cached here: the background queue does that). An original that
 * cannot be opened is left out and logged.
 */
export function originalsZip(tasks: readonly Task[], sources: OriginalsSources): ReadableStream<Uint8Array> {
  async function open(task: Task, slot: OriginalSlot, url: string) {
    const cached = await sources.cache.get(task.id, slot);
    const stored = cached && (await sources.cache.open(cached));
    if (cached && stored) return { contentType: cached.contentType, data: chunksOfSource(stored.body) };
    const media = await sources.download(url);
    return { contentType: media.contentType, data: chunksOfSource(media.body) };
  }
  async function* entries(): AsyncGenerator<OutgoingEntry> {
    const names = new Set<string>();
    for (const task of tasks) {
      for (const { slot, url } of distinctOriginals(task)) {
        const source = await open(task, slot, url).catch((error: unknown) => {
          sources.log(`[archive] skipping ${slot} of ${task.id}: ${String(error)}`);
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
  return zipStream(entries);
}

interface MediaManifestEntry {
  taskId: string;
  slot: string;
  path: string;
  contentType: string;
  bytes: number;
  sha256: string;
}

/**
 * An export, restorable with `withStagedArchive`: tasks.json written record by record as `tasks()`
 * yields them, then each task's cached originals (those still only upstream cached first, so the
 * archive holds files, not links) and media.json. `tasks` is called twice, once per pass.
 */
export function exportZip(
  tasks: () => AsyncIterable<Task>,
  cache: Pick<MediaCache, "cacheNow" | "list" | "open">,
): ReadableStream<Uint8Array> {
  async function* tasksJson(): AsyncGenerator<Uint8Array> {
    const encoder = new TextEncoder();
    yield encoder.encode(
      `{"format":"${FORMAT}","version":1,"exportedAt":${JSON.stringify(new Date().toISOString())},"tasks":[`,
    );
    let first = true;
    for await (const task of tasks()) {
      yield encoder.encode(`${first ? "" : ","}\n${JSON.stringify(task)}`);
      first = false;
    }
    yield encoder.encode("\n]}\n");
  }

  async function* entries(): AsyncGenerator<OutgoingEntry> {
    yield { name: "tasks.json", deflate: true, data: tasksJson() };
    const manifest: MediaManifestEntry[] = [];
    for await (const task of tasks()) {
      await cache.cacheNow(task.id);
      for (const media of await cache.list(task.id)) {
        // Thumbnails and cells are made again from the originals; an archive carries only those.
        if (isThumbSlot(media.slot) || isCellSlot(media.slot)) continue;
        // Opened now, read as the zip is: a file gone since it was listed is left out.
        const stored = await cache.open(media);
        if (!stored) continue;
        const file = `media/${task.id}/${media.slot}.${extensionOf(media.contentType) ?? "bin"}`;
        manifest.push({
          taskId: task.id,
          slot: media.slot,
          path: file,
          contentType: media.contentType,
          bytes: media.bytes,
          sha256: media.sha256,
        });
        yield { name: file, deflate: false, data: chunksOfSource(stored.body) };
      }
    }
    yield { name: "media.json", deflate: true, data: [new TextEncoder().encode(JSON.stringify(manifest))] };
  }

  return zipStream(entries);
}

const tasksHeaderSchema = z.object({
  format: z.literal(FORMAT, { error: `tasks.json is not an ${FORMAT} file` }),
  version: z.literal(1, { error: "tasks.json has an unknown version" }),
});

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

interface ArchivedMedia {
  slot: OriginalSlot;
  entry: ZipEntry;
}

/** What an archive holds, checked before anything is handed over. */
interface ArchiveIndex {
  zip: ZipFile;
  tasksJson: ZipEntry;
  /** By task id. */
  media: Map<string, ArchivedMedia[]>;
  /** media.json's type of each entry. */
  types: Map<string, string>;
}

export interface ArchiveUpload {
  body: ReadableStream<Uint8Array> | null;
  contentType: string | null;
  contentLength: string | null;
}

/** An uploaded archive, staged and checked. */
export interface StagedArchive {
  /**
   * Reads tasks.json again, as a stream, and hands over its records in batches (each one's JSON
   * text, or null for one too long to be a task), one batch at a time.
   */
  readRecords(onBatch: (records: (string | null)[]) => Promise<void>): Promise<void>;
  /**
   * Puts the task's archived media in the cache, each one only if it is what it claims to be and
   * the cache does not hold that slot yet. A refused file is logged and left out.
   */
  restoreMedia(
    taskId: string,
    cache: Pick<MediaCache, "get" | "put">,
    log: (message: string) => void,
  ): Promise<void>;
}

const bad = (message: string) => new AppError("invalid_input", `Invalid archive: ${message}`);

/**
 * Stages an upload (a `staging/<id>.zip` blob, written as it arrives at the pace the store takes
 * it), checks it through the zip's central directory (any structural fault refuses the whole
 * archive with a 400 before `work` runs), hands it to `work`, and deletes the staged blob whatever
 * happens. Memory stays bounded by one batch of records and one image, whatever the archive.
 */
export async function withStagedArchive<T>(
  upload: ArchiveUpload,
  blobs: Pick<BlobStore, "put" | "get" | "head" | "delete">,
  work: (archive: StagedArchive) => Promise<T>,
): Promise<T> {
  const type = bareContentType(upload.contentType);
  if (type !== "application/zip" && type !== "application/x-zip-compressed") {
    throw new AppError("unsupported_media_type", "Send the archive as Content-Type: application/zip.");
  }
  if (Number(upload.contentLength ?? "0") > ARCHIVE_LIMITS.importBytes) throw tooLarge();
  const body = upload.body;
  if (!body) throw bad("the body is empty");

  const key = stagingKey();
  try {
    await blobs
      .put(key, body, { contentType: "application/zip", maxBytes: ARCHIVE_LIMITS.importBytes })
      .catch((error: unknown) => {
        throw error instanceof BlobTooLargeError ? tooLarge() : error;
      });
    const index = await check(blobs, key);
    return await work({
      readRecords: (onBatch) => asArchiveFault(() => readTasksJson(index.zip, index.tasksJson, onBatch)),
      restoreMedia: (taskId, cache, log) => restoreMediaOf(index, taskId, cache, log),
    });
  } finally {
    await blobs.delete(key);
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
async function check(blobs: Pick<BlobStore, "get" | "head">, key: string): Promise<ArchiveIndex> {
  return asArchiveFault(async () => {
    const zip = await openZip(blobs, key, {
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

/** A batch of records handed over at once: one transaction for the writer, and bounded memory. */
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

async function restoreMediaOf(
  index: ArchiveIndex,
  taskId: string,
  cache: Pick<MediaCache, "get" | "put">,
  log: (message: string) => void,
): Promise<void> {
  for (const media of index.media.get(taskId) ?? []) {
    if (await cache.get(taskId, media.slot)) continue;
    await restoreMedia(index, taskId, media, cache).catch((error: unknown) =>
      log(
        `[archive] not keeping ${media.entry.name}: ${error instanceof Error ? error.message : String(error)}`,
      ),
    );
  }
}

/**
 * Puts one media entry in the cache if it is what it claims to be (media.json's type, else its
 * extension's), within the cap for that kind (the cache's own download caps). Throws otherwise.
 */
async function restoreMedia(
  index: ArchiveIndex,
  taskId: string,
  { slot, entry }: ArchivedMedia,
  cache: Pick<MediaCache, "put">,
): Promise<void> {
  const contentType = index.types.get(entry.name) ?? contentTypeOfName(entry.name);
  if (!contentType || !isMediaType(contentType)) throw new Error("its type is not known");
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
