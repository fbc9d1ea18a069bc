import Database from "better-sqlite3";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { mediaOf } from "@/lib/mj/history-query";
import { taskSchema, type Task } from "@/lib/mj/task";
import { makeTask } from "@/lib/testing/tasks";
import { tempStoreFixture } from "@/lib/testing/temp-store";
import { facetsOf } from "@/lib/mj/facets";
import { migrate, openDatabase } from "./database";
import { MIGRATIONS } from "./migrations";
import { describeTaskStore } from "./task-store.contract";
import type { MergeRule, TaskListQuery, TaskStore } from "./task-store";

/** The SQLite adapter: the port's contract, and what only SQLite has (migrations, columns, raw rows). */

const temp = tempStoreFixture("mj-store-", path.join("nested", "mj-studio.sqlite"));

describeTaskStore("SQLite", () => ({ open: async () => temp.openStore() }));

const writeIncoming: MergeRule = (_stored, incoming, deleted) => (deleted ? null : incoming);

async function upsert(store: TaskStore, task: Task) {
  const [stored] = await store.record([task], writeIncoming);
  return stored!;
}

function openStore(): TaskStore {
  return temp.openStore();
}

function openRaw(): Database.Database {
  const db = openDatabase(temp.dbPath);
  temp.track(db);
  return db;
}

async function ids(store: TaskStore, query: Partial<TaskListQuery>): Promise<string[]> {
  return (await store.list({ limit: 100, cursor: null, ...query })).items.map((t) => t.id);
}

const LATEST_VERSION = MIGRATIONS.at(-1)?.version;

describe("migrations", () => {
  it("are numbered 1..n in order", async () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
  });

  it("bring an empty file to the latest version, with the tasks table and WAL on", async () => {
    const db = openRaw();
    expect(db.pragma("user_version", { simple: true })).toBe(LATEST_VERSION);
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(db.pragma("foreign_keys", { simple: true })).toBe(1);
    const table = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'tasks'").get();
    expect(table).toEqual({ name: "tasks" });
    const indexes = db
      .prepare<[], { name: string }>(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'tasks'",
      )
      .all()
      .map((r) => r.name);
    expect(indexes).toEqual(expect.arrayContaining(["tasks_sort_time_id", "tasks_parent_id"]));
  });

  it("are idempotent on re-open, and a restart loses nothing", async () => {
    const first = openStore();
    await upsert(first, makeTask({ id: "a", prompt: "a red fox" }));
    await first.close();

    const second = openStore();
    expect((await second.get("a"))?.prompt).toBe("a red fox");
    await second.close();

    const db = openRaw();
    expect(db.pragma("user_version", { simple: true })).toBe(LATEST_VERSION);
  });

  it("refuse a database written by a newer version", async () => {
    const db = openRaw();
    db.pragma("user_version = 999");
    db.close();
    expect(() => openDatabase(temp.dbPath)).toThrow(/schema version 999/);
  });

  it("roll a failing migration back and keep the previous version", async () => {
    const db = new Database(":memory:");
    temp.track(db);
    const broken = [
      { version: 1, name: "ok", up: "CREATE TABLE one (x INTEGER);" },
      { version: 2, name: "broken", up: "CREATE TABLE two (x INTEGER); SELECT * FROM missing_table;" },
    ];
    expect(() => migrate(db, broken)).toThrow(/missing_table/);
    expect(db.pragma("user_version", { simple: true })).toBe(1);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'two'").get()).toBeUndefined();
  });
});

describe("migration 2", () => {
  it("creates the history tables, the filter indexes and the prompt index on an empty file", async () => {
    openStore().close();
    const db = new Database(temp.dbPath);
    temp.track(db);
    const names = db
      .prepare<[], { name: string }>("SELECT name FROM sqlite_master")
      .all()
      .map((r) => r.name);
    expect(names).toEqual(
      expect.arrayContaining([
        "deleted_tasks",
        "tasks_fts",
        "task_requests",
        "task_request_inputs",
        "tasks_action_sort",
        "tasks_status_sort",
        "tasks_favorite_sort",
      ]),
    );
    expect(db.pragma("user_version", { simple: true })).toBe(LATEST_VERSION);
  });

  it("upgrades a version 1 file with rows: nothing lost, not favourite, prompts searchable", async () => {
    fs.mkdirSync(path.dirname(temp.dbPath), { recursive: true });
    const v1 = new Database(temp.dbPath);
    migrate(v1, MIGRATIONS.slice(0, 1));
    const insert = v1.prepare(
      `INSERT INTO tasks (id, status, status_rank, action, parent_id, prompt, sort_time, data, created_at, updated_at)
       VALUES (?, 'SUCCESS', 5, 'IMAGINE', NULL, ?, ?, ?, 0, 0)`,
    );
    for (const [id, prompt, time] of [
      ["old-1", "a lighthouse at dusk", 1],
      ["old-2", "a red fox in snow", 2],
    ] as const) {
      insert.run(id, prompt, time, JSON.stringify({ id, status: "SUCCESS", prompt, submitTime: time }));
    }
    expect(v1.pragma("user_version", { simple: true })).toBe(1);
    v1.close();

    const store = openStore();
    expect(await ids(store, {})).toEqual(["old-2", "old-1"]);
    expect(await ids(store, { q: "lighth" })).toEqual(["old-1"]);
    expect(await store.get("old-2")).toMatchObject({ prompt: "a red fox in snow", favorite: false });
  });
});

describe("migration 3", () => {
  /** Tasks on each side of every rule of mediaOf, in the spellings upstreams send. */
  const samples: Record<string, unknown>[] = [
    { action: "VIDEO" },
    { action: "VIDEO_EXTEND" },
    { action: "UPSCALE", contentType: "Video/MP4" },
    { action: "UPSCALE", contentType: "image/png" },
    { action: "UPSCALE", videoUrl: "https://cdn/v.mp4" },
    { action: "UPSCALE", videoUrl: "" },
    { action: "UPSCALE", videoUrls: [{ url: "https://cdn/v.mp4", thumbnail: null }] },
    { action: "UPSCALE", videoUrls: [] },
    { action: "UPSCALE", videoUrls: null },
    { action: "UPSCALE", imageUrl: "https://cdn/video/j/0_1.mp4" },
    { action: "UPSCALE", imageUrl: "https://cdn/video/j/0_1.MP4?ex=1&is=2" },
    { action: "IMAGINE", imageUrl: "https://cdn/mp4s/grid.png" },
    { action: "IMAGINE", imageUrl: "https://cdn/grid.mp4.png" },
    { action: "IMAGINE", imageUrl: null },
    { action: null },
  ];

  it("backfills the media column of a version 2 file as mediaOf says, and the filter uses it", async () => {
    fs.mkdirSync(path.dirname(temp.dbPath), { recursive: true });
    const v2 = new Database(temp.dbPath);
    migrate(v2, MIGRATIONS.slice(0, 2));
    const insert = v2.prepare(
      `INSERT INTO tasks (id, status, status_rank, action, parent_id, prompt, sort_time, data, created_at, updated_at)
       VALUES (?, 'SUCCESS', 5, ?, NULL, '', ?, ?, 0, 0)`,
    );
    const tasks = samples.map((fields, i) =>
      taskSchema.parse({ id: `t${i}`, status: "SUCCESS", submitTime: i, ...fields }),
    );
    for (const [i, task] of tasks.entries()) insert.run(task.id, task.action, i, JSON.stringify(task));
    v2.close();

    const store = openStore();
    const expected = tasks.filter((task) => mediaOf(task) === "video").map((task) => task.id);
    expect(expected.length).toBeGreaterThan(5);
    expect(expected.length).toBeLessThan(tasks.length - 5);
    expect(await ids(store, { media: "video", sort: "oldest" })).toEqual(expected);
    expect(await ids(store, { media: "image", sort: "oldest" })).toEqual(
      tasks.map((task) => task.id).filter((id) => !expected.includes(id)),
    );
    const db = openRaw();
    const plan = db
      .prepare(
        "EXPLAIN QUERY PLAN SELECT id FROM tasks WHERE media = 'video' ORDER BY sort_time DESC LIMIT 30",
      )
      .all()
      .map((row) => (row as { detail: string }).detail)
      .join(" ");
    expect(plan).toMatch(/tasks_media_sort/);
  });
});

describe("facets", () => {
  const prompts = [
    "a fox",
    "a fox --v 8.1 --ar 16:9",
    "a fox --niji 6 --sref 12 --relax",
    "a fox --niji --ar 3:2 --turbo",
    "a fox --version 7 --aspect 9:16",
    "",
  ];

  it("a version 5 file gets its facet columns backfilled by facetsOf, and new writes agree with it", async () => {
    fs.mkdirSync(path.dirname(temp.dbPath), { recursive: true });
    const v5 = new Database(temp.dbPath);
    migrate(v5, MIGRATIONS.slice(0, 5));
    const insert = v5.prepare(
      `INSERT INTO tasks (id, status, status_rank, action, parent_id, prompt, sort_time, data, created_at, updated_at)
       VALUES (?, 'SUCCESS', 5, 'IMAGINE', NULL, ?, ?, ?, 0, 0)`,
    );
    const tasks = prompts.map((prompt, i) =>
      taskSchema.parse({
        id: `old${i}`,
        status: "SUCCESS",
        submitTime: i,
        prompt,
        mode: i === 5 ? "FAST" : null,
      }),
    );
    for (const [i, task] of tasks.entries()) insert.run(task.id, task.prompt, i, JSON.stringify(task));
    v5.close();

    const store = openStore();
    await store.record(
      prompts.map((prompt, i) =>
        taskSchema.parse({ id: `new${i}`, status: "SUCCESS", submitTime: 100 + i, prompt }),
      ),
      (_stored, incoming) => incoming,
    );
    const rows = openRaw().prepare("SELECT data, model, aspect, speed, sref FROM tasks").all() as {
      data: string;
      model: string;
      aspect: string;
      speed: string | null;
      sref: number;
    }[];
    expect(rows).toHaveLength(prompts.length * 2);
    for (const row of rows) {
      const facets = facetsOf(taskSchema.parse(JSON.parse(row.data)));
      expect({ model: row.model, aspect: row.aspect, speed: row.speed, sref: row.sref === 1 }).toEqual(
        facets,
      );
    }
    expect(await ids(store, { aspect: ["16:9"], sort: "oldest" })).toEqual(["old1", "new1"]);
    expect(await ids(store, { speed: "fast" })).toEqual(["old5"]);
  });
});

describe("rows", () => {
  it("keeps the stored status_rank column in step with the data", async () => {
    const store = openStore();
    await upsert(store, makeTask({ status: "IN_PROGRESS", progress: "50%" }));
    await store.close();
    const db = openRaw();
    expect(db.prepare("SELECT status, status_rank FROM tasks").get()).toEqual({
      status: "IN_PROGRESS",
      status_rank: 3.5,
    });
  });
  it("stores JSON that reads back through taskSchema", async () => {
    const store = openStore();
    await upsert(store, makeTask({ id: "42", status: "SUCCESS" }));
    await store.close();
    // Raw upstream spellings written behind the store's back must come out normalised.
    const db = openRaw();
    db.prepare("UPDATE tasks SET data = ? WHERE id = '42'").run(
      JSON.stringify({
        id: 42,
        status: "/** S */ SUCCESS = 'SUCCESS'",
        progress: 100,
        imageUrls: ["https://cdn/raw.png"],
      }),
    );
    db.close();
    const reopened = openStore();
    expect(await reopened.get("42")).toMatchObject({
      id: "42",
      status: "SUCCESS",
      progress: "100%",
      imageUrls: [{ url: "https://cdn/raw.png", thumbnail: null }],
      buttons: [],
      properties: {},
    });
  });
  it("keeps the favourite flag through later copies, outside the Task JSON", async () => {
    const store = openStore();
    await upsert(store, makeTask({ id: "a", status: "IN_PROGRESS", progress: "10%" }));
    expect(await store.setFavorite(["a"], true)).toBe(1);
    const after = await upsert(store, makeTask({ id: "a", status: "SUCCESS", progress: "100%" }));
    expect(after).toMatchObject({ status: "SUCCESS", favorite: true });
    // A copy read from the store (favorite: true) written back does not put the flag into data.
    await upsert(store, { ...(await store.get("a"))!, seed: "123" });
    await store.close();
    const db = new Database(temp.dbPath);
    temp.track(db);
    const row = db.prepare<[], { data: string; favorite: number }>("SELECT data, favorite FROM tasks").get()!;
    expect(row.favorite).toBe(1);
    expect(JSON.parse(row.data)).not.toHaveProperty("favorite");
  });
});
