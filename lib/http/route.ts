import "server-only";
import type { z } from "zod";
import { checkAccess } from "@/lib/auth/access";
import { allowedOrigin, corsHeaders, isDropInPath, PREFLIGHT_HEADERS } from "@/lib/auth/cors";
import { SECURITY_HEADERS } from "@/lib/auth/security-headers";
import { noteSubmitOrigin } from "./drop-in";
import { SUBMIT_CODE } from "@/lib/mj/envelope";
import type { Speed } from "@/lib/mj/prompt-params";
import { LIMITS } from "@/lib/mj/requests";
import { splitSpeedPath } from "@/lib/mj/speed";
import { AppError, fromZodError, type ErrorCode } from "./errors";
import { JsonBody } from "./json-body";
import { bytesAnswer } from "./lane-answer";

/**
 * Route-handler plumbing: the only place that turns errors into responses, the only place that
 * reads request bodies, and the gate every API request passes (proxy.ts covers only pages, since
 * Next's proxy layer buffers and truncates request bodies; see README "Limits").
 */

/**
 * The submit-envelope code (§2.1) a refusal carries under /api/mj/*: midjourney-proxy clients
 * read `code`, not the HTTP status (§9.1). Bad input is a validation error (4) as in trueai, a
 * missing task is "not found" (3), anything else a failure (9).
 */
const PROTOCOL_CODE: Partial<Record<ErrorCode, number>> = {
  invalid_input: SUBMIT_CODE.validationError,
  payload_too_large: SUBMIT_CODE.validationError,
  unsupported_media_type: SUBMIT_CODE.validationError,
  method_not_allowed: SUBMIT_CODE.validationError,
  conflict: SUBMIT_CODE.validationError,
  not_found: SUBMIT_CODE.notFound,
};

/**
 * An error as an HTTP answer in the one error shape. `protocol` (the drop-in routes, /api/mj/*)
 * adds the envelope fields the families read beside it (`code`, `description`, `result: null`),
 * with the same honest HTTP status.
 */
export function errorResponse(
  error: unknown,
  options: { protocol?: boolean; clientGone?: boolean } = {},
): Response {
  const known = error instanceof AppError;
  // A read cut short because the client left (a closed tab, a cancelled image) is not a bug.
  if (!known && !options.clientGone) {
    // Anything else is a bug: log it here, on the server, and say nothing that could leak.
    console.error("[api] unhandled error", error);
  }
  const code: ErrorCode = known ? error.code : "internal";
  const message = known ? error.message : "Something went wrong on the server; the error was logged.";
  const body = options.protocol
    ? {
        error: { code, message },
        code: PROTOCOL_CODE[code] ?? SUBMIT_CODE.failure,
        description: message,
        result: null,
      }
    : { error: { code, message } };
  return jsonResponse(body, known ? { status: error.status, headers: error.headers } : { status: 500 });
}

/**
 * A JSON answer small enough to arrive in the first flight of packets (TCP's initial window of
 * ten segments is about 14 KB) gains no time from gzip, yet Next gzips every route answer, whatever
 * its size (it strips Content-Length, so its own 1 KB threshold never applies): a gzip stream per
 * small answer cost over a millisecond of the ~2 ms a call takes (bench, proxy overhead).
 * `no-transform` is what Next's compression honours to leave an answer as it is.
 *
 * A larger answer cannot be gzipped here at a faster level: Next 16 drops a route's
 * Content-Encoding header (send-response.js) and would gzip the gzip again.
 */
const GZIP_FROM_BYTES = 12 * 1024;

function jsonResponse(value: unknown, init?: ResponseInit, request?: Request): Response {
  // Serialized once to bytes (or already, by a route that keeps them: lib/http/json-body.ts), so
  // the size is known without measuring the text again.
  const body = value instanceof JsonBody ? value : JsonBody.of(value);
  const headers = new Headers(init?.headers);
  headers.set("content-type", "application/json");
  // Next drops it and streams; the fast lane (node-lane.ts) sends the bytes in one write with it.
  headers.set("content-length", String(body.bytes.length));
  if (body.bytes.length < GZIP_FROM_BYTES) {
    const cacheControl = headers.get("cache-control");
    headers.set("cache-control", cacheControl ? `${cacheControl}, no-transform` : "no-transform");
  }
  return bytesAnswer(request, body.bytes, { ...init, headers });
}

/**
 * Checks access (host, origin, session or token, submit limit), runs a handler body and answers
 * JSON or the one error shape, with the security headers every response carries.
 */
export async function respond(
  request: Request,
  run: () => Promise<unknown>,
  init?: ResponseInit,
): Promise<Response> {
  let response: Response;
  const protocol = isDropInPath(new URL(request.url).pathname);
  try {
    const verdict = await checkAccess(request);
    if (verdict.kind === "refuse") throw verdict.error;
    // A redirect is the verdict for a page; a route never runs on one.
    if (verdict.kind === "redirect") throw new AppError("unauthorized", "Sign in first.");
    const result = await run();
    if (protocol && request.method === "POST") noteSubmitOrigin(request, result);
    response = result instanceof Response ? result : jsonResponse(result, init, request);
  } catch (error) {
    response = errorResponse(error, { protocol, clientGone: request.signal.aborted });
  }
  return withHeaders(response, { ...SECURITY_HEADERS, ...corsHeaders(request) });
}

/**
 * The answer to a CORS preflight (proxy.ts sends them here): 204 with what a listed origin may
 * send (lib/auth/cors.ts), else a 403 the browser turns into a failed call.
 */
export function preflightResponse(request: Request): Response {
  if (!allowedOrigin(request)) {
    const refusal = new AppError(
      "forbidden",
      "This origin may not call the API from a browser; list it in APP_CORS_ORIGINS.",
      { Vary: "Origin" },
    );
    return withHeaders(
      errorResponse(refusal, { protocol: isDropInPath(new URL(request.url).pathname) }),
      SECURITY_HEADERS,
    );
  }
  return withHeaders(new Response(null, { status: 204 }), {
    ...SECURITY_HEADERS,
    ...corsHeaders(request),
    ...PREFLIGHT_HEADERS,
  });
}

function withHeaders(response: Response, extra: Readonly<Record<string, string>>): Response {
  try {
    for (const [name, value] of Object.entries(extra)) response.headers.set(name, value);
    return response;
  } catch {
    // Headers of a fetched response are immutable: re-wrap it (the body is streamed, not copied).
    const headers = new Headers(response.headers);
    for (const [name, value] of Object.entries(extra)) headers.set(name, value);
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  }
}

/**
 * The speed of the drop-in prefix a submit came through (`/api/mj-relax/mj/...`, the mirror in
 * app/api/[speed]), or null on the plain `/api/mj/...` routes: the task service's submit context.
 */
export function submitContext(request: Request): { speed: Speed | null } {
  return { speed: splitSpeedPath(new URL(request.url).pathname).speed };
}

/** Reads at most `limit` bytes of the body, refusing more without buffering it. */
async function readCapped(request: Request, limit: number): Promise<string> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > limit) throw tooLarge(limit);
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  // fatal: invalid UTF-8 is bad input, not something to silently replace.
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new AppError("invalid_input", "Request body is not valid UTF-8");
  }
}

function tooLarge(limit: number): AppError {
  return new AppError("payload_too_large", `Request body is larger than ${limit / 1024 / 1024} MB`);
}

/** Parses a JSON body against a schema: 413 when too big, 400 when malformed or invalid. */
export async function readJson<S extends z.ZodType>(
  request: Request,
  schema: S,
  limit: number = LIMITS.bodyBytes,
): Promise<z.output<S>> {
  const text = await readCapped(request, limit);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new AppError(
      "invalid_input",
      text.trim() === "" ? "Request body is empty; JSON was expected" : "Request body is not valid JSON",
    );
  }
  return parseWith(schema, json, "request body");
}

export function parseWith<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw fromZodError(parsed.error, what);
  return parsed.data;
}
