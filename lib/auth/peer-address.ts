import "server-only";
import http from "node:http";
import { PEER_HEADER } from "./request-origin";

/**
 * Makes the socket's address visible to the access rules. Next fills X-Forwarded-For from the
 * socket only when the client sent none, so a client that writes its own header would choose
 * the address its login failures are counted against. Every reverse proxy appends the peer it
 * saw; this makes the app's own server do the same, before Next sees the request, and marks it
 * with PEER_HEADER (overwriting anything a client sent under that name). Installed once, from
 * instrumentation.ts, on the Node server that `next start` creates.
 *
 * `claim` sees each request once it is stamped and may answer it itself (the fast lane,
 * lib/http/node-lane.ts); what it leaves goes on to Next.
 */
export function stampPeerAddresses(
  claim?: (request: http.IncomingMessage, response: http.ServerResponse) => boolean,
): void {
  const marker = Symbol.for("mj-studio.peer-address-hook");
  const proto = http.Server.prototype as http.Server & { [key: symbol]: unknown };
  if (proto[marker]) return;
  proto[marker] = true;
  const emit = proto.emit as (this: http.Server, event: string | symbol, ...args: unknown[]) => boolean;
  proto.emit = function (this: http.Server, event: string | symbol, ...args: unknown[]) {
    if (event === "request") {
      const request = args[0] as http.IncomingMessage;
      const peer = request.socket?.remoteAddress;
      if (peer) {
        const prior = request.headers["x-forwarded-for"];
        const chain = Array.isArray(prior) ? prior.join(", ") : prior;
        request.headers["x-forwarded-for"] = chain ? `${chain}, ${peer}` : peer;
        request.headers[PEER_HEADER] = peer;
      } else {
        delete request.headers[PEER_HEADER];
      }
      if (claim?.(request, args[1] as http.ServerResponse)) return true;
    }
    return emit.call(this, event, ...args);
  } as typeof proto.emit;
}
