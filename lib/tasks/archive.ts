import "server-only";
import { z } from "zod";
import { AppError } from "@/lib/http/errors";
import { taskIdSchema } from "@/lib/mj/requests";
import { taskSchema, type Task } from "@/lib/mj/task";
import {
  exportZip,
  originalsZip,
  withStagedArchive,
  type ArchiveResponse,
  type ArchiveUpload,
  type OriginalsSources,
} from "@/lib/media/archive";
import type { BlobStore } from "@/lib/media/blob-store";
import type { MediaCache } from "@/lib/media/cache";
import type { TaskStore } from "@/lib/store/task-store";
import type { TaskService } from "./service";

/**
 * Archives of the history: which tasks a bulk download or an export holds, and an import's
 * records restored through the one writer (`TaskService.restore`) with their media attached.
 * The zip mechanics (writing, reading by the central directory, staging, checking media) are
 * lib/media/archive.ts's.
 */

/** Tasks in one bulk download or selection export (the routes' bound). */
export const ARCHIVE_IDS_MAX = 200;

const PAGE = 200;

export interface ArchiveDeps {
  store: Pick<TaskStore, "getMany" | "list">;
  /** The one writer of the history: an import records through it. */
  tasks: Pick<TaskService, "restore">;
  cache: Pick<MediaCache, "get" | "open" | "list" | "put" | "cacheNow" | "remove">;
  download: OriginalsSources["download"];
  /** Where an import is staged (`staging/<id>.zip`) while it is checked and read. */
  blobs: Pick<BlobStore, "put" | "get" | "head" | "delete">;
  log: (message: string) => void;
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
      .max(ARCHIVE_IDS_MAX, { error: `ids may name at most ${ARCHIVE_IDS_MAX} tasks` }),
  );

const today = () => new Date().toISOString().slice(0, 10);

/** The recorded ones among these ids, in the order given; none recorded is a 404. */
async function recordedTasks(store: ArchiveDeps["store"], ids: readonly string[]): Promise<Task[]> {
  const found = new Map((await store.getMany([...ids])).map((task) => [task.id, task]));
  const tasks = ids.flatMap((id) => found.get(id) ?? []);
  if (tasks.length === 0) throw new AppError("not_found", "None of these tasks is recorded.");
  return tasks;
}

/** `GET /api/tasks/download?ids=`: the originals of these tasks, flat, named for people. */
export async function downloadArchive(ids: readonly string[], deps: ArchiveDeps): Promise<ArchiveResponse> {
  const tasks = await recordedTasks(deps.store, ids);
  return { body: originalsZip(tasks, deps), filename: `mj-studio-${today()}.zip` };
}

/** `GET /api/tasks/export[?ids=]`: records and originals, restorable with `importArchive`. */
export async function exportArchive(
  ids: readonly string[] | null,
  deps: ArchiveDeps,
): Promise<ArchiveResponse> {
  const selection = ids ? await recordedTasks(deps.store, ids) : null;

  /** The selection, or the whole history page by page (newest first). */
  async function* everyTask(): AsyncGenerator<Task> {
    if (selection) {
      yield* selection;
      return;
    }
    let cursor: string | null = null;
    do {
      const page = await deps.store.list({ limit: PAGE, cursor });
      yield* page.items;
      cursor = page.nextCursor;
    } while (cursor);
  }

  return { body: exportZip(everyTask, deps.cache), filename: `mj-studio-export-${today()}.zip` };
}

export interface ArchiveImportResult {
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

/** A task record as an archive must carry it (a task, with an id fit for a path and a URL). */
const archivedIdSchema = z.looseObject({ id: taskIdSchema });

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
 * `POST /api/tasks/import-archive`: restores an export. Once the staged archive passed its checks,
 * tasks.json's records are restored batch by batch through the task service, each task's media
 * put in the cache before its record so the cache does not fetch it upstream.
 */
export async function importArchive(upload: ArchiveUpload, deps: ArchiveDeps): Promise<ArchiveImportResult> {
  return withStagedArchive(upload, deps.blobs, async (archive) => {
    const result: ArchiveImportResult = { imported: 0, skipped: 0, invalid: 0 };
    const seen = new Set<string>();
    await archive.readRecords(async (records) => {
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
      for (const task of tasks) await archive.restoreMedia(task.id, deps.cache, deps.log);
      const { restored, skipped } = await deps.tasks.restore(tasks);
      const kept = new Set([...restored, ...skipped]);
      const refused = tasks.filter((task) => !kept.has(task.id)).map((task) => task.id);
      // Their media went in first (so the cache would not fetch it upstream): take it out again.
      if (refused.length > 0) await deps.cache.remove(refused);
      result.imported += restored.length;
      result.skipped += skipped.length;
      result.invalid += refused.length;
    });
    return result;
  });
}
