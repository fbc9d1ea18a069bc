import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import { callRoute, errorCode, type RouteCall } from "@/lib/testing/routes";
import { testServer } from "@/lib/testing/server-env";
import { waitForStatus } from "@/lib/testing/wait";

/**
 * The route handlers, called as Next calls them, in demo mode on the in-process simulator with a
 * throw-away DATA_DIR. Bad input must always be a 4xx in the one error shape, never a 500.
 */

testServer();

const routes = {
  imagine: () => import("./mj/submit/imagine/route"),
  describe: () => import("./mj/submit/describe/route"),
  blend: () => import("./mj/submit/blend/route"),
  action: () => import("./mj/submit/action/route"),
  modal: () => import("./mj/submit/modal/route"),
  fetch: () => import("./mj/task/[id]/fetch/route"),
  seed: () => import("./mj/task/[id]/image-seed/route"),
  cancel: () => import("./mj/task/[id]/cancel/route"),
  listByIds: () => import("./mj/task/list-by-ids/route"),
  listByCondition: () => import("./mj/task/list-by-condition/route"),
  tasks: () => import("./tasks/route"),
  health: () => import("./health/route"),
  media: () => import("./media/[taskId]/[slot]/route"),
  download: () => import("./tasks/download/route"),
  export: () => import("./tasks/export/route"),
  importArchive: () => import("./tasks/import-archive/route"),
};

/**
 * A call as the app's own page makes it: a same-origin fetch, which gets the app's relative media
 * links (other callers get absolute ones: app/api/drop-in-clients.test.ts).
 */
const call = (name: keyof typeof routes, init?: RouteCall) =>
  callRoute(routes[name], { ...init, headers: { "sec-fetch-site": "same-origin", ...init?.headers } });

let pngBase64 = "";

beforeAll(async () => {
  const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: "#3366cc" } })
    .png()
    .toBuffer();
  pngBase64 = png.toString("base64");
});

describe("bad input is a 4xx in the one error shape", () => {
  const bigImage = () => `data:image/png;base64,iVBORw0KGgo${"A".repeat(14 * 1024 * 1024)}`;
  const cases: {
    name: string;
    route: keyof typeof routes;
    method?: "GET" | "POST";
    body?: string | object;
    params?: Record<string, string>;
    query?: string;
    status: number;
    code: string;
    message?: RegExp;
  }[] = [
    {
      name: "malformed JSON",
      route: "imagine",
      body: "{prompt:",
      status: 400,
      code: "invalid_input",
      message: /not valid JSON/,
    },
    { name: "empty body", route: "imagine", body: "", status: 400, code: "invalid_input", message: /empty/ },
    {
      name: "JSON that is not an object",
      route: "imagine",
      body: "[1,2]",
      status: 400,
      code: "invalid_input",
    },
    {
      name: "missing prompt",
      route: "imagine",
      body: {},
      status: 400,
      code: "invalid_input",
      message: /prompt/,
    },
    {
      name: "empty prompt",
      route: "imagine",
      body: { prompt: "   " },
      status: 400,
      code: "invalid_input",
      message: /prompt must not be empty/,
    },
    {
      name: "prompt of the wrong type",
      route: "imagine",
      body: { prompt: 42 },
      status: 400,
      code: "invalid_input",
    },
    {
      name: "100,000-character prompt",
      route: "imagine",
      body: { prompt: "a".repeat(100_000) },
      status: 400,
      code: "invalid_input",
      message: /longer than/,
    },
    {
      name: "unknown botType",
      route: "imagine",
      body: { prompt: "cat", botType: "DALLE" },
      status: 400,
      code: "invalid_input",
    },
    {
      name: "reference that is not an image",
      route: "imagine",
      body: { prompt: "cat", base64Array: [Buffer.from("hello world, not an image").toString("base64")] },
      status: 400,
      code: "invalid_input",
      message: /not a PNG, JPEG, WebP or GIF/,
    },
    {
      name: "text data URL",
      route: "imagine",
      body: { prompt: "cat", base64Array: ["data:text/plain;base64,aGVsbG8="] },
      status: 400,
      code: "invalid_input",
    },
    {
      name: "six reference images",
      route: "imagine",
      body: { prompt: "cat", base64Array: Array(6).fill("https://example.com/a.png") },
      status: 400,
      code: "invalid_input",
    },
    {
      name: "an image over 10 MB",
      route: "imagine",
      body: { prompt: "cat", base64Array: [bigImage()] },
      status: 413,
      code: "payload_too_large",
    },
    {
      name: "a body over 40 MB",
      route: "blend",
      body: "x".repeat(41 * 1024 * 1024),
      status: 413,
      code: "payload_too_large",
    },
    {
      name: "describe without an image",
      route: "describe",
      body: {},
      status: 400,
      code: "invalid_input",
      message: /base64 or link/,
    },
    {
      name: "describe with a non-image",
      route: "describe",
      body: { base64: "bm90IGFuIGltYWdlIGF0IGFsbA==" },
      status: 400,
      code: "invalid_input",
    },
    {
      name: "blend of one image",
      route: "blend",
      body: { base64Array: ["https://example.com/a.png"] },
      status: 400,
      code: "invalid_input",
      message: /2 to 5/,
    },
    {
      name: "blend of six images",
      route: "blend",
      body: { base64Array: Array(6).fill("https://example.com/a.png") },
      status: 400,
      code: "invalid_input",
      message: /2 to 5/,
    },
    {
      name: "blend with bad dimensions",
      route: "blend",
      body: { base64Array: Array(2).fill("https://example.com/a.png"), dimensions: "WIDE" },
      status: 400,
      code: "invalid_input",
    },
    {
      name: "action without customId",
      route: "action",
      body: { taskId: "1723456789012345" },
      status: 400,
      code: "invalid_input",
      message: /customId/,
    },
    {
      name: "action on a path-like id",
      route: "action",
      body: { taskId: "../../etc/passwd", customId: "MJ::JOB::upsample::1::x" },
      status: 400,
      code: "invalid_input",
    },
    {
      name: "modal with a non-image mask",
      route: "modal",
      body: { taskId: "1723456789012345", maskBase64: "data:image/png;base64,bm90IGEgcG5nIGF0IGFsbA==" },
      status: 400,
      code: "invalid_input",
    },
    {
      name: "fetch of a path-like id",
      route: "fetch",
      params: { id: "../secret" },
      status: 400,
      code: "invalid_input",
      message: /task id/,
    },
    {
      name: "fetch of an id with a null byte",
      route: "fetch",
      params: { id: "123\u0000" },
      status: 400,
      code: "invalid_input",
    },
    {
      name: "image-seed of a bad id",
      route: "seed",
      params: { id: "a b" },
      status: 400,
      code: "invalid_input",
    },
    {
      name: "cancel of a bad id",
      route: "cancel",
      method: "POST",
      params: { id: "%2e%2e" },
      status: 400,
      code: "invalid_input",
    },
    {
      name: "list-by-ids with 201 ids",
      route: "listByIds",
      body: { ids: Array.from({ length: 201 }, (_, i) => String(i)) },
      status: 400,
      code: "invalid_input",
      message: /at most 200/,
    },
    {
      name: "list-by-ids with 10,000 ids",
      route: "listByIds",
      body: { ids: Array.from({ length: 10_000 }, (_, i) => String(i)) },
      status: 400,
      code: "invalid_input",
    },
    { name: "list-by-ids without ids", route: "listByIds", body: {}, status: 400, code: "invalid_input" },
    {
      name: "list-by-ids with a bad id",
      route: "listByIds",
      body: { ids: ["ok", "not/ok"] },
      status: 400,
      code: "invalid_input",
    },
    {
      name: "list-by-condition with ids of the wrong type",
      route: "listByCondition",
      body: { ids: "1,2" },
      status: 400,
      code: "invalid_input",
    },
    {
      name: "history with limit 0",
      route: "tasks",
      query: "?limit=0",
      status: 400,
      code: "invalid_input",
      message: /between 1 and 100/,
    },
    {
      name: "history with limit 101",
      route: "tasks",
      query: "?limit=101",
      status: 400,
      code: "invalid_input",
    },
    {
      name: "history with a non-numeric limit",
      route: "tasks",
      query: "?limit=ten",
      status: 400,
      code: "invalid_input",
    },
    {
      name: "history with a forged cursor",
      route: "tasks",
      query: "?cursor=not-a-cursor",
      status: 400,
      code: "invalid_input",
      message: /cursor/,
    },
    {
      name: "fetch of an unknown id",
      route: "fetch",
      params: { id: "1000000000000000" },
      status: 404,
      code: "not_found",
    },
    {
      name: "media of an unknown task",
      route: "media",
      params: { taskId: "1000000000000000", slot: "image" },
      status: 404,
      code: "not_found",
    },
    {
      name: "media with a bad slot",
      route: "media",
      params: { taskId: "1000000000000000", slot: "../../x" },
      status: 404,
      code: "not_found",
    },
    { name: "bulk download without ids", route: "download", status: 400, code: "invalid_input" },
    {
      name: "bulk download of 201 ids",
      route: "download",
      query: `?ids=${Array.from({ length: 201 }, (_, i) => `t${i}`).join(",")}`,
      status: 400,
      code: "invalid_input",
      message: /at most 200/,
    },
    {
      name: "bulk download of a malformed id",
      route: "download",
      query: "?ids=a,../../etc",
      status: 400,
      code: "invalid_input",
    },
    {
      name: "bulk download of unknown tasks",
      route: "download",
      query: "?ids=1000000000000000",
      status: 404,
      code: "not_found",
    },
    {
      name: "export of an empty selection",
      route: "export",
      query: "?ids=",
      status: 400,
      code: "invalid_input",
    },
    {
      name: "import of something that is not a zip upload",
      route: "importArchive",
      body: { tasks: [] },
      status: 415,
      code: "unsupported_media_type",
    },
  ];

  it.each(cases)(
    "$name → $status $code",
    async ({ route, method, body, params, query, status, code, message }) => {
      const result = await call(route, {
        body,
        params,
        query,
        method: method ?? (body === undefined ? "GET" : "POST"),
      });
      expect(result.status).toBe(status);
      expect(errorCode(result.json)).toBe(code);
      const text = (result.json as { error: { message: string } }).error.message;
      expect(typeof text).toBe("string");
      if (message) expect(text).toMatch(message);
      // The server still answers after every hostile request.
      expect((await call("health")).status).toBe(200);
    },
  );

  it("invalid UTF-8 in the body is a 400", async () => {
    const request = new Request("http://localhost/api/mj/submit/imagine", {
      method: "POST",
      body: new Uint8Array([0x7b, 0x22, 0x70, 0xff, 0xfe, 0x22, 0x7d]),
    });
    const { POST } = await routes.imagine();
    const response = await POST(request);
    expect(response.status).toBe(400);
    expect(errorCode(await response.json())).toBe("invalid_input");
  });

  it("deeply nested JSON is a 400, not a crash", async () => {
    const nested = "[".repeat(100_000) + "]".repeat(100_000);
    const result = await call("imagine", { body: `{"prompt":"cat","accountFilter":${nested}}` });
    expect(result.status).toBe(400);
    expect(errorCode(result.json)).toBe("invalid_input");
  });
});

describe("the flow through the app in demo mode", () => {
  const fetchTask = async (id: string) =>
    (await call("fetch", { params: { id } })).json as Record<string, unknown>;

  it("health says demo", async () => {
    expect((await call("health")).json).toEqual({
      ok: true,
      mode: "demo",
      upstream: { state: "ok", circuit: "closed", consecutiveFailures: 0, retryInMs: null },
      // Alone, this instance is always the one that polls the upstream.
      poller: "leader",
    });
  });

  it("imagine → SUCCESS → U1 → Custom Zoom (21) → modal → SUCCESS, every image URL serving a real image", async () => {
    // V7: the default model (V8.1) has no Custom Zoom (docs/protocol.md §5.2.1).
    const submit = await call("imagine", {
      body: { prompt: "a red fox in snow --ar 3:2 --v 7", base64Array: [pngBase64] },
    });
    expect(submit.status).toBe(200);
    const envelope = submit.json as { code: number; result: string };
    expect([1, 22]).toContain(envelope.code);

    // Recorded before the submit answered.
    const history = (await call("tasks", { query: "?limit=5" })).json as { items: { id: string }[] };
    expect(history.items.map((t) => t.id)).toContain(envelope.result);

    const grid = await waitForStatus(fetchTask, envelope.result, "SUCCESS");
    const imageUrl = grid.imageUrl as string;
    expect(imageUrl).toMatch(new RegExp(`^/api/media/${envelope.result}/image\\?v=`));
    const buttons = grid.buttons as { customId: string; label: string }[];
    expect(buttons.map((b) => b.label)).toEqual(
      expect.arrayContaining(["U1", "U2", "U3", "U4", "V1", "V2", "V3", "V4"]),
    );

    const media = await call("media", {
      params: { taskId: envelope.result, slot: "image" },
      query: `?v=${new URL(imageUrl, "http://x").searchParams.get("v")}`,
    });
    expect(media.status).toBe(200);
    expect(media.response.headers.get("cache-control")).toContain("immutable");
    const bytes = Buffer.from(await media.response.arrayBuffer());
    const meta = await sharp(bytes).metadata();
    expect(meta.width! / meta.height!).toBeCloseTo(3 / 2, 1);

    const u1 = buttons.find((b) => b.label === "U1")!;
    const upscale = (await call("action", { body: { taskId: envelope.result, customId: u1.customId } }))
      .json as {
      code: number;
      result: string;
    };
    expect([1, 22]).toContain(upscale.code);
    const single = await waitForStatus(fetchTask, upscale.result, "SUCCESS");
    expect(single.parentId).toBe(envelope.result);

    const customZoom = (single.buttons as { customId: string; label: string }[]).find((b) =>
      b.customId.startsWith("MJ::CustomZoom::"),
    )!;
    const modalAnswer = (
      await call("action", { body: { taskId: upscale.result, customId: customZoom.customId } })
    ).json as { code: number; result: string; properties: { finalPrompt?: string } };
    expect(modalAnswer.code).toBe(21);
    expect(typeof modalAnswer.properties.finalPrompt).toBe("string");
    const pending = (await call("fetch", { params: { id: modalAnswer.result } })).json as { status: string };
    expect(pending.status).toBe("MODAL");

    const confirmed = (
      await call("modal", {
        body: { taskId: modalAnswer.result, prompt: "a red fox in snow --v 7 --zoom 1.5" },
      })
    ).json as { code: number; result: string };
    expect(confirmed.code).toBe(1);
    expect(confirmed.result).toBe(modalAnswer.result);
    const zoomed = await waitForStatus(fetchTask, modalAnswer.result, "SUCCESS");
    const zoomMedia = await call("media", { params: { taskId: modalAnswer.result, slot: "image" } });
    expect(zoomMedia.status).toBe(200);
    expect(zoomMedia.response.headers.get("content-type")).toMatch(/^image\//);
    expect(zoomed.parentId).toBe(upscale.result);
  });

  it("history pages newest first with an opaque cursor", async () => {
    for (const prompt of ["one", "two", "three"]) await call("imagine", { body: { prompt } });
    const first = (await call("tasks", { query: "?limit=2" })).json as {
      items: { prompt: string }[];
      nextCursor: string;
    };
    expect(first.items.map((t) => t.prompt)).toEqual(["three", "two"]);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = (await call("tasks", { query: `?limit=2&cursor=${first.nextCursor}` })).json as {
      items: { prompt: string }[];
    };
    expect(second.items[0]?.prompt).toBe("one");
  });

  it("leaves small JSON answers out of Next's gzip (no-transform) and lets large ones be compressed", async () => {
    const small = await call("health");
    expect(small.response.headers.get("cache-control")).toBe("no-transform");
    for (let i = 0; i < 40; i++) await call("imagine", { body: { prompt: `a long page of jobs ${i}` } });
    const page = await call("tasks", { query: "?limit=40" });
    expect(JSON.stringify(page.json).length).toBeGreaterThan(12 * 1024);
    expect(page.response.headers.get("cache-control")).toBeNull();
    const refusal = await call("fetch", { params: { id: "nope" } });
    expect(refusal.status).toBe(404);
    expect(refusal.response.headers.get("cache-control")).toBe("no-transform");
  });

  it("answers a large list from kept bytes: the same as serializing it whole, left to Next's gzip", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) {
      const envelope = (await call("imagine", { body: { prompt: `kept bytes ${i}` } })).json as {
        result: string;
      };
      ids.push(envelope.result);
    }
    for (const id of ids) await waitForStatus(fetchTask, id, "SUCCESS");
    // An API client (absolute links) and the page (relative ones), twice each: the second answer
    // comes from kept bytes and must be the first one exactly.
    const callers: Record<string, string>[] = [
      { authorization: "a token" },
      { "sec-fetch-site": "same-origin" },
    ];
    for (const headers of callers) {
      const listed = () => callRoute(routes.listByIds, { body: { ids }, headers });
      const first = await listed();
      const text = await first.response.text();
      expect(Buffer.byteLength(text)).toBeGreaterThan(12 * 1024);
      expect(first.response.headers.get("cache-control")).toBeNull();
      expect((first.json as { id: string }[]).map((task) => task.id)).toEqual(ids);
      expect(text).toBe(JSON.stringify(JSON.parse(text)));
      expect(await (await listed()).response.text()).toBe(text);
    }
  });

  it("without a password, only the app's page keeps relative links; other callers get absolute ones", async () => {
    const id = ((await call("imagine", { body: { prompt: "links for whom" } })).json as { result: string })
      .result;
    await waitForStatus(fetchTask, id, "SUCCESS");
    const imageOf = async (headers: Record<string, string>) =>
      (
        (
          await callRoute(routes.listByIds, {
            body: { ids: [id] },
            headers: { host: "192.168.1.20:3000", ...headers },
          })
        ).json as { imageUrl: string }[]
      )[0]?.imageUrl;
    // A page on plain HTTP at a LAN name sends no Sec-Fetch-Site, but its Referer names this host.
    expect(await imageOf({ referer: "http://192.168.1.20:3000/create" })).toMatch(/^\/api\/media\//);
    expect(await imageOf({ "sec-fetch-site": "same-origin" })).toMatch(/^\/api\/media\//);
    // A server-side client, a page elsewhere, or the app's page with a token: absolute, on the host asked.
    for (const headers of [
      {} as Record<string, string>,
      { "sec-fetch-site": "same-site" },
      { referer: "http://client.example/" },
      { "sec-fetch-site": "same-origin", authorization: "Bearer x" },
    ]) {
      expect(await imageOf(headers)).toMatch(
        new RegExp(`^http://192\\.168\\.1\\.20:3000/api/media/${id}/image\\?v=`),
      );
    }
  });

  it("list-by-ids returns the recorded tasks with app media URLs", async () => {
    const ids: string[] = [];
    for (const prompt of ["list a", "list b"]) {
      ids.push(((await call("imagine", { body: { prompt } })).json as { result: string }).result);
    }
    // Finished, so each has an image: a list of tasks without one would prove nothing.
    for (const id of ids) await waitForStatus(fetchTask, id, "SUCCESS");
    const list = (await call("listByIds", { body: { ids } })).json as {
      id: string;
      imageUrl: string | null;
    }[];
    expect(list.map((t) => t.id).sort()).toEqual([...ids].sort());
    for (const task of list) expect(task.imageUrl).toMatch(/^\/api\/media\/\d+\/image\?v=/);
  });

  it("imagine takes a model and a ratio the prompt linter only warns about, and sends them as typed", async () => {
    const prompt = "a lighthouse panorama --v 8.1 --ar 14:1";
    const submit = await call("imagine", { body: { prompt } });
    expect(submit.status).toBe(200);
    const envelope = submit.json as { code: number; result: string };
    expect([1, 22]).toContain(envelope.code);
    const task = (await call("fetch", { params: { id: envelope.result } })).json as { prompt: string };
    expect(task.prompt).toBe(prompt);
  });
});
