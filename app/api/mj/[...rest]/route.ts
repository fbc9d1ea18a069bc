import { AppError } from "@/lib/http/errors";
import { respond } from "@/lib/http/route";

/**
 * Any other `/api/mj/...` path: a JSON 404 in the protocol's refusal shape (code 3), never Next's
 * HTML page, which clients showed in their error dialogs or waited on forever.
 */
async function unknown(request: Request) {
  return respond(request, async () => {
    const where = new URL(request.url).pathname.slice(0, 120);
    throw new AppError("not_found", `No such API route: ${request.method} ${where}.`);
  });
}

export const GET = unknown;
export const HEAD = unknown;
export const POST = unknown;
export const PUT = unknown;
export const PATCH = unknown;
export const DELETE = unknown;
