import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import { historyDetailSchema, historyItemSchema, historyPageSchema } from "@/lib/mj/history-query";
import { callRoute, errorCode, type Method, type RouteCall } from "@/lib/testing/routes";
import { testServer } from "@/lib/testing/server-env";
import { waitForStatus } from "@/lib/testing/wait";

/**
 * The history routes (`/api/tasks*`, `/api/inputs/*`), called as Next calls them, in demo mode
 * on the in-process simulator with a throw-away DATA_DIR.
 */

testServer();

const routes = {
  imagine: () => import("./mj/submit/imagine/route"),
  action: () => import("./mj/submit/action/route"),
  fetch: () => import("./mj/task/[id]/fetch/route"),
  tasks: () => import("./tasks/route"),
  task: () => import("./tasks/[id]/route"),
  bulkDelete: () => import("./tasks/delete/route"),
  import: () => import("./tasks/import/route"),
  export: () => import("./tasks/export/route"),
  importArchive: () => import("./tasks/import-archive/route"),
  inputs: () => import("./inputs/[name]/route"),
};

const call = (name: keyof typeof routes, init?: RouteCall) => callRoute(routes[name], init);

async function imagine(prompt: string, base64Array?: string[]): Promise<string> {
  const { json } = await call("imagine", { body: { prompt, ...(base64Array ? { base64Array } : {}) } });
  return (json as { result: string }).result;
}

const fetchTask = async (id: string) =>
  (await call("fetch", { params: { id } })).json as {
    status: string;
    buttons: { label: string; customId: string }[];
  };

async function page(query: string) {
  const result = await call("tasks", { query });
  expect(result.status).toBe(200);
  return historyPageSchema.parse(result.json);
}

let png = "";
let imagineId = "";

beforeAll(async () => {
  png = (
    await sharp({ create: { width: 8, height: 8, channels: 3, background: "#22aa44" } })
      .png()
      .toBuffer()
  ).toString("base64");
  imagineId = await imagine("history fox in the snow --ar 3:2", [`data:image/png;base64,${png}`]);
});

describe("bad input is a 4xx in the one error shape", () => {
  const cases: {
    name: string;
    route: keyof typeof routes;
    method?: Method;
    body?: object | string;
    params?: Record<string, string>;
    query?: string;
    status: number;
  }[] = [
    { name: "list: limit 0", route: "tasks", query: "?limit=0", status: 400 },
    { name: "list: action with a space", route: "tasks", query: "?action=IMAGINE,UP%20SCALE", status: 400 },
    {
      name: "list: 21 statuses",
      route: "tasks",
      query: `?status=${Array(21)
        .fill(0)
        .map((_, i) => "S" + "X".repeat(i))
        .join(",")}`,
      status: 400,
    },
    { name: "list: status=NOPE", route: "tasks", query: "?status=NOPE", status: 400 },
    { name: "list: action=NOPE", route: "tasks", query: "?action=IMAGINE,NOPE", status: 400 },
    {
      name: "list: excludeStatus with a space",
      route: "tasks",
      query: "?excludeStatus=MO%20DAL",
      status: 400,
    },
    { name: "list: favorite=yes", route: "tasks", query: "?favorite=yes", status: 400 },
    { name: "list: from=yesterday", route: "tasks", query: "?from=yesterday", status: 400 },
    { name: "list: to=2026-13-45", route: "tasks", query: "?to=2026-13-45", status: 400 },
    { name: "list: from after to", route: "tasks", query: "?from=2000&to=1000", status: 400 },
    { name: "list: sort=random", route: "tasks", query: "?sort=random", status: 400 },
    { name: "list: q over 200 characters", route: "tasks", query: `?q=${"a".repeat(201)}`, status: 400 },
    { name: "list: forged cursor", route: "tasks", query: "?cursor=abc", status: 400 },
    { name: "detail: path-like id", route: "task", params: { id: "../x" }, status: 400 },
    { name: "detail: unknown id", route: "task", params: { id: "1000000000000000" }, status: 404 },
    {
      name: "favourite: unknown id",
      route: "task",
      method: "PATCH",
      params: { id: "1000000000000000" },
      body: { favorite: true },
      status: 404,
    },
    {
      name: "favourite: not a boolean",
      route: "task",
      method: "PATCH",
      params: { id: "1000000000000000" },
      body: { favorite: "yes" },
      status: 400,
    },
    {
      name: "favourite: malformed JSON",
      route: "task",
      method: "PATCH",
      params: { id: "1000000000000000" },
      body: "{",
      status: 400,
    },
    {
      name: "delete: unknown id",
      route: "task",
      method: "DELETE",
      params: { id: "1000000000000000" },
      status: 404,
    },
    { name: "delete: bad id", route: "task", method: "DELETE", params: { id: "a b" }, status: 400 },
    {
      name: "bulk favourite: no ids",
      route: "tasks",
      method: "PATCH",
      body: { ids: [], favorite: true },
      status: 400,
    },
    {
      name: "bulk favourite: 501 ids",
      route: "tasks",
      method: "PATCH",
      body: { ids: Array.from({ length: 501 }, (_, i) => `t${i}`), favorite: true },
      status: 400,
    },
    { name: "bulk favourite: no flag", route: "tasks", method: "PATCH", body: { ids: ["a"] }, status: 400 },
    {
      name: "bulk hide: not a boolean",
      route: "tasks",
      method: "PATCH",
      body: { ids: ["a"], hidden: "yes" },
      status: 400,
    },
    { name: "list: hidden not a boolean", route: "tasks", query: "?hidden=1", status: 400 },
    { name: "bulk delete: bad id", route: "bulkDelete", body: { ids: ["ok", "not/ok"] }, status: 400 },
    { name: "bulk delete: ids not a list", route: "bulkDelete", body: { ids: "a,b" }, status: 400 },
    {
      name: "import: 201 ids",
      route: "import",
      body: { ids: Array.from({ length: 201 }, (_, i) => `t${i}`) },
      status: 400,
    },
    { name: "import: empty", route: "import", body: { ids: [] }, status: 400 },
    { name: "input: bad name", route: "inputs", params: { name: "../mj-studio.sqlite" }, status: 404 },
    { name: "input: unknown hash", route: "inputs", params: { name: `${"0".repeat(64)}.png` }, status: 404 },
    {
      name: "input: wrong extension",
      route: "inputs",
      params: { name: `${"0".repeat(64)}.svg` },
      status: 404,
    },
  ];

  it.each(cases)("$name → $status", async ({ route, method, body, params, query, status }) => {
    const result = await call(route, { method, body, params, query });
    expect(result.status).toBe(status);
    expect(errorCode(result.json)).toBe(status === 404 ? "not_found" : "invalid_input");
  });
});

describe("history list", () => {
  it("searches, filters, sorts and pages", async () => {
    const a = await imagine("history owl at midnight");
    const b = await imagine("history owl at noon");
    expect((await page("?q=owl")).items.map((t) => t.id)).toEqual([b, a]);
    expect((await page("?q=owl&sort=oldest")).items.map((t) => t.id)).toEqual([a, b]);
    expect((await page("?q=midn")).items.map((t) => t.id)).toEqual([a]);
    expect((await page(`?q=${encodeURIComponent('owl" OR NEAR(')}`)).items).toEqual([]);
    expect((await page("?q=owl&action=imagine,upscale")).items).toHaveLength(2);
    expect((await page("?q=owl&action=UPSCALE")).items).toEqual([]);
    expect((await page("?q=owl&from=2000-01-01&to=2999-12-31")).items).toHaveLength(2);
    expect((await page(`?q=owl&to=${Date.now() - 3_600_000}`)).items).toEqual([]);
    expect((await page(`?q=owl&from=${new Date(Date.now() - 60_000).toISOString()}`)).items).toHaveLength(2);

    const first = await page("?q=owl&limit=1&sort=oldest");
    expect(first.items.map((t) => t.id)).toEqual([a]);
    const second = await page(`?q=owl&limit=1&sort=oldest&cursor=${first.nextCursor}`);
    expect(second.items.map((t) => t.id)).toEqual([b]);
    expect(second.nextCursor).toBeNull();
    // A cursor of one order used with the other is refused.
    const wrong = await call("tasks", { query: `?q=owl&limit=1&sort=newest&cursor=${first.nextCursor}` });
    expect(wrong.status).toBe(400);
    for (const item of first.items) expect(item.favorite).toBe(false);
  });

  it("media=video keeps the videos, media=image the rest; anything else is a 400 that says so", async () => {
    const pressed = async (taskId: string, match: (customId: string) => boolean) => {
      const task = await waitForStatus(fetchTask, taskId, "SUCCESS");
      const button = task.buttons.find((b) => match(b.customId))!;
      const { json } = await call("action", { body: { taskId, customId: button.customId } });
      return (json as { result: string }).result;
    };
    const grid = await imagine("history heron wading");
    const upscale = await pressed(grid, (id) => id.startsWith("MJ::JOB::upsample::1::"));
    const video = await pressed(upscale, (id) => id.includes("animate_low::"));
    expect((await page("?q=heron&media=video")).items.map((t) => t.id)).toEqual([video]);
    expect((await page("?q=heron&media=image")).items.map((t) => t.id)).toEqual([upscale, grid]);
    expect((await page("?q=heron&media=video&action=UPSCALE")).items).toEqual([]);
    const wrong = await call("tasks", { query: "?media=audio" });
    expect(wrong.status).toBe(400);
    expect((wrong.json as { error: { message: string } }).error.message).toMatch(
      /media must be video or image/,
    );
  });

  it("an unknown status or action is a 400 that lists the accepted values", async () => {
    for (const [query, accepted] of [
      [
        "?status=NOPE",
        /status must be one of NOT_START, SUBMITTED, MODAL, IN_PROGRESS, SUCCESS, FAILURE, CANCEL/,
      ],
      ["?status=success,NOPE", /status must be one of .*SUCCESS/],
      ["?action=NOPE", /action must be one of IMAGINE, UPSCALE, .*VARIATION, .*DESCRIBE, .*BLEND/],
    ] as const) {
      const result = await call("tasks", { query });
      expect(result.status).toBe(400);
      expect(errorCode(result.json)).toBe("invalid_input");
      expect((result.json as { error: { message: string } }).error.message).toMatch(accepted);
    }
    expect((await call("tasks", { query: "?status=success,failure&action=imagine,video" })).status).toBe(200);
  });

  it("favourites one task or many, and filters by them", async () => {
    const a = await imagine("history favourite one");
    const b = await imagine("history favourite two");
    const one = await call("task", { method: "PATCH", params: { id: a }, body: { favorite: true } });
    expect(one.status).toBe(200);
    expect(historyItemSchema.parse(one.json)).toMatchObject({ id: a, favorite: true });
    expect((await page("?q=favourite&favorite=true")).items.map((t) => t.id)).toEqual([a]);

    const bulk = await call("tasks", {
      method: "PATCH",
      body: { ids: [a, b, "1000000000000000"], favorite: true },
    });
    expect(bulk.json).toEqual({ updated: 2 });
    expect((await page("?q=favourite&favorite=true")).items.map((t) => t.id)).toEqual([b, a]);
    await call("tasks", { method: "PATCH", body: { ids: [a], favorite: false } });
    expect((await page("?q=favourite&favorite=false")).items.map((t) => t.id)).toEqual([a]);
  });
});

describe("a page read again", () => {
  it("shows each task as it is now: its flags and its progress, not the bytes of an earlier read", async () => {
    const id = await imagine("history reread lighthouse");
    const item = async () => (await page("?q=lighthouse")).items.find((task) => task.id === id)!;
    expect(await item()).toMatchObject({ favorite: false, hidden: false });
    await call("task", { method: "PATCH", params: { id }, body: { favorite: true } });
    expect(await item()).toMatchObject({ favorite: true, hidden: false });
    await call("tasks", { method: "PATCH", body: { ids: [id], favorite: false } });
    expect(await item()).toMatchObject({ favorite: false });
    await waitForStatus(fetchTask, id, "SUCCESS");
    const finished = await item();
    expect(finished.status).toBe("SUCCESS");
    // Read twice unchanged, the page is the same.
    expect(await item()).toEqual(finished);
  });
});

describe("facets", () => {
  it("filters by model, aspect ratio, speed and style reference as the prompts say", async () => {
    const wide = await imagine("facet owl --v 7 --ar 16:9 --sref 42");
    const plain = await imagine("facet owl --relax");
    const list = async (query: string) => (await page(`?q=facet&${query}`)).items.map((t) => t.id);
    expect(await list("aspect=16:9")).toEqual([wide]);
    expect(await list("aspect=1:1")).toEqual([plain]);
    expect(await list("model=v7")).toEqual([wide]);
    expect(await list("model=default")).toEqual([plain]);
    expect(await list("sref=true")).toEqual([wide]);
    expect(await list("sref=false&speed=relax")).toEqual([plain]);
  });
});

describe("hidden", () => {
  it("a hidden task leaves the list, is listed by hidden=true, still answers its detail and fetch, and comes back", async () => {
    const a = await imagine("history hidden one");
    const b = await imagine("history hidden two");
    const bulk = await call("tasks", {
      method: "PATCH",
      body: { ids: [a, "1000000000000000"], hidden: true },
    });
    expect(bulk.json).toEqual({ updated: 1 });
    expect((await page("?q=hidden")).items.map((t) => t.id)).toEqual([b]);
    const hidden = await page("?q=hidden&hidden=true");
    expect(hidden.items.map((t) => [t.id, t.hidden])).toEqual([[a, true]]);
    expect((await page("?q=hidden&hidden=false")).items.map((t) => t.hidden)).toEqual([false]);
    const detail = await call("task", { params: { id: a } });
    expect(historyDetailSchema.parse(detail.json).task).toMatchObject({ id: a, hidden: true });
    expect((await call("fetch", { params: { id: a } })).status).toBe(200);
    // Both flags at once.
    await call("tasks", { method: "PATCH", body: { ids: [a], hidden: false, favorite: true } });
    expect((await page("?q=hidden&favorite=true")).items.map((t) => t.id)).toEqual([a]);
    expect((await page("?q=hidden&hidden=true")).items).toEqual([]);
  });
});

describe("detail", () => {
  it("answers the task, its lineage and the request with its images as app URLs", async () => {
    const grid = await waitForStatus(fetchTask, imagineId, "SUCCESS");
    const u1 = grid.buttons.find((b) => b.label === "U1")!;
    const child = (
      (await call("action", { body: { taskId: imagineId, customId: u1.customId } })).json as {
        result: string;
      }
    ).result;

    const parent = historyDetailSchema.parse((await call("task", { params: { id: imagineId } })).json);
    expect(parent.task).toMatchObject({ id: imagineId, favorite: false });
    expect(parent.task.imageUrl).toMatch(/^\/api\/media\//);
    expect(parent.parents).toEqual([]);
    expect(parent.children.map((t) => t.id)).toEqual([child]);
    expect(parent.request?.kind).toBe("imagine");
    expect(parent.request?.body.prompt).toBe("history fox in the snow --ar 3:2");
    const [reference] = parent.request?.body.base64Array as string[];
    expect(reference).toMatch(/^\/api\/inputs\/[0-9a-f]{64}\.png$/);

    const input = await call("inputs", { params: { name: reference!.split("/").at(-1)! } });
    expect(input.status).toBe(200);
    expect(input.response.headers.get("content-type")).toBe("image/png");
    expect(input.response.headers.get("cache-control")).toContain("immutable");
    expect(Buffer.from(await input.response.arrayBuffer()).toString("base64")).toBe(png);

    const upscale = historyDetailSchema.parse((await call("task", { params: { id: child } })).json);
    expect(upscale.parents.map((t) => t.id)).toEqual([imagineId]);
    expect(upscale.request).toMatchObject({
      kind: "action",
      body: { taskId: imagineId, customId: u1.customId },
    });
  });
});

describe("delete and import", () => {
  it("deletes one task for good, and an explicit import brings it back", async () => {
    const id = await imagine("history to be deleted");
    const removed = await call("task", { method: "DELETE", params: { id } });
    expect(removed.status).toBe(204);
    expect(await removed.response.text()).toBe("");
    expect((await call("task", { params: { id } })).status).toBe(404);
    // Polling the upstream copy again does not put it back in the history.
    expect((await call("fetch", { params: { id } })).status).toBe(200);
    expect((await page("?q=deleted")).items).toEqual([]);
    expect((await call("task", { method: "DELETE", params: { id } })).status).toBe(404);

    const imported = await call("import", { body: { ids: [id, "1000000000000000"] } });
    expect(imported.status).toBe(200);
    expect(imported.json).toEqual({ imported: 1, missing: ["1000000000000000"] });
    expect((await page("?q=deleted")).items.map((t) => t.id)).toEqual([id]);
  });

  it("restoring an export brings back the tasks deleted since, and says how many it restored", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push(await imagine(`history archived ${i}`));
    const exported = await call("export", { query: `?ids=${ids.join(",")}` });
    expect(exported.status).toBe(200);
    const zip = new Uint8Array(await exported.response.arrayBuffer());
    expect((await call("bulkDelete", { body: { ids } })).json).toEqual({ deleted: 6 });
    expect((await call("task", { params: { id: ids[0]! } })).status).toBe(404);

    const { POST } = await routes.importArchive();
    const restored = await POST(
      new Request("http://localhost/api/tasks/import-archive", {
        method: "POST",
        body: zip,
        headers: { "content-type": "application/zip" },
      }),
    );
    expect(restored.status).toBe(200);
    for (const id of ids) expect((await call("task", { params: { id } })).status).toBe(200);
    expect(await restored.json()).toEqual({ imported: 6, skipped: 0, invalid: 0 });
    expect((await page("?q=archived")).items.map((t) => t.id).sort()).toEqual([...ids].sort());
  });

  it("deletes many at once", async () => {
    const a = await imagine("history bulk one");
    const b = await imagine("history bulk two");
    const result = await call("bulkDelete", { body: { ids: [a, b, "1000000000000000"] } });
    expect(result.json).toEqual({ deleted: 2 });
    expect((await page("?q=bulk")).items).toEqual([]);
  });
});
