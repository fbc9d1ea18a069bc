import { randomUUID } from "node:crypto";
import type Database from "better-sqlite3";
import type { Task } from "@/lib/mj/task";
import { createTaskReader } from "./parsed-tasks";
import { decodeCursor, encodeCursor } from "./cursor";
import { openDatabase } from "./database";
import { splitSearch } from "./search-terms";
import { taskColumns, withoutFlags, type TaskColumns } from "./task-row";
import type {
  Folder,
  MergeRule,
  RequestKind,
  SmartFolder,
  SortOrder,
  StoredTask,
  TaskListQuery,
  TaskStore,
} from "./task-store";

/** The TaskStore on one SQLite file (better-sqlite3: synchronous, so each method is one transaction). */

/** Matches beyond which reading them all and sorting costs more than walking the sort index. */
const BROAD_MATCH = 500;

/**
 * A search (`splitSearch`) as FTS5 reads it: each word quoted (which also makes OR, AND, NOT and
 * NEAR plain words) and matched as a prefix; the substrings are matched on the prompt instead,
 * because unicode61 indexes a run of CJK characters as one word.
 */
export function searchTerms(q: string): { match: string | null; substrings: string[] } {
  const { words, substrings } = splitSearch(q);
  return {
    match: words.length > 0 ? words.map((word) => `"${word}"*`).join(" ") : null,
    substrings,
  };
}

interface DataRow {
  data: string;
}

interface StoredRow extends DataRow {
  favorite: number;
  hidden: number;
}

/** A row read with its version (see `known`): `data` is null when it is still the JSON kept. */
interface VersionedRow {
  id: string;
  version: number;
  data: string | null;
  favorite: number;
  hidden: number;
}

/** Rows whose JSON the store keeps by version (see `known`): a few polls' and pages' worth. */
const KNOWN_ROWS = 1_000;

interface PageRow extends VersionedRow {
  sort_time: number;
}

interface WriteParams extends Omit<TaskColumns, "sref"> {
  sref: number;
  data: string;
  now: number;
}

interface FolderRow {
  id: string;
  name: string;
  created_at: number;
  count: number;
  cover_data: string | null;
  cover_favorite: number | null;
}

interface SmartFolderRow {
  id: string;
  name: string;
  search: string;
  created_at: number;
}

function readSmartFolder(row: SmartFolderRow): SmartFolder {
  return { id: row.id, name: row.name, search: row.search, createdAt: row.created_at };
}

function flags(row: StoredRow | undefined): { favorite: boolean; hidden: boolean } {
  return { favorite: row?.favorite === 1, hidden: row?.hidden === 1 };
}

export function createSqliteTaskStore(filePath: string): TaskStore {
  const db = openDatabase(filePath);
  const reader = createTaskReader();
  const readTask = (row: DataRow): Task => reader.task(row.data);
  const readStored = (row: StoredRow): StoredTask => {
    const { favorite, hidden } = flags(row);
    return reader.stored(row.data, favorite, hidden);
  };

  /**
   * The JSON of rows read lately, by id, with the version it was read at: `updated_at`, which every
   * write of a row raises (never twice the same for one row), and a delete forgets. A read asks
   * SQLite for the JSON only of rows written since (`kept_version`, a function of this connection);
   * the others' is the string kept here, which the task reader's cache then finds by identity.
   * With each row's JSON (about 1.5 KB) copied out of SQLite and hashed to find its parsed task, a
   * list-by-ids of 20 finished tasks took 1.15 ms of the app's CPU and a feed page of 20 1.0 ms;
   * they take 0.96 and 0.84 ms now (`/api/health`: 0.30; December 2026). Only reads outside a
   * write keep what they read: a write's own rows are not committed yet, and its rollback would
   * leave a kept version that the row's next write could reach again with other JSON. A delete
   * through another connection to the file is not seen here: a task it deleted and recorded again
   * within the millisecond of the version kept would read as kept until its next write. The app
   * opens its file once (a cluster shares PostgreSQL, which keeps nothing of the kind).
   */
  const known = new Map<string, { version: number; data: string }>();
  /**
   * The rows with their JSON: the one SQLite sent (kept from now on, if `keep`), else the one kept
   * at its version. What is kept beyond KNOWN_ROWS goes (the oldest first) only once every row has
   * its JSON: a row kept when the statement ran may come after rows that push it out.
   */
  const withData = (rows: readonly VersionedRow[], keep = true): StoredRow[] => {
    const read = rows.map((row) => {
      let data = row.data;
      if (data === null) data = known.get(row.id)!.data;
      else if (keep) {
        known.delete(row.id);
        known.set(row.id, { version: row.version, data });
      }
      return { data, favorite: row.favorite, hidden: row.hidden };
    });
    for (const id of known.keys()) {
      if (known.size <= KNOWN_ROWS) break;
      known.delete(id);
    }
    return read;
  };
  // The version kept of a row's JSON, for the reads below (-1: none kept).
  db.function("kept_version", (id: unknown) => (typeof id === "string" && known.get(id)?.version) || -1);
  /** The columns of a VersionedRow: the JSON only when it is not the one kept. */
  const VERSIONED =
    "id, updated_at AS version, CASE WHEN updated_at = kept_version(id) THEN NULL ELSE data END AS data";
  const selectOneVersioned = db.prepare<[string], VersionedRow>(
    `SELECT ${VERSIONED}, favorite, hidden FROM tasks WHERE id = ?`,
  );
  const selectOne = (id: string, keep = true): StoredRow | undefined => {
    const row = selectOneVersioned.get(id);
    return row && withData([row], keep)[0];
  };
  // One JSON-array parameter instead of an IN list of placeholders: the statement is prepared
  // once and no id count can reach SQLite's bound-parameter limit.
  const selectManyVersioned = db.prepare<[string], VersionedRow>(
    `SELECT ${VERSIONED}, favorite, hidden FROM tasks WHERE id IN (SELECT value FROM json_each(?))`,
  );
  const selectMany = (ids: readonly string[]): StoredRow[] =>
    withData(selectManyVersioned.all(JSON.stringify(ids)));
  const isDeleted = db.prepare<[string], { id: string }>("SELECT id FROM deleted_tasks WHERE id = ?");
  const forgetDeleted = db.prepare<[string]>(
    "DELETE FROM deleted_tasks WHERE id IN (SELECT value FROM json_each(?))",
  );
  // sort_time, created_at, favorite and hidden are left out of the UPDATE: the first two are
  // fixed at first insert so cursors stay stable, the flags belong to the user, not to the upstream.
  const write = db.prepare<[WriteParams]>(`
    INSERT INTO tasks (id, status, status_rank, action, parent_id, prompt, media, model, aspect, speed, sref,
      sort_time, data, created_at, updated_at)
    VALUES (@id, @status, @statusRank, @action, @parentId, @prompt, @media, @model, @aspect, @speed, @sref,
      @sortTime, @data, @now, @now)
    ON CONFLICT (id) DO UPDATE SET
      status = excluded.status,
      status_rank = excluded.status_rank,
      action = excluded.action,
      parent_id = excluded.parent_id,
      prompt = excluded.prompt,
      media = excluded.media,
      model = excluded.model,
      aspect = excluded.aspect,
      speed = excluded.speed,
      sref = excluded.sref,
      data = excluded.data,
      updated_at = max(excluded.updated_at, tasks.updated_at + 1)
  `);
  const updateFavorite = db.prepare<[number, string]>(
    "UPDATE tasks SET favorite = ? WHERE id IN (SELECT value FROM json_each(?))",
  );
  const updateHidden = db.prepare<[number, string]>(
    "UPDATE tasks SET hidden = ? WHERE id IN (SELECT value FROM json_each(?))",
  );
  const deleteTasks = db.prepare<[string], { id: string }>(
    "DELETE FROM tasks WHERE id IN (SELECT value FROM json_each(?)) RETURNING id",
  );
  const rememberDeleted = db.prepare<[number, string]>(
    "INSERT OR REPLACE INTO deleted_tasks (id, deleted_at) SELECT value, ? FROM json_each(?)",
  );
  const requestFiles = db.prepare<[string], { file: string }>(
    "SELECT DISTINCT file FROM task_request_inputs WHERE task_id IN (SELECT value FROM json_each(?))",
  );
  const deleteRequests = db.prepare<[string]>(
    "DELETE FROM task_requests WHERE task_id IN (SELECT value FROM json_each(?))",
  );
  const unreferenced = db.prepare<[string], { file: string }>(`
    SELECT value AS file FROM json_each(?)
    WHERE NOT EXISTS (SELECT 1 FROM task_request_inputs WHERE file = value)
  `);
  // UNION ALL with a depth bound rather than cycle detection: parent ids come from the
  // upstream, and a loop in them must not hang the query. Duplicates are dropped below.
  const selectParents = db.prepare<[string], StoredRow & { id: string }>(`
    WITH RECURSIVE chain (id, depth) AS (
      SELECT parent_id, 1 FROM tasks WHERE id = ? AND parent_id IS NOT NULL
      UNION ALL
      SELECT t.parent_id, chain.depth + 1 FROM chain JOIN tasks t ON t.id = chain.id
      WHERE t.parent_id IS NOT NULL AND chain.depth < 100
    )
    SELECT t.id, t.data, t.favorite, t.hidden FROM chain JOIN tasks t ON t.id = chain.id ORDER BY chain.depth
  `);
  const selectChildren = db.prepare<[string], StoredRow>(
    "SELECT data, favorite, hidden FROM tasks WHERE parent_id = ? ORDER BY sort_time, id",
  );
  const writeRequest = db.prepare<[string, string, string, number]>(
    "INSERT OR REPLACE INTO task_requests (task_id, kind, body, created_at) VALUES (?, ?, ?, ?)",
  );
  const writeRequestInput = db.prepare<[string, string]>(
    "INSERT OR IGNORE INTO task_request_inputs (task_id, file) VALUES (?, ?)",
  );
  const selectRequest = db.prepare<[string], { kind: string; body: string }>(
    "SELECT kind, body FROM task_requests WHERE task_id = ?",
  );

  // The cover is the newest visible task of a folder, read with the folder in one statement.
  const selectFolders = db.prepare<[{ id: string | null }], FolderRow>(`
    SELECT f.id, f.name, f.created_at,
      (SELECT count(*) FROM folder_tasks ft WHERE ft.folder_id = f.id) AS count,
      c.data AS cover_data, c.favorite AS cover_favorite
    FROM folders f
    LEFT JOIN tasks c ON c.id = (
      SELECT t.id FROM folder_tasks ft JOIN tasks t ON t.id = ft.task_id
      WHERE ft.folder_id = f.id AND t.hidden = 0
      ORDER BY t.sort_time DESC, t.id DESC LIMIT 1
    )
    WHERE @id IS NULL OR f.id = @id
    ORDER BY f.created_at, f.rowid
  `);
  const countFolders = db.prepare<[], { n: number }>("SELECT count(*) AS n FROM folders");
  const insertFolder = db.prepare<[string, string, number]>(
    "INSERT INTO folders (id, name, created_at) VALUES (?, ?, ?)",
  );
  const updateFolderName = db.prepare<[string, string]>("UPDATE folders SET name = ? WHERE id = ?");
  const deleteFolderRow = db.prepare<[string]>("DELETE FROM folders WHERE id = ?");
  const folderExists = db.prepare<[string], { id: string }>("SELECT id FROM folders WHERE id = ?");
  // Only recorded tasks join a folder: the foreign key would refuse the others, failing the batch.
  const insertMembers = db.prepare<[string, number, string]>(`
    INSERT OR IGNORE INTO folder_tasks (folder_id, task_id, added_at)
    SELECT ?, t.id, ? FROM tasks t WHERE t.id IN (SELECT value FROM json_each(?))
  `);
  const countMembers = db.prepare<[string, string], { n: number }>(
    "SELECT count(*) AS n FROM folder_tasks WHERE folder_id = ? AND task_id IN (SELECT value FROM json_each(?))",
  );
  const deleteMembers = db.prepare<[string, string]>(
    "DELETE FROM folder_tasks WHERE folder_id = ? AND task_id IN (SELECT value FROM json_each(?))",
  );
  const selectSmartFolders = db.prepare<[{ id: string | null }], SmartFolderRow>(
    "SELECT id, name, search, created_at FROM smart_folders WHERE @id IS NULL OR id = @id ORDER BY created_at, rowid",
  );
  const countSmartFolders = db.prepare<[], { n: number }>("SELECT count(*) AS n FROM smart_folders");
  const insertSmartFolder = db.prepare<[string, string, string, number]>(
    "INSERT INTO smart_folders (id, name, search, created_at) VALUES (?, ?, ?, ?)",
  );
  const updateSmartFolderRow = db.prepare<[string | null, string | null, string]>(
    "UPDATE smart_folders SET name = coalesce(?, name), search = coalesce(?, search) WHERE id = ?",
  );
  const deleteSmartFolderRow = db.prepare<[string]>("DELETE FROM smart_folders WHERE id = ?");

  function readFolder(row: FolderRow): Folder {
    return {
      id: row.id,
      name: row.name,
      count: row.count,
      cover:
        row.cover_data === null
          ? null
          : readStored({ data: row.cover_data, favorite: row.cover_favorite ?? 0, hidden: 0 }),
      createdAt: row.created_at,
    };
  }
  const oneFolder = (id: string): Folder | null => {
    const row = selectFolders.get({ id });
    return row ? readFolder(row) : null;
  };

  const countMatches = db.prepare<[string, number], { n: number }>(
    "SELECT count(*) AS n FROM (SELECT 1 FROM tasks_fts WHERE tasks_fts MATCH ? LIMIT ?)",
  );
  const isBroad = (match: string): boolean => countMatches.get(match, BROAD_MATCH)!.n >= BROAD_MATCH;

  // A list statement per combination of filters in use (a few dozen at most), prepared once.
  const listStatements = new Map<string, Database.Statement<unknown[], PageRow>>();

  function recordOne(incoming: Task, merge: MergeRule): StoredTask {
    const row = selectOne(incoming.id, false);
    const stored = row ? readTask(row) : null;
    const userFlags = flags(row);
    const merged = merge(stored, incoming, !row && isDeleted.get(incoming.id) !== undefined);
    if (!merged) return { ...(stored ?? withoutFlags(incoming)), ...userFlags };
    const next = withoutFlags(merged);
    const data = JSON.stringify(next);
    // Polls mostly repeat what is stored; an unchanged task costs a read, not a write.
    if (row?.data === data) return { ...next, ...userFlags };
    const now = Date.now();
    const columns = taskColumns(next, now);
    write.run({ ...columns, sref: columns.sref ? 1 : 0, data, now });
    return { ...next, ...userFlags };
  }

  function listStatement(
    query: TaskListQuery,
    sort: SortOrder,
    search: ReturnType<typeof searchTerms>,
    paging: boolean,
  ) {
    const conditions: string[] = [];
    if (search.match !== null) {
      // SQLite cannot estimate how many rows a MATCH finds, so the store tells it. A narrow
      // search reads its few rows by rowid and sorts them; a broad one (a common word, a short
      // prefix) walks the sort-order index and stops at a page, testing membership in the match
      // set: "+rowid" keeps the planner from reading every match by rowid and sorting them all.
      const rowid = isBroad(search.match) ? "+rowid" : "rowid";
      conditions.push(`${rowid} IN (SELECT rowid FROM tasks_fts WHERE tasks_fts MATCH @match)`);
    }
    search.substrings.forEach((_, i) => conditions.push(`instr(prompt, @sub${i}) > 0`));
    // Placeholders per value (not json_each) so the planner can estimate them from the indexes.
    if (query.action?.length)
      conditions.push(`action IN (${query.action.map((_, i) => `@action${i}`).join(", ")})`);
    if (query.status?.length)
      conditions.push(`status IN (${query.status.map((_, i) => `@status${i}`).join(", ")})`);
    if (query.excludeStatus?.length)
      conditions.push(`status NOT IN (${query.excludeStatus.map((_, i) => `@excluded${i}`).join(", ")})`);
    if (query.favorite !== undefined) conditions.push("favorite = @favorite");
    if (query.hidden !== undefined) conditions.push("hidden = @hidden");
    if (query.folder !== undefined)
      conditions.push("id IN (SELECT task_id FROM folder_tasks WHERE folder_id = @folder)");
    if (query.media !== undefined) conditions.push("media = @media");
    if (query.model?.length)
      conditions.push(`model IN (${query.model.map((_, i) => `@model${i}`).join(", ")})`);
    if (query.aspect?.length)
      conditions.push(`aspect IN (${query.aspect.map((_, i) => `@aspect${i}`).join(", ")})`);
    if (query.speed !== undefined) conditions.push("speed = @speed");
    if (query.sref !== undefined) conditions.push("sref = @sref");
    if (query.from !== undefined) conditions.push("sort_time >= @from");
    if (query.to !== undefined) conditions.push("sort_time <= @to");
    if (paging) conditions.push(`(sort_time, id) ${sort === "newest" ? "<" : ">"} (@afterTime, @afterId)`);
    const direction = sort === "newest" ? "DESC" : "ASC";
    const sql =
      `SELECT ${VERSIONED}, favorite, hidden, sort_time FROM tasks` +
      (conditions.length > 0 ? ` WHERE ${conditions.join(" AND ")}` : "") +
      ` ORDER BY sort_time ${direction}, id ${direction} LIMIT @limit`;
    let statement = listStatements.get(sql);
    if (!statement) {
      statement = db.prepare<unknown[], PageRow>(sql);
      listStatements.set(sql, statement);
    }
    return statement;
  }

  // IMMEDIATE: take the write lock before the read, so the read-merge-write cannot interleave
  // with another process writing the same task.
  const recordTransaction = db.transaction((tasks: readonly Task[], merge: MergeRule, undelete: boolean) => {
    if (undelete) forgetDeleted.run(JSON.stringify(tasks.map((t) => t.id)));
    return tasks.map((task) => recordOne(task, merge));
  });
  const deleteTransaction = db.transaction((ids: readonly string[]) => {
    const deleted = deleteTasks.all(JSON.stringify(ids)).map((row) => row.id);
    // A task recorded again starts over at the time of that write, which a kept version may equal.
    for (const id of deleted) known.delete(id);
    const json = JSON.stringify(deleted);
    rememberDeleted.run(Date.now(), json);
    const files = requestFiles.all(json).map((row) => row.file);
    deleteRequests.run(json);
    return { deleted, orphanedInputs: unreferenced.all(JSON.stringify(files)).map((row) => row.file) };
  });
  const saveRequestTransaction = db.transaction(
    (taskIds: readonly string[], kind: RequestKind, body: string, files: readonly string[]) => {
      const now = Date.now();
      for (const id of taskIds) {
        writeRequest.run(id, kind, body, now);
        for (const file of files) writeRequestInput.run(id, file);
      }
    },
  );

  const createFolderTransaction = db.transaction((name: string, max: number): Folder | null => {
    if (countFolders.get()!.n >= max) return null;
    const id = randomUUID();
    insertFolder.run(id, name, Date.now());
    return oneFolder(id);
  });
  const addTransaction = db.transaction((id: string, taskIds: string, from: string | undefined) => {
    if (!folderExists.get(id) || (from !== undefined && !folderExists.get(from))) return null;
    insertMembers.run(id, Date.now(), taskIds);
    if (from !== undefined && from !== id) deleteMembers.run(from, taskIds);
    return countMembers.get(id, taskIds)!.n;
  });
  const createSmartTransaction = db.transaction(
    (fields: { name: string; search: string }, max: number): SmartFolder | null => {
      if (countSmartFolders.get()!.n >= max) return null;
      const id = randomUUID();
      insertSmartFolder.run(id, fields.name, fields.search, Date.now());
      return readSmartFolder(selectSmartFolders.get({ id })!);
    },
  );

  return {
    record: async (tasks, merge, options) =>
      recordTransaction.immediate(tasks, merge, options?.undelete === true),
    async get(id) {
      const row = selectOne(id);
      return row ? readStored(row) : null;
    },
    async getMany(ids) {
      if (ids.length === 0) return [];
      return selectMany(ids).map(readStored);
    },
    async list(query) {
      const { limit, cursor } = query;
      if (!Number.isSafeInteger(limit) || limit < 1) {
        throw new RangeError(`limit must be a positive integer, got ${limit}`);
      }
      const sort = query.sort ?? "newest";
      const after = cursor === null ? null : decodeCursor(cursor, sort);
      const search = searchTerms(query.q ?? "");
      const params: Record<string, unknown> = { limit: limit + 1 };
      if (search.match !== null) params.match = search.match;
      search.substrings.forEach((term, i) => (params[`sub${i}`] = term));
      query.action?.forEach((value, i) => (params[`action${i}`] = value));
      query.status?.forEach((value, i) => (params[`status${i}`] = value));
      query.excludeStatus?.forEach((value, i) => (params[`excluded${i}`] = value));
      if (query.favorite !== undefined) params.favorite = query.favorite ? 1 : 0;
      if (query.hidden !== undefined) params.hidden = query.hidden ? 1 : 0;
      if (query.folder !== undefined) params.folder = query.folder;
      if (query.media !== undefined) params.media = query.media;
      query.model?.forEach((value, i) => (params[`model${i}`] = value));
      query.aspect?.forEach((value, i) => (params[`aspect${i}`] = value));
      if (query.speed !== undefined) params.speed = query.speed;
      if (query.sref !== undefined) params.sref = query.sref ? 1 : 0;
      if (query.from !== undefined) params.from = query.from;
      if (query.to !== undefined) params.to = query.to;
      if (after) {
        params.afterTime = after.sortTime;
        params.afterId = after.id;
      }
      // One row more than asked tells whether another page exists without a COUNT.
      const rows = listStatement(query, sort, search, after !== null).all(params);
      const pageRows = rows.slice(0, limit);
      const last = pageRows.at(-1);
      return {
        items: withData(pageRows).map(readStored),
        nextCursor: rows.length > limit && last ? encodeCursor(sort, last.sort_time, last.id) : null,
      };
    },
    async setFavorite(ids, favorite) {
      if (ids.length === 0) return 0;
      return updateFavorite.run(favorite ? 1 : 0, JSON.stringify(ids)).changes;
    },
    async setHidden(ids, hidden) {
      if (ids.length === 0) return 0;
      return updateHidden.run(hidden ? 1 : 0, JSON.stringify(ids)).changes;
    },
    async delete(ids) {
      if (ids.length === 0) return { deleted: [], orphanedInputs: [] };
      return deleteTransaction.immediate(ids);
    },
    async lineage(id) {
      const seen = new Set([id]);
      const parents: StoredTask[] = [];
      for (const row of selectParents.all(id)) {
        if (seen.has(row.id)) break;
        seen.add(row.id);
        parents.push(readStored(row));
      }
      return { parents, children: selectChildren.all(id).map(readStored) };
    },
    async saveRequest(taskIds, kind, body, inputs) {
      if (taskIds.length === 0) return;
      saveRequestTransaction.immediate(taskIds, kind, JSON.stringify(body), [...new Set(inputs)]);
    },
    async getRequest(taskId) {
      const row = selectRequest.get(taskId);
      if (!row) return null;
      return { kind: row.kind as RequestKind, body: JSON.parse(row.body) as Record<string, unknown> };
    },
    async listFolders() {
      return selectFolders.all({ id: null }).map(readFolder);
    },
    createFolder: async (name, max) => createFolderTransaction.immediate(name, max),
    async renameFolder(id, name) {
      updateFolderName.run(name, id);
      return oneFolder(id);
    },
    deleteFolder: async (id) => deleteFolderRow.run(id).changes > 0,
    addToFolder: async (id, taskIds, from) => addTransaction.immediate(id, JSON.stringify(taskIds), from),
    async removeFromFolder(id, taskIds) {
      if (!folderExists.get(id)) return null;
      return deleteMembers.run(id, JSON.stringify(taskIds)).changes;
    },
    async listSmartFolders() {
      return selectSmartFolders.all({ id: null }).map(readSmartFolder);
    },
    createSmartFolder: async (fields, max) => createSmartTransaction.immediate(fields, max),
    async updateSmartFolder(id, fields) {
      updateSmartFolderRow.run(fields.name ?? null, fields.search ?? null, id);
      const row = selectSmartFolders.get({ id });
      return row ? readSmartFolder(row) : null;
    },
    deleteSmartFolder: async (id) => deleteSmartFolderRow.run(id).changes > 0,
    close: async () => {
      db.close();
    },
  };
}
