import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { MIGRATIONS, type Migration } from "./migrations";

/**
 * Opens (creating if needed) a SQLite file and brings its schema up to date (the task history's
 * migrations unless others are given: the media cache keeps its own index file).
 *
 * WAL lets the gallery read while a poll writes; synchronous=NORMAL is the usual WAL pairing
 * (a commit survives an app crash, only a power cut can lose the last ones); busy_timeout makes
 * a second process (next dev workers, a bench script) wait for the write lock instead of failing.
 */
export function openDatabase(
  filePath: string,
  migrations: readonly Migration[] = MIGRATIONS,
): Database.Database {
  fs.mkdirSync(path.dirname(filePath), { recursive: true });
  const db = new Database(filePath);
  try {
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    db.pragma("foreign_keys = ON");
    db.pragma("busy_timeout = 5000");
    migrate(db, migrations, filePath);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

/**
 * A deliberately small migration runner: better-sqlite3 is synchronous, and the mainstream
 * migration libraries either need Node 22 (we support 20.19) or come with an ORM we do not use.
 * Versions live in `PRAGMA user_version`; each migration runs in its own transaction together
 * with the version bump, so a failed migration leaves the file at the previous version.
 */
export function migrate(db: Database.Database, migrations: readonly Migration[], label = db.name): void {
  const latest = migrations.at(-1)?.version ?? 0;
  const current = userVersion(db);
  if (current > latest) {
    throw new Error(
      `The database ${label} has schema version ${current}, but this build of MJ Studio only knows ` +
        `versions up to ${latest}. It was written by a newer version: upgrade MJ Studio, or point ` +
        `DATA_DIR at another directory.`,
    );
  }
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    // IMMEDIATE takes the write lock before re-reading the version, so two processes starting
    // together cannot both apply the same migration.
    db.transaction(() => {
      if (userVersion(db) >= migration.version) return;
      db.exec(migration.up);
      migration.backfill?.(db);
      db.pragma(`user_version = ${migration.version}`);
    }).immediate();
  }
}

function userVersion(db: Database.Database): number {
  return db.pragma("user_version", { simple: true }) as number;
}
