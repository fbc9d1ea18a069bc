/**
 * The schema history, oldest first. A released migration is never edited: change the schema by
 * appending a new entry with the next version. `openDatabase` applies the ones a file lacks.
 */
export interface Migration {
  /** 1, 2, 3, … in order; stored in `PRAGMA user_version` once applied. */
  version: number;
  name: string;
  up: string;
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
];
