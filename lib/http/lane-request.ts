import "server-only";
import type { IncomingMessage } from "node:http";
import { ReadableStream as NodeReadableStream } from "node:stream/web";

/**
 * The Request a lane route's handler gets (lib/http/node-lane.ts), made light. undici's Request
 * cost about 20 µs of the ~190 µs of CPU a lane request takes (its WebIDL checks, and an
 * AbortController of its own that follows the one it is given, with listeners both ways), and
 * every handler then reads five things of it: `url`, `method`, `headers`, `signal` and `body`.
 * This one holds those five, and makes the signal only when a handler asks for it (a download
 * that stops when the client leaves, the event stream); a poll or a thumbnail never does.
 *
 * Anything else a handler reaches for (`json()`, `clone()`, `cache`…) is answered by the real
 * Request, built then from the same URL, method, headers, signal and body stream: the prototype
 * chain ends in a Proxy that builds it, so no handler can read `undefined` where Next would have
 * given it a value, and `instanceof Request` holds.
 */
export class LaneRequest {
  readonly url: string;
  readonly method: string;
  readonly #source: IncomingMessage;
  #controller: AbortController | undefined;
  #left = false;
  #body: ReadableStream<Uint8Array> | null | undefined;
  #headers: Headers | undefined;
  #real: Request | undefined;

  constructor(source: IncomingMessage, url: string) {
    this.#source = source;
    this.url = url;
    this.method = source.method!;
  }

  /** Built when first read, inside the handler, so that a fault in building them is answered there. */
  get headers(): Headers {
    if (!this.#headers) {
      this.#headers = new Headers();
      for (const [name, value] of Object.entries(this.#source.headers)) {
        if (Array.isArray(value)) for (const one of value) this.#headers.append(name, one);
        else if (value !== undefined) this.#headers.set(name, value);
      }
    }
    return this.#headers;
  }

  /** Aborted when the client left before its answer was whole, as Next's adapter aborts it. */
  get signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController();
      if (this.#left) this.#controller.abort();
    }
    return this.#controller.signal;
  }

  /**
   * The Node request itself as a stream, as Next passes it to undici: read as it arrives, and a
   * handler that stops reading (a body over its limit) cancels it, which ends the request.
   */
  get body(): ReadableStream<Uint8Array> | null {
    if (this.#body === undefined) {
      this.#body =
        this.method === "GET" || this.method === "HEAD"
          ? null
          : (NodeReadableStream.from(this.#source) as ReadableStream<Uint8Array>);
    }
    return this.#body;
  }

  /** The lane calls this when the connection closed before the answer was whole. */
  clientLeft(): void {
    this.#left = true;
    this.#controller?.abort();
  }

  /** The whole Request, for what this one does not hold; built once. */
  static real(request: LaneRequest): Request {
    request.#real ??= new Request(request.url, {
      method: request.method,
      headers: request.headers,
      signal: request.signal,
      ...(request.body ? { body: request.body, duplex: "half" } : {}),
    } as RequestInit);
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
      // Asked of the prototype itself, or whether it is a thenable: nothing to build a Request for.
      if (property === "then" || !LaneRequest.is(receiver)) return Reflect.get(target, property, receiver);
      const real = LaneRequest.real(receiver);
      const value: unknown = Reflect.get(real, property, real);
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(real) : value;
    },
  }),
);
