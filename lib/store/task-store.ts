import { z } from "zod";
import { statusRank, taskSchema, type Task } from "@/lib/mj/task";
import { openDatabase } from "./database";

export interface TaskPage {
  items: Task[];
  nextCursor: string | null;
}

/**
 * Persistence of every task the app has seen. Callers depend on this interface only, so another
 * backend (PostgreSQL) can be added beside the SQLite one without touching them.
 */
export interface TaskStore {
  /** Records what the app saw. Returns the task as stored after the merge (which may be the older, higher-ranked copy). */
  upsert(task: Task): Task;
  /** Like `upsert` for each task, in one transaction: all are recorded or none. */
  upsertMany(tasks: Task[]): Task[];
  get(id: string): Task | null;
  /** Any order; unknown ids are omitted. */
  getMany(ids: string[]): Task[];
  /** Newest first (by first-seen submit time, then id), keyset-paginated. */
  list(query: { limit: number; cursor: string | null }): TaskPage;
  close(): void;
}

/** A cursor that was not produced by `list` (the route answers 400). */
export class InvalidCursorError extends Error {
  constructor() {
    super("Invalid cursor");
    this.name = "InvalidCursorError";
  }
}

/** When a task moves on, these describe its new state even where they are null or empty. */
const CURRENT_STATE_FIELDS = ["status", "progress", "failReason", "buttons", "imageUrl"] as const;

/**
 * Combines the stored copy with a newer-or-equal incoming one. Fields the incoming copy leaves
 * null (a relay's reduced copy, a list endpoint that omits them) keep the stored value instead
 * of erasing it; `properties` is merged key by key for the same reason. Only when the status
 * moved forward do the current-state fields follow the incoming copy even when empty (progress
 * "" on FAILURE); at the same rank an empty button list does not erase known buttons.
 */
function mergeTasks(stored: Task, incoming: Task, movedOn: boolean): Task {
  const merged: Record<string, unknown> = { ...stored };
  for (const [key, value] of Object.entries(incoming)) {
    if (value !== null && value !== undefined) merged[key] = value;
  }
  if (movedOn) {
    for (const key of CURRENT_STATE_FIELDS) merged[key] = incoming[key];
  } else if (incoming.buttons.length === 0) {
    merged.buttons = stored.buttons;
  }
  merged.properties = { ...stored.properties, ...withoutNulls(incoming.properties) };
  // Both sides are parsed tasks and every field came from one of them, so this is a Task too;
  // re-parsing would only cost time on the polling path.
  return merged as Task;
}

function withoutNulls(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(record).filter(([, value]) => value !== null && value !== undefined),
  );
}

/** Opaque to clients; base64url so it travels in a query string untouched. */
function encodeCursor(sortTime: number, id: string): string {
  return Buffer.from(JSON.stringify([sortTime, id])).toString("base64url");
}

const cursorSchema = z.tuple([z.number().int(), z.string().min(1)]);

function decodeCursor(cursor: string): { sortTime: number; id: string } {
  // Node's base64url decoder skips characters outside the alphabet instead of failing.
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw new InvalidCursorError();
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw new InvalidCursorError();
  }
  const parsed = cursorSchema.safeParse(decoded);
  if (!parsed.success) throw new InvalidCursorError();
  const [sortTime, id] = parsed.data;
  return { sortTime, id };
}

interface DataRow {
  data: string;
}

interface PageRow extends DataRow {
  sort_time: number;
  id: string;
}

interface WriteParams {
  id: string;
  status: string;
  statusRank: number;
  action: string | null;
  parentId: string | null;
  prompt: string | null;
  sortTime: number;
  data: string;
  now: number;
}

function readTask(row: DataRow): Task {
  return taskSchema.parse(JSON.parse(row.data));
}

export function createSqliteTaskStore(filePath: string): TaskStore {
  const db = openDatabase(filePath);

  const selectOne = db.prepare<[string], DataRow>("SELECT data FROM tasks WHERE id = ?");
  // One JSON-array parameter instead of an IN list of placeholders: the statement is prepared
  // once and no id count can reach SQLite's bound-parameter limit.
  const selectMany = db.prepare<[string], DataRow>(
    "SELECT data FROM tasks WHERE id IN (SELECT value FROM json_each(?))",
  );
  const firstPage = db.prepare<[number], PageRow>(
    "SELECT data, sort_time, id FROM tasks ORDER BY sort_time DESC, id DESC LIMIT ?",
  );
  const pageAfter = db.prepare<[number, string, number], PageRow>(
    "SELECT data, sort_time, id FROM tasks WHERE (sort_time, id) < (?, ?) ORDER BY sort_time DESC, id DESC LIMIT ?",
  );
  // sort_time and created_at are left out of the UPDATE: fixed at first insert so cursors stay stable.
  const write = db.prepare<[WriteParams]>(`
    INSERT INTO tasks (id, status, status_rank, action, parent_id, prompt, sort_time, data, created_at, updated_at)
    VALUES (@id, @status, @statusRank, @action, @parentId, @prompt, @sortTime, @data, @now, @now)
    ON CONFLICT (id) DO UPDATE SET
      status = excluded.status,
      status_rank = excluded.status_rank,
      action = excluded.action,
      parent_id = excluded.parent_id,
      prompt = excluded.prompt,
      data = excluded.data,
      updated_at = excluded.updated_at
  `);

  function upsertOne(incoming: Task): Task {
    const row = selectOne.get(incoming.id);
    const stored = row ? readTask(row) : null;
    // A stale copy (a late IN_PROGRESS after SUCCESS, a relay's "" status) never undoes what was seen.
    if (stored && statusRank(incoming) < statusRank(stored)) return stored;
    const next = stored
      ? mergeTasks(stored, incoming, statusRank(incoming) > statusRank(stored))
      : taskSchema.parse(incoming);
    const data = JSON.stringify(next);
    // Polls mostly repeat what is stored; an unchanged task costs a read, not a write.
    if (row?.data === data) return next;
    const now = Date.now();
    write.run({
      id: next.id,
      status: next.status,
      statusRank: statusRank(next),
      action: next.action,
      parentId: next.parentId,
      prompt: next.prompt,
      sortTime: Math.trunc(next.submitTime ?? now),
      data,
      now,
    });
    return next;
  }

  // IMMEDIATE: take the write lock before the read, so the read-merge-write cannot interleave
  // with another process writing the same task.
  const upsertTransaction = db.transaction(upsertOne);
  const upsertManyTransaction = db.transaction((tasks: Task[]) => tasks.map(upsertOne));

  return {
    upsert: (task) => upsertTransaction.immediate(task),
    upsertMany: (tasks) => upsertManyTransaction.immediate(tasks),
    get(id) {
      const row = selectOne.get(id);
      return row ? readTask(row) : null;
    },
    getMany(ids) {
      if (ids.length === 0) return [];
      return selectMany.all(JSON.stringify(ids)).map(readTask);
    },
    list({ limit, cursor }) {
      if (!Number.isSafeInteger(limit) || limit < 1) {
        throw new RangeError(`limit must be a positive integer, got ${limit}`);
      }
      // One row more than asked tells whether another page exists without a COUNT.
      const after = cursor === null ? null : decodeCursor(cursor);
      const rows = after ? pageAfter.all(after.sortTime, after.id, limit + 1) : firstPage.all(limit + 1);
      const pageRows = rows.slice(0, limit);
      const last = pageRows.at(-1);
      return {
        items: pageRows.map(readTask),
        nextCursor: rows.length > limit && last ? encodeCursor(last.sort_time, last.id) : null,
      };
    },
    close: () => db.close(),
  };
}
