import type Database from "better-sqlite3";
import { facetsOf } from "@/lib/mj/facets";
import { taskSchema } from "@/lib/mj/task";

/**
 * The schema history, oldest first. A released migration is never edited: change the schema by
 * appending a new entry with the next version. `openDatabase` applies the ones a file lacks.
 */
export interface Migration {
  /** 1, 2, 3, … in order; stored in `PRAGMA user_version` once applied. */
  version: number;
  name: string;
  up: string;
  /**
   * Runs after `up`, in the same transaction: for a column whose value only app code can compute
   * (a prompt parsed by lib/mj), so the backfill and every later write use the same function.
   */
  backfill?: (db: Database.Database) => void;
}

/** Writes the filter facets (lib/mj/facets.ts) of every stored task, a batch of rows at a time. */
function backfillFacets(db: Database.Database): void {
  const batch = db.prepare<[number], { rowid: number; data: string }>(
    "SELECT rowid, data FROM tasks WHERE rowid > ? ORDER BY rowid LIMIT 500",
  );
  const update = db.prepare<[string, string, string | null, number, number]>(
    "UPDATE tasks SET model = ?, aspect = ?, speed = ?, sref = ? WHERE rowid = ?",
  );
  // better-sqlite3 cannot write while a statement is still iterating, hence whole batches.
  for (let rows = batch.all(0); rows.length > 0; rows = batch.all(rows.at(-1)!.rowid)) {
    for (const row of rows) {
      const facets = facetsOf(taskSchema.parse(JSON.parse(row.data)));
      update.run(facets.model, facets.aspect, facets.speed, facets.sref ? 1 : 0, row.rowid);
    }
  }
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "create tasks",
    // A rowid table on purpose (not WITHOUT ROWID): the FTS5 prompt index planned for history
    // search is an external-content table, which joins on the integer rowid.
    // The queryable columns are copies of fields inside `data`, kept so list/filter queries can
    // use indexes; `data` stays the source of truth for the Task itself.
    up: `
      CREATE TABLE tasks (
        id          TEXT PRIMARY KEY,
        status      TEXT NOT NULL,
        status_rank REAL NOT NULL,
        action      TEXT,
        parent_id   TEXT,
        prompt      TEXT,
        sort_time   INTEGER NOT NULL,
        data        TEXT NOT NULL,
        created_at  INTEGER NOT NULL,
        updated_at  INTEGER NOT NULL
      );
      CREATE INDEX tasks_sort_time_id ON tasks (sort_time DESC, id DESC);
      CREATE INDEX tasks_parent_id ON tasks (parent_id);
    `,
  },
  {
    version: 2,
    name: "history: favourites, tombstones, prompt search, filter indexes, original requests",
    // tasks_fts is an external-content FTS5 table: it stores only the index and reads prompt
    // text from tasks by rowid, kept in step by the triggers. The update trigger fires only when
    // the prompt changes, so the many status updates of polling never touch the index.
    // unicode61 splits on anything that is not a letter or digit; remove_diacritics 2 lets
    // "cafe" find "café". A run of CJK characters is one token to it, which is why the store
    // falls back to a substring match for CJK search terms.
    // deleted_tasks keeps the ids the user deleted, so a late poll or re-sync cannot bring one back.
    // task_requests holds the body the app forwarded for each task it submitted, with images
    // replaced by references to files under DATA_DIR/inputs; task_request_inputs says which
    // files a task references, so a file is removed once no remaining task refers to it.
    up: `
      ALTER TABLE tasks ADD COLUMN favorite INTEGER NOT NULL DEFAULT 0;

      CREATE INDEX tasks_action_sort ON tasks (action, sort_time, id);
      CREATE INDEX tasks_status_sort ON tasks (status, sort_time, id);
      CREATE INDEX tasks_favorite_sort ON tasks (favorite, sort_time, id);

      CREATE TABLE deleted_tasks (
        id         TEXT PRIMARY KEY,
        deleted_at INTEGER NOT NULL
      );

      CREATE VIRTUAL TABLE tasks_fts USING fts5 (
        prompt,
        content = 'tasks',
        content_rowid = 'rowid',
        tokenize = 'unicode61 remove_diacritics 2'
      );
      CREATE TRIGGER tasks_fts_insert AFTER INSERT ON tasks BEGIN
        INSERT INTO tasks_fts (rowid, prompt) VALUES (new.rowid, new.prompt);
      END;
      CREATE TRIGGER tasks_fts_delete AFTER DELETE ON tasks BEGIN
        INSERT INTO tasks_fts (tasks_fts, rowid, prompt) VALUES ('delete', old.rowid, old.prompt);
      END;
      CREATE TRIGGER tasks_fts_update AFTER UPDATE OF prompt ON tasks
      WHEN old.prompt IS NOT new.prompt BEGIN
        INSERT INTO tasks_fts (tasks_fts, rowid, prompt) VALUES ('delete', old.rowid, old.prompt);
        INSERT INTO tasks_fts (rowid, prompt) VALUES (new.rowid, new.prompt);
      END;
      INSERT INTO tasks_fts (tasks_fts) VALUES ('rebuild');

      CREATE TABLE task_requests (
        task_id    TEXT PRIMARY KEY,
        kind       TEXT NOT NULL,
        body       TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE task_request_inputs (
        task_id TEXT NOT NULL REFERENCES task_requests (task_id) ON DELETE CASCADE,
        file    TEXT NOT NULL,
        PRIMARY KEY (task_id, file)
      );
      CREATE INDEX task_request_inputs_file ON task_request_inputs (file);
    `,
  },
  {
    version: 3,
    name: "media column for the gallery's Video filter",
    // What a task's result is ('video' or 'image'), written with every copy from `mediaOf`
    // (lib/mj/history-query.ts), so the filter reads an index instead of parsing JSON per row.
    // The backfill says the same in SQL; the SQLite adapter's tests hold the two to each other.
    up: `
      ALTER TABLE tasks ADD COLUMN media TEXT NOT NULL DEFAULT 'image';
      UPDATE tasks SET media = 'video' WHERE
        action IN ('VIDEO', 'VIDEO_EXTEND')
        OR lower(coalesce(json_extract(data, '$.contentType'), '')) LIKE 'video/%'
        OR coalesce(json_extract(data, '$.videoUrl'), '') <> ''
        OR (json_type(data, '$.videoUrls') = 'array' AND json_array_length(data, '$.videoUrls') > 0)
        OR lower(coalesce(json_extract(data, '$.imageUrl'), '')) LIKE '%.mp4'
        OR lower(coalesce(json_extract(data, '$.imageUrl'), '')) LIKE '%.mp4?%';
      CREATE INDEX tasks_media_sort ON tasks (media, sort_time, id);
    `,
  },
  {
    version: 4,
    name: "hidden flag",
    // The user's own flag beside `favorite`: a hidden task stays in the history (its detail and
    // the protocol routes answer) but the feed and the gallery leave it out unless asked for it.
    up: `
      ALTER TABLE tasks ADD COLUMN hidden INTEGER NOT NULL DEFAULT 0;
      CREATE INDEX tasks_hidden_sort ON tasks (hidden, sort_time, id);
    `,
  },
  {
    version: 5,
    name: "folders and smart folders",
    // folder_tasks cascades from both sides: deleting a folder keeps its tasks, deleting a task
    // removes it from every folder. The (task_id) index serves that cascade; the primary key
    // serves listing a folder. A smart folder is a saved search: the gallery's filters as text.
    up: `
      CREATE TABLE folders (
        id         TEXT PRIMARY KEY,
        name       TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE folder_tasks (
        folder_id TEXT NOT NULL REFERENCES folders (id) ON DELETE CASCADE,
        task_id   TEXT NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
        added_at  INTEGER NOT NULL,
        PRIMARY KEY (folder_id, task_id)
      );
      CREATE INDEX folder_tasks_task ON folder_tasks (task_id);
      CREATE TABLE smart_folders (
        id         TEXT PRIMARY KEY,
        name       TEXT NOT NULL,
        search     TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 6,
    name: "filter facets: model, aspect ratio, speed, style reference",
    // Written with every copy from `facetsOf` (lib/mj/facets.ts); the backfill runs the same
    // function over the rows already stored, since SQL cannot parse a prompt's flags.
    up: `
      ALTER TABLE tasks ADD COLUMN model TEXT NOT NULL DEFAULT 'default';
      ALTER TABLE tasks ADD COLUMN aspect TEXT NOT NULL DEFAULT '1:1';
      ALTER TABLE tasks ADD COLUMN speed TEXT;
      ALTER TABLE tasks ADD COLUMN sref INTEGER NOT NULL DEFAULT 0;
      CREATE INDEX tasks_model_sort ON tasks (model, sort_time, id);
      CREATE INDEX tasks_aspect_sort ON tasks (aspect, sort_time, id);
    `,
    backfill: backfillFacets,
  },
];
