import path from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { taskSchema, type Task } from "@/lib/mj/task";
import { migrate, openDatabase } from "./database";
import { MIGRATIONS } from "./migrations";
import { InvalidCursorError, type TaskStore } from "./task-store";
import { tempStoreFixture } from "./test-support";

const temp = tempStoreFixture("mj-store-", path.join("nested", "mj-studio.sqlite"));
const openStore = temp.openStore;

function openRaw(): Database.Database {
  const db = openDatabase(temp.dbPath);
  temp.track(db);
  return db;
}

function task(fields: Record<string, unknown>): Task {
  return taskSchema.parse({
    id: "1723456789012345",
    status: "SUBMITTED",
    submitTime: 1_700_000_000_000,
    ...fields,
  });
}

const LATEST_VERSION = MIGRATIONS.at(-1)?.version;

describe("migrations", () => {
  it("are numbered 1..n in order", () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
  });

  it("bring an empty file to the latest version, with the tasks table and WAL on", () => {
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

  it("are idempotent on re-open, and a restart loses nothing", () => {
    const first = openStore();
    first.upsert(task({ id: "a", prompt: "a red fox" }));
    first.close();

    const second = openStore();
    expect(second.get("a")?.prompt).toBe("a red fox");
    second.close();

    const db = openRaw();
    expect(db.pragma("user_version", { simple: true })).toBe(LATEST_VERSION);
  });

  it("refuse a database written by a newer version", () => {
    const db = openRaw();
    db.pragma("user_version = 999");
    db.close();
    expect(() => openDatabase(temp.dbPath)).toThrow(/schema version 999/);
  });

  it("roll a failing migration back and keep the previous version", () => {
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

describe("upsert: stale statuses never win", () => {
  it("keeps SUCCESS when a late IN_PROGRESS 80% arrives", () => {
    const store = openStore();
    store.upsert(task({ status: "SUCCESS", progress: "100%", imageUrl: "https://cdn/final.png" }));
    const result = store.upsert(
      task({ status: "IN_PROGRESS", progress: "80%", imageUrl: "https://cdn/preview.png" }),
    );
    expect(result.status).toBe("SUCCESS");
    expect(store.get(result.id)).toMatchObject({
      status: "SUCCESS",
      progress: "100%",
      imageUrl: "https://cdn/final.png",
    });
  });

  it("keeps 40% when 20% arrives late", () => {
    const store = openStore();
    store.upsert(task({ status: "IN_PROGRESS", progress: "40%" }));
    store.upsert(task({ status: "IN_PROGRESS", progress: "20%" }));
    expect(store.get("1723456789012345")?.progress).toBe("40%");
  });

  it("never lets a relay's empty status overwrite anything, even NOT_START", () => {
    const store = openStore();
    store.upsert(task({ status: "NOT_START", prompt: "cat" }));
    const result = store.upsert(task({ status: "", prompt: "dog" }));
    expect(result).toMatchObject({ status: "NOT_START", prompt: "cat" });
    expect(store.get(result.id)).toMatchObject({ status: "NOT_START", prompt: "cat" });
  });

  it("accepts MODAL -> SUBMITTED", () => {
    const store = openStore();
    store.upsert(task({ status: "MODAL", progress: null }));
    store.upsert(task({ status: "SUBMITTED", progress: "0%" }));
    expect(store.get("1723456789012345")).toMatchObject({ status: "SUBMITTED", progress: "0%" });
  });

  it("accepts FAILURE -> SUCCESS (higher rank) and clears the failure reason", () => {
    const store = openStore();
    store.upsert(task({ status: "FAILURE", progress: "", failReason: "timeout" }));
    store.upsert(task({ status: "SUCCESS", progress: "100%", failReason: null }));
    expect(store.get("1723456789012345")).toMatchObject({
      status: "SUCCESS",
      progress: "100%",
      failReason: null,
    });
  });

  it("keeps FAILURE against a late IN_PROGRESS; FAILURE takes its '' progress and null preview", () => {
    const store = openStore();
    store.upsert(task({ status: "IN_PROGRESS", progress: "60%", imageUrl: "https://cdn/preview.png" }));
    store.upsert(task({ status: "FAILURE", progress: "", failReason: "banned", imageUrl: null }));
    store.upsert(task({ status: "IN_PROGRESS", progress: "70%" }));
    expect(store.get("1723456789012345")).toMatchObject({
      status: "FAILURE",
      progress: "",
      failReason: "banned",
      imageUrl: null,
    });
  });

  it("accepts an equal rank, so buttons and new previews arrive", () => {
    const store = openStore();
    store.upsert(task({ status: "SUCCESS", progress: "100%", buttons: [] }));
    store.upsert(
      task({
        status: "SUCCESS",
        progress: "100%",
        buttons: [{ customId: "MJ::JOB::upsample::1::abc", label: "U1" }],
      }),
    );
    expect(store.get("1723456789012345")?.buttons.map((b) => b.customId)).toEqual([
      "MJ::JOB::upsample::1::abc",
    ]);
  });

  it("at an equal rank, a reduced copy without buttons or image does not erase them", () => {
    const store = openStore();
    const buttons = [{ customId: "MJ::JOB::upsample::1::abc", label: "U1" }];
    store.upsert(task({ status: "SUCCESS", progress: "100%", imageUrl: "https://cdn/grid.png", buttons }));
    store.upsert(task({ status: "SUCCESS", progress: "100%", imageUrl: null, buttons: null }));
    expect(store.get("1723456789012345")).toMatchObject({
      imageUrl: "https://cdn/grid.png",
      buttons: [expect.objectContaining({ customId: "MJ::JOB::upsample::1::abc" })],
    });
  });

  it("keeps the stored status_rank column in step with the data", () => {
    const store = openStore();
    store.upsert(task({ status: "IN_PROGRESS", progress: "50%" }));
    store.close();
    const db = openRaw();
    expect(db.prepare("SELECT status, status_rank FROM tasks").get()).toEqual({
      status: "IN_PROGRESS",
      status_rank: 3.5,
    });
  });
});

describe("upsert: merging copies", () => {
  it("does not let null fields of a reduced copy erase the richer stored ones", () => {
    const store = openStore();
    store.upsert(
      task({
        status: "IN_PROGRESS",
        progress: "50%",
        prompt: "a lighthouse --ar 16:9",
        parentId: "parent-1",
        action: "VARIATION",
        width: 1456,
        properties: { finalPrompt: "a lighthouse --ar 16:9 --v 7", nonce: "n1" },
        customField: "kept",
      }),
    );
    const result = store.upsert(
      task({
        status: "SUCCESS",
        progress: "100%",
        prompt: null,
        parentId: null,
        action: null,
        width: null,
        imageUrl: "https://cdn/final.png",
        properties: { messageHash: "hash" },
      }),
    );
    const expected = {
      status: "SUCCESS",
      progress: "100%",
      prompt: "a lighthouse --ar 16:9",
      parentId: "parent-1",
      action: "VARIATION",
      width: 1456,
      imageUrl: "https://cdn/final.png",
      properties: { finalPrompt: "a lighthouse --ar 16:9 --v 7", nonce: "n1", messageHash: "hash" },
      customField: "kept",
    };
    expect(result).toMatchObject(expected);
    expect(store.get(result.id)).toMatchObject(expected);
  });

  it("keeps sort_time fixed at the first insert even if a later copy brings another submitTime", () => {
    const store = openStore();
    store.upsert(task({ id: "x", submitTime: 1_000 }));
    store.upsert(task({ id: "y", submitTime: 2_000 }));
    store.upsert(task({ id: "x", status: "SUCCESS", submitTime: 3_000 }));
    expect(store.list({ limit: 10, cursor: null }).items.map((t) => t.id)).toEqual(["y", "x"]);
  });

  it("uses the time of first sight when the task has no submitTime", () => {
    const store = openStore();
    const before = Date.now();
    store.upsert(task({ id: "old", submitTime: before - 60_000 }));
    store.upsert(task({ id: "new", submitTime: null }));
    expect(store.list({ limit: 10, cursor: null }).items.map((t) => t.id)).toEqual(["new", "old"]);
  });

  it("stores JSON that reads back through taskSchema", () => {
    const store = openStore();
    store.upsert(task({ id: "42", status: "SUCCESS" }));
    store.close();
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
    expect(reopened.get("42")).toMatchObject({
      id: "42",
      status: "SUCCESS",
      progress: "100%",
      imageUrls: [{ url: "https://cdn/raw.png", thumbnail: null }],
      buttons: [],
      properties: {},
    });
  });
});

describe("upsertMany", () => {
  it("records all tasks and returns them as stored", () => {
    const store = openStore();
    store.upsert(task({ id: "a", status: "SUCCESS" }));
    const result = store.upsertMany([task({ id: "a", status: "IN_PROGRESS" }), task({ id: "b" })]);
    expect(result.map((t) => [t.id, t.status])).toEqual([
      ["a", "SUCCESS"],
      ["b", "SUBMITTED"],
    ]);
    expect(store.getMany(["a", "b"])).toHaveLength(2);
  });

  it("is atomic: one failing task leaves nothing written", () => {
    const store = openStore();
    store.upsert(task({ id: "existing", status: "SUBMITTED" }));
    // A BigInt cannot be serialised to JSON, so the second write throws mid-batch.
    const unserialisable = { ...task({ id: "bad" }), extra: 10n };
    expect(() =>
      store.upsertMany([task({ id: "existing", status: "SUCCESS" }), unserialisable, task({ id: "after" })]),
    ).toThrow();
    expect(store.get("existing")?.status).toBe("SUBMITTED");
    expect(store.get("bad")).toBeNull();
    expect(store.get("after")).toBeNull();
  });
});

describe("getMany", () => {
  it("omits unknown ids and returns [] for none", () => {
    const store = openStore();
    store.upsertMany([task({ id: "a" }), task({ id: "b" })]);
    expect(
      store
        .getMany(["b", "missing", "a", "a"])
        .map((t) => t.id)
        .sort(),
    ).toEqual(["a", "b"]);
    expect(store.getMany([])).toEqual([]);
  });

  it("handles more ids than SQLite's classic 999 bound-parameter limit", () => {
    const store = openStore();
    const ids = Array.from({ length: 2_500 }, (_, i) => `t${i}`);
    store.upsertMany(ids.filter((_, i) => i % 2 === 0).map((id) => task({ id })));
    const found = store.getMany(ids);
    expect(found).toHaveLength(1_250);
    expect(new Set(found.map((t) => t.id))).toEqual(new Set(ids.filter((_, i) => i % 2 === 0)));
  });
});

describe("list", () => {
  function seed(store: TaskStore): string[] {
    // 7 tasks over 4 distinct times; 3 share one sort_time so pages split inside a tie.
    const rows = [
      { id: "a", submitTime: 1_000 },
      { id: "b", submitTime: 2_000 },
      { id: "c", submitTime: 3_000 },
      { id: "d", submitTime: 3_000 },
      { id: "e", submitTime: 3_000 },
      { id: "f", submitTime: 4_000 },
      { id: "g", submitTime: 2_000 },
    ];
    store.upsertMany(rows.map((r) => task(r)));
    return ["f", "e", "d", "c", "g", "b", "a"];
  }

  it("pages newest first across 3 pages without duplicates or gaps, splitting a tie", () => {
    const store = openStore();
    const expected = seed(store);
    const seen: string[][] = [];
    let cursor: string | null = null;
    do {
      const page = store.list({ limit: 3, cursor });
      seen.push(page.items.map((t) => t.id));
      cursor = page.nextCursor;
    } while (cursor !== null && seen.length < 10);
    expect(seen).toEqual([["f", "e", "d"], ["c", "g", "b"], ["a"]]);
    expect(seen.flat()).toEqual(expected);
  });

  it("returns a null cursor when the last page is exactly full", () => {
    const store = openStore();
    seed(store);
    const first = store.list({ limit: 4, cursor: null });
    expect(first.items).toHaveLength(4);
    const second = store.list({ limit: 3, cursor: first.nextCursor });
    expect(second.items.map((t) => t.id)).toEqual(["g", "b", "a"]);
    expect(second.nextCursor).toBeNull();
  });

  it("respects the limit", () => {
    const store = openStore();
    seed(store);
    expect(store.list({ limit: 2, cursor: null }).items).toHaveLength(2);
    expect(store.list({ limit: 100, cursor: null })).toMatchObject({ nextCursor: null });
    expect(store.list({ limit: 100, cursor: null }).items).toHaveLength(7);
    expect(() => store.list({ limit: 0, cursor: null })).toThrow(RangeError);
  });

  it("keeps a cursor valid when the task it points at changes status", () => {
    const store = openStore();
    seed(store);
    const first = store.list({ limit: 3, cursor: null });
    store.upsert(task({ id: "d", status: "SUCCESS", submitTime: 9_000 }));
    expect(store.list({ limit: 3, cursor: first.nextCursor }).items.map((t) => t.id)).toEqual([
      "c",
      "g",
      "b",
    ]);
  });

  it.each([
    ["empty", ""],
    ["not base64url", "!!!"],
    ["not JSON", Buffer.from("hello").toString("base64url")],
    ["wrong shape", Buffer.from(JSON.stringify({ t: 1, id: "a" })).toString("base64url")],
    ["wrong types", Buffer.from(JSON.stringify(["1000", "a"])).toString("base64url")],
    ["fractional time", Buffer.from(JSON.stringify([1.5, "a"])).toString("base64url")],
  ])("rejects a malformed cursor (%s)", (_, cursor) => {
    const store = openStore();
    seed(store);
    expect(() => store.list({ limit: 3, cursor })).toThrow(InvalidCursorError);
  });
});
