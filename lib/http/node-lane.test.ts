import { once } from "node:events";
import http from "node:http";
import { inspect } from "node:util";
import type { AddressInfo, Socket } from "node:net";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { bytesAnswer } from "./lane-answer";
import { createLane, laneRoute, type LaneRegistry, type RouteModule } from "./node-lane";
import { readJson } from "./route";

/**
 * The fast lane on a real Node server: what it claims and what it leaves to Next (here a stub
 * answering 299), the Request a handler gets, and the answer the client reads.
 */

const seen: { url?: string; params?: unknown; headers?: Headers; aborted?: boolean; bodyless?: boolean } = {};
let abortSeen: Promise<void> = Promise.resolve();
let cancelSeen: Promise<void> = Promise.resolve();
let sawFirst = () => {};
const firstSeen = new Promise<void>((resolve) => (sawFirst = resolve));
let leave = () => {};
const leftEarly = new Promise<void>((resolve) => (leave = resolve));
let lateSignal: (aborted: boolean) => void = () => {};
const lateSignalSeen = new Promise<boolean>((resolve) => (lateSignal = resolve));

const echo: RouteModule = {
  GET: async (request: Request, context: { params: Promise<unknown> }) => {
    seen.url = request.url;
    seen.params = await context.params;
    seen.headers = request.headers;
    const headers = new Headers({ "content-type": "application/json", "cache-control": "no-transform" });
    headers.append("set-cookie", "a=1; Path=/");
    headers.append("set-cookie", "b=2; Path=/");
    const body = JSON.stringify({ ok: true });
    headers.set("content-length", String(Buffer.byteLength(body)));
    return new Response(body, { headers });
  },
};

const listOf = (length: number) => ({
  items: Array.from({ length }, (_, i) => ({ id: `task-${i}`, status: "SUCCESS" })),
});
/** A feed page's size (gzipped on the event loop) and a long list's (gzipped in libuv's pool). */
const MEDIUM = listOf(600);
const BIG = listOf(3000);
const PICTURE = Buffer.alloc(4096, 7);

const routes = [
  { pattern: "/api/echo/[id]/[slot]", module: echo },
  ...Object.entries({ "/api/medium": MEDIUM, "/api/big": BIG }).map(([pattern, value]) => ({
    pattern,
    module: {
      GET: async () => {
        const body = JSON.stringify(value);
        return new Response(body, {
          headers: { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) },
        });
      },
    },
  })),
  {
    // Bytes in hand (a JSON answer, a thumbnail from memory): made for the lane without a stream.
    pattern: "/api/bytes/[kind]",
    module: {
      GET: async (request: Request, context: { params: Promise<{ kind: string }> }) => {
        const { kind } = await context.params;
        const json = kind === "json";
        const bytes = json ? Buffer.from(JSON.stringify(MEDIUM)) : PICTURE;
        const answer = bytesAnswer(request, bytes, {
          status: json ? 200 : 206,
          headers: {
            "content-type": json ? "application/json" : "image/webp",
            "content-length": String(bytes.byteLength),
          },
        });
        seen.bodyless = answer.body === null;
        return answer;
      },
      HEAD: async (request: Request) => {
        const answer = bytesAnswer(request, PICTURE, { headers: { "content-length": "4096" } });
        seen.bodyless = answer.body === null;
        return answer;
      },
    },
  },
  {
    pattern: "/api/body",
    module: {
      POST: async (request: Request) => {
        try {
          const body = await readJson(request, z.object({ text: z.string() }), 1024);
          return Response.json({ length: body.text.length });
        } catch (error) {
          return Response.json({ error: String(error) }, { status: 413 });
        }
      },
    },
  },
  {
    // Handlers reaching past the members the lane's light request holds, as a future route might.
    pattern: "/api/whole",
    module: {
      GET: async (request: Request) => {
        const copy = request.clone();
        return Response.json({
          isRequest: request instanceof Request,
          tag: Object.prototype.toString.call(request),
          itself: request.valueOf() === request,
          cache: request.cache,
          copied: copy.url === request.url && copy.headers.get("x-one") === "1",
          used: request.bodyUsed,
          inspected: inspect(request).includes("/api/whole"),
        });
      },
      POST: async (request: Request) => {
        const copy = request.clone();
        const body = await readJson(request, z.object({ a: z.number() }));
        return Response.json({ body, used: request.bodyUsed, copied: await copy.json() });
      },
    },
  },
  {
    // Asks for its signal only after the client is gone: it must already say so.
    pattern: "/api/late-signal",
    module: {
      GET: async (request: Request) => {
        await leftEarly;
        lateSignal(request.signal.aborted);
        return new Response(null, { status: 204 });
      },
    },
  },
  {
    pattern: "/api/stream",
    module: {
      GET: async (request: Request) => {
        let tick = 0;
        abortSeen = new Promise((resolve) => request.signal.addEventListener("abort", () => resolve()));
        let cancelled = () => {};
        cancelSeen = new Promise((resolve) => (cancelled = resolve));
        const body = new ReadableStream<Uint8Array>({
          cancel: () => cancelled(),
          async pull(controller) {
            if (request.url.includes("forever")) await new Promise((resolve) => setTimeout(resolve, 5));
            else if (tick === 3) return controller.close();
            controller.enqueue(new Uint8Array(1000).fill(65 + (tick++ % 26)));
          },
        });
        return new Response(body, { headers: { "content-type": "application/octet-stream" } });
      },
      HEAD: async () => new Response(null, { headers: { "content-length": "3000" } }),
    },
  },
  {
    // An event stream's shape: a first chunk at once, the next only when the client has seen it.
    pattern: "/api/trickle",
    module: {
      GET: async () =>
        new Response(
          new ReadableStream<Uint8Array>({
            async start(controller) {
              controller.enqueue(new TextEncoder().encode("first\n"));
              await firstSeen;
              controller.enqueue(new TextEncoder().encode("second\n"));
              controller.close();
            },
          }),
          { headers: { "content-type": "text/event-stream" } },
        ),
    },
  },
  {
    // Says 5 bytes and streams 12: a handler's mistake, which must not reach the connection.
    pattern: "/api/overlong",
    module: {
      GET: async () =>
        new Response(
          new ReadableStream<Uint8Array>({
            start(controller) {
              controller.enqueue(new TextEncoder().encode("abcdef"));
              controller.enqueue(new TextEncoder().encode("ghijkl"));
              controller.close();
            },
          }),
          { headers: { "content-length": "5", "content-disposition": "attachment" } },
        ),
    },
  },
  {
    pattern: "/api/failing-source",
    module: {
      GET: async () =>
        new Response(
          new ReadableStream<Uint8Array>({
            pull() {
              throw new Error("the disk went away");
            },
          }),
          { headers: { "content-type": "image/png", "content-disposition": "attachment" } },
        ),
    },
  },
  {
    pattern: "/api/broken",
    module: {
      GET: async () => {
        throw new Error("a bug");
      },
    },
  },
] satisfies { pattern: string; module: RouteModule }[];

let server: http.Server;
let base = "";

beforeAll(async () => {
  // A registry of the test's own, not the process-wide one the app's routes join.
  const registry: LaneRegistry = new Map();
  for (const { pattern, module } of routes) laneRoute(pattern, module, registry);
  const lane = createLane(registry);
  server = http.createServer((request, response) => {
    if (lane(request, response)) return;
    response.statusCode = 299;
    response.end("next");
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** A raw request, so neither fetch nor the test decides what is sent or decoded. */
function raw(
  path: string,
  options: http.RequestOptions & { body?: string } = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const request = http.request(`${base}${path}`, options, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () =>
        resolve({ status: response.statusCode!, headers: response.headers, body: Buffer.concat(chunks) }),
      );
    });
    request.on("error", reject);
    request.end(options.body);
  });
}

describe("the fast lane", () => {
  it("takes a listed route and method, with decoded params and the whole URL", async () => {
    const answer = await raw("/api/echo/a%20b/grid?v=2", { headers: { "x-two": ["1", "2"] } });
    expect(answer.status).toBe(200);
    expect(seen.params).toEqual({ id: "a b", slot: "grid" });
    expect(seen.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/echo\/a%20b\/grid\?v=2$/);
    expect(seen.headers?.get("x-two")).toBe("1, 2");
    await raw("/api/echo/a/b", { headers: { "x-forwarded-proto": "https" } });
    expect(seen.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/api\/echo\/a\/b$/);
    expect(answer.headers["set-cookie"]).toEqual(["a=1; Path=/", "b=2; Path=/"]);
    // One write with its length, not a chunked answer.
    expect(answer.headers["content-length"]).toBe(String(answer.body.length));
    expect(answer.headers["transfer-encoding"]).toBeUndefined();
  });

  it.each([
    ["an unlisted path", "GET", "/api/other"],
    ["a method the route does not export", "POST", "/api/echo/a/grid"],
    ["a trailing slash", "GET", "/api/echo/a/grid/"],
    ["an empty segment", "GET", "/api/echo//grid"],
    ["a segment too many", "GET", "/api/echo/a/grid/more"],
    ["a param that is not valid percent-encoding", "GET", "/api/echo/%E0%A4%A/grid"],
    ["a page", "GET", "/"],
    ["dot segments URL would resolve", "GET", "/api/echo/%2e%2e/grid"],
  ])("leaves %s to Next", async (_, method, path) => {
    expect((await raw(path, { method })).status).toBe(299);
  });

  it.each([
    // A Host that would make the URL's path a signed media link's, apart from the route matched.
    ["a path", "h/api/media/1/grid?exp=1&sig=x#"],
    ["a query", "localhost?x="],
    ["a fragment", "localhost#"],
  ])("leaves a Host carrying %s to Next", async (_, host) => {
    expect((await raw("/api/echo/a/b", { headers: { host } })).status).toBe(299);
  });

  it("sends a stream chunked whatever length it declared, so a wrong one cannot reach the connection", async () => {
    const answer = await raw("/api/overlong");
    expect(answer.status).toBe(200);
    expect(answer.headers["content-length"]).toBeUndefined();
    expect(answer.headers["transfer-encoding"]).toBe("chunked");
    expect(answer.body.toString()).toBe("abcdefghijkl");
  });

  it("answers a source that fails before its first byte with a 500 in the one error shape", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const answer = await raw("/api/failing-source");
    expect(answer.status).toBe(500);
    expect(answer.headers["content-type"]).toBe("application/json");
    expect(answer.headers["content-disposition"]).toBeUndefined();
    logged.mockRestore();
  });

  it("writes bytes a handler had in hand in one answer, with no web stream made for them", async () => {
    const picture = await raw("/api/bytes/picture", { headers: { "accept-encoding": "gzip" } });
    expect(seen.bodyless).toBe(true);
    expect(picture.status).toBe(206);
    expect(picture.headers["content-length"]).toBe("4096");
    expect(picture.headers["content-encoding"]).toBeUndefined();
    expect(picture.body.equals(PICTURE)).toBe(true);

    // JSON is gzipped as any answer is, for a client that accepts it.
    const json = await raw("/api/bytes/json", { headers: { "accept-encoding": "gzip" } });
    expect(seen.bodyless).toBe(true);
    expect(json.headers["content-encoding"]).toBe("gzip");
    expect(json.headers["content-length"]).toBe(String(json.body.length));
    expect(JSON.parse(gunzipSync(json.body).toString())).toEqual(MEDIUM);

    const head = await raw("/api/bytes/picture", { method: "HEAD" });
    expect(seen.bodyless).toBe(true);
    expect(head.headers["content-length"]).toBe("4096");
    expect(head.body.length).toBe(0);
  });

  it("answers bytes as a plain Response to a request the lane did not take", async () => {
    const request = new Request(`${base}/api/bytes/picture`);
    const answer = bytesAnswer(request, PICTURE, { status: 200, headers: { "content-type": "image/webp" } });
    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-type")).toBe("image/webp");
    expect(Buffer.from(await answer.arrayBuffer()).equals(PICTURE)).toBe(true);
  });

  it("refuses a catch-all route", () => {
    expect(() => laneRoute("/api/mj/[...rest]", echo, new Map())).toThrow(/catch-all/);
  });

  it.each([
    ["/api/medium", MEDIUM],
    ["/api/big", BIG],
  ])("gzips a large JSON answer (%s) for a client that accepts it, and only then", async (path, value) => {
    const packed = await raw(path, { headers: { "accept-encoding": "gzip, br" } });
    expect(packed.headers["content-encoding"]).toBe("gzip");
    expect(packed.headers.vary).toBe("Accept-Encoding");
    expect(packed.headers["content-length"]).toBe(String(packed.body.length));
    expect(JSON.parse(gunzipSync(packed.body).toString())).toEqual(value);

    const plain = await raw(path, { headers: { "accept-encoding": "identity" } });
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.headers["content-length"]).toBe(String(plain.body.length));
    expect(JSON.parse(plain.body.toString())).toEqual(value);
  });

  it("leaves a no-transform answer as it is", async () => {
    const answer = await raw("/api/echo/a/b", { headers: { "accept-encoding": "gzip" } });
    expect(answer.headers["content-encoding"]).toBeUndefined();
    expect(JSON.parse(answer.body.toString())).toEqual({ ok: true });
  });

  it("streams a request body to the handler, which may stop reading at its limit", async () => {
    const fits = JSON.stringify({ text: "x".repeat(1000) });
    const ok = await raw("/api/body", { method: "POST", body: fits });
    expect(JSON.parse(ok.body.toString())).toEqual({ length: 1000 });

    // Sent without a declared length, so only reading tells the handler it is too big.
    const over = JSON.stringify({ text: "x".repeat(5000) });
    const refused = await raw("/api/body", {
      method: "POST",
      headers: { "transfer-encoding": "chunked" },
      body: over,
    });
    expect(refused.status).toBe(413);
    expect(refused.body.toString()).toMatch(/larger than/);
  });

  it("writes a streamed answer chunk by chunk, all of it", async () => {
    const answer = await raw("/api/stream");
    expect(answer.headers["transfer-encoding"]).toBe("chunked");
    expect(answer.body.length).toBe(3000);
    expect(answer.body.subarray(2000, 2001).toString()).toBe("C");
  });

  it("sends a stream's first chunk before the source has more", async () => {
    const request = http.get(`${base}/api/trickle`);
    const [response] = (await once(request, "response")) as [http.IncomingMessage];
    const [first] = (await once(response, "data")) as [Buffer];
    expect(first.toString()).toBe("first\n");
    sawFirst();
    const [second] = (await once(response, "data")) as [Buffer];
    expect(second.toString()).toBe("second\n");
  });

  it("answers HEAD with the handler's headers and no body", async () => {
    const answer = await raw("/api/stream", { method: "HEAD" });
    expect(answer.status).toBe(200);
    expect(answer.headers["content-length"]).toBe("3000");
    expect(answer.body.length).toBe(0);
  });

  it("aborts the handler's signal and cancels its stream when the client leaves mid-answer", async () => {
    const request = http.get(`${base}/api/stream?forever`);
    const [response] = (await once(request, "response")) as [http.IncomingMessage];
    await once(response, "data");
    request.destroy();
    await expect(abortSeen).resolves.toBeUndefined();
    // And stops reading its source: nothing waits forever on a drain that cannot come.
    await expect(cancelSeen).resolves.toBeUndefined();
  });

  it("gives a handler that reaches past url, method, headers and signal what a Request would", async () => {
    const read = await raw("/api/whole", { headers: { "x-one": "1" } });
    expect(JSON.parse(read.body.toString())).toEqual({
      isRequest: true,
      tag: "[object Request]",
      itself: true,
      cache: "default",
      copied: true,
      used: false,
      inspected: true,
    });
    const sent = await raw("/api/whole", { method: "POST", body: '{"a":1}' });
    expect(JSON.parse(sent.body.toString())).toEqual({ body: { a: 1 }, used: true, copied: { a: 1 } });
  });

  it("gives a signal first asked for after the client left as aborted", async () => {
    const [[socket]] = await Promise.all([
      once(server, "connection") as Promise<[Socket]>,
      once(server, "request"),
      http.get(`${base}/api/late-signal`, { agent: false }).on("error", () => {}),
    ]);
    // The server's side of the connection closes: the lane has seen the client leave.
    const closed = once(socket, "close");
    socket.destroy();
    await closed;
    await new Promise((resolve) => setImmediate(resolve));
    leave();
    await expect(lateSignalSeen).resolves.toBe(true);
  });

  it("answers a fault of the lane itself in the one error shape", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const answer = await raw("/api/broken");
    expect(answer.status).toBe(500);
    expect(JSON.parse(answer.body.toString())).toEqual({
      error: { code: "internal", message: expect.any(String) },
    });
    expect(logged).toHaveBeenCalled();
    logged.mockRestore();
  });
});
