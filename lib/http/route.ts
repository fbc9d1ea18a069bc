import "server-only";
import type { z } from "zod";
import { checkAccess } from "@/lib/auth/access";
import { SECURITY_HEADERS } from "@/lib/auth/security-headers";
import type { Speed } from "@/lib/mj/prompt-params";
import { LIMITS } from "@/lib/mj/requests";
import { splitSpeedPath } from "@/lib/mj/speed";
import { AppError, fromZodError } from "./errors";

/**
 * Route-handler plumbing: the only place that turns errors into responses, the only place that
 * reads request bodies, and the gate every API request passes (proxy.ts covers only pages, since
 * Next's proxy layer buffers and truncates request bodies; see README "Limits").
 */

export function errorResponse(error: unknown): Response {
  if (error instanceof AppError) {
    return Response.json(
      { error: { code: error.code, message: error.message } },
      { status: error.status, headers: error.headers },
    );
  }
  // Anything else is a bug: log it here, on the server, and say nothing that could leak.
  console.error("[api] unhandled error", error);
  return Response.json(
    { error: { code: "internal", message: "Something went wrong on the server; the error was logged." } },
    { status: 500 },
  );
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
  try {
    const verdict = checkAccess(request);
    if (verdict.kind === "refuse") throw verdict.error;
    const result = await run();
    response = result instanceof Response ? result : Response.json(result, init);
  } catch (error) {
    response = errorResponse(error);
  }
  return withSecurityHeaders(response);
}

function withSecurityHeaders(response: Response): Response {
  try {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.headers.set(name, value);
    return response;
  } catch {
    // Headers of a fetched response are immutable: re-wrap it (the body is streamed, not copied).
    const headers = new Headers(response.headers);
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) headers.set(name, value);
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
