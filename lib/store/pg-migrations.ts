import type { PgMigration } from "./postgres";

/**
 * The PostgreSQL task store's schema history (component "tasks" in `schema_migrations`), oldest
 * first. A released migration is never edited: append one with the next version.
 *
 * The same tables as SQLite's (lib/store/migrations.ts, whose comments say what each is for),
 * with these differences:
 * - `data` and `task_requests.body` are JSONB.
 * - Prompt search: `prompt_tsv` holds the prompt's words, folded (lower case, no accents) and
 *   split by the store itself (`promptWords`), so a word means the same as in SQLite and in the
 *   search; the GIN index answers `'word':*` prefix queries. CJK terms are substrings of
 *   `prompt`, which a pg_trgm GIN index serves (ILIKE).
 * - Ids sort in the "C" collation (byte order, as SQLite's BINARY), whatever the database's
 *   default, so pages and cursors are the same on every server; the sort index says so too.
 * - The user's flags are booleans; folders and smart folders get a `seq` for a stable order
 *   among those created in the same millisecond (SQLite uses its rowid).
 * - No index on status or the facets: a poll changes a task's status and nothing else that is
 *   indexed, so its update is a HOT one (no index touched), which fillfactor leaves room for.
 */
export const PG_TASK_MIGRATIONS: readonly PgMigration[] = [
  {
    version: 1,
    name: "history: tasks, search, tombstones, requests, folders, smart folders",
    up: `
      CREATE EXTENSION IF NOT EXISTS pg_trgm;

      CREATE TABLE tasks (
        id          text PRIMARY KEY,
        status      text NOT NULL,
        status_rank double precision NOT NULL,
        action      text,
        parent_id   text,
        prompt      text,
        prompt_tsv  tsvector NOT NULL,
        media       text NOT NULL,
        model       text NOT NULL,
        aspect      text NOT NULL,
        speed       text,
        sref        boolean NOT NULL,
        favorite    boolean NOT NULL DEFAULT false,
        hidden      boolean NOT NULL DEFAULT false,
        sort_time   bigint NOT NULL,
        data        jsonb NOT NULL,
        created_at  bigint NOT NULL,
        updated_at  bigint NOT NULL
      ) WITH (fillfactor = 85);
      CREATE INDEX tasks_sort ON tasks (sort_time, id COLLATE "C");
      CREATE INDEX tasks_parent ON tasks (parent_id, sort_time, id COLLATE "C");
      CREATE INDEX tasks_prompt_tsv ON tasks USING gin (prompt_tsv);
      CREATE INDEX tasks_prompt_trgm ON tasks USING gin (prompt gin_trgm_ops);

      CREATE TABLE deleted_tasks (
        id         text PRIMARY KEY,
        deleted_at bigint NOT NULL
      );

      CREATE TABLE task_requests (
        task_id    text PRIMARY KEY,
        kind       text NOT NULL,
        body       jsonb NOT NULL,
        created_at bigint NOT NULL
      );
      CREATE TABLE task_request_inputs (
        task_id text NOT NULL REFERENCES task_requests (task_id) ON DELETE CASCADE,
        file    text NOT NULL,
        PRIMARY KEY (task_id, file)
      );
      CREATE INDEX task_request_inputs_file ON task_request_inputs (file);

      CREATE TABLE folders (
        id         text PRIMARY KEY,
        seq        bigint GENERATED ALWAYS AS IDENTITY,
        name       text NOT NULL,
        created_at bigint NOT NULL
      );
      CREATE TABLE folder_tasks (
        folder_id text NOT NULL REFERENCES folders (id) ON DELETE CASCADE,
        task_id   text NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
        added_at  bigint NOT NULL,
        PRIMARY KEY (folder_id, task_id)
      );
      CREATE INDEX folder_tasks_task ON folder_tasks (task_id);
      CREATE TABLE smart_folders (
        id         text PRIMARY KEY,
        seq        bigint GENERATED ALWAYS AS IDENTITY,
        name       text NOT NULL,
        search     text NOT NULL,
        created_at bigint NOT NULL
      );
    `,
  },
];
