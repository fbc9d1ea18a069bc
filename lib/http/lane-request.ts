import "server-only";
import type { IncomingMessage } from "node:http";

/**
 * The Request a lane route's handler gets (lib/http/node-lane.ts), and how the lane tells it that
 * the client left before its answer was whole (its signal aborts, as Next's adapter aborts it).
 */
export interface LaneCall {
  request: Request;
  clientLeft(): void;
}

/**
 * A GET or HEAD (previews, thumbnails, feed pages, fetches, each tab's event stream) gets a light
 * `LaneRequest`; a request with a body gets undici's Request of the Node request itself, as Next
 * passes it: undici reads it as the body stream, and a handler that stops reading (a body over
 * its limit) ends it. A body is state a stand-in would have to keep in step with a real Request
 * (read, cloned, used), and the submits and polls that carry one can afford the 20 µs.
 */
export function laneCall(source: IncomingMessage, url: string): LaneCall {
  const method = source.method!;
  if (method === "GET" || method === "HEAD") {
    const request = new LaneRequest(source, url);
    return { request: request as unknown as Request, clientLeft: () => LaneRequest.leave(request) };
  }
  const aborted = new AbortController();
  const request = new Request(url, {
    method,
    headers: headersOf(source),
    signal: aborted.signal,
    body: source as unknown as ReadableStream<Uint8Array>,
    duplex: "half",
  } as RequestInit);
  return { request, clientLeft: () => aborted.abort() };
}

function headersOf(source: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(source.headers)) {
    if (Array.isArray(value)) for (const one of value) headers.append(name, one);
    else if (value !== undefined) headers.set(name, value);
  }
  return headers;
}

/**
 * A GET or HEAD made light. undici's Request cost about 20 µs of the ~190 µs of CPU a lane
 * request took (its WebIDL checks, and an AbortController of its own that follows the one it is
 * given, with listeners both ways), and every route then reads four things of it: `url`,
 * `method`, `headers` and `signal` (and `body`, null here). This one holds those, and makes the
 * signal only when a handler asks for it (media that stops reading when the client leaves, the
 * event stream); a poll or a feed page never does.
 *
 * What else a Request has (`clone()`, `text()`, `cache`, its inspection…) is answered by the
 * real Request, built then from the same URL, method, headers and signal: the prototype chain ends
 * in a Proxy that builds it, so `instanceof Request` holds and no handler reads `undefined` where
 * Next would have given it a value. What it cannot be is undici's own input: `new Request(it)` or
 * `fetch(it)` look for undici's internal state, which only a real Request holds.
 */
class LaneRequest {
  readonly url: string;
  readonly method: string;
  readonly body = null;
  readonly bodyUsed = false;
  readonly #source: IncomingMessage;
  #headers: Headers | undefined;
  #controller: AbortController | undefined;
  #left = false;
  #real: Request | undefined;

  constructor(source: IncomingMessage, url: string) {
    this.#source = source;
    this.url = url;
    this.method = source.method!;
  }

  get headers(): Headers {
    this.#headers ??= headersOf(this.#source);
    return this.#headers;
  }

  get signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController();
      if (this.#left) this.#controller.abort();
    }
    return this.#controller.signal;
  }

  static leave(request: LaneRequest): void {
    request.#left = true;
    request.#controller?.abort();
  }

  /** The whole Request, for what this one does not hold; built once. */
  static real(request: LaneRequest): Request {
    request.#real ??= new Request(request.url, {
      method: request.method,
      headers: request.headers,
      signal: request.signal,
    });
    return request.#real;
  }

  static is(value: object): value is LaneRequest {
    return #source in value;
  }
}

Object.setPrototypeOf(
  LaneRequest.prototype,
  new Proxy(Object.create(Request.prototype) as object, {
    get(target, property, receiver: object) {
      // Only what Request itself defines; Object's own members (`hasOwnProperty`, `valueOf`) are
      // the stand-in's, and the prototype itself (no receiver of ours) has nothing to build.
      if (!Object.hasOwn(Request.prototype, property) || !LaneRequest.is(receiver))
        return Reflect.get(target, property, receiver);
      const real = LaneRequest.real(receiver);
      const value: unknown = Reflect.get(real, property, real);
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(real) : value;
    },
  }),
);
