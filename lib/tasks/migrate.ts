import "server-only";
import { createHash } from "node:crypto";
import type { Task } from "@/lib/mj/task";
import { chunksOfSource, type BlobStore } from "@/lib/media/blob-store";
import type { MediaIndex } from "@/lib/media/media-index";
import type { StoredTask, TaskStore } from "@/lib/store/task-store";
import { inputNamesOf } from "./request-inputs";

/**
 * Moves a whole studio from one storage to another (SQLite + disk to PostgreSQL + S3, or back)
 * through the ports alone, so any pair of adapters works, then reads both sides again and checks
 * they hold the same. `npm run migrate` (scripts/migrate.ts) is its command.
 *
 * What the ports cannot carry: the ids of deleted tasks (no port lists them; a deleted task's id
 * is forgotten, so it could be recorded again if something asked the upstream about it); the sort
 * time of a task with no `submitTime` (the first write fixes it, so it becomes the time of the
 * copy); the creation times of folders, smart folders and media files (the copy's time; their
 * order is kept); folder and smart folder ids (new ones; a smart folder's `folder=` follows its
 * folder to the new id); the media download queue's timing beyond what a job record holds.
 */

export interface StudioStorage {
  store: TaskStore;
  blobs: BlobStore;
  mediaIndex: MediaIndex;
}

/** What a studio holds, as the verification counts it on each side. */
export interface StudioCensus {
  tasks: number;
  favorites: number;
  hidden: number;
  requests: number;
  folders: number;
  folderMembers: number;
  smartFolders: number;
  mediaFiles: number;
  mediaJobs: number;
  blobs: number;
  blobBytes: number;
}

export interface CopyReport {
  source: StudioCensus;
  target: StudioCensus;
  /** The census side by side, one line per count, for people. */
  table: string;
  /** Milliseconds spent on each phase: blobs, tasks (with requests and media records), folders, verification. */
  ms: { blobs: number; tasks: number; folders: number; verify: number };
}

export class MigrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MigrationError";
  }
}

/** Tasks per page read and recorded (the store's page bound). */
const PAGE = 200;
/** Blobs copied at once: an object store answers each put after a round trip. */
const BLOB_CONCURRENCY = 4;
/** Requests (and media files) copied, or read for the verification, at once. */
const TASK_CONCURRENCY = 8;

const COUNT_NAMES: Record<keyof StudioCensus, string> = {
  tasks: "tasks",
  favorites: "favourites",
  hidden: "hidden",
  requests: "stored requests",
  folders: "folders",
  folderMembers: "folder members",
  smartFolders: "smart folders",
  mediaFiles: "media files",
  mediaJobs: "media jobs",
  blobs: "blobs",
  blobBytes: "blob bytes",
};

/**
 * Copies `from` into `to`, whose history must be empty, and verifies the copy: every count of
 * `StudioCensus` equal, the records themselves equal (a digest per kind, whatever order each side
 * lists them in), and each blob's SHA-256 as the target stored it equal to the source's bytes.
 * Throws MigrationError on a non-empty target (before writing anything) or any difference.
 */
export async function copyStudio(
  from: StudioStorage,
  to: StudioStorage,
  options: { log?: (message: string) => void } = {},
): Promise<CopyReport> {
  const log = options.log ?? (() => {});
  await assertEmpty(to);

  let mark = performance.now();
  const lap = () => {
    const ms = performance.now() - mark;
    mark += ms;
    return Math.round(ms);
  };
  const blobProblems = await copyBlobs(from.blobs, to.blobs, log);
  const ms = { blobs: lap(), tasks: 0, folders: 0, verify: 0 };
  await copyTasks(from, to, log);
  ms.tasks = lap();
  await copyFolders(from.store, to.store);
  ms.folders = lap();
  log("verifying");

  // Both sides at once: each is mostly waiting on its own storage.
  const [[source, sourceDigests], [target, targetDigests]] = await Promise.all([census(from), census(to)]);
  ms.verify = lap();
  const table = censusTable(source, target);
  const problems = [
    ...(Object.keys(COUNT_NAMES) as (keyof StudioCensus)[])
      .filter((name) => source[name] !== target[name])
      .map((name) => `${COUNT_NAMES[name]}: source ${source[name]}, target ${target[name]}`),
    ...Object.keys(sourceDigests)
      .filter((kind) => sourceDigests[kind] !== targetDigests[kind])
      .map((kind) => `${kind} differ in content`),
    ...blobProblems,
  ];
  if (problems.length > 0) {
    throw new MigrationError(`The copy does not match the source:\n${problems.join("\n")}\n\n${table}`);
  }
  return { source, target, table, ms };
}

async function assertEmpty(to: StudioStorage): Promise<void> {
  const held = [
    (await to.store.list({ limit: 1, cursor: null })).items.length > 0 && "tasks",
    (await to.store.listFolders()).length > 0 && "folders",
    (await to.store.listSmartFolders()).length > 0 && "smart folders",
    !(await to.blobs.list("")[Symbol.asyncIterator]().next()).done && "blobs",
  ].filter((part) => part !== false);
  if (held.length > 0) {
    throw new MigrationError(
      `The target is not empty (it holds ${held.join(", ")}): a studio is only copied into empty storage, so nothing was written.`,
    );
  }
}

/** Streams every blob across, hashing the source's bytes on the way; returns what did not match. */
async function copyBlobs(from: BlobStore, to: BlobStore, log: (message: string) => void): Promise<string[]> {
  const problems: string[] = [];
  const running = new Set<Promise<void>>();
  let failure: unknown = null;
  let copied = 0;

  async function copyOne(key: string): Promise<void> {
    const blob = await from.get(key);
    if (!blob) return; // deleted since it was listed: the census will say so if it matters
    const hash = createHash("sha256");
    let size = 0;
    async function* hashed(): AsyncGenerator<Uint8Array> {
      for await (const chunk of chunksOfSource(blob!.body)) {
        hash.update(chunk);
        size += chunk.byteLength;
        yield chunk;
      }
    }
    const stored = await to.put(key, hashed(), { contentType: blob.info.contentType });
    const sha256 = hash.digest("hex");
    if (stored.sha256 !== sha256 || stored.size !== size) {
      problems.push(
        `blob ${key}: source ${size} bytes sha256 ${sha256}, target ${stored.size} bytes sha256 ${stored.sha256}`,
      );
    }
    if (++copied % 1000 === 0) log(`blobs: ${copied} copied`);
  }

  for await (const info of from.list("")) {
    if (failure) break;
    const job: Promise<void> = copyOne(info.key)
      .catch((error: unknown) => {
        failure ??= error;
      })
      .finally(() => running.delete(job));
    running.add(job);
    if (running.size >= BLOB_CONCURRENCY) await Promise.race(running);
  }
  await Promise.all(running);
  if (failure) throw failure;
  if (copied % 1000 !== 0) log(`blobs: ${copied} copied`);
  return problems;
}

/** The copy as stored, whatever the target held (nothing, as it is empty) or forgot. */
const takeIncoming = (_stored: Task | null, incoming: Task) => incoming;

/** The task as the upstream gave it: the flags are the store's own, set apart. */
function withoutFlags(task: StoredTask): Task {
  const copy: Partial<StoredTask> = { ...task };
  delete copy.favorite;
  delete copy.hidden;
  return copy as Task;
}

async function inGroups<T>(
  items: readonly T[],
  size: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(work));
}

/** Every task, oldest first, hidden ones included, page by page. */
async function* everyTask(store: TaskStore): AsyncGenerator<StoredTask[]> {
  let cursor: string | null = null;
  do {
    const page = await store.list({ limit: PAGE, cursor, sort: "oldest" });
    if (page.items.length > 0) yield page.items;
    cursor = page.nextCursor;
  } while (cursor);
}

/** Tasks with their flags, requests and media records (folders come after, once every task is there). */
async function copyTasks(
  from: StudioStorage,
  to: StudioStorage,
  log: (message: string) => void,
): Promise<void> {
  let copied = 0;
  let logged = -1;
  for await (const page of everyTask(from.store)) {
    await to.store.record(page.map(withoutFlags), takeIncoming, { undelete: true });
    const flagged = (flag: "favorite" | "hidden") => page.filter((task) => task[flag]).map((task) => task.id);
    if (flagged("favorite").length > 0) await to.store.setFavorite(flagged("favorite"), true);
    if (flagged("hidden").length > 0) await to.store.setHidden(flagged("hidden"), true);
    const now = Date.now();
    const ids = page.map((task) => task.id);
    // The media index a page at a time: against a database server every write is a round trip and
    // a commit, and the jobs alone are most of a history's rows.
    await to.mediaIndex.putJobs(await from.mediaIndex.jobsOf(ids));
    await inGroups(await from.mediaIndex.filesOf(ids), TASK_CONCURRENCY, (file) =>
      to.mediaIndex.putFile(file, now),
    );
    // Requests one task at a time (a request is saved per task), a few at once.
    await inGroups(page, TASK_CONCURRENCY, async ({ id }) => {
      const request = await from.store.getRequest(id);
      if (request) await to.store.saveRequest([id], request.kind, request.body, inputNamesOf(request.body));
    });
    const before = copied;
    copied += page.length;
    // A line per thousand, and one at the end.
    if (Math.floor(copied / 1000) > Math.floor(before / 1000)) {
      log(`tasks: ${copied} copied`);
      logged = copied;
    }
  }
  if (logged !== copied) log(`tasks: ${copied} copied`);
}

/** Every member of a folder, oldest first. */
async function folderMembers(store: TaskStore, folder: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const page = await store.list({ limit: PAGE, cursor, sort: "oldest", folder });
    ids.push(...page.items.map((task) => task.id));
    cursor = page.nextCursor;
  } while (cursor);
  return ids;
}

/** A smart folder's saved view with its `folder=` mapped through `map` (left as it is when unknown). */
function mapFolderInSearch(search: string, map: (id: string) => string | undefined): string {
  const params = new URLSearchParams(search);
  const folder = params.get("folder");
  const mapped = folder === null ? undefined : map(folder);
  if (mapped === undefined) return search;
  params.set("folder", mapped);
  return `${search.startsWith("?") ? "?" : ""}${params.toString()}`;
}

async function copyFolders(from: TaskStore, to: TaskStore): Promise<void> {
  const newIds = new Map<string, string>();
  for (const folder of await from.listFolders()) {
    const created = await to.createFolder(folder.name, Number.MAX_SAFE_INTEGER);
    if (!created) throw new MigrationError(`The target refused to create the folder "${folder.name}".`);
    newIds.set(folder.id, created.id);
    const members = await folderMembers(from, folder.id);
    for (let i = 0; i < members.length; i += PAGE) {
      await to.addToFolder(created.id, members.slice(i, i + PAGE));
    }
  }
  for (const smart of await from.listSmartFolders()) {
    const search = mapFolderInSearch(smart.search, (id) => newIds.get(id));
    const created = await to.createSmartFolder({ name: smart.name, search }, Number.MAX_SAFE_INTEGER);
    if (!created) throw new MigrationError(`The target refused to create the smart folder "${smart.name}".`);
  }
}

/** JSON with object keys sorted, so equal records read the same whichever store gave them back. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** An order-free digest of a set of records: the XOR of their SHA-256s (each record is unique). */
class SetDigest {
  private readonly value = Buffer.alloc(32);
  add(record: unknown): void {
    const hash = createHash("sha256").update(canonical(record)).digest();
    for (let i = 0; i < 32; i++) this.value[i]! ^= hash[i]!;
  }
  toString(): string {
    return this.value.toString("hex");
  }
}

/** Counts what a studio holds and digests each kind of record, reading it through the ports. */
async function census(side: StudioStorage): Promise<[StudioCensus, Record<string, string>]> {
  const counts: StudioCensus = {
    tasks: 0,
    favorites: 0,
    hidden: 0,
    requests: 0,
    folders: 0,
    folderMembers: 0,
    smartFolders: 0,
    mediaFiles: 0,
    mediaJobs: 0,
    blobs: 0,
    blobBytes: 0,
  };
  const digest = {
    "task records": new SetDigest(),
    "stored requests": new SetDigest(),
    "media files": new SetDigest(),
    "media jobs": new SetDigest(),
    folders: new SetDigest(),
    "smart folders": new SetDigest(),
    blobs: new SetDigest(),
  };
  for await (const page of everyTask(side.store)) {
    for (const task of page) {
      counts.tasks++;
      if (task.favorite) counts.favorites++;
      if (task.hidden) counts.hidden++;
      digest["task records"].add(task);
    }
    await inGroups(page, TASK_CONCURRENCY, async ({ id }) => {
      const request = await side.store.getRequest(id);
      if (request) {
        counts.requests++;
        digest["stored requests"].add({ id, ...request });
      }
    });
    const ids = page.map((task) => task.id);
    for (const file of await side.mediaIndex.filesOf(ids)) {
      counts.mediaFiles++;
      digest["media files"].add(file);
    }
    for (const job of await side.mediaIndex.jobsOf(ids)) {
      counts.mediaJobs++;
      digest["media jobs"].add(job);
    }
  }
  // Folder ids differ between the sides: a folder is its name and members, and a smart folder's
  // `folder=` is read as that folder's name.
  const names = new Map<string, string>();
  for (const folder of await side.store.listFolders()) {
    names.set(folder.id, folder.name);
    const members = await folderMembers(side.store, folder.id);
    counts.folders++;
    counts.folderMembers += members.length;
    digest.folders.add({ name: folder.name, members: members.sort() });
  }
  for (const smart of await side.store.listSmartFolders()) {
    counts.smartFolders++;
    const search = mapFolderInSearch(smart.search, (id) =>
      names.has(id) ? `name:${names.get(id)}` : undefined,
    );
    digest["smart folders"].add({ name: smart.name, search });
  }
  for await (const blob of side.blobs.list("")) {
    counts.blobs++;
    counts.blobBytes += blob.size;
    digest.blobs.add({ key: blob.key, size: blob.size, contentType: blob.contentType });
  }
  return [counts, Object.fromEntries(Object.entries(digest).map(([kind, d]) => [kind, d.toString()]))];
}

function censusTable(source: StudioCensus, target: StudioCensus): string {
  const rows = (Object.keys(COUNT_NAMES) as (keyof StudioCensus)[]).map(
    (name) =>
      `| ${COUNT_NAMES[name]} | ${source[name]} | ${target[name]} | ${source[name] === target[name] ? "yes" : "NO"} |`,
  );
  return ["| count | source | target | equal |", "|---|---|---|---|", ...rows].join("\n");
}
