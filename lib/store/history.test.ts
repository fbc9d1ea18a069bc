import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import { taskSchema, type Task } from "@/lib/mj/task";
import { migrate } from "./database";
import { MIGRATIONS } from "./migrations";
import { InvalidCursorError, type TaskListQuery, type TaskStore } from "./task-store";
import { tempStoreFixture } from "./test-support";

/** The history side of the store: search, filters, paging, favourites, delete, lineage, requests. */

const temp = tempStoreFixture("mj-history-", "mj-studio.sqlite");
const openStore = temp.openStore;

function task(fields: Record<string, unknown>): Task {
  return taskSchema.parse({ status: "SUCCESS", submitTime: 1_000, action: "IMAGINE", ...fields });
}

function ids(store: TaskStore, query: Partial<TaskListQuery>): string[] {
  return store.list({ limit: 100, cursor: null, ...query }).items.map((t) => t.id);
}

/** Every page of a query, following nextCursor. */
function allPages(store: TaskStore, query: Partial<TaskListQuery>, limit: number): string[][] {
  const pages: string[][] = [];
  let cursor: string | null = null;
  do {
    const page = store.list({ ...query, limit, cursor });
    pages.push(page.items.map((t) => t.id));
    cursor = page.nextCursor;
  } while (cursor !== null && pages.length < 100);
  return pages;
}

describe("migration 2", () => {
  it("creates the history tables, the filter indexes and the prompt index on an empty file", () => {
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
    expect(db.pragma("user_version", { simple: true })).toBe(2);
  });

  it("upgrades a version 1 file with rows: nothing lost, not favourite, prompts searchable", () => {
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
    expect(ids(store, {})).toEqual(["old-2", "old-1"]);
    expect(ids(store, { q: "lighth" })).toEqual(["old-1"]);
    expect(store.get("old-2")).toMatchObject({ prompt: "a red fox in snow", favorite: false });
  });
});

describe("upsert keeps its rules beside the new columns", () => {
  it("keeps the favourite flag through later copies, outside the Task JSON", () => {
    const store = openStore();
    store.upsert(task({ id: "a", status: "IN_PROGRESS", progress: "10%" }));
    expect(store.setFavorite(["a"], true)).toBe(1);
    const after = store.upsert(task({ id: "a", status: "SUCCESS", progress: "100%" }));
    expect(after).toMatchObject({ status: "SUCCESS", favorite: true });
    // A copy read from the store (favorite: true) written back does not put the flag into data.
    store.upsert({ ...store.get("a")!, seed: "123" });
    store.close();
    const db = new Database(temp.dbPath);
    temp.track(db);
    const row = db.prepare<[], { data: string; favorite: number }>("SELECT data, favorite FROM tasks").get()!;
    expect(row.favorite).toBe(1);
    expect(JSON.parse(row.data)).not.toHaveProperty("favorite");
  });

  it("still refuses a stale status", () => {
    const store = openStore();
    store.upsert(task({ id: "a", status: "SUCCESS", progress: "100%" }));
    expect(store.upsert(task({ id: "a", status: "IN_PROGRESS", progress: "50%" })).status).toBe("SUCCESS");
  });
});

describe("prompt search", () => {
  function seed(store: TaskStore) {
    store.upsertMany([
      task({ id: "fox", prompt: "A red fox in snow --ar 3:2", submitTime: 1 }),
      task({ id: "foxes", prompt: "two foxes playing, watercolor", submitTime: 2 }),
      task({ id: "cafe", prompt: "a Café in Paris at night", submitTime: 3 }),
      task({ id: "cat", prompt: "一只可爱的猫 sitting on a sofa", submitTime: 4 }),
      task({ id: "dog", prompt: "一只小狗 in the park", submitTime: 5 }),
      task({ id: "none", prompt: null, submitTime: 6 }),
      task({ id: "ops", prompt: "cats OR dogs NEAR the sea", submitTime: 7 }),
    ]);
  }

  it("matches words and word prefixes, case- and accent-insensitively", () => {
    const store = openStore();
    seed(store);
    expect(ids(store, { q: "fox" })).toEqual(["foxes", "fox"]);
    expect(ids(store, { q: "FOXE" })).toEqual(["foxes"]);
    expect(ids(store, { q: "cafe" })).toEqual(["cafe"]);
    expect(ids(store, { q: "café paris" })).toEqual(["cafe"]);
    expect(ids(store, { q: "paris fox" })).toEqual([]);
    // Not a substring match for spaced scripts: "ox" is not the start of a word.
    expect(ids(store, { q: "ox" })).toEqual([]);
  });

  it("matches Chinese terms as substrings, alone or with other words", () => {
    const store = openStore();
    seed(store);
    expect(ids(store, { q: "猫" })).toEqual(["cat"]);
    expect(ids(store, { q: "一只" })).toEqual(["dog", "cat"]);
    expect(ids(store, { q: "一只 sofa" })).toEqual(["cat"]);
  });

  it.each([
    '"',
    '"fox',
    "*",
    "fox*",
    "NEAR(",
    "NEAR(fox snow)",
    "OR",
    "fox OR",
    "AND NOT",
    "-fox",
    "prompt:fox",
    "^fox",
    "fox'); DROP TABLE tasks; --",
    "\\",
    "(((",
    "{prompt}: x",
    "\u0000",
  ])("never raises on hostile input %j", (q) => {
    const store = openStore();
    seed(store);
    expect(() => store.list({ limit: 10, cursor: null, q })).not.toThrow();
  });

  it("treats operators as plain words and punctuation-only searches as no search", () => {
    const store = openStore();
    seed(store);
    expect(ids(store, { q: "OR" })).toEqual(["ops"]);
    expect(ids(store, { q: "NEAR(" })).toEqual(["ops"]);
    expect(ids(store, { q: '"fox' })).toEqual(["foxes", "fox"]);
    expect(ids(store, { q: '" * ( )' })).toHaveLength(7);
  });

  it("follows prompt changes and deletes", () => {
    const store = openStore();
    seed(store);
    store.upsert(task({ id: "fox", prompt: "a grey wolf", submitTime: 1 }));
    expect(ids(store, { q: "wolf" })).toEqual(["fox"]);
    expect(ids(store, { q: "snow" })).toEqual([]);
    store.delete(["foxes"]);
    expect(ids(store, { q: "fox" })).toEqual([]);
  });
});

describe("filters", () => {
  function seed(store: TaskStore) {
    store.upsertMany([
      task({ id: "i1", action: "IMAGINE", status: "SUCCESS", submitTime: 100, prompt: "sun" }),
      task({ id: "i2", action: "IMAGINE", status: "FAILURE", submitTime: 200, prompt: "moon" }),
      task({ id: "u1", action: "UPSCALE", status: "SUCCESS", submitTime: 300, prompt: "sun" }),
      task({ id: "v1", action: "VARIATION", status: "IN_PROGRESS", submitTime: 400, prompt: "sun" }),
      task({ id: "d1", action: "DESCRIBE", status: "SUCCESS", submitTime: 500, prompt: "" }),
    ]);
    store.setFavorite(["i1", "v1"], true);
  }

  it("filter by action, status, favourite and time, alone and combined", () => {
    const store = openStore();
    seed(store);
    expect(ids(store, { action: ["IMAGINE"] })).toEqual(["i2", "i1"]);
    expect(ids(store, { action: ["UPSCALE", "VARIATION"] })).toEqual(["v1", "u1"]);
    expect(ids(store, { status: ["SUCCESS"] })).toEqual(["d1", "u1", "i1"]);
    expect(ids(store, { status: ["FAILURE", "IN_PROGRESS"] })).toEqual(["v1", "i2"]);
    expect(ids(store, { favorite: true })).toEqual(["v1", "i1"]);
    expect(ids(store, { favorite: false })).toEqual(["d1", "u1", "i2"]);
    // Inclusive at both ends.
    expect(ids(store, { from: 200, to: 400 })).toEqual(["v1", "u1", "i2"]);
    expect(ids(store, { from: 401 })).toEqual(["d1"]);
    expect(ids(store, { to: 100 })).toEqual(["i1"]);
    expect(ids(store, { q: "sun", status: ["SUCCESS"] })).toEqual(["u1", "i1"]);
    expect(ids(store, { q: "sun", favorite: true, action: ["VARIATION", "IMAGINE"] })).toEqual(["v1", "i1"]);
    expect(ids(store, { q: "sun", from: 150, to: 350, status: ["SUCCESS"], favorite: false })).toEqual([
      "u1",
    ]);
    expect(ids(store, { action: ["IMAGINE"], status: ["IN_PROGRESS"] })).toEqual([]);
    expect(ids(store, { sort: "oldest", action: ["IMAGINE", "UPSCALE"] })).toEqual(["i1", "i2", "u1"]);
  });

  it("excludeStatus leaves statuses out; asking for them by status still finds them", () => {
    const store = openStore();
    seed(store);
    store.upsert(task({ id: "m1", action: "VARIATION", status: "MODAL", submitTime: 600, prompt: "sun" }));
    expect(ids(store, { excludeStatus: ["MODAL"] })).toEqual(["d1", "v1", "u1", "i2", "i1"]);
    expect(ids(store, { excludeStatus: ["MODAL", "FAILURE"], q: "sun" })).toEqual(["v1", "u1", "i1"]);
    expect(ids(store, { status: ["MODAL"] })).toEqual(["m1"]);
    expect(ids(store, {})).toContain("m1");
  });

  it("setFavorite counts the recorded tasks among the ids", () => {
    const store = openStore();
    seed(store);
    expect(store.setFavorite(["i2", "missing"], true)).toBe(1);
    expect(store.get("i2")?.favorite).toBe(true);
    expect(store.setFavorite(["i2"], false)).toBe(1);
    expect(store.getMany(["i2"])[0]?.favorite).toBe(false);
    expect(store.setFavorite([], true)).toBe(0);
  });
});

describe("keyset paging", () => {
  function seed(store: TaskStore, count: number) {
    // Pairs share a sort time so pages split inside ties.
    store.upsertMany(
      Array.from({ length: count }, (_, i) =>
        task({
          id: `t${String(i).padStart(3, "0")}`,
          submitTime: 1_000 + Math.floor(i / 2),
          prompt: `scene ${i % 3 === 0 ? "forest" : "city"}`,
        }),
      ),
    );
  }

  it.each(["newest", "oldest"] as const)("pages %s first without duplicates or gaps", (sort) => {
    const store = openStore();
    seed(store, 25);
    const pages = allPages(store, { sort }, 4);
    expect(pages).toHaveLength(7);
    const flat = pages.flat();
    expect(flat).toEqual(ids(store, { sort }));
    expect(new Set(flat).size).toBe(25);
    expect(flat[0]).toBe(sort === "newest" ? "t024" : "t000");
  });

  it.each(["newest", "oldest"] as const)(
    "with a filter, rows inserted between pages (%s) neither repeat nor shift what follows",
    (sort) => {
      const store = openStore();
      seed(store, 30);
      const query = { sort, q: "forest" } as const;
      const expected = ids(store, query);
      const seen: string[] = [];
      let cursor: string | null = null;
      let round = 0;
      do {
        const page = store.list({ ...query, limit: 3, cursor });
        seen.push(...page.items.map((t) => t.id));
        cursor = page.nextCursor;
        // New tasks at both ends of time, matching the filter.
        store.upsertMany([
          task({ id: `new-late-${round}`, submitTime: 9_000 + round, prompt: "forest" }),
          task({ id: `new-early-${round}`, submitTime: 10 + round, prompt: "forest" }),
        ]);
        round++;
      } while (cursor !== null && round < 50);
      const inserted = seen.filter((id) => id.startsWith("new-"));
      expect(seen.filter((id) => !id.startsWith("new-"))).toEqual(expected);
      expect(new Set(seen).size).toBe(seen.length);
      // Only rows behind the cursor's position can appear: the early ones for newest, late for oldest.
      for (const id of inserted) expect(id).toContain(sort === "newest" ? "early" : "late");
    },
  );

  it("gives the same pages for a broad search (hundreds of matches) as for a narrow one", () => {
    const store = openStore();
    store.upsertMany(
      Array.from({ length: 1_200 }, (_, i) =>
        task({
          id: `b${String(i).padStart(4, "0")}`,
          submitTime: 5_000 - (i % 7) * 100 - i,
          prompt: i % 2 === 0 ? "common word" : "rare word",
        }),
      ),
    );
    store.setFavorite(["b0000", "b0002", "b0003"], true);
    for (const sort of ["newest", "oldest"] as const) {
      const broad = allPages(store, { sort, q: "common" }, 50).flat();
      expect(broad).toHaveLength(600);
      expect(new Set(broad).size).toBe(600);
      const bySortKey = [...broad].sort((a, b) => {
        const [ta, tb] = [store.get(a)!.submitTime!, store.get(b)!.submitTime!];
        return (ta - tb || a.localeCompare(b)) * (sort === "newest" ? -1 : 1);
      });
      expect(broad).toEqual(bySortKey);
      expect(ids(store, { sort, q: "common", favorite: true })).toEqual(
        sort === "newest" ? ["b0000", "b0002"] : ["b0002", "b0000"],
      );
    }
  });

  it("refuses a cursor of the other sort order", () => {
    const store = openStore();
    seed(store, 10);
    const { nextCursor } = store.list({ limit: 3, cursor: null, sort: "newest" });
    expect(() => store.list({ limit: 3, cursor: nextCursor, sort: "oldest" })).toThrow(InvalidCursorError);
    expect(() => store.list({ limit: 3, cursor: nextCursor, sort: "newest" })).not.toThrow();
  });
});

describe("delete", () => {
  it("removes tasks for good: a re-upsert is ignored, also after a restart", () => {
    const store = openStore();
    store.upsertMany([task({ id: "a", prompt: "keep" }), task({ id: "b", prompt: "gone" })]);
    store.setFavorite(["b"], true);
    expect(store.delete(["b", "missing", "b"])).toEqual(["b"]);
    expect(store.get("b")).toBeNull();
    const echoed = store.upsert(task({ id: "b", prompt: "gone", status: "SUCCESS" }));
    expect(echoed).toMatchObject({ id: "b", prompt: "gone", favorite: false });
    expect(store.get("b")).toBeNull();
    store.close();

    const reopened = openStore();
    expect(reopened.upsertMany([task({ id: "b" }), task({ id: "c" })]).map((t) => t.id)).toEqual(["b", "c"]);
    expect(reopened.get("b")).toBeNull();
    expect(ids(reopened, {})).toEqual(["c", "a"]);
    expect(
      reopened
        .getMany(["a", "b", "c"])
        .map((t) => t.id)
        .sort(),
    ).toEqual(["a", "c"]);
    expect(reopened.delete(["b"])).toEqual([]);
  });

  it("an explicit undelete brings a deleted task back", () => {
    const store = openStore();
    store.upsert(task({ id: "a" }));
    store.delete(["a"]);
    store.upsertMany([task({ id: "a", prompt: "back" })], { undelete: true });
    expect(store.get("a")).toMatchObject({ prompt: "back", favorite: false });
  });
});

describe("lineage", () => {
  it("walks the parents nearest first to the root, and lists direct children", () => {
    const store = openStore();
    store.upsertMany([
      task({ id: "root", submitTime: 1 }),
      task({ id: "u1", parentId: "root", action: "UPSCALE", submitTime: 2 }),
      task({ id: "u2", parentId: "root", action: "UPSCALE", submitTime: 3 }),
      task({ id: "zoom", parentId: "u1", action: "ZOOM", submitTime: 4 }),
      task({ id: "zoom-v", parentId: "zoom", action: "VARIATION", submitTime: 5 }),
    ]);
    expect(store.lineage("zoom")).toMatchObject({
      parents: [{ id: "u1" }, { id: "root" }],
      children: [{ id: "zoom-v" }],
    });
    expect(store.lineage("root").parents).toEqual([]);
    expect(store.lineage("root").children.map((t) => t.id)).toEqual(["u1", "u2"]);
    expect(store.lineage("zoom-v").parents.map((t) => t.id)).toEqual(["zoom", "u1", "root"]);
    expect(store.lineage("missing")).toEqual({ parents: [], children: [] });
  });

  it("stops at a parent it never recorded, and survives a loop in parent ids", () => {
    const store = openStore();
    store.upsertMany([
      task({ id: "orphan", parentId: "never-seen" }),
      task({ id: "x", parentId: "y" }),
      task({ id: "y", parentId: "x" }),
    ]);
    expect(store.lineage("orphan").parents).toEqual([]);
    expect(store.lineage("x").parents.map((t) => t.id)).toEqual(["y"]);
  });
});

describe("requests", () => {
  let red = "";
  let blue = "";
  beforeAll(async () => {
    const png = (background: string) =>
      sharp({ create: { width: 4, height: 4, channels: 3, background } })
        .png()
        .toBuffer();
    red = (await png("#ff0000")).toString("base64");
    blue = (await png("#0000ff")).toString("base64");
  });

  it("keeps images as files named by their hash, deduplicated, and never base64 in a row", () => {
    const store = openStore();
    store.saveRequest(["t1"], "imagine", {
      prompt: "cat",
      base64Array: [`data:image/png;base64,${red}`, red, "https://example.com/ref.png", blue],
    });
    store.saveRequest(["t2", "t3"], "blend", { base64Array: [red, blue], dimensions: "SQUARE" });
    const files = fs.readdirSync(path.join(temp.dir, "inputs")).sort();
    expect(files).toHaveLength(2);
    for (const file of files) expect(file).toMatch(/^[0-9a-f]{64}\.png$/);

    const request = store.getRequest("t1");
    expect(request?.kind).toBe("imagine");
    const refs = request?.body.base64Array as unknown[];
    expect(refs[0]).toEqual(refs[1]);
    expect(refs[2]).toBe("https://example.com/ref.png");
    expect(files).toContain((refs[3] as { input: string }).input);
    expect(store.getRequest("t3")).toEqual(store.getRequest("t2"));
    expect(store.getRequest("none")).toBeNull();

    store.close();
    const db = new Database(temp.dbPath);
    temp.track(db);
    for (const row of db.prepare<[], { body: string }>("SELECT body FROM task_requests").all()) {
      expect(row.body).not.toContain(red.slice(0, 40));
      expect(row.body.length).toBeLessThan(1_000);
    }
  });

  it("stores describe images and Vary Region masks too", () => {
    const store = openStore();
    store.saveRequest(["d"], "describe", { base64: red });
    store.saveRequest(["m"], "modal", {
      taskId: "m",
      prompt: "x",
      maskBase64: `data:image/png;base64,${blue}`,
    });
    expect(store.getRequest("d")?.body.base64).toEqual({ input: expect.stringMatching(/\.png$/) });
    expect(store.getRequest("m")?.body).toMatchObject({
      taskId: "m",
      prompt: "x",
      maskBase64: { input: expect.any(String) },
    });
  });

  it("deleting tasks removes their requests and the files no other task refers to", () => {
    const store = openStore();
    store.upsertMany([task({ id: "t1" }), task({ id: "t2" })]);
    store.saveRequest(["t1"], "imagine", { prompt: "a", base64Array: [red, blue] });
    store.saveRequest(["t2"], "imagine", { prompt: "b", base64Array: [red] });
    const redFile = (store.getRequest("t2")?.body.base64Array as { input: string }[])[0]!.input;
    store.delete(["t1"]);
    expect(store.getRequest("t1")).toBeNull();
    expect(fs.readdirSync(path.join(temp.dir, "inputs"))).toEqual([redFile]);
    store.delete(["t2"]);
    expect(fs.readdirSync(path.join(temp.dir, "inputs"))).toEqual([]);
  });
});
