import "server-only";
import type { z } from "zod";
import { LIMITS } from "@/lib/mj/requests";
import { AppError, fromZodError } from "./errors";

/**
 * Route-handler plumbing: the only place that turns errors into responses and the only place
 * that reads request bodies, so every route answers bad input the same way.
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

/** Runs a handler body and answers JSON, or the one error shape. */
export async function respond(run: () => Promise<unknown>, init?: ResponseInit): Promise<Response> {
  try {
    const result = await run();
    return result instanceof Response ? result : Response.json(result, init);
  } catch (error) {
    return errorResponse(error);
  }
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
