import "server-only";
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { Unzip, UnzipInflate, Zip, ZipDeflate, ZipPassThrough } from "fflate";
import { z } from "zod";
import { AppError } from "@/lib/http/errors";
import { taskIdSchema } from "@/lib/mj/requests";
import { taskSchema, type Task } from "@/lib/mj/task";
import { env } from "@/lib/env";
import { getTaskStore } from "@/lib/store";
import type { TaskStore } from "@/lib/store/task-store";
import { getUpstream } from "@/lib/upstream";
import type { UpstreamClient } from "@/lib/upstream/client";
import { extensionFor, type MediaCache } from "./cache";
import { chunksOf, openMedia, type UrlGuard } from "./fetch";
import { getMediaCache, getMediaGuard } from "./index";
import { downloadName } from "./serve";
import { isMediaSlot, isThumbSlot, originalSlots, type OriginalSlot } from "./urls";
import { MEDIA_CONTENT_TYPE } from "./types";

/**
 * Zip archives of tasks, streamed both ways with fflate: a zip is produced chunk by chunk as the
 * response is read (never whole in memory), and an uploaded one is unpacked as it arrives into a
 * staging directory, validated, and only then applied.
 *
 * Export layout: `tasks.json` (`{format, version, exportedAt, tasks}`: the Task records as stored,
 * upstream URLs included: they are the record, and the archive goes to the key's owner),
 * `media/<taskId>/<slot>.<ext>` (the originals), `media.json` (`[{taskId, slot, path,
 * contentType, bytes, sha256}]`). Thumbnails are not exported; they are remade on demand.
 */

export const ARCHIVE_LIMITS = {
  /** Tasks in one bulk download or selection export (the route's bound). */
  ids: 200,
  importBytes: 2 * 1024 * 1024 * 1024,
  /** A media entry as unpacked (the video cap). */
  entryBytes: 200 * 1024 * 1024,
  jsonBytes: 256 * 1024 * 1024,
  unpackedBytes: 4 * 1024 * 1024 * 1024,
  entries: 100_000,
} as const;

const FORMAT = "mj-studio-archive";
const PAGE = 200;

export interface ArchiveDeps {
  store: TaskStore;
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
    cache: getMediaCache(),
    upstream: getUpstream(),
    guard: getMediaGuard(),
    tmpDir: path.join(env().dataDir, "tmp"),
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

interface ZipEntry {
  name: string;
  /** Media is already compressed: stored as is. JSON is deflated. */
  deflate: boolean;
  data: AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
}

/**
 * A zip whose bytes are made as the consumer pulls: each pull advances the entry generator by
 * one chunk, so memory holds one chunk of one file at a time whatever the archive's size.
 */
function zipStream(entries: () => AsyncGenerator<ZipEntry>): ReadableStream<Uint8Array> {
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
  async function* entries(): AsyncGenerator<ZipEntry> {
    const names = new Set<string>();
    for (const task of tasks) {
      for (const slot of distinctOriginals(task)) {
        const source = await openOriginal(task, slot, deps).catch((error: unknown) => {
          log(`[archive] skipping ${slot} of ${task.id}: ${String(error)}`);
          return null;
        });
        if (!source) continue;
        let name = downloadName(task, slot, source.contentType);
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
  const cached = deps.cache.get(task.id, slot);
  if (cached) return { contentType: cached.contentType, data: fs.createReadStream(cached.path) };
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

  async function* entries(): AsyncGenerator<ZipEntry> {
    yield { name: "tasks.json", deflate: true, data: tasksJson() };
    const manifest: MediaManifestEntry[] = [];
    for await (const task of everyTask()) {
      // Originals still only upstream are cached first, so the archive holds files, not links.
      await deps.cache.cacheNow(task.id);
      for (const media of deps.cache.list(task.id)) {
        if (isThumbSlot(media.slot)) continue;
        const file = `media/${task.id}/${media.slot}.${extensionFor(media.contentType)}`;
        manifest.push({
          taskId: task.id,
          slot: media.slot,
          path: file,
          contentType: media.contentType,
          bytes: media.bytes,
          sha256: media.sha256,
        });
        yield { name: file, deflate: false, data: fs.createReadStream(media.path) };
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

const tasksFileSchema = z.object({
  format: z.literal(FORMAT, { error: `tasks.json is not an ${FORMAT} file` }),
  version: z.literal(1, { error: "tasks.json has an unknown version" }),
  tasks: z
    .array(
      z.looseObject({ id: taskIdSchema }).transform((value, ctx) => {
        const parsed = taskSchema.safeParse(value);
        if (parsed.success) return parsed.data;
        ctx.addIssue({ code: "custom", message: "is not a task" });
        return z.NEVER;
      }),
    )
    .max(1_000_000),
});

const manifestSchema = z
  .array(
    z.looseObject({
      path: z.string(),
      contentType: z.string().regex(MEDIA_CONTENT_TYPE, { error: "is not a supported image or video type" }),
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

interface StagedMedia {
  taskId: string;
  slot: OriginalSlot;
  entry: string;
  file: string;
}

const bad = (message: string) => new AppError("invalid_input", `Invalid archive: ${message}`);

/**
 * `POST /api/tasks/import-archive`: restores an export. Tasks already recorded are skipped (not
 * duplicated, not overwritten); their media is added to the cache where it lacks it.
 */
export async function importArchive(
  request: {
    body: ReadableStream<Uint8Array> | null;
    contentType: string | null;
    contentLength: string | null;
  },
  deps = defaultDeps(),
): Promise<{ imported: number; skipped: number }> {
  const type = (request.contentType ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== "application/zip" && type !== "application/x-zip-compressed") {
    throw new AppError("unsupported_media_type", "Send the archive as Content-Type: application/zip.");
  }
  if (Number(request.contentLength ?? "0") > ARCHIVE_LIMITS.importBytes) throw tooLarge();
  if (!request.body) throw bad("the body is empty");

  const staging = path.join(deps.tmpDir, `import-${randomUUID()}`);
  await fs.promises.mkdir(staging, { recursive: true });
  try {
    const unpacked = await unpack(request.body, staging);
    return await apply(unpacked, deps);
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

/** Unpacks entries as the body arrives: JSON into memory (capped), media into staging files. */
async function unpack(
  body: ReadableStream<Uint8Array>,
  staging: string,
): Promise<{ tasksJson: string | null; mediaJson: string | null; media: StagedMedia[] }> {
  const json: Record<"tasks.json" | "media.json", Uint8Array[] | undefined> = {
    "tasks.json": undefined,
    "media.json": undefined,
  };
  const media: StagedMedia[] = [];
  const open = new Set<number>();
  let failure: AppError | null = null;
  let entries = 0;
  let unpackedBytes = 0;

  const unzip = new Unzip((file) => {
    if (failure) return;
    if (++entries > ARCHIVE_LIMITS.entries) {
      failure = bad(`more than ${ARCHIVE_LIMITS.entries} entries`);
      return;
    }
    const name = file.name;
    if (name.endsWith("/")) return; // a directory entry
    let sink: ((chunk: Uint8Array) => void) | null = null;
    let close = () => {};
    let limit: number = ARCHIVE_LIMITS.entryBytes;
    if (name === "tasks.json" || name === "media.json") {
      if (json[name]) {
        failure = bad(`${name} appears twice`);
        return;
      }
      const chunks: Uint8Array[] = [];
      json[name] = chunks;
      limit = ARCHIVE_LIMITS.jsonBytes;
      sink = (chunk) => chunks.push(chunk);
    } else {
      const match = MEDIA_ENTRY.exec(name);
      const slot = match?.[2];
      if (!match || !slot || !isMediaSlot(slot)) {
        failure = bad(`unexpected entry "${name.slice(0, 120)}"`);
        return;
      }
      const staged = path.join(staging, `${media.length}`);
      media.push({ taskId: match[1]!, slot: slot as OriginalSlot, entry: name, file: staged });
      const fd = fs.openSync(staged, "w");
      open.add(fd);
      sink = (chunk) => fs.writeSync(fd, chunk);
      close = () => {
        fs.closeSync(fd);
        open.delete(fd);
      };
    }
    let seen = 0;
    file.ondata = (error, chunk, final) => {
      if (failure) return;
      if (error) {
        failure = bad(`entry "${name.slice(0, 120)}" is corrupt`);
        return;
      }
      seen += chunk.byteLength;
      unpackedBytes += chunk.byteLength;
      if (seen > limit || unpackedBytes > ARCHIVE_LIMITS.unpackedBytes) {
        failure = bad(`entry "${name.slice(0, 120)}" unpacks to more than ${limit / 1024 / 1024} MB`);
        return;
      }
      sink(chunk);
      if (final) close();
    };
    file.start();
  });
  unzip.register(UnzipInflate);

  let received = 0;
  try {
    for await (const chunk of chunksOf(body)) {
      received += chunk.byteLength;
      if (received > ARCHIVE_LIMITS.importBytes) throw tooLarge();
      unzip.push(chunk);
      if (failure) throw failure;
    }
    unzip.push(new Uint8Array(0), true);
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw bad("it is not a readable zip file");
  } finally {
    for (const fd of open) fs.closeSync(fd);
  }
  if (failure) throw failure;
  const text = (chunks: Uint8Array[] | undefined) =>
    chunks ? new TextDecoder("utf-8", { fatal: true }).decode(Buffer.concat(chunks)) : null;
  try {
    return { tasksJson: text(json["tasks.json"]), mediaJson: text(json["media.json"]), media };
  } catch {
    throw bad("its JSON is not valid UTF-8");
  }
}

function parseJsonEntry(text: string, name: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw bad(`${name} is not valid JSON`);
  }
}

async function apply(
  unpacked: Awaited<ReturnType<typeof unpack>>,
  deps: ArchiveDeps,
): Promise<{ imported: number; skipped: number }> {
  if (unpacked.tasksJson === null) throw bad("it has no tasks.json (is it an MJ Studio export?)");
  const parsed = tasksFileSchema.safeParse(parseJsonEntry(unpacked.tasksJson, "tasks.json"));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw bad(
      `tasks.json ${issue?.path.join(".") ?? ""} ${issue?.message ?? ""}`.replace(/\s+/g, " ").trim(),
    );
  }
  const types = new Map<string, string>();
  if (unpacked.mediaJson !== null) {
    const manifest = manifestSchema.safeParse(parseJsonEntry(unpacked.mediaJson, "media.json"));
    if (!manifest.success) throw bad("media.json does not describe media files");
    for (const entry of manifest.data) types.set(entry.path, entry.contentType);
  }

  const archived = new Map<string, Task>();
  for (const task of parsed.data.tasks) if (!archived.has(task.id)) archived.set(task.id, task);
  const known = new Set(deps.store.getMany([...archived.keys()]).map((task) => task.id));
  const fresh = [...archived.values()].filter((task) => !known.has(task.id));
  deps.store.upsertMany(fresh);

  for (const staged of unpacked.media) {
    if (!archived.has(staged.taskId) || deps.cache.get(staged.taskId, staged.slot)) continue;
    const ext = staged.entry.slice(staged.entry.lastIndexOf(".") + 1);
    const contentType = types.get(staged.entry) ?? CONTENT_TYPES[ext];
    if (!contentType) continue;
    await deps.cache.put(staged.taskId, staged.slot, contentType, fs.createReadStream(staged.file));
  }
  // Whatever the archive lacked is fetched the usual way, while the upstream still has it.
  deps.cache.enqueue(fresh);
  return { imported: fresh.length, skipped: archived.size - fresh.length };
}
