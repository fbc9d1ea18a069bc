import "server-only";
import { env } from "@/lib/env";
import { splitSpeedPath } from "@/lib/mj/speed";

/**
 * CORS for the drop-in API, off by default: pages on the origins in APP_CORS_ORIGINS may call
 * `/api/mj/*` (and its speed prefixes) and read `/api/media/*`, sending the API token in a header.
 * Credentials never: a listed origin gets what its token gets, never the owner's session.
 */

/** `/api/mj/...` (plain or under a speed prefix): the routes midjourney-proxy clients call. */
export function isDropInPath(pathname: string): boolean {
  const path = splitSpeedPath(pathname).path;
  return path === "/api/mj" || path.startsWith("/api/mj/");
}

function corsPath(pathname: string): boolean {
  return isDropInPath(pathname) || pathname.startsWith("/api/media/");
}

/** The request's Origin when it is one APP_CORS_ORIGINS lists and the path is open to CORS. */
export function allowedOrigin(request: Request): string | null {
  const origin = request.headers.get("origin");
  if (!origin || !corsPath(new URL(request.url).pathname)) return null;
  return env().corsOrigins.includes(origin) ? origin : null;
}

/** Headers a CORS answer to a listed origin carries; none for any other request. */
export function corsHeaders(request: Request): Record<string, string> {
  const origin = allowedOrigin(request);
  // Vary: a cache in between must not hand one origin's answer to another.
  return origin ? { "Access-Control-Allow-Origin": origin, Vary: "Origin" } : {};
}

/** The headers the families send (§1.3), and what a JSON body needs. */
export const PREFLIGHT_HEADERS = {
  "Access-Control-Allow-Methods": "GET, HEAD, POST",
  "Access-Control-Allow-Headers": "Authorization, Content-Type, mj-api-secret",
  "Access-Control-Max-Age": "600",
} as const;
