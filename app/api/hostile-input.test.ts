import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { testServer } from "@/lib/testing/server-env";

/**
 * Every `/api/*` route handler through hostile input: wrong types, huge and deeply nested JSON,
 * invalid UTF-8, null bytes, path traversal and URL-encoded ids, 10,000 ids, oversized and fake
 * images, 100,000-character prompts. Each must answer a 4xx in the one error shape, and the server
 * must answer a valid request right after. A new route is one line in ROUTES (a test fails until
 * it is there).
 */

// With a password set, the login route checks what it is sent (without one it answers 404 to all).
testServer({ APP_PASSWORD: "hostile-suite-password" });

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;
type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

interface RouteSpec {
  /** The route's folder under app/api. */
  path: string;
  load: () => Promise<unknown>;
  method: Method;
  /** Valid path parameters; each one is replaced by hostile values in turn. */
  params?: Record<string, string>;
  /** Whether the handler reads a JSON body: if so it gets every hostile body below. */
  body?: boolean;
  /** Hostile bodies or query strings only this route understands. */
  bodies?: unknown[];
  queries?: string[];
  /** The URL path under /api/ when it is not `path` (a route with dynamic segments in its folder). */
  url?: string;
  /** The handler's params from the (flat) params above, when they are not the same. */
  context?: (params: Record<string, string>) => Record<string, unknown>;
}

const ID = "1000000000000000";
const FOLDER = "00000000-0000-4000-8000-000000000000";
const CUSTOM_ID = "MJ::JOB::upsample::1::0b2a8f7d-1c1e-4c6a-9d1f-5f3e2a1b0c9d";
const HUGE_PROMPT = "a".repeat(100_000);
const TEN_THOUSAND_IDS = Array.from({ length: 10_000 }, (_, i) => String(1_700_000_000_000_000 + i));
const b64 = (text: string | Buffer) => Buffer.from(text).toString("base64");
const IMAGES = {
  textAsPng: `data:image/png;base64,${b64("just some text, renamed to .png")}`,
  htmlAsPng: `data:image/png;base64,${b64("<html><script>alert(1)</script></html>")}`,
  svgAsPng: `data:image/png;base64,${b64('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>')}`,
  svgDataUrl: `data:image/svg+xml;base64,${b64("<svg/>")}`,
  notBase64: "data:image/png;base64,@@@@not*base64@@@@",
  fileUrl: "file:///etc/passwd",
  oversized: `data:image/png;base64,iVBORw0KGgo${"A".repeat(14 * 1024 * 1024)}`,
};

const ROUTES: RouteSpec[] = [
  {
    path: "mj/submit/imagine",
    load: () => import("./mj/submit/imagine/route"),
    method: "POST",
    body: true,
    bodies: [
      { prompt: 42 },
      { prompt: null },
      { prompt: ["cat"] },
      { prompt: HUGE_PROMPT },
      { prompt: "cat\u0000--v 6" },
      { prompt: "cat", botType: { $ne: 1 } },
      { prompt: "cat", base64Array: "not-an-array" },
      { prompt: "cat", base64Array: Object.values(IMAGES).slice(0, 1) },
      ...Object.values(IMAGES).map((image) => ({ prompt: "cat", base64Array: [image] })),
      { prompt: "cat", base64Array: Array(10_000).fill(IMAGES.textAsPng) },
      { prompt: "cat", notifyHook: "javascript:alert(1)" },
      { prompt: "cat", state: HUGE_PROMPT },
    ],
  },
  {
    path: "mj/submit/describe",
    load: () => import("./mj/submit/describe/route"),
    method: "POST",
    body: true,
    bodies: [
      { base64: 42 },
      { link: ["x"] },
      { link: "ftp://example.com/a.png" },
      { base64: HUGE_PROMPT },
      ...Object.values(IMAGES).map((image) => ({ base64: image })),
    ],
  },
  {
    path: "mj/submit/blend",
    load: () => import("./mj/submit/blend/route"),
    method: "POST",
    body: true,
    bodies: [
      { base64Array: {} },
      { base64Array: Array(10_000).fill("https://example.com/a.png") },
      { base64Array: [IMAGES.htmlAsPng, IMAGES.svgAsPng] },
      { base64Array: [IMAGES.oversized, IMAGES.oversized] },
      { base64Array: ["https://example.com/a.png", "https://example.com/b.png"], dimensions: ["SQUARE"] },
    ],
  },
  {
    path: "mj/submit/action",
    load: () => import("./mj/submit/action/route"),
    method: "POST",
    body: true,
    bodies: [
      { taskId: 42, customId: CUSTOM_ID },
      { taskId: ID, customId: 42 },
      { taskId: ID, customId: HUGE_PROMPT },
      { taskId: "1".repeat(10_000), customId: CUSTOM_ID },
      { taskId: "../../etc/passwd", customId: CUSTOM_ID },
      { taskId: "%2e%2e%2f", customId: CUSTOM_ID },
      { taskId: `${ID}\u0000`, customId: CUSTOM_ID },
      { taskId: ID, customId: CUSTOM_ID, enableRemix: "yes" },
    ],
  },
  {
    path: "mj/submit/modal",
    load: () => import("./mj/submit/modal/route"),
    method: "POST",
    body: true,
    bodies: [
      { taskId: {} },
      { taskId: ID, prompt: HUGE_PROMPT },
      { taskId: ID, prompt: 42 },
      { taskId: ID, prompt: "zoom\u0000out" },
      ...Object.values(IMAGES).map((image) => ({ taskId: ID, maskBase64: image })),
      { taskId: "..%2F..%2Fsecret", prompt: "x" },
    ],
  },
  {
    path: "mj/submit/shorten",
    load: () => import("./mj/submit/shorten/route"),
    method: "POST",
    body: true,
    bodies: [
      { prompt: 42 },
      { prompt: null },
      { prompt: HUGE_PROMPT },
      { prompt: "cat\u0000--v 6" },
      { prompt: "cat", botType: "DALLE" },
      { prompt: "cat", state: HUGE_PROMPT },
    ],
  },
  {
    path: "mj/submit/video",
    load: () => import("./mj/submit/video/route"),
    method: "POST",
    body: true,
    bodies: [
      {},
      { image: 42 },
      { prompt: HUGE_PROMPT, image: "https://example.com/a.png" },
      { prompt: "waves\u0000--motion high", image: "https://example.com/a.png" },
      ...Object.values(IMAGES).map((image) => ({ image })),
      ...Object.values(IMAGES).map((image) => ({ image: "https://example.com/a.png", endImage: image })),
      { image: "https://example.com/a.png", loop: "yes" },
      { image: "https://example.com/a.png", motion: "warp" },
      { image: "https://example.com/a.png", batchSize: 3 },
      { image: "https://example.com/a.png", videoType: "../../etc/passwd" },
      { image: "https://example.com/a.png", sourceTaskId: "../../etc/passwd" },
      { image: "https://example.com/a.png", taskId: ID },
      { action: "extend" },
      { action: "extend", taskId: ID, index: 9 },
      { action: "extend", taskId: "%2e%2e%2f", index: 0 },
      { action: "upscale", taskId: ID, index: 0 },
      { prompt: "ftp://example.com/a.png waves" },
    ],
  },
  ...(["edits", "edit", "retexture"] as const).map((kind): RouteSpec => ({
    path: `mj/submit/${kind}`,
    load: () => import(`./mj/submit/${kind}/route`),
    method: "POST",
    body: true,
    bodies: [
      {},
      { prompt: "a red boat" },
      { image: "https://example.com/a.png" },
      { prompt: "", image: "https://example.com/a.png" },
      { prompt: HUGE_PROMPT, image: "https://example.com/a.png" },
      { prompt: 42, image: "https://example.com/a.png" },
      ...Object.values(IMAGES).map((image) => ({ prompt: "a red boat", image })),
      { prompt: "a red boat", image: ["https://example.com/a.png"] },
      { prompt: "a red boat", image: "https://example.com/a.png", sourceTaskId: "../../etc/passwd" },
      { prompt: "a red boat", image: "https://example.com/a.png", notifyHook: "javascript:alert(1)" },
    ],
  })),
  {
    path: "mj/submit/upload-discord-images",
    load: () => import("./mj/submit/upload-discord-images/route"),
    method: "POST",
    body: true,
    bodies: [
      { base64Array: [] },
      { base64Array: "not-an-array" },
      { base64Array: [42] },
      ...Object.values(IMAGES).map((image) => ({ base64Array: [image] })),
      { base64Array: Array(10_000).fill(IMAGES.textAsPng) },
      { base64Array: Array(6).fill(IMAGES.oversized) },
    ],
  },
  {
    path: "mj/submit/change",
    load: () => import("./mj/submit/change/route"),
    method: "POST",
    body: true,
    bodies: [
      { taskId: ID, action: "UPSCALE" },
      { taskId: ID, action: "UPSCALE", index: 0 },
      { taskId: ID, action: "UPSCALE", index: 1.5 },
      { taskId: ID, action: "UPSCALE", index: "1" },
      { taskId: ID, action: "FLY", index: 1 },
      { taskId: "../../etc/passwd", action: "REROLL" },
      { taskId: ID, action: "REROLL", notifyHook: "file:///etc/passwd" },
      // Well-formed, but no such task: a 404 in the same shape.
      { taskId: ID, action: "REROLL" },
    ],
  },
  {
    path: "mj/submit/simple-change",
    load: () => import("./mj/submit/simple-change/route"),
    method: "POST",
    body: true,
    bodies: [
      { content: "" },
      { content: `${ID} U0` },
      { content: `${ID} U1 ${HUGE_PROMPT}` },
      { content: `../../etc U1` },
      { content: `${ID}\u0000 U1` },
      { content: ["a"] },
      { content: `${ID} V2` },
    ],
  },
  // Takes no input: a junk query is ignored, and it must still answer.
  { path: "mj/task/list", load: () => import("./mj/task/list/route"), method: "GET" },
  {
    path: "mj/[...rest]",
    load: () => import("./mj/[...rest]/route"),
    method: "GET",
    url: "mj/no/such/route",
    params: { rest: "no" },
    context: ({ rest = "" }) => ({ rest: [rest, "such", "route"] }),
  },
  {
    path: "mj/task/[id]/fetch",
    load: () => import("./mj/task/[id]/fetch/route"),
    method: "GET",
    params: { id: ID },
  },
  {
    path: "mj/task/[id]/image-seed",
    load: () => import("./mj/task/[id]/image-seed/route"),
    method: "GET",
    params: { id: ID },
  },
  {
    path: "mj/task/[id]/cancel",
    load: () => import("./mj/task/[id]/cancel/route"),
    method: "POST",
    params: { id: ID },
  },
  {
    path: "mj/task/list-by-ids",
    load: () => import("./mj/task/list-by-ids/route"),
    method: "POST",
    body: true,
    bodies: [
      {},
      { ids: TEN_THOUSAND_IDS },
      { ids: "1,2,3" },
      { ids: [1, 2, 3] },
      { ids: [null] },
      { ids: [{ $gt: "" }] },
      { ids: ["../../etc/passwd"] },
      { ids: ["%2e%2e%2f"] },
      { ids: [`${ID}\u0000`] },
      { ids: ["x".repeat(10_000)] },
    ],
  },
  {
    path: "mj/task/list-by-condition",
    load: () => import("./mj/task/list-by-condition/route"),
    method: "POST",
    body: true,
    bodies: [{ ids: TEN_THOUSAND_IDS }, { ids: 5 }, { ids: [{}] }, { ids: ["a/b"] }],
  },
  {
    path: "tasks",
    load: () => import("./tasks/route"),
    method: "GET",
    queries: [
      "?limit=-1",
      "?limit=1e9",
      "?limit=NaN",
      `?limit=${"9".repeat(10_000)}`,
      `?cursor=${"A".repeat(10_000)}`,
      "?cursor=%00%00",
      "?cursor=..%2F..%2Fetc%2Fpasswd",
      "?cursor=eyJpZCI6MX0",
    ],
  },
  {
    path: "tasks",
    load: () => import("./tasks/route"),
    method: "GET",
    queries: [
      `?q=${"a".repeat(10_000)}`,
      "?action=%00",
      `?action=${"IMAGINE,".repeat(1_000)}`,
      "?status=../../etc",
      "?status=NOPE",
      "?status=SUCCESS,NOPE",
      "?action=NOPE",
      "?action=imagine,FLY_TO_THE_MOON",
      "?favorite=maybe",
      "?from=yesterday",
      "?to=-1e999",
      "?from=2026-02-30",
      "?from=2026-03-02&to=2026-03-01",
      "?sort=random",
      "?media=audio",
      "?media=video,image",
      `?media=${"video".repeat(2_000)}`,
      "?hidden=maybe",
      "?model=gpt",
      `?model=${"v7,".repeat(1_000)}`,
      "?aspect=wide",
      "?aspect=16:9;DROP",
      "?speed=warp",
      "?sref=yes",
      "?folder=../../etc",
      `?folder=${"a".repeat(10_000)}`,
      "?folder=%00",
    ],
  },
  {
    path: "tasks",
    load: () => import("./tasks/route"),
    method: "PATCH",
    body: true,
    bodies: [
      { ids: TEN_THOUSAND_IDS, favorite: true },
      { ids: [], favorite: true },
      { ids: ["../../etc/passwd"], favorite: true },
      { ids: [ID], favorite: "yes" },
      { ids: [ID] },
      { ids: [ID], hidden: "yes" },
      { ids: [ID], hidden: null },
      { ids: TEN_THOUSAND_IDS, hidden: true },
    ],
  },
  { path: "folders", load: () => import("./folders/route"), method: "GET" },
  {
    path: "folders",
    load: () => import("./folders/route"),
    method: "POST",
    body: true,
    bodies: [{ name: "" }, { name: "   " }, { name: "a".repeat(81) }, { name: 5 }, { name: null }, {}],
  },
  {
    path: "folders/[id]",
    load: () => import("./folders/[id]/route"),
    method: "PATCH",
    params: { id: FOLDER },
    body: true,
    bodies: [{ name: "" }, { name: "a".repeat(10_000) }, { name: ["x"] }],
  },
  {
    path: "folders/[id]",
    load: () => import("./folders/[id]/route"),
    method: "DELETE",
    params: { id: FOLDER },
  },
  {
    path: "folders/[id]/tasks",
    load: () => import("./folders/[id]/tasks/route"),
    method: "POST",
    params: { id: FOLDER },
    body: true,
    bodies: [
      { ids: TEN_THOUSAND_IDS },
      { ids: [] },
      { ids: ["a/b"] },
      { ids: [ID], from: "../x" },
      { ids: [ID], from: 5 },
    ],
  },
  {
    path: "folders/[id]/tasks/remove",
    load: () => import("./folders/[id]/tasks/remove/route"),
    method: "POST",
    params: { id: FOLDER },
    body: true,
    bodies: [{ ids: TEN_THOUSAND_IDS }, { ids: [] }, { ids: "a,b" }],
  },
  { path: "smart-folders", load: () => import("./smart-folders/route"), method: "GET" },
  {
    path: "smart-folders",
    load: () => import("./smart-folders/route"),
    method: "POST",
    body: true,
    bodies: [
      { name: "x", search: "status=nope" },
      { name: "x", search: "media=audio" },
      { name: "x", search: "cursor=abc" },
      { name: "x", search: "q=a&q=b" },
      { name: "x", search: "bogus=1" },
      { name: "x", search: `q=${"a".repeat(10_000)}` },
      { name: "", search: "" },
      { name: "x" },
    ],
  },
  {
    path: "smart-folders/[id]",
    load: () => import("./smart-folders/[id]/route"),
    method: "PATCH",
    params: { id: FOLDER },
    body: true,
    bodies: [{}, { search: "from=yesterday" }, { name: "a".repeat(81) }],
  },
  {
    path: "smart-folders/[id]",
    load: () => import("./smart-folders/[id]/route"),
    method: "DELETE",
    params: { id: FOLDER },
  },
  { path: "tasks/[id]", load: () => import("./tasks/[id]/route"), method: "GET", params: { id: ID } },
  {
    path: "tasks/[id]",
    load: () => import("./tasks/[id]/route"),
    method: "PATCH",
    params: { id: ID },
    body: true,
    bodies: [{ favorite: "yes" }, { favorite: null }, { favorite: 1 }],
  },
  { path: "tasks/[id]", load: () => import("./tasks/[id]/route"), method: "DELETE", params: { id: ID } },
  {
    path: "tasks/delete",
    load: () => import("./tasks/delete/route"),
    method: "POST",
    body: true,
    bodies: [{ ids: TEN_THOUSAND_IDS }, { ids: "1,2" }, { ids: [null] }, { ids: ["a/b"] }],
  },
  {
    path: "tasks/import",
    load: () => import("./tasks/import/route"),
    method: "POST",
    body: true,
    bodies: [{ ids: TEN_THOUSAND_IDS }, { ids: [] }, { ids: ["%2e%2e%2f"] }],
  },
  {
    path: "tasks/download",
    load: () => import("./tasks/download/route"),
    method: "GET",
    queries: ["", "?ids=", `?ids=${TEN_THOUSAND_IDS.join(",")}`, "?ids=../../etc/passwd", "?ids=%00"],
  },
  {
    path: "tasks/export",
    load: () => import("./tasks/export/route"),
    method: "GET",
    queries: [`?ids=${TEN_THOUSAND_IDS.join(",")}`, "?ids=../../etc/passwd", "?ids=%00"],
  },
  // Not a zip: every hostile body is refused (wrong type, not an archive, too large).
  {
    path: "tasks/import-archive",
    load: () => import("./tasks/import-archive/route"),
    method: "POST",
    body: true,
  },
  {
    path: "inputs/[name]",
    load: () => import("./inputs/[name]/route"),
    method: "GET",
    params: { name: `${"a".repeat(64)}.png` },
  },
  {
    path: "auth/login",
    load: () => import("./auth/login/route"),
    method: "POST",
    body: true,
    bodies: [{ password: 5 }, { password: null }, { password: "x".repeat(100_000) }, { password: ["a"] }],
  },
  // Takes no input at all.
  { path: "auth/logout", load: () => import("./auth/logout/route"), method: "POST" },
  {
    path: "media/[taskId]/[slot]",
    load: () => import("./media/[taskId]/[slot]/route"),
    method: "GET",
    params: { taskId: ID, slot: "image" },
  },
  // No input at all: still must shrug off a junk query.
  { path: "health", load: () => import("./health/route"), method: "GET" },
  // The event stream takes no input either (app/api/task-events.test.ts reads it).
  { path: "tasks/events", load: () => import("./tasks/events/route"), method: "GET" },
];

/**
 * The speed-prefixed mirror (app/api/[speed]/mj/[...path]) of every /api/mj route, with that route's
 * hostile bodies and ids, and hostile speed segments besides.
 */
ROUTES.push(
  // The catch-all has no mirror entry: the mirror answers unknown paths itself (app/api/drop-in.test.ts).
  ...ROUTES.filter((route) => route.path.startsWith("mj/") && route.path !== "mj/[...rest]").map(
    (route): RouteSpec => {
      const rest = route.path.slice("mj/".length).split("/");
      return {
        ...route,
        path: "[speed]/mj/[...path]",
        load: () => import("./[speed]/mj/[...path]/route"),
        url: `mj-relax/mj/${rest.join("/").replace("[id]", ID)}`,
        params: { speed: "mj-relax", ...route.params },
        context: ({ speed = "", id = "" }) => ({
          speed,
          path: rest.map((part) => (part === "[id]" ? id : part)),
        }),
      };
    },
  ),
);

/** Bodies no route should accept. */
const HOSTILE_BODIES: { name: string; body: () => string | Uint8Array<ArrayBuffer> }[] = [
  { name: "malformed JSON", body: () => '{"prompt": "cat",' },
  { name: "empty body", body: () => "" },
  { name: "JSON null", body: () => "null" },
  { name: "a JSON string", body: () => '"cat"' },
  { name: "a JSON number", body: () => "42" },
  { name: "a JSON array", body: () => "[1, 2, 3]" },
  { name: "JSON with a trailing NUL", body: () => '{"prompt":"cat"}\u0000' },
  {
    name: "invalid UTF-8",
    body: () => new Uint8Array([0x7b, 0x22, 0x61, 0xc3, 0x28, 0xff, 0xfe, 0x22, 0x7d]),
  },
  { name: "deeply nested JSON", body: () => "[".repeat(200_000) + "]".repeat(200_000) },
  {
    // In every field a route reads, so no route can ignore it as an unknown key.
    name: "deeply nested objects",
    body: () => {
      const nested = '{"a":'.repeat(20_000) + "1" + "}".repeat(20_000);
      const fields = ["prompt", "ids", "taskId", "customId", "base64", "base64Array"];
      return `{${fields.map((field) => `"${field}":${nested}`).join(",")}}`;
    },
  },
  { name: "a 41 MB body", body: () => `{"prompt":"${"x".repeat(41 * 1024 * 1024)}"}` },
];

/** Path parameters no route should accept. */
const HOSTILE_PARAMS = [
  "",
  "../../etc/passwd",
  "..%2F..%2Fetc%2Fpasswd",
  "%2e%2e%2f%2e%2e%2f",
  "..\\..\\windows",
  `${ID}\u0000`,
  "\u0000",
  "1".repeat(10_000),
  "' OR 1=1 --",
  "<script>alert(1)</script>",
  "１２３",
  "\ud800",
  "%",
];

const JUNK_QUERY = `?limit=${"9".repeat(5_000)}&cursor=%00&__proto__[x]=1&ids=${"1,".repeat(5_000)}`;

async function handlerOf(route: RouteSpec): Promise<Handler> {
  const exports = (await route.load()) as Record<string, Handler | undefined>;
  const handler = exports[route.method];
  if (!handler) throw new Error(`${route.path} exports no ${route.method}`);
  return handler;
}

/** A signed-in session, so the hostile input reaches each handler's own checks, not the 401. */
let sessionCookie: Promise<string> | undefined;
function signIn(): Promise<string> {
  sessionCookie ??= (async () => {
    const { POST } = await import("./auth/login/route");
    const response = await POST(
      new Request("http://localhost/api/auth/login", {
        method: "POST",
        body: JSON.stringify({ password: process.env.APP_PASSWORD }),
      }),
    );
    return (response.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  })();
  return sessionCookie;
}

async function send(
  route: RouteSpec,
  init: { body?: string | Uint8Array<ArrayBuffer>; params?: Record<string, string>; query?: string } = {},
): Promise<Response> {
  const handler = await handlerOf(route);
  const cookie = await signIn();
  const request = new Request(`http://localhost/api/${route.url ?? route.path}${init.query ?? ""}`, {
    method: route.method,
    body: init.body,
    headers: { cookie, ...(init.body === undefined ? {} : { "content-type": "application/json" }) },
  });
  const params = init.params ?? route.params ?? {};
  return handler(request, {
    params: Promise.resolve((route.context?.(params) ?? params) as Record<string, string>),
  });
}

/**
 * A 4xx whose body is exactly `{"error": {"code", "message"}}`, with a message a person can read;
 * under /api/mj/* with the protocol's fields beside it (`code`, `description`, `result: null`).
 */
async function expectRefusal(response: Response, route: RouteSpec): Promise<void> {
  const text = await response.text();
  expect(response.status, text.slice(0, 300)).toBeGreaterThanOrEqual(400);
  expect(response.status, text.slice(0, 300)).toBeLessThan(500);
  expect(response.headers.get("content-type")).toMatch(/^application\/json/);
  const json = JSON.parse(text) as { error: { code: unknown; message: unknown } };
  if (/^(mj|\[speed\])\//.test(route.path)) {
    expect(Object.keys(json).sort()).toEqual(["code", "description", "error", "result"]);
    expect(json).toMatchObject({ code: expect.any(Number), description: json.error.message, result: null });
  } else {
    expect(Object.keys(json)).toEqual(["error"]);
  }
  expect(Object.keys(json.error).sort()).toEqual(["code", "message"]);
  expect(json.error.code).toMatch(/^[a-z_]+$/);
  expect(typeof json.error.message).toBe("string");
  expect((json.error.message as string).length).toBeGreaterThan(0);
  expect((json.error.message as string).length).toBeLessThan(500);
}

/** The server still answers a valid request after the hostile one. */
async function expectStillServing(): Promise<void> {
  const health = await send(ROUTES.find((r) => r.path === "health")!);
  expect(health.status).toBe(200);
  const history = await send(
    ROUTES.find((r) => r.path === "tasks")!,
    { query: "?limit=1" },
  );
  expect(history.status).toBe(200);
}

describe("hostile input against every /api route", () => {
  it("the table covers every route handler under app/api", () => {
    const found = (readdirSync(import.meta.dirname, { recursive: true }) as string[])
      .filter((file) => path.basename(file) === "route.ts")
      .map((file) => path.dirname(file).split(path.sep).join("/"))
      .sort();
    expect([...new Set(ROUTES.map((r) => r.path))].sort()).toEqual(found);
  });

  const bodyCases = ROUTES.filter((r) => r.body).flatMap((route) => [
    ...HOSTILE_BODIES.map((c) => ({ label: `${route.url ?? route.path} ← ${c.name}`, route, body: c.body })),
    ...(route.bodies ?? []).map((value, i) => ({
      label: `${route.url ?? route.path} ← case ${i + 1}: ${JSON.stringify(value).slice(0, 80)}`,
      route,
      body: () => JSON.stringify(value),
    })),
  ]);

  it.each(bodyCases)("$label", async ({ route, body }) => {
    await expectRefusal(await send(route, { body: body() }), route);
    await expectStillServing();
  });

  const paramCases = ROUTES.filter((r) => r.params).flatMap((route) =>
    Object.keys(route.params!).flatMap((name) =>
      HOSTILE_PARAMS.map((value) => ({
        label: `${route.url ?? route.path} [${name}] = ${JSON.stringify(value).slice(0, 40)}`,
        route,
        params: { ...route.params, [name]: value },
      })),
    ),
  );

  it.each(paramCases)("$label", async ({ route, params }) => {
    await expectRefusal(await send(route, { params }), route);
    await expectStillServing();
  });

  const queryCases = ROUTES.flatMap((route) =>
    (route.queries ?? []).map((query) => ({
      label: `${route.url ?? route.path}${query.slice(0, 60)}`,
      route,
      query,
    })),
  );

  it.each(queryCases)("$label", async ({ route, query }) => {
    await expectRefusal(await send(route, { query }), route);
    await expectStillServing();
  });

  it("routes without inputs ignore a junk query and still answer", async () => {
    const health = await send(
      ROUTES.find((r) => r.path === "health")!,
      { query: JUNK_QUERY },
    );
    expect(health.status).toBe(200);
  });
});
