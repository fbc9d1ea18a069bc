import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { promisify } from "node:util";
import { constants as zlib, gzip, gzipSync } from "node:zlib";
import Negotiator from "negotiator";
import { hostname } from "@/lib/auth/request-origin";
import { shared } from "@/lib/auth/shared";
import { laneBytes, takenByLane } from "./lane-answer";
import { laneCall, type LaneCall } from "./lane-request";
import { errorResponse } from "./route";

/**
 * The fast lane: the API routes a studio calls all the time (polls, media, drop-in fetches and
 * submits, each tab's event stream) handed straight from Node's `request` event to their own
 * route handlers, past Next's router. Next 16 spends 2–4 ms on each API request in its router
 * and adapters (an AbortSignal, NextRequest/Response wrapping, a chunked answer in two writes;
 * profiled, issue 13), more than the whole budget of a proxied call.
 *
 * A route joins by calling `laneRoute(pattern, { GET, … })` in its own route.ts. That matters:
 * Next compiles instrumentation.ts (which opens the lane) apart from the routes, with its own
 * copies of every module, so handlers imported there would build the services with classes the
 * routes' `instanceof` checks do not know. Registered from route.ts, the handlers are the very
 * functions Next calls, in Next's own module graph. A route joins when Next first loads its
 * module (its preload at start, or its first request); until then Next answers it. The handlers
 * get the Request and params Next would give them; anything the lane does not hold, or cannot
 * match exactly, goes on to Next.
 */

const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"] as const;
type Method = (typeof METHODS)[number];

type Params = Record<string, string | string[]>;
type LaneHandler = (request: Request, context: { params: Promise<Params> }) => Promise<Response>;

/**
 * A route's handlers as its module exports them. `never` lets each keep its own
 * `RouteContext<…>` type: the params it is called with come from the pattern, which
 * app/api/lane.test.ts checks is the path of the file that registered it.
 */
export type RouteModule = Partial<Record<Method, (request: Request, context: never) => Promise<Response>>>;

interface Compiled {
  segments: { name: string; dynamic: boolean }[];
  handlers: Partial<Record<Method, LaneHandler>>;
}

/** The lane's routes by pattern: one map per process, which the routes' bundle and instrumentation's both see. */
export type LaneRegistry = Map<string, Compiled>;

export const laneRegistry = (): LaneRegistry => shared("lane-routes", () => new Map());

/**
 * Puts a route in the lane: its path as app/ spells it (`/api/media/[taskId]/[slot]`, no
 * catch-alls) and its handlers. A lane route must be the one Next would pick for every path it
 * matches: no static sibling may shadow one of its dynamic segments (app/api/lane.test.ts).
 */
export function laneRoute(pattern: string, module: RouteModule, registry = laneRegistry()): void {
  const segments = pattern
    .split("/")
    .slice(1)
    .map((segment) => {
      if (segment.startsWith("[...") || segment.startsWith("[[")) {
        throw new Error(`The fast lane does not take catch-all routes (${pattern}).`);
      }
      const dynamic = segment.startsWith("[") && segment.endsWith("]");
      return { name: dynamic ? segment.slice(1, -1) : segment, dynamic };
    });
  const handlers: Compiled["handlers"] = {};
  for (const method of METHODS) {
    if (module[method]) handlers[method] = module[method] as LaneHandler;
  }
  // The first wins: a route that imports another's module (the speed-prefixed mirror) runs that
  // module's registration again, with Next's second copy of it.
  if (!registry.has(pattern)) registry.set(pattern, { segments, handlers });
}

/** Answers true when it took the request (and will answer it), false when Next should. */
export type Lane = (request: IncomingMessage, response: ServerResponse) => boolean;

export function createLane(registry = laneRegistry()): Lane {
  return (request, response) => {
    const target = request.url ?? "";
    if (!target.startsWith("/api/")) return false;
    const query = target.indexOf("?");
    const parts = (query === -1 ? target : target.slice(0, query)).split("/").slice(1);
    for (const route of registry.values()) {
      const handler = route.handlers[request.method as Method];
      if (!handler) continue;
      const params = match(route, parts);
      if (!params) continue;
      // The URL Next would give the handler: https when a proxy in front says so. Its path and
      // query must be exactly the ones matched: a Host carrying `/`, `?` or `#` would otherwise
      // choose the path the access rules see (a signed media link's, say) apart from the route
      // that runs, and dot segments or escapes URL would rewrite are Next's to normalise.
      const host = request.headers.host;
      if (host !== undefined && hostname(host) === null) return false;
      const scheme = request.headers["x-forwarded-proto"]?.includes("https") ? "https" : "http";
      let url: URL;
      try {
        url = new URL(`${scheme}://${host ?? "localhost"}${target}`);
      } catch {
        return false;
      }
      if (url.pathname + url.search !== target) return false;
      void answer(request, response, handler, url.href, params);
      return true;
    }
    return false;
  };
}

/** The params of a path the route matches exactly, decoded as Next decodes them; null otherwise. */
function match(route: Compiled, parts: string[]): Params | null {
  if (parts.length !== route.segments.length) return null;
  const params: Params = {};
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const segment = route.segments[i]!;
    if (!segment.dynamic) {
      if (part !== segment.name) return null;
      continue;
    }
    // An empty segment (`//`, a trailing slash) is Next's to normalise or redirect.
    if (part === "") return null;
    try {
      params[segment.name] = decodeURIComponent(part);
    } catch {
      return null;
    }
  }
  return params;
}

async function answer(
  request: IncomingMessage,
  response: ServerResponse,
  handler: LaneHandler,
  url: string,
  params: Params,
): Promise<void> {
  let call: LaneCall | undefined;
  try {
    call = laneCall(request, url);
    const { clientLeft } = call;
    takenByLane(call.request);
    // The signal a handler stops on (a cancelled download, a closed tab), as Next's adapter gives it.
    response.once("close", () => {
      if (!response.writableFinished) clientLeft();
    });
    const answered = await handler(call.request, { params: Promise.resolve(params) });
    await send(request, response, answered, call.request);
  } catch (error) {
    // respond() answers every error of a handler; this is a fault of the lane itself.
    if (!response.headersSent)
      await send(request, response, errorResponse(error), call?.request).catch(() => {});
    else response.destroy(error instanceof Error ? error : undefined);
  }
}

/**
 * Next's `compress` gzips every answer it may (a no-transform answer aside: lib/http/route.ts
 * marks small JSON so). Here only JSON is compressible (media is already), and at zlib's fastest
 * level: on a 143 KB list it is a third of the default level's CPU for a few % more bytes.
 */
const gzipAsync = promisify(gzip);
const GZIP_OPTIONS = { level: zlib.Z_BEST_SPEED };
/**
 * Up to this size an answer is gzipped on the event loop, where a 20-30 KB feed page takes well
 * under a millisecond. Handed to libuv's pool instead, it waited there behind sharp's jobs and
 * file reads, then for the loop to take it back: at 50 tabs in the load bench the gzip of a feed
 * page took 0.4 ms at p50 and 61 ms at p99 (up to 106), most of the feed's whole tail. A larger
 * answer (a long page, an id list of hundreds) still goes to the pool, so no one answer holds the
 * loop for long.
 */
const GZIP_ON_LOOP_BYTES = 64 * 1024;

async function send(
  request: IncomingMessage,
  response: ServerResponse,
  answer: Response,
  /**
   * The request answered, whose signal aborts when the client left before the answer was whole;
   * none when the lane could not make one (its error answer is then bytes, never a stream).
   */
  asked: Request | undefined,
): Promise<void> {
  response.statusCode = answer.status;
  for (const [name, value] of answer.headers) {
    if (name !== "set-cookie") response.setHeader(name, value);
  }
  const cookies = answer.headers.getSetCookie();
  if (cookies.length > 0) response.setHeader("set-cookie", cookies);
  // Bytes the handler had in hand (lib/http/lane-answer.ts): one write, no stream to read back.
  const bytes = laneBytes(answer);
  if (bytes !== undefined) {
    let sent: Uint8Array | undefined;
    try {
      sent = request.method === "HEAD" ? undefined : await maybeGzip(request, response, answer, bytes);
    } catch (error) {
      unsent(response);
      throw error;
    }
    response.end(sent);
    return;
  }
  const body = answer.body;
  if (!body || request.method === "HEAD") {
    await body?.cancel();
    response.end();
    return;
  }
  const reader = body.getReader();
  try {
    let next = await reader.read();
    if (next.done) {
      response.end();
      return;
    }
    const declared = answer.headers.get("content-length");
    if (declared !== null && next.value.byteLength === Number(declared)) {
      // The whole declared body in one chunk (every JSON answer, a file from memory): one write.
      response.end(await maybeGzip(request, response, answer, next.value));
      await reader.cancel();
      return;
    }
    // A stream (a file from disk or S3, an upstream's media): written as it comes, at the pace
    // the client reads it, chunked as Next sends it: a length the handler declared and the
    // source then missed must not leave extra bytes on, or a hang in, a kept-alive connection.
    response.removeHeader("content-length");
    const gone = asked?.signal ?? new AbortController().signal;
    while (!next.done) {
      if (gone.aborted) {
        await reader.cancel();
        return;
      }
      if (!response.write(next.value)) await drained(response, gone);
      next = await reader.read();
    }
    response.end();
  } catch (error) {
    await reader.cancel().catch(() => {});
    if (!response.headersSent) {
      unsent(response);
      throw error;
    }
    // The source failed mid-answer: cut the connection, so the client sees a truncated body.
    response.destroy(error instanceof Error ? error : undefined);
  }
}

/** Nothing was sent yet: the caller answers in the one error shape, without this answer's headers. */
function unsent(response: ServerResponse): void {
  for (const name of response.getHeaderNames()) response.removeHeader(name);
}

async function maybeGzip(
  request: IncomingMessage,
  response: ServerResponse,
  answer: Response,
  bytes: Uint8Array,
): Promise<Uint8Array> {
  const compressible =
    answer.headers.get("content-type")?.startsWith("application/json") &&
    !answer.headers.has("content-encoding") &&
    !answer.headers.get("cache-control")?.includes("no-transform");
  if (compressible) {
    response.appendHeader("vary", "Accept-Encoding");
    if (new Negotiator(request).encoding(["gzip", "identity"]) === "gzip") {
      const packed =
        bytes.byteLength <= GZIP_ON_LOOP_BYTES
          ? gzipSync(bytes, GZIP_OPTIONS)
          : await gzipAsync(bytes, GZIP_OPTIONS);
      response.setHeader("content-encoding", "gzip");
      response.setHeader("content-length", packed.length);
      return packed;
    }
  }
  response.setHeader("content-length", bytes.byteLength);
  return bytes;
}

/** Until the client has taken what was written, or has left (then no drain ever comes). */
function drained(response: ServerResponse, gone: AbortSignal): Promise<void> {
  if (gone.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      response.off("drain", done);
      gone.removeEventListener("abort", done);
      resolve();
    };
    response.on("drain", done);
    gone.addEventListener("abort", done);
  });
}
