import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { describeMediaIndex } from "./media-index.contract";
import { createSqliteMediaIndex } from "./sqlite-media-index";

describeMediaIndex("sqlite", async () => {
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), "mj-media-index-"));
  const index = createSqliteMediaIndex(path.join(dir, "media", "index.sqlite"));
  return {
    index,
    cleanup: async () => {
      await index.close();
      await fs.promises.rm(dir, { recursive: true, force: true });
    },
  };
});

describe("sqlite media index", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("reads an index written before blob keys: its files become keys under media/", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mj-media-index-"));
    dirs.push(dir);
    const file = path.join(dir, "index.sqlite");
    const old = new Database(file);
    old.exec(`
      CREATE TABLE media_files (task_id TEXT NOT NULL, slot TEXT NOT NULL, file TEXT NOT NULL,
        content_type TEXT NOT NULL, bytes INTEGER NOT NULL, sha256 TEXT NOT NULL, source TEXT NOT NULL,
        created_at INTEGER NOT NULL, PRIMARY KEY (task_id, slot)) WITHOUT ROWID;
      CREATE TABLE media_jobs (task_id TEXT PRIMARY KEY, state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
        next_at INTEGER NOT NULL, error TEXT) WITHOUT ROWID;
      CREATE INDEX media_jobs_state ON media_jobs (state);
      INSERT INTO media_files VALUES ('42', 'image', '42/image.png', 'image/png', 3, 'abc', 'v', 1);
      INSERT INTO media_jobs VALUES ('42', 'done', 0, 1, NULL);
      PRAGMA user_version = 1;
    `);
    old.close();
    const index = createSqliteMediaIndex(file);
    expect(await index.file("42", "image")).toMatchObject({ key: "media/42/image.png", bytes: 3 });
    expect(await index.job("42")).toMatchObject({ state: "done" });
    await index.close();
  });
});
