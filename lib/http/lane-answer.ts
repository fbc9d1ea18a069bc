import "server-only";
import { shared } from "@/lib/auth/shared";

/**
 * Answers of bytes in hand for the requests the fast lane took (lib/http/node-lane.ts), without a
 * web stream. A `Response` made of bytes wraps them in a ReadableStream at once, which the lane
 * then reads back in one chunk: on a quiet machine that was 50 µs of the 230 µs of CPU a
 * `GET /api/health` costs, and a preview from memory went through two of them (issue 13). For a
 * request the lane took, the answer is made with no body and the bytes kept beside it, which the
 * lane writes itself; any other request (Next's router, a test calling the handler) gets a plain
 * `Response`, since only the lane knows to look.
 *
 * Both sets live on globalThis (`shared`): the lane is built in instrumentation's copy of this
 * module, the handlers that answer run in the routes' copy.
 */

const laneRequests = shared("lane-requests", () => new WeakSet<Request>());
const laneBodies = shared("lane-bodies", () => new WeakMap<Response, Uint8Array>());

/** Marks a request the lane made and will answer: its handler may answer bytes without a stream. */
export function takenByLane(request: Request): void {
  laneRequests.add(request);
}

/**
 * An answer of `bytes` to `request`: for the lane, a body-less `Response` with the bytes kept
 * beside it; for anyone else (or no request known), a `Response` of the bytes.
 */
export function bytesAnswer(
  request: Request | undefined,
  bytes: Uint8Array<ArrayBuffer>,
  init: ResponseInit,
): Response {
  if (request === undefined || !laneRequests.has(request)) return new Response(bytes, init);
  const answer = new Response(null, init);
  laneBodies.set(answer, bytes);
  return answer;
}

/** The bytes `bytesAnswer` kept beside an answer for the lane, if it was one. */
export function laneBytes(answer: Response): Uint8Array | undefined {
  return laneBodies.get(answer);
}
