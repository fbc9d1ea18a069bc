import { describe, expect, it } from "vitest";
import { folderSchema, smartFolderSchema, type Folder } from "@/lib/mj/folders";
import { historyPageSchema } from "@/lib/mj/history-query";
import { callRoute, errorCode, type RouteCall } from "@/lib/testing/routes";
import { testServer } from "@/lib/testing/server-env";

/**
 * Folders and smart folders (`/api/folders*`, `/api/smart-folders*`), called as Next calls them,
 * in demo mode on the in-process simulator with a throw-away DATA_DIR; limits proven from outside.
 */

testServer();

const routes = {
  imagine: () => import("./mj/submit/imagine/route"),
  tasks: () => import("./tasks/route"),
  task: () => import("./tasks/[id]/route"),
  folders: () => import("./folders/route"),
  folder: () => import("./folders/[id]/route"),
  folderTasks: () => import("./folders/[id]/tasks/route"),
  folderRemove: () => import("./folders/[id]/tasks/remove/route"),
  smartFolders: () => import("./smart-folders/route"),
  smartFolder: () => import("./smart-folders/[id]/route"),
};

const call = (name: keyof typeof routes, init?: RouteCall) => callRoute(routes[name], init);

async function imagine(prompt: string): Promise<string> {
  const { json } = await call("imagine", { body: { prompt } });
  return (json as { result: string }).result;
}

async function createFolder(name: string): Promise<Folder> {
  const created = await call("folders", { body: { name } });
  expect(created.status).toBe(201);
  return folderSchema.parse(created.json);
}

async function inFolder(id: string, extra = ""): Promise<string[]> {
  const result = await call("tasks", { query: `?folder=${id}${extra}` });
  expect(result.status).toBe(200);
  return historyPageSchema.parse(result.json).items.map((t) => t.id);
}

async function folders(): Promise<Folder[]> {
  return folderSchema.array().parse((await call("folders")).json);
}

describe("folders", () => {
  it("create, add, list with counts and a cover, rename, remove, move, delete (the tasks stay)", async () => {
    const a = await imagine("folder fox one");
    const b = await imagine("folder fox two");
    const c = await imagine("folder fox three");
    const trips = await createFolder("  Trips  ");
    expect(trips).toMatchObject({ name: "Trips", count: 0, cover: null });

    const added = await call("folderTasks", {
      params: { id: trips.id },
      body: { ids: [a, b, "1000000000000000"] },
    });
    expect(added.json).toEqual({ count: 2 });
    expect(await inFolder(trips.id)).toEqual([b, a]);
    const listed = (await folders()).find((f) => f.id === trips.id);
    expect(listed).toMatchObject({ count: 2, cover: { id: b } });
    expect(listed?.cover?.imageUrl ?? "").not.toMatch(/^https?:\/\/(?!localhost)/);

    const renamed = await call("folder", {
      method: "PATCH",
      params: { id: trips.id },
      body: { name: "Holidays" },
    });
    expect(folderSchema.parse(renamed.json)).toMatchObject({ id: trips.id, name: "Holidays", count: 2 });

    const removed = await call("folderRemove", { params: { id: trips.id }, body: { ids: [a] } });
    expect(removed.json).toEqual({ removed: 1 });
    expect(await inFolder(trips.id)).toEqual([b]);

    // A move: into `cats`, out of `trips`, in one request.
    const cats = await createFolder("Cats");
    await call("folderTasks", { params: { id: trips.id }, body: { ids: [c] } });
    const moved = await call("folderTasks", {
      params: { id: cats.id },
      body: { ids: [b, c], from: trips.id },
    });
    expect(moved.json).toEqual({ count: 2 });
    expect(await inFolder(trips.id)).toEqual([]);
    expect(await inFolder(cats.id)).toEqual([c, b]);
    expect(await inFolder(cats.id, "&q=three")).toEqual([c]);

    // Hidden tasks stay in the folder but out of its default view.
    await call("tasks", { method: "PATCH", body: { ids: [c], hidden: true } });
    expect(await inFolder(cats.id)).toEqual([b]);
    expect(await inFolder(cats.id, "&hidden=true")).toEqual([c]);

    // Deleting a task takes it out of its folders; deleting a folder keeps its tasks.
    await call("task", { method: "DELETE", params: { id: b } });
    expect((await folders()).find((f) => f.id === cats.id)?.count).toBe(1);
    expect((await call("folder", { method: "DELETE", params: { id: cats.id } })).status).toBe(204);
    expect((await folders()).map((f) => f.id)).not.toContain(cats.id);
    expect((await call("task", { params: { id: c } })).status).toBe(200);
  });

  it("answers 404 for a folder that is not there, and 400 for a name or id list out of bounds", async () => {
    const missing = { id: "00000000-0000-4000-8000-000000000000" };
    const folder = await createFolder("Bounds");
    const cases: [keyof typeof routes, RouteCall, number][] = [
      ["folder", { method: "PATCH", params: missing, body: { name: "x" } }, 404],
      ["folder", { method: "DELETE", params: missing }, 404],
      ["folderTasks", { params: missing, body: { ids: ["1000000000000000"] } }, 404],
      [
        "folderTasks",
        { params: { id: folder.id }, body: { ids: ["1000000000000000"], from: missing.id } },
        404,
      ],
      ["folderRemove", { params: missing, body: { ids: ["1000000000000000"] } }, 404],
      ["folders", { body: { name: "a".repeat(81) } }, 400],
      ["folders", { body: { name: " " } }, 400],
      [
        "folderTasks",
        { params: { id: folder.id }, body: { ids: Array.from({ length: 501 }, (_, i) => `t${i}`) } },
        400,
      ],
      ["folder", { method: "PATCH", params: { id: "a/b" }, body: { name: "x" } }, 400],
    ];
    for (const [route, init, status] of cases) {
      const result = await call(route, init);
      expect([route, result.status]).toEqual([route, status]);
      expect(errorCode(result.json)).toBe(status === 404 ? "not_found" : "invalid_input");
    }
    expect((await call("folders", { body: { name: "a".repeat(80) } })).status).toBe(201);
    expect(
      (
        await call("folderTasks", {
          params: { id: folder.id },
          body: { ids: Array.from({ length: 500 }, (_, i) => `t${i}`) },
        })
      ).json,
    ).toEqual({ count: 0 });
  });

  it("refuses the 201st folder with a 409 in the one error shape", async () => {
    const existing = (await folders()).length;
    for (let i = existing; i < 200; i++)
      expect((await call("folders", { body: { name: `f${i}` } })).status).toBe(201);
    const over = await call("folders", { body: { name: "one too many" } });
    expect(over.status).toBe(409);
    expect(errorCode(over.json)).toBe("conflict");
  });
});

describe("smart folders", () => {
  it("saves a search, lists it, renames it, changes its search, deletes it; a search the history would refuse is a 400", async () => {
    const created = await call("smartFolders", {
      body: { name: "Fox videos", search: "?q=fox&media=video&status=done" },
    });
    expect(created.status).toBe(201);
    const saved = smartFolderSchema.parse(created.json);
    expect(saved).toMatchObject({ name: "Fox videos", search: "q=fox&media=video&status=done" });
    expect(
      smartFolderSchema
        .array()
        .parse((await call("smartFolders")).json)
        .map((f) => f.id),
    ).toContain(saved.id);

    const patched = await call("smartFolder", {
      method: "PATCH",
      params: { id: saved.id },
      body: { name: "Foxes", search: "q=fox&favorite=true&from=2026-01-01" },
    });
    expect(smartFolderSchema.parse(patched.json)).toMatchObject({
      name: "Foxes",
      search: "q=fox&favorite=true&from=2026-01-01",
    });

    for (const search of [
      "status=nope",
      "sort=random",
      "from=2026-02-30",
      "limit=5",
      "q=a&q=b",
      "colour=red",
    ]) {
      const refused = await call("smartFolders", { body: { name: "bad", search } });
      expect([search, refused.status]).toEqual([search, 400]);
    }
    expect(
      (await call("smartFolders", { body: { name: "long", search: `q=${"a".repeat(1_000)}` } })).status,
    ).toBe(400);

    expect((await call("smartFolder", { method: "DELETE", params: { id: saved.id } })).status).toBe(204);
    expect((await call("smartFolder", { method: "DELETE", params: { id: saved.id } })).status).toBe(404);
    expect(
      (await call("smartFolder", { method: "PATCH", params: { id: saved.id }, body: { name: "x" } })).status,
    ).toBe(404);
  });

  it("refuses the 101st smart folder", async () => {
    const existing = smartFolderSchema.array().parse((await call("smartFolders")).json).length;
    for (let i = existing; i < 100; i++) {
      expect((await call("smartFolders", { body: { name: `s${i}`, search: "" } })).status).toBe(201);
    }
    expect((await call("smartFolders", { body: { name: "over", search: "" } })).status).toBe(409);
  });
});
