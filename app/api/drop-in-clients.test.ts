import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { NextRequest } from "next/server";
import { afterEach, describe, expect, it, vi } from "vitest";
import { services } from "@/lib/server/services";
import { callRoute, errorCode, type RouteCall } from "@/lib/testing/routes";
import { testServer } from "@/lib/testing/server-env";
import { until, waitForStatus } from "@/lib/testing/wait";

/**
 * What a midjourney-proxy client sees with a password set (issue 14), called as Next calls the
 * routes, on the demo simulator: each token form, refusals in the protocol's shape, unknown routes
 * and ids, the legacy change routes, the recent-tasks list, absolute signed media links that open
 * without a session, and CORS for the listed origin only.
 */

const TOKEN = "drop-in-client-token-0123456789";
const PASSWORD = "drop-in correct horse";
const CLIENT_ORIGIN = "http://client.example:8080";
const PUBLIC_ORIGIN = "https://studio.example.com";
testServer({
  APP_PASSWORD: PASSWORD,
  APP_API_TOKEN: TOKEN,
  APP_CORS_ORIGINS: CLIENT_ORIGIN,
  APP_URL: PUBLIC_ORIGIN,
  APP_SUBMIT_RATE_LIMIT: "0",
  // The notifyHook receiver below listens on loopback.
  APP_NOTIFY_ALLOW_PRIVATE: "1",
});

const routes = {
  imagine: () => import("./mj/submit/imagine/route"),
  change: () => import("./mj/submit/change/route"),
  simpleChange: () => import("./mj/submit/simple-change/route"),
  fetch: () => import("./mj/task/[id]/fetch/route"),
  list: () => import("./mj/task/list/route"),
  listByIds: () => import("./mj/task/list-by-ids/route"),
  unknown: () => import("./mj/[...rest]/route"),
  media: () => import("./media/[taskId]/[slot]/route"),
};

const BEARER = { authorization: `Bearer ${TOKEN}` };

interface ClientTask {
  id: string;
  status: string;
  action: string;
  parentId: string | null;
  imageUrl: string | null;
  displays: Record<string, unknown>;
  buttons: { customId: string }[];
}

function call(load: () => Promise<unknown>, path: string, init: RouteCall = {}) {
  return callRoute(load, { ...init, path, headers: { ...BEARER, ...init.headers } });
}

const fetchTask = async (id: string) =>
  (await call(routes.fetch, `/api/mj/task/${id}/fetch`, { params: { id } })).json as ClientTask;

async function imagine(prompt: string): Promise<string> {
  const answer = await call(routes.imagine, "/api/mj/submit/imagine", { body: { prompt } });
  expect(answer.status, JSON.stringify(answer.json)).toBe(200);
  return (answer.json as { result: string }).result;
}

let finished: Promise<ClientTask> | undefined;
/** One finished imagine, shared by the tests that need a grid. */
function finishedGrid(): Promise<ClientTask> {
  finished ??= imagine("a lighthouse at dusk --v 7").then((id) => waitForStatus(fetchTask, id, "SUCCESS"));
  return finished;
}

async function sessionCookie(): Promise<string> {
  const { POST } = await import("./auth/login/route");
  const response = await POST(
    new Request("http://localhost/api/auth/login", {
      method: "POST",
      body: JSON.stringify({ password: PASSWORD }),
    }),
  );
  return (response.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
}

describe("token forms", () => {
  it.each<{ name: string; headers: Record<string, string> }>([
    { name: "Authorization: Bearer <token>", headers: { authorization: `Bearer ${TOKEN}` } },
    { name: "Authorization: <token> (trueai)", headers: { authorization: TOKEN } },
    { name: "mj-api-secret: <token> (novicezk, lobe)", headers: { "mj-api-secret": TOKEN } },
    {
      name: "mj-api-secret beside new-api's placeholder Authorization",
      headers: { authorization: "midjourney-proxy", "mj-api-secret": TOKEN },
    },
  ])("$name submits and reads", async ({ headers }) => {
    const submitted = await callRoute(routes.imagine, {
      path: "/api/mj/submit/imagine",
      body: { prompt: "a red kite" },
      headers,
    });
    expect(submitted.status).toBe(200);
    // Accepted: at once (1) or queued behind the other jobs (22).
    expect([1, 22]).toContain((submitted.json as { code: number }).code);
  });

  it.each<{ name: string; headers: Record<string, string> }>([
    { name: "no token", headers: {} },
    { name: "a wrong Bearer token", headers: { authorization: `Bearer ${TOKEN}x` } },
    { name: "a wrong raw token", headers: { authorization: TOKEN.slice(1) } },
    { name: "a wrong mj-api-secret", headers: { "mj-api-secret": "nope" } },
    { name: "the token with the wrong scheme", headers: { authorization: `Basic ${TOKEN}` } },
  ])("$name is a 401 in the protocol's shape", async ({ headers }) => {
    const answer = await callRoute(routes.imagine, {
      path: "/api/mj/submit/imagine",
      body: { prompt: "a red kite" },
      headers,
    });
    expect(answer.status).toBe(401);
    expect(answer.json).toMatchObject({
      error: { code: "unauthorized" },
      code: 9,
      description: expect.stringMatching(/password/),
      result: null,
    });
  });
});

describe("refusals and unknowns under /api/mj", () => {
  it("bad input is HTTP 400 with code 4 and the reason as description", async () => {
    const answer = await call(routes.imagine, "/api/mj/submit/imagine", { body: { prompt: "" } });
    expect(answer.status).toBe(400);
    const json = answer.json as { error: { message: string }; code: number; description: string };
    expect(json).toMatchObject({ error: { code: "invalid_input" }, code: 4, result: null });
    expect(json.description).toBe(json.error.message);
  });

  it.each(["GET", "POST", "DELETE"] as const)(
    "an unknown route (%s) is a JSON 404 with code 3",
    async (method) => {
      const answer = await call(routes.unknown, "/api/mj/submit/teleport", {
        method,
        ...(method === "POST" ? { body: { prompt: "cat" } } : {}),
      });
      expect(answer.status).toBe(404);
      expect(answer.response.headers.get("content-type")).toMatch(/^application\/json/);
      expect(answer.json).toMatchObject({
        error: { code: "not_found", message: expect.stringContaining("/api/mj/submit/teleport") },
        code: 3,
        result: null,
      });
    },
  );

  it("an unknown route without the token is a 401, not a map of what exists", async () => {
    const answer = await callRoute(routes.unknown, { path: "/api/mj/nothing/here" });
    expect(answer.status).toBe(401);
  });

  it("an unknown task id is HTTP 404 with code 3 (documented in the README)", async () => {
    const answer = await call(routes.fetch, "/api/mj/task/1999999999999999/fetch", {
      params: { id: "1999999999999999" },
    });
    expect(answer.status).toBe(404);
    expect(answer.json).toMatchObject({ error: { code: "not_found" }, code: 3, result: null });
  });

  it("the app's own routes keep the one error shape alone", async () => {
    const answer = await callRoute(() => import("./tasks/[id]/route"), {
      path: "/api/tasks/1999999999999999",
      params: { id: "1999999999999999" },
      headers: { cookie: await sessionCookie() },
    });
    expect(answer.status).toBe(404);
    expect(Object.keys(answer.json as object)).toEqual(["error"]);
  });
});

describe("legacy change routes", () => {
  it("change UPSCALE n presses the grid's U n, and the child is recorded as its upscale", async () => {
    const grid = await finishedGrid();
    const answer = await call(routes.change, "/api/mj/submit/change", {
      body: { taskId: grid.id, action: "UPSCALE", index: 2 },
    });
    expect(answer.status, JSON.stringify(answer.json)).toBe(200);
    const { code, result } = answer.json as { code: number; result: string };
    expect([1, 22]).toContain(code);
    const child = await waitForStatus(fetchTask, result, "SUCCESS");
    expect(child).toMatchObject({ action: "UPSCALE", parentId: grid.id });
  });

  it.each([
    { content: "V3", action: "VARIATION" },
    // A reroll's child repeats its parent's action, as trueai records it.
    { content: "R", action: "IMAGINE" },
    { content: "u1", action: "UPSCALE" },
  ])("simple-change “<id> $content” makes a child $action of the task", async ({ content, action }) => {
    const grid = await finishedGrid();
    const answer = await call(routes.simpleChange, "/api/mj/submit/simple-change", {
      body: { content: `${grid.id} ${content}` },
    });
    expect(answer.status, JSON.stringify(answer.json)).toBe(200);
    const child = await fetchTask((answer.json as { result: string }).result);
    expect(child).toMatchObject({ action, parentId: grid.id });
  });

  it.each([
    { name: "index 5", body: (id: string) => ({ taskId: id, action: "UPSCALE", index: 5 }) },
    { name: "no index for a variation", body: (id: string) => ({ taskId: id, action: "VARIATION" }) },
    { name: "an unknown action", body: (id: string) => ({ taskId: id, action: "ZOOM", index: 1 }) },
  ])("change with $name is a 400 with code 4", async ({ body }) => {
    const grid = await finishedGrid();
    const answer = await call(routes.change, "/api/mj/submit/change", { body: body(grid.id) });
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ code: 4, result: null });
  });

  it.each(["", "U1", "123 U9", "123 X1", "123 U1 extra", "../x U1"])(
    "simple-change “%s” is a 400 with code 4",
    async (content) => {
      const answer = await call(routes.simpleChange, "/api/mj/submit/simple-change", { body: { content } });
      expect(answer.status).toBe(400);
      expect(answer.json).toMatchObject({ code: 4, error: { code: "invalid_input" } });
    },
  );

  it("a task with no such button is a 400 saying so; an unknown task a 404 with code 3", async () => {
    const grid = await finishedGrid();
    const up = await call(routes.change, "/api/mj/submit/change", {
      body: { taskId: grid.id, action: "UPSCALE", index: 1 },
    });
    const upscale = await waitForStatus(fetchTask, (up.json as { result: string }).result, "SUCCESS");
    const again = await call(routes.simpleChange, "/api/mj/submit/simple-change", {
      body: { content: `${upscale.id} U1` },
    });
    expect(again.status).toBe(400);
    expect(again.json).toMatchObject({ code: 4, description: expect.stringMatching(/no U1 button/) });
    const unknown = await call(routes.change, "/api/mj/submit/change", {
      body: { taskId: "1999999999999999", action: "REROLL" },
    });
    expect(unknown.status).toBe(404);
    expect(unknown.json).toMatchObject({ code: 3, result: null });
  });
});

describe("what a client reads", () => {
  it("task/list answers the latest tasks, newest first, with displays", async () => {
    const grid = await finishedGrid();
    const newest = await imagine("a paper boat");
    const answer = await call(routes.list, "/api/mj/task/list");
    expect(answer.status).toBe(200);
    const tasks = answer.json as ClientTask[];
    expect(tasks[0]?.id).toBe(newest);
    expect(tasks.map((task) => task.id)).toContain(grid.id);
    expect(tasks.length).toBeLessThanOrEqual(100);
    expect(tasks.find((task) => task.id === grid.id)?.displays).toMatchObject({
      status: "SUCCESS",
      action: "IMAGINE",
      submitTime: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/),
    });
  });

  it("media links are absolute on APP_URL and signed, and open without a session", async () => {
    const grid = await finishedGrid();
    const link = new URL(grid.imageUrl!);
    expect(link.origin).toBe(PUBLIC_ORIGIN);
    expect(link.pathname).toBe(`/api/media/${grid.id}/image`);
    expect(link.searchParams.get("sig")).toMatch(/^[\w-]{43}$/);
    const open = (query: string) =>
      callRoute(routes.media, {
        path: link.pathname,
        query,
        params: { taskId: grid.id, slot: "image" },
      });
    const image = await open(link.search);
    expect(image.status).toBe(200);
    expect(image.response.headers.get("content-type")).toMatch(/^image\//);

    // The same link with another file, a forged signature or a past expiry opens nothing.
    const forged = new URLSearchParams(link.search);
    // Its first character changed: the last one's two low bits are base64url padding, so one
    // signature in sixteen ended in "A" and "B" there decoded to the very same bytes.
    const sig = forged.get("sig")!;
    forged.set("sig", `${sig.startsWith("A") ? "B" : "A"}${sig.slice(1)}`);
    expect((await open(`?${forged}`)).status).toBe(401);
    const expired = new URLSearchParams(link.search);
    expired.set("exp", "1000");
    expect((await open(`?${expired}`)).status).toBe(401);
    const otherSlot = await callRoute(routes.media, {
      path: `/api/media/${grid.id}/thumb`,
      query: link.search,
      params: { taskId: grid.id, slot: "thumb" },
    });
    expect(otherSlot.status).toBe(401);
  });

  it("the token opens media too; the app's page keeps its relative session links", async () => {
    const grid = await finishedGrid();
    const withToken = await callRoute(routes.media, {
      path: `/api/media/${grid.id}/image`,
      params: { taskId: grid.id, slot: "image" },
      headers: { "mj-api-secret": TOKEN },
    });
    expect(withToken.status).toBe(200);
    const page = await callRoute(routes.listByIds, {
      path: "/api/mj/task/list-by-ids",
      body: { ids: [grid.id] },
      headers: { cookie: await sessionCookie(), "sec-fetch-site": "same-origin" },
    });
    const [task] = page.json as ClientTask[];
    expect(task?.imageUrl).toMatch(/^\/api\/media\/\d+\/image\?v=[\w-]+$/);
  });
});

describe("answers made once per task", () => {
  const DAY_MS = 24 * 60 * 60 * 1000;
  afterEach(() => vi.useRealTimers());

  it("follow every change at once: the task's flags, and the signed links of a new day", async () => {
    const grid = await finishedGrid();
    const listed = async () =>
      (
        (await call(routes.listByIds, "/api/mj/task/list-by-ids", { body: { ids: [grid.id] } }))
          .json as (ClientTask & {
          favorite: boolean;
        })[]
      )[0]!;
    const first = await listed();
    // Read again, the kept bytes: the same answer.
    expect(await listed()).toEqual(first);
    expect(first.favorite).toBe(false);

    await services().tasks.setFavorite(grid.id, true);
    expect((await listed()).favorite).toBe(true);
    expect((await fetchTask(grid.id)) as unknown).toMatchObject({ favorite: true });
    await services().tasks.setFavorite(grid.id, false);
    expect(await listed()).toEqual(first);

    // Tomorrow the links carry tomorrow's expiry, and still open the image.
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + DAY_MS });
    const tomorrow = new URL((await listed()).imageUrl!);
    const expiry = (url: string) => Number(new URL(url).searchParams.get("exp"));
    expect(expiry(tomorrow.href) - expiry(first.imageUrl!)).toBe(DAY_MS / 1000);
    const image = await callRoute(routes.media, {
      path: tomorrow.pathname,
      query: tomorrow.search,
      params: { taskId: grid.id, slot: "image" },
    });
    expect(image.status).toBe(200);
  });
});

describe("CORS", () => {
  const preflight = async (origin: string, path = "/api/mj/submit/imagine") => {
    const { proxy } = await import("@/proxy");
    return proxy(
      new NextRequest(`http://localhost${path}`, {
        method: "OPTIONS",
        headers: {
          origin,
          "access-control-request-method": "POST",
          "access-control-request-headers": "authorization, content-type",
        },
      }),
    );
  };

  it("a listed origin's preflight is answered, without credentials", async () => {
    const answer = await preflight(CLIENT_ORIGIN);
    expect(answer.status).toBe(204);
    expect(answer.headers.get("access-control-allow-origin")).toBe(CLIENT_ORIGIN);
    expect(answer.headers.get("access-control-allow-headers")).toMatch(/mj-api-secret/i);
    expect(answer.headers.get("access-control-allow-credentials")).toBeNull();
  });

  it("any other origin, or a path outside the drop-in API, is refused", async () => {
    expect((await preflight("http://evil.example")).status).toBe(403);
    expect((await preflight(CLIENT_ORIGIN, "/api/tasks")).status).toBe(403);
  });

  it("a listed origin's call carries the allow header; another origin's does not", async () => {
    const listed = await call(routes.list, "/api/mj/task/list", { headers: { origin: CLIENT_ORIGIN } });
    expect(listed.response.headers.get("access-control-allow-origin")).toBe(CLIENT_ORIGIN);
    const other = await call(routes.list, "/api/mj/task/list", {
      headers: { origin: "http://evil.example" },
    });
    expect(other.response.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("a write with the token passes whatever Origin a reverse proxy kept; without it a foreign one is refused", async () => {
    const kept = await call(routes.imagine, "/api/mj/submit/imagine", {
      body: { prompt: "a fox" },
      headers: { origin: "https://somewhere.example" },
    });
    expect(kept.status).toBe(200);
    const forged = await callRoute(routes.imagine, {
      path: "/api/mj/submit/imagine",
      body: { prompt: "a fox" },
      headers: { origin: "https://somewhere.example", cookie: await sessionCookie() },
    });
    expect(forged.status).toBe(403);
    expect(errorCode(forged.json)).toBe("forbidden");
  });

  it("a listed origin without the token cannot write on the owner's session", async () => {
    // A text/plain POST needs no preflight, and a same-site origin is sent the cookie.
    const riding = await callRoute(routes.imagine, {
      path: "/api/mj/submit/imagine",
      body: { prompt: "a fox" },
      headers: { origin: CLIENT_ORIGIN, cookie: await sessionCookie(), "content-type": "text/plain" },
    });
    expect(riding.status).toBe(403);
    expect(errorCode(riding.json)).toBe("forbidden");
  });
});

describe("notifyHook", () => {
  it("the receiver is sent the task as fetch answers it, on each change, up to SUCCESS", async () => {
    const received: ClientTask[] = [];
    const server = createServer((request, response) => {
      let text = "";
      request.on("data", (chunk: Buffer) => (text += chunk.toString()));
      request.on("end", () => {
        received.push(JSON.parse(text) as ClientTask);
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const hook = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mj-hook`;
      const answer = await call(routes.imagine, "/api/mj/submit/imagine", {
        body: { prompt: "a hooked fish", notifyHook: hook },
      });
      const id = (answer.json as { result: string }).result;
      // Something must poll the upstream (the client here; the server's poller when it runs).
      await waitForStatus(fetchTask, id, "SUCCESS");
      const success = await until(
        async () => received.find((task) => task.id === id && task.status === "SUCCESS"),
        "the SUCCESS call",
      );
      expect(new URL(success.imageUrl!).origin).toBe(PUBLIC_ORIGIN);
      expect(new URL(success.imageUrl!).searchParams.get("sig")).toBeTruthy();
      expect(success.displays).toMatchObject({ status: "SUCCESS" });
      const statuses = received.filter((task) => task.id === id).map((task) => task.status);
      expect(statuses.at(-1)).toBe("SUCCESS");
      // Polled again after it finished, the task is not sent again.
      await fetchTask(id);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(received.filter((task) => task.id === id && task.status === "SUCCESS")).toHaveLength(1);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
