import http from "node:http";
import { expect, test, type Page } from "@playwright/test";
import { E2E_API_TOKEN } from "./constants";

/**
 * Client conformance (issue 14): a page on another origin, served here, that calls MJ Studio the
 * way browser-only midjourney-proxy clients do (lobe's web UI, trueai's own), against an app with
 * a password, the API token and APP_CORS_ORIGINS listing that page's origin. It sends each token
 * form, shows the answers' images in `<img>`, presses U/V/reroll through change and simple-change,
 * reads the recent-tasks list, hits an unknown route, and its notifyHook receiver hears SUCCESS.
 * Everything stays on loopback.
 */

test.describe.configure({ mode: "serial" });

const clientPort = Number(process.env.E2E_DROP_IN_CLIENT_PORT);
const clientOrigin = `http://127.0.0.1:${clientPort}`;

interface ClientTask {
  id: string;
  status: string;
  action: string;
  parentId: string | null;
  imageUrl: string | null;
  displays?: { status?: string };
}

/** What the client page's `api()` answers: the status, the JSON body and the CORS header seen. */
interface Answer {
  status: number;
  json: unknown;
}

/** The receiver of notifyHook calls: every task POSTed to /hook, in order. */
const hooked: ClientTask[] = [];
let server: http.Server;

/** A client page: `api(path, {method, body, headers})` calls the studio with whatever it is given. */
const clientPage = (api: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Proxy client</title></head>
<body><h1>Proxy client</h1><div id="images"></div>
<script>
  window.API = ${JSON.stringify(api)};
  window.api = async (path, init = {}) => {
    const response = await fetch(window.API + path, {
      method: init.method ?? (init.body ? "POST" : "GET"),
      headers: { ...(init.body ? { "content-type": "application/json" } : {}), ...init.headers },
      body: init.body ? JSON.stringify(init.body) : undefined,
    });
    const text = await response.text();
    let json = null;
    try { json = JSON.parse(text); } catch {}
    return { status: response.status, json };
  };
  window.show = (src, name) => {
    const img = document.createElement("img");
    img.alt = name;
    img.src = src;
    document.getElementById("images").append(img);
  };
</script></body></html>`;

test.beforeAll(async ({ baseURL }) => {
  server = http.createServer((request, response) => {
    if (request.method === "POST" && request.url === "/hook") {
      let text = "";
      request.on("data", (chunk: Buffer) => (text += chunk.toString()));
      request.on("end", () => {
        hooked.push(JSON.parse(text) as ClientTask);
        response.writeHead(204).end();
      });
      return;
    }
    response.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(clientPage(baseURL!));
  });
  await new Promise<void>((resolve) => server.listen(clientPort, "127.0.0.1", resolve));
});

test.afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const call = (page: Page, path: string, init: { method?: string; body?: unknown; headers?: object } = {}) =>
  page.evaluate(
    ([path, init]) =>
      (window as unknown as { api: (p: string, i: object) => Promise<Answer> }).api(path, init),
    [path, init] as const,
  );

const TOKEN_FORMS = [
  { name: "Authorization: Bearer", headers: { authorization: `Bearer ${E2E_API_TOKEN}` } },
  { name: "raw Authorization (trueai)", headers: { authorization: E2E_API_TOKEN } },
  { name: "mj-api-secret (novicezk, lobe)", headers: { "mj-api-secret": E2E_API_TOKEN } },
];
const auth = TOKEN_FORMS[0]!.headers;

async function openClient(page: Page, origin = clientOrigin) {
  await page.goto(`${origin}/`);
  await expect(page.getByRole("heading", { name: "Proxy client" })).toBeVisible();
}

/** Polls fetch from the page, as the clients do, until the task has `status`. */
async function waitFor(page: Page, id: string, status: string, headers: object = auth): Promise<ClientTask> {
  let task: ClientTask | undefined;
  await expect
    .poll(
      async () =>
        (task = (await call(page, `/api/mj/task/${id}/fetch`, { headers })).json as ClientTask).status,
      {
        timeout: 60_000,
        intervals: [500],
      },
    )
    .toBe(status);
  return task!;
}

async function submit(page: Page, path: string, body: object, headers: object = auth): Promise<string> {
  const answer = await call(page, path, { body, headers });
  expect(answer.status, JSON.stringify(answer.json)).toBe(200);
  const envelope = answer.json as { code: number; result: string };
  expect([1, 22]).toContain(envelope.code);
  return envelope.result;
}

let grid: ClientTask;

test("each token form submits and polls from another origin; the images load in <img> with the password set", async ({
  page,
  baseURL,
}) => {
  await openClient(page);
  const ids: string[] = [];
  for (const form of TOKEN_FORMS) {
    ids.push(
      await submit(
        page,
        "/api/mj/submit/imagine",
        { prompt: `a lighthouse for ${form.name} --v 7`, notifyHook: `${clientOrigin}/hook` },
        form.headers,
      ),
    );
  }
  const done = [];
  for (const [i, id] of ids.entries()) done.push(await waitFor(page, id, "SUCCESS", TOKEN_FORMS[i]!.headers));
  grid = done[0]!;
  for (const task of done) {
    expect(task.displays?.status).toBe("SUCCESS");
    const url = new URL(task.imageUrl!);
    // Absolute, on the address the client called (no APP_URL here), and signed.
    expect(url.origin).toBe(new URL(baseURL!).origin);
    expect(url.searchParams.get("sig")).toBeTruthy();
    await page.evaluate(
      ([src, name]) => (window as unknown as { show: (s: string, n: string) => void }).show(src, name),
      [task.imageUrl!, `image of ${task.id}`] as const,
    );
    const img = page.getByRole("img", { name: `image of ${task.id}` });
    // Loaded (a broken image completes with no width), however long the first fetch takes under load.
    await expect
      .poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth), { timeout: 30_000 })
      .toBeGreaterThan(0);
    await expect(img).toBeVisible();
  }
  // The same file without its signature, and no session: the password still guards it.
  const bare = new URL(grid.imageUrl!);
  bare.search = "";
  expect((await page.request.get(bare.href)).status()).toBe(401);
});

test("the fast lane and Next answer a route alike: fetch and list-by-ids, direct and under a speed prefix", async ({
  page,
}) => {
  // /api/mj/... is answered past Next's router (lib/http/node-lane.ts); the speed-prefixed mirror
  // /api/mj-relax/mj/... is a catch-all route Next answers with the same handlers.
  const unsigned = (text: string) => text.replace(/([?&])(exp|sig)=[^&"]*/g, "$1");
  const pairs = [
    [`/api/mj/task/${grid.id}/fetch`, `/api/mj-relax/mj/task/${grid.id}/fetch`, undefined],
    ["/api/mj/task/list-by-ids", "/api/mj-relax/mj/task/list-by-ids", { ids: [grid.id, "1999999999999999"] }],
  ] as const;
  const headers = { authorization: `Bearer ${E2E_API_TOKEN}` };
  for (const [lanePath, nextPath, body] of pairs) {
    const ask = (path: string) =>
      body ? page.request.post(path, { headers, data: body }) : page.request.get(path, { headers });
    const [lane, next] = [await ask(lanePath), await ask(nextPath)];
    expect(lane.status()).toBe(200);
    expect(next.status()).toBe(200);
    expect(unsigned(await lane.text())).toBe(unsigned(await next.text()));
    expect(lane.headers()["content-type"]).toBe(next.headers()["content-type"]);
    expect(lane.headers()["x-content-type-options"]).toBe("nosniff");
    // The lane writes an answer in one piece with its length; Next streams it.
    expect(lane.headers()["content-length"]).toBe(String((await lane.body()).length));
    expect(next.headers()["transfer-encoding"]).toBe("chunked");
  }
});

test("the notifyHook receiver hears each task finish, with links the client can show", async () => {
  await expect
    .poll(() => hooked.filter((task) => task.status === "SUCCESS").map((task) => task.id), {
      timeout: 30_000,
    })
    .toContain(grid.id);
  const success = hooked.find((task) => task.id === grid.id && task.status === "SUCCESS")!;
  expect(new URL(success.imageUrl!).searchParams.get("sig")).toBeTruthy();
});

test("change and simple-change press the task's buttons: U2, V1 and reroll", async ({ page }) => {
  await openClient(page);
  const upscale = await submit(page, "/api/mj/submit/change", {
    taskId: grid.id,
    action: "UPSCALE",
    index: 2,
  });
  const vary = await submit(page, "/api/mj/submit/simple-change", { content: `${grid.id} V1` });
  const reroll = await submit(
    page,
    "/api/mj/submit/simple-change",
    { content: `${grid.id} R` },
    {
      "mj-api-secret": E2E_API_TOKEN,
    },
  );
  expect(await waitFor(page, upscale, "SUCCESS")).toMatchObject({ action: "UPSCALE", parentId: grid.id });
  expect(await waitFor(page, vary, "SUCCESS")).toMatchObject({ action: "VARIATION", parentId: grid.id });
  expect(await waitFor(page, reroll, "SUCCESS")).toMatchObject({ parentId: grid.id });

  const noButton = await call(page, "/api/mj/submit/simple-change", {
    body: { content: `${upscale} U1` },
    headers: auth,
  });
  expect(noButton.status).toBe(400);
  expect(noButton.json).toMatchObject({
    code: 4,
    result: null,
    description: expect.stringMatching(/no U1 button/),
  });

  const list = await call(page, "/api/mj/task/list", { headers: auth });
  expect(list.status).toBe(200);
  expect((list.json as ClientTask[]).map((task) => task.id)).toEqual(
    expect.arrayContaining([reroll, vary, upscale]),
  );
});

test("an unknown route, an unknown id and a wrong token answer JSON the client can read", async ({
  page,
}) => {
  await openClient(page);
  const route = await call(page, "/api/mj/submit/teleport", { body: { prompt: "x" }, headers: auth });
  expect(route).toEqual({
    status: 404,
    json: {
      error: { code: "not_found", message: expect.any(String) },
      code: 3,
      description: expect.any(String),
      result: null,
    },
  });
  const id = await call(page, "/api/mj/task/1999999999999999/fetch", { headers: auth });
  expect(id).toMatchObject({ status: 404, json: { code: 3, result: null } });
  const wrong = await call(page, "/api/mj/task/list", { headers: { "mj-api-secret": "not-the-token" } });
  expect(wrong).toMatchObject({ status: 401, json: { code: 9, error: { code: "unauthorized" } } });
});

test("CORS: the listed origin's preflight is answered without credentials; another origin is refused", async ({
  page,
  request,
}) => {
  const preflight = (origin: string) =>
    request.fetch("/api/mj/submit/imagine", {
      method: "OPTIONS",
      headers: {
        origin,
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type, mj-api-secret",
      },
    });
  const listed = await preflight(clientOrigin);
  expect(listed.status()).toBe(204);
  expect(listed.headers()["access-control-allow-origin"]).toBe(clientOrigin);
  expect(listed.headers()["access-control-allow-headers"]).toMatch(/mj-api-secret/i);
  expect(listed.headers()["access-control-allow-credentials"]).toBeUndefined();
  expect((await preflight("http://evil.example")).status()).toBe(403);

  // The same page under another name is another origin: the browser's own CORS check stops it.
  await openClient(page, `http://localhost:${clientPort}`);
  const blocked = await page.evaluate(async (headers) => {
    try {
      await (window as unknown as { api: (p: string, i: object) => Promise<unknown> }).api(
        "/api/mj/task/list",
        {
          headers,
        },
      );
      return "answered";
    } catch {
      return "blocked";
    }
  }, auth);
  expect(blocked).toBe("blocked");
});
