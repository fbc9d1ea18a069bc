import { randomUUID } from "node:crypto";
import type { Task } from "@/lib/mj/task";
import { createTaskReader } from "./parsed-tasks";
import { decodeCursor, encodeCursor } from "./cursor";
import { PG_TASK_MIGRATIONS } from "./pg-migrations";
import { migratePostgres, transaction, type Pool, type PoolClient } from "./postgres";
import { foldedWords, splitSearch } from "./search-terms";
import { taskColumns, withoutFlags } from "./task-row";
import type {
  Folder,
  MergeRule,
  RequestKind,
  SmartFolder,
  StoredTask,
  TaskListQuery,
  TaskStore,
} from "./task-store";

/**
 * The TaskStore on PostgreSQL, for several app instances sharing one history. The pool is the
 * composition root's (one per process, shared with the other PostgreSQL adapters); the schema is
 * brought up to date at start (`migratePostgres`), and every method waits for that first, so the
 * store can be built synchronously.
 *
 * `record` is read-merge-write under row locks: the stored rows are locked (FOR NO KEY UPDATE)
 * before `merge` sees them, and a new id is inserted with ON CONFLICT DO NOTHING, so when
 * another instance records the same task at the same moment, one waits for the other and merges
 * into what it wrote instead of overwriting it.
 */

/** `data` is read as text (`data::text`): the parsed-task cache is keyed by it, as in SQLite. */
interface StoredRow {
  data: string;
  favorite: boolean;
  hidden: boolean;
}

interface IdRow extends StoredRow {
  id: string;
}

interface PageRow extends IdRow {
  sort_time: string;
}

interface FolderRow {
  id: string;
  name: string;
  created_at: string;
  count: number;
  cover_data: string | null;
  cover_favorite: boolean | null;
}

interface SmartFolderRow {
  id: string;
  name: string;
  search: string;
  created_at: string;
}

/** Longer "words" are not indexed (a tsvector lexeme has a size limit; nobody searches those). */
const MAX_WORD_LENGTH = 200;
/** Tries of a transaction that lost a race (a deadlock, or a new id another instance inserted first). */
const MAX_ATTEMPTS = 5;

/** PostgreSQL text cannot hold U+0000; a NUL from the upstream or a request becomes U+FFFD. */
const clean = (text: string): string => text.replaceAll("\0", "\uFFFD");
const cleanAll = (texts: readonly string[]): string[] => [...new Set(texts.map(clean))];
const toJson = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) => (typeof v === "string" ? clean(v) : v));

function flags(row: StoredRow | undefined): { favorite: boolean; hidden: boolean } {
  return { favorite: row?.favorite === true, hidden: row?.hidden === true };
}

function readSmartFolder(row: SmartFolderRow): SmartFolder {
  return { id: row.id, name: row.name, search: row.search, createdAt: Number(row.created_at) };
}

function readFolder(row: FolderRow, readStored: (row: StoredRow) => StoredTask): Folder {
  return {
    id: row.id,
    name: row.name,
    count: row.count,
    cover:
      row.cover_data === null
        ? null
        : readStored({ data: row.cover_data, favorite: row.cover_favorite === true, hidden: false }),
    createdAt: Number(row.created_at),
  };
}

/** The row `record` writes for a copy, as one element of a jsonb_to_recordset parameter. */
function writeRow(task: Task, now: number) {
  const c = taskColumns(task, now);
  return {
    id: c.id,
    status: c.status,
    status_rank: c.statusRank,
    action: c.action,
    parent_id: c.parentId,
    prompt: c.prompt,
    words: foldedWords(c.prompt ?? "")
      .filter((word) => word.length <= MAX_WORD_LENGTH)
      .join(" "),
    media: c.media,
    model: c.model,
    aspect: c.aspect,
    speed: c.speed,
    sref: c.sref,
    sort_time: c.sortTime,
    data: task,
    now,
  };
}

const WRITE_ROWS = `jsonb_to_recordset($1::jsonb) AS v (id text, status text, status_rank double precision,
  action text, parent_id text, prompt text, words text, media text, model text, aspect text, speed text,
  sref boolean, sort_time bigint, data jsonb, now bigint)`;
const WORDS_TSV = "array_to_tsvector(string_to_array(v.words, ' '))";

// sort_time, created_at and the user's flags are never updated: the first two are fixed at the
// first insert so cursors stay stable; the flags are the user's, not the upstream's. A copy
// equal to the stored one (most polls) writes nothing.
const UPDATE_TASKS = `
  UPDATE tasks AS t SET status = v.status, status_rank = v.status_rank, action = v.action,
    parent_id = v.parent_id, prompt = v.prompt, prompt_tsv = ${WORDS_TSV}, media = v.media,
    model = v.model, aspect = v.aspect, speed = v.speed, sref = v.sref, data = v.data, updated_at = v.now
  FROM ${WRITE_ROWS}
  WHERE t.id = v.id AND t.data IS DISTINCT FROM v.data`;
const INSERT_TASKS = `
  INSERT INTO tasks (id, status, status_rank, action, parent_id, prompt, prompt_tsv, media, model, aspect,
    speed, sref, sort_time, data, created_at, updated_at)
  SELECT v.id, v.status, v.status_rank, v.action, v.parent_id, v.prompt, ${WORDS_TSV}, v.media, v.model,
    v.aspect, v.speed, v.sref, v.sort_time, v.data, v.now, v.now
  FROM ${WRITE_ROWS}
  ON CONFLICT (id) DO NOTHING
  RETURNING id`;
// In id order, so two instances locking overlapping batches never wait on each other in a cycle.
const LOCK_TASKS = `SELECT id, data::text AS data, favorite, hidden FROM tasks WHERE id = ANY($1::text[])
  ORDER BY id COLLATE "C" FOR NO KEY UPDATE`;
const SELECT_FOLDERS = `
  SELECT f.id, f.name, f.created_at,
    (SELECT count(*)::int FROM folder_tasks ft WHERE ft.folder_id = f.id) AS count,
    c.data::text AS cover_data, c.favorite AS cover_favorite
  FROM folders f
  LEFT JOIN LATERAL (
    SELECT t.data, t.favorite FROM folder_tasks ft JOIN tasks t ON t.id = ft.task_id
    WHERE ft.folder_id = f.id AND NOT t.hidden
    ORDER BY t.sort_time DESC, t.id COLLATE "C" DESC LIMIT 1
  ) c ON true
  WHERE $1::text IS NULL OR f.id = $1
  ORDER BY f.created_at, f.seq`;
const SELECT_SMART_FOLDERS = `SELECT id, name, search, created_at FROM smart_folders
  WHERE $1::text IS NULL OR id = $1 ORDER BY created_at, seq`;

/** Thrown inside a transaction to run it again from the start (it rolls back first). */
class LostRace extends Error {
  constructor() {
    super("Another instance recorded one of these new tasks first, again and again");
    this.name = "LostRace";
  }
}

function isRetryable(error: unknown): boolean {
  if (error instanceof LostRace) return true;
  const code = (error as { code?: unknown } | null)?.code;
  // deadlock_detected, serialization_failure
  return code === "40P01" || code === "40001";
}

export function createPgTaskStore(pool: Pool, log: (message: string) => void = () => {}): TaskStore {
  const ready = migratePostgres(pool, "tasks", PG_TASK_MIGRATIONS);
  const reader = createTaskReader();
  const readTask = (row: { data: string }): Task => reader.task(row.data);
  const readStored = (row: StoredRow): StoredTask => {
    const { favorite, hidden } = flags(row);
    return reader.stored(row.data, favorite, hidden);
  };
  // Said once here; every method awaits `ready` and answers its error too.
  ready.catch((error: unknown) =>
    log(
      `[postgres] the task store could not set up its tables: ${error instanceof Error ? error.message : String(error)}`,
    ),
  );

  async function rows<R extends object>(sql: string, params: unknown[] = []): Promise<R[]> {
    await ready;
    return (await pool.query<R>(sql, params)).rows;
  }
  async function changes(sql: string, params: unknown[]): Promise<number> {
    await ready;
    return (await pool.query(sql, params)).rowCount ?? 0;
  }
  async function inTransaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    await ready;
    for (let attempt = 1; ; attempt++) {
      try {
        return await transaction(pool, work);
      } catch (error) {
        if (attempt >= MAX_ATTEMPTS || !isRetryable(error)) throw error;
      }
    }
  }

  async function oneFolder(client: Pool | PoolClient, id: string): Promise<Folder | null> {
    const [row] = (await client.query<FolderRow>(SELECT_FOLDERS, [id])).rows;
    return row ? readFolder(row, readStored) : null;
  }

  async function recordBatch(
    client: PoolClient,
    tasks: readonly Task[],
    merge: MergeRule,
    undelete: boolean,
  ): Promise<StoredTask[]> {
    const ids = cleanAll(tasks.map((task) => task.id));
    if (undelete) await client.query("DELETE FROM deleted_tasks WHERE id = ANY($1::text[])", [ids]);
    const locked = new Map(
      (await client.query<IdRow>(LOCK_TASKS, [ids])).rows.map((row) => [row.id, row] as const),
    );
    const missing = ids.filter((id) => !locked.has(id));
    const deleted = new Set(
      missing.length === 0
        ? []
        : (
            await client.query<{ id: string }>("SELECT id FROM deleted_tasks WHERE id = ANY($1::text[])", [
              missing,
            ])
          ).rows.map((row) => row.id),
    );

    // Each copy is merged into what the ones before it in the batch left (the same id may come
    // more than once); what is written is the last merged copy of each id.
    const results: StoredTask[] = [];
    const written = new Map<string, Task>();
    for (const incoming of tasks) {
      const id = clean(incoming.id);
      const row = locked.get(id);
      const userFlags = flags(row);
      const stored = written.get(id) ?? (row ? readTask(row) : null);
      const merged = merge(stored, incoming, stored === null && deleted.has(id));
      if (!merged) {
        results.push({ ...(stored ?? withoutFlags(incoming)), ...userFlags });
        continue;
      }
      const next = withoutFlags(merged);
      written.set(id, next);
      results.push({ ...next, ...userFlags });
    }

    const now = Date.now();
    const updates = [...written].filter(([id]) => locked.has(id));
    const inserts = [...written].filter(([id]) => !locked.has(id)).sort(([a], [b]) => (a < b ? -1 : 1));
    if (updates.length > 0) {
      await client.query(UPDATE_TASKS, [toJson(updates.map(([, task]) => writeRow(task, now)))]);
    }
    if (inserts.length > 0) {
      const inserted = await client.query(INSERT_TASKS, [
        toJson(inserts.map(([, task]) => writeRow(task, now))),
      ]);
      // Another instance recorded one of these new ids after our read: start again, so that its
      // copy is locked and merged like any stored one.
      if (inserted.rowCount !== inserts.length) throw new LostRace();
    }
    return results;
  }

  return {
    async record(tasks, merge, options) {
      if (tasks.length === 0) return [];
      return inTransaction((client) => recordBatch(client, tasks, merge, options?.undelete === true));
    },
    async get(id) {
      const [row] = await rows<StoredRow>(
        "SELECT data::text AS data, favorite, hidden FROM tasks WHERE id = $1",
        [clean(id)],
      );
      return row ? readStored(row) : null;
    },
    async getMany(ids) {
      if (ids.length === 0) return [];
      return (
        await rows<StoredRow>(
          "SELECT data::text AS data, favorite, hidden FROM tasks WHERE id = ANY($1::text[])",
          [cleanAll(ids)],
        )
      ).map(readStored);
    },
    async list(query: TaskListQuery) {
      const { limit, cursor } = query;
      if (!Number.isSafeInteger(limit) || limit < 1) {
        throw new RangeError(`limit must be a positive integer, got ${limit}`);
      }
      const sort = query.sort ?? "newest";
      const after = cursor === null ? null : decodeCursor(cursor, sort);
      const params: unknown[] = [];
      const param = (value: unknown): string => {
        params.push(value);
        return `$${params.length}`;
      };
      const conditions: string[] = [];
      const search = splitSearch(query.q ?? "");
      const words = [...new Set(search.words.flatMap(foldedWords))];
      if (words.length > 0) {
        // Each word a quoted lexeme with a prefix mark; words are letters and digits only.
        const tsquery = words.map((word) => `'${word}':*`).join(" & ");
        conditions.push(`prompt_tsv @@ ${param(tsquery)}::tsquery`);
      }
      // Substrings are letters only: no LIKE wildcard or escape can be among them.
      for (const term of search.substrings) conditions.push(`prompt ILIKE ${param(`%${term}%`)}`);
      if (query.action?.length) conditions.push(`action = ANY(${param(cleanAll(query.action))}::text[])`);
      if (query.status?.length) conditions.push(`status = ANY(${param(cleanAll(query.status))}::text[])`);
      if (query.excludeStatus?.length) {
        conditions.push(`NOT (status = ANY(${param(cleanAll(query.excludeStatus))}::text[]))`);
      }
      if (query.favorite !== undefined) conditions.push(`favorite = ${param(query.favorite)}`);
      if (query.hidden !== undefined) conditions.push(`hidden = ${param(query.hidden)}`);
      if (query.folder !== undefined) {
        conditions.push(
          `id IN (SELECT task_id FROM folder_tasks WHERE folder_id = ${param(clean(query.folder))})`,
        );
      }
      if (query.media !== undefined) conditions.push(`media = ${param(query.media)}`);
      if (query.model?.length) conditions.push(`model = ANY(${param(cleanAll(query.model))}::text[])`);
      if (query.aspect?.length) conditions.push(`aspect = ANY(${param(cleanAll(query.aspect))}::text[])`);
      if (query.speed !== undefined) conditions.push(`speed = ${param(query.speed)}`);
      if (query.sref !== undefined) conditions.push(`sref = ${param(query.sref)}`);
      if (query.from !== undefined) conditions.push(`sort_time >= ${param(query.from)}`);
      if (query.to !== undefined) conditions.push(`sort_time <= ${param(query.to)}`);
      if (after) {
        conditions.push(
          `(sort_time, id COLLATE "C") ${sort === "newest" ? "<" : ">"} (${param(after.sortTime)}, ${param(after.id)})`,
        );
      }
      const direction = sort === "newest" ? "DESC" : "ASC";
      // One row more than asked tells whether another page exists without a COUNT.
      const found = await rows<PageRow>(
        "SELECT id, data::text AS data, favorite, hidden, sort_time FROM tasks" +
          (conditions.length > 0 ? ` WHERE ${conditions.join(" AND ")}` : "") +
          ` ORDER BY sort_time ${direction}, id COLLATE "C" ${direction} LIMIT ${param(limit + 1)}`,
        params,
      );
      const page = found.slice(0, limit);
      const last = page.at(-1);
      return {
        items: page.map(readStored),
        nextCursor: found.length > limit && last ? encodeCursor(sort, Number(last.sort_time), last.id) : null,
      };
    },
    async setFavorite(ids, favorite) {
      if (ids.length === 0) return 0;
      return changes("UPDATE tasks SET favorite = $1 WHERE id = ANY($2::text[])", [favorite, cleanAll(ids)]);
    },
    async setHidden(ids, hidden) {
      if (ids.length === 0) return 0;
      return changes("UPDATE tasks SET hidden = $1 WHERE id = ANY($2::text[])", [hidden, cleanAll(ids)]);
    },
    async delete(ids) {
      if (ids.length === 0) return { deleted: [], orphanedInputs: [] };
      const asked = cleanAll(ids);
      return inTransaction(async (client) => {
        const removed = new Set(
          (
            await client.query<{ id: string }>("DELETE FROM tasks WHERE id = ANY($1::text[]) RETURNING id", [
              asked,
            ])
          ).rows.map((row) => row.id),
        );
        const deleted = asked.filter((id) => removed.has(id));
        await client.query(
          `INSERT INTO deleted_tasks (id, deleted_at) SELECT unnest($1::text[]), $2
           ON CONFLICT (id) DO UPDATE SET deleted_at = excluded.deleted_at`,
          [deleted, Date.now()],
        );
        const files = (
          await client.query<{ file: string }>(
            "SELECT DISTINCT file FROM task_request_inputs WHERE task_id = ANY($1::text[])",
            [deleted],
          )
        ).rows.map((row) => row.file);
        await client.query("DELETE FROM task_requests WHERE task_id = ANY($1::text[])", [deleted]);
        const orphaned = await client.query<{ file: string }>(
          `SELECT f AS file FROM unnest($1::text[]) AS f
           WHERE NOT EXISTS (SELECT 1 FROM task_request_inputs i WHERE i.file = f)`,
          [files],
        );
        return { deleted, orphanedInputs: orphaned.rows.map((row) => row.file) };
      });
    },
    async lineage(id) {
      // UNION ALL with a depth bound rather than cycle detection: parent ids come from the
      // upstream, and a loop in them must not hang the query. Duplicates are dropped below.
      const chain = await rows<IdRow>(
        `WITH RECURSIVE chain (id, depth) AS (
           SELECT parent_id, 1 FROM tasks WHERE id = $1 AND parent_id IS NOT NULL
           UNION ALL
           SELECT t.parent_id, chain.depth + 1 FROM chain JOIN tasks t ON t.id = chain.id
           WHERE t.parent_id IS NOT NULL AND chain.depth < 100
         )
         SELECT t.id, t.data::text AS data, t.favorite, t.hidden FROM chain JOIN tasks t ON t.id = chain.id ORDER BY chain.depth`,
        [clean(id)],
      );
      const seen = new Set([clean(id)]);
      const parents: StoredTask[] = [];
      for (const row of chain) {
        if (seen.has(row.id)) break;
        seen.add(row.id);
        parents.push(readStored(row));
      }
      const children = await rows<StoredRow>(
        `SELECT data::text AS data, favorite, hidden FROM tasks WHERE parent_id = $1 ORDER BY sort_time, id COLLATE "C"`,
        [clean(id)],
      );
      return { parents, children: children.map(readStored) };
    },
    async saveRequest(taskIds, kind: RequestKind, body, inputs) {
      if (taskIds.length === 0) return;
      const ids = cleanAll(taskIds);
      await inTransaction(async (client) => {
        // A later request replaces the earlier one, and the images it referred to with it.
        await client.query("DELETE FROM task_requests WHERE task_id = ANY($1::text[])", [ids]);
        await client.query(
          "INSERT INTO task_requests (task_id, kind, body, created_at) SELECT unnest($1::text[]), $2, $3::jsonb, $4",
          [ids, kind, toJson(body), Date.now()],
        );
        await client.query(
          `INSERT INTO task_request_inputs (task_id, file)
           SELECT t, f FROM unnest($1::text[]) AS t CROSS JOIN unnest($2::text[]) AS f ON CONFLICT DO NOTHING`,
          [ids, cleanAll(inputs)],
        );
      });
    },
    async getRequest(taskId) {
      const [row] = await rows<{ kind: string; body: Record<string, unknown> }>(
        "SELECT kind, body FROM task_requests WHERE task_id = $1",
        [clean(taskId)],
      );
      return row ? { kind: row.kind as RequestKind, body: row.body } : null;
    },

    async listFolders() {
      return (await rows<FolderRow>(SELECT_FOLDERS, [null])).map((row) => readFolder(row, readStored));
    },
    async createFolder(name, max) {
      return inTransaction(async (client) => {
        // Counted and inserted under a lock, so two instances cannot both take the last place.
        await client.query("LOCK TABLE folders IN SHARE ROW EXCLUSIVE MODE");
        const [{ n } = { n: 0 }] = (
          await client.query<{ n: number }>("SELECT count(*)::int AS n FROM folders")
        ).rows;
        if (n >= max) return null;
        const id = randomUUID();
        await client.query("INSERT INTO folders (id, name, created_at) VALUES ($1, $2, $3)", [
          id,
          clean(name),
          Date.now(),
        ]);
        return oneFolder(client, id);
      });
    },
    async renameFolder(id, name) {
      await ready;
      await pool.query("UPDATE folders SET name = $1 WHERE id = $2", [clean(name), clean(id)]);
      return oneFolder(pool, clean(id));
    },
    deleteFolder: async (id) => (await changes("DELETE FROM folders WHERE id = $1", [clean(id)])) > 0,
    async addToFolder(id, taskIds, from) {
      const folder = clean(id);
      const source = from === undefined ? undefined : clean(from);
      const ids = cleanAll(taskIds);
      return inTransaction(async (client) => {
        // KEY SHARE: neither folder can be deleted before this commits.
        const wanted = source === undefined ? [folder] : [folder, source];
        const found = await client.query("SELECT id FROM folders WHERE id = ANY($1::text[]) FOR KEY SHARE", [
          wanted,
        ]);
        if (found.rowCount !== new Set(wanted).size) return null;
        // Only recorded tasks join a folder: the foreign key would refuse the others, failing the batch.
        await client.query(
          `INSERT INTO folder_tasks (folder_id, task_id, added_at)
           SELECT $1, t.id, $2 FROM tasks t WHERE t.id = ANY($3::text[]) ON CONFLICT DO NOTHING`,
          [folder, Date.now(), ids],
        );
        if (source !== undefined && source !== folder) {
          await client.query("DELETE FROM folder_tasks WHERE folder_id = $1 AND task_id = ANY($2::text[])", [
            source,
            ids,
          ]);
        }
        const [{ n } = { n: 0 }] = (
          await client.query<{ n: number }>(
            "SELECT count(*)::int AS n FROM folder_tasks WHERE folder_id = $1 AND task_id = ANY($2::text[])",
            [folder, ids],
          )
        ).rows;
        return n;
      });
    },
    async removeFromFolder(id, taskIds) {
      const [exists] = await rows("SELECT 1 FROM folders WHERE id = $1", [clean(id)]);
      if (!exists) return null;
      return changes("DELETE FROM folder_tasks WHERE folder_id = $1 AND task_id = ANY($2::text[])", [
        clean(id),
        cleanAll(taskIds),
      ]);
    },

    async listSmartFolders() {
      return (await rows<SmartFolderRow>(SELECT_SMART_FOLDERS, [null])).map(readSmartFolder);
    },
    async createSmartFolder(fields, max) {
      return inTransaction(async (client) => {
        await client.query("LOCK TABLE smart_folders IN SHARE ROW EXCLUSIVE MODE");
        const [{ n } = { n: 0 }] = (
          await client.query<{ n: number }>("SELECT count(*)::int AS n FROM smart_folders")
        ).rows;
        if (n >= max) return null;
        const [row] = (
          await client.query<SmartFolderRow>(
            `INSERT INTO smart_folders (id, name, search, created_at) VALUES ($1, $2, $3, $4)
             RETURNING id, name, search, created_at`,
            [randomUUID(), clean(fields.name), clean(fields.search), Date.now()],
          )
        ).rows;
        return row ? readSmartFolder(row) : null;
      });
    },
    async updateSmartFolder(id, fields) {
      const [row] = await rows<SmartFolderRow>(
        `UPDATE smart_folders SET name = coalesce($1, name), search = coalesce($2, search) WHERE id = $3
         RETURNING id, name, search, created_at`,
        [
          fields.name === undefined ? null : clean(fields.name),
          fields.search === undefined ? null : clean(fields.search),
          clean(id),
        ],
      );
      return row ? readSmartFolder(row) : null;
    },
    deleteSmartFolder: async (id) =>
      (await changes("DELETE FROM smart_folders WHERE id = $1", [clean(id)])) > 0,
    async close() {
      // The pool is the composition root's; only a migration still running is waited for.
      await ready.catch(() => {});
    },
  };
}
