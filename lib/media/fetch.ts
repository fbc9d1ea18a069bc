import "server-only";
import { lookup } from "node:dns/promises";
import { BlockList, isIP, type LookupFunction } from "node:net";
import { Agent, fetch as pinnedUndiciFetch } from "undici";
import { mapChunks, requestAnswer, type ByteChunks, type HttpAnswer } from "@/lib/http/body";
import { AppError, type ErrorCode } from "@/lib/http/errors";
import { bareContentType, isMediaType } from "@/lib/mj/media-kinds";
import { readSource } from "./blob-store";

/**
 * Fetching a URL a task carries, safely: the media route and the cache are not a way into the
 * server's network. Each hop's host must resolve to public addresses only (the configured
 * upstream's own origin excepted: a self-hosted proxy on the LAN serves its own files), redirects
 * are followed by hand so each hop is checked, and only images and videos up to a size cap pass.
 *
 * The guard resolves the name, then the connection resolves it again: a DNS server that answers
 * differently within milliseconds (rebinding) would slip past the first check alone, so the fetch
 * that follows it (`createPinnedFetch`) checks the addresses it actually connects to as well.
 */

export const MEDIA_LIMITS = {
  imageBytes: 25 * 1024 * 1024,
  videoBytes: 200 * 1024 * 1024,
  redirects: 3,
} as const;

/** expired: the link is gone (403/404/410), a fresh task may carry a new one. refused: never retry. failed: try later. */
export type MediaFailure = "expired" | "refused" | "failed";

export class MediaFetchError extends AppError {
  constructor(
    readonly reason: MediaFailure,
    code: ErrorCode,
    message: string,
  ) {
    super(code, message);
    this.name = "MediaFetchError";
  }
}

/** Throws a `refused` MediaFetchError when the URL may not be fetched. */
export type UrlGuard = (url: URL) => Promise<void>;

/** Demo mode: the simulator's fetch is in-process, its URLs never reach the network. */
export const inProcessGuard: UrlGuard = async () => {};

const BLOCKED = new BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10], // carrier-grade NAT
  ["127.0.0.0", 8],
  ["169.254.0.0", 16], // link-local, cloud metadata
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, broadcast
] as const) {
  BLOCKED.addSubnet(network, prefix, "ipv4");
}
for (const [network, prefix] of [
  ["::1", 128],
  ["64:ff9b:1::", 48], // local-use NAT64 (RFC 8215): translates into private networks
  ["fc00::", 7], // unique local
  ["fe80::", 10], // link-local
  ["fec0::", 10], // site-local (deprecated, still routed by some)
  ["ff00::", 8], // multicast
] as const) {
  BLOCKED.addSubnet(network, prefix, "ipv6");
}

/**
 * Private, loopback, link-local or otherwise non-public. An IPv6 address that carries an IPv4 one
 * (mapped `::ffff:a.b.c.d`, translated `::ffff:0:a.b.c.d`, compatible `::a.b.c.d`, NAT64
 * `64:ff9b::a.b.c.d`, in dotted or hex form) is judged as that IPv4 address: each reaches it.
 */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  if (family === 4) return BLOCKED.check(address, "ipv4");
  const bare = address.replace(/%.*$/, ""); // a zone id (fe80::1%eth0)
  const ipv4 = embeddedIPv4(ipv6Words(bare));
  return ipv4 === null ? BLOCKED.check(bare, "ipv6") : BLOCKED.check(ipv4, "ipv4");
}

/** The eight 16-bit words of a valid IPv6 address (as `isIP` accepts it). */
function ipv6Words(address: string): number[] {
  let text = address;
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const words = (part: string | undefined) => (part ? part.split(":").map((word) => parseInt(word, 16)) : []);
  const [head, tail] = text.split("::");
  if (tail === undefined) return words(head);
  const [front, back] = [words(head), words(tail)];
  return [...front, ...Array<number>(8 - front.length - back.length).fill(0), ...back];
}

/** Prefixes (the first six words) whose last 32 bits are an IPv4 address the packet reaches. */
const IPV4_CARRIERS = [
  [0, 0, 0, 0, 0, 0xffff], // IPv4-mapped
  [0, 0, 0, 0, 0xffff, 0], // IPv4-translated (RFC 2765)
  [0, 0, 0, 0, 0, 0], // IPv4-compatible (deprecated); also :: and ::1, judged as 0.0.0.0/8
  [0x64, 0xff9b, 0, 0, 0, 0], // NAT64 well-known prefix (RFC 6052)
];

function embeddedIPv4(words: number[]): string | null {
  if (!IPV4_CARRIERS.some((prefix) => prefix.every((word, i) => words[i] === word))) return null;
  const [high = 0, low = 0] = words.slice(6);
  return `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;
}

export type AddressResolver = (hostname: string) => Promise<string[]>;

const resolveAll: AddressResolver = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map((entry) => entry.address);

export function createUrlGuard(options: {
  /**
   * MJ_API_URL's origin: the upstream itself may live on a private network. Its origin (scheme,
   * host and port), not its host: any other port of that host is another service, not the upstream.
   */
  trustedOrigin: string | null;
  resolve?: AddressResolver;
}): UrlGuard {
  const resolve = options.resolve ?? resolveAll;
  const trusted = options.trustedOrigin === null ? null : new URL(options.trustedOrigin).origin;
  return async (url) => {
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw new MediaFetchError("refused", "upstream_bad_response", "The media link is not an http(s) URL.");
    }
    if (url.origin === trusted) return;
    const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, "");
    let addresses: string[];
    try {
      addresses = isIP(host) ? [host] : await resolve(host);
    } catch {
      throw new MediaFetchError("failed", "upstream_error", "The media host could not be resolved.");
    }
    if (addresses.length === 0 || addresses.some(isPrivateAddress)) {
      throw new MediaFetchError(
        "refused",
        "upstream_bad_response",
        "The media link points at a private network address; it is not fetched.",
      );
    }
  };
}

/**
 * A `dns.lookup` for sockets that refuses to hand out a private address: the connection itself is
 * held to what the guard promised. Node's `net` asks for one address or, when it races IPv4 and
 * IPv6 (autoSelectFamily), for all of them.
 */
export function publicLookup(resolve: AddressResolver): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname).then(
      (addresses) => {
        const family = (address: string) => isIP(address);
        const wanted = addresses.filter((address) => !options.family || family(address) === options.family);
        if (wanted.length === 0 || wanted.some(isPrivateAddress)) {
          const refusal = new MediaFetchError(
            "refused",
            "upstream_bad_response",
            "The link's host now resolves to a private network address; it is not fetched.",
          );
          callback(Object.assign(refusal, { code: "EPRIVATEADDRESS" }) as NodeJS.ErrnoException, "", 0);
          return;
        }
        if (options.all)
          callback(
            null,
            wanted.map((address) => ({ address, family: family(address) })),
          );
        else callback(null, wanted[0]!, family(wanted[0]!));
      },
      (error: NodeJS.ErrnoException) => callback(error, "", 0),
    );
  };
}

/** A fetch of URLs given as strings (the media and notifyHook calls pass nothing else). */
export type UrlFetch = (url: string, init?: RequestInit) => Promise<Response>;

/**
 * The fetch that goes with `createUrlGuard`: every connection it opens is resolved once more at
 * connect time and refused if it would reach a private address, so no DNS answer that changed
 * after the guard's check (rebinding) leads into the server's network. The trusted origin (the
 * upstream's own, possibly on the LAN) keeps the plain fetch, as the guard lets it through.
 */
export function createPinnedFetch(options: PinOptions): UrlFetch {
  const pinned = pinnedDispatcher(options);
  return (url, init) => {
    const dispatcher = pinned(url);
    if (!dispatcher) return fetch(url, init);
    // undici's own fetch, the one that takes a dispatcher: the same fetch Node ships, a newer copy.
    return pinnedUndiciFetch(url, { ...(init as object), dispatcher }) as unknown as Promise<Response>;
  };
}

/**
 * The upstream client's media GET (`UpstreamConfig.mediaRequest`) held to public addresses as
 * `createPinnedFetch` is, over undici's `request`: a download read as a Node stream costs the event
 * loop a fraction of fetch's web streams (lib/http/body.ts).
 */
export function createPinnedMediaRequest(
  options: PinOptions,
): (url: string, signal: AbortSignal) => Promise<HttpAnswer> {
  const pinned = pinnedDispatcher(options);
  return (url, signal) => requestAnswer(url, { signal, dispatcher: pinned(url) });
}

interface PinOptions {
  trustedOrigin: string | null;
  resolve?: AddressResolver;
}

/** The pool whose connections resolve to public addresses only; none (the plain pool) for the trusted origin. */
function pinnedDispatcher(options: PinOptions): (url: string) => Agent | undefined {
  const trusted = options.trustedOrigin === null ? null : new URL(options.trustedOrigin).origin;
  const dispatcher = new Agent({ connect: { lookup: publicLookup(options.resolve ?? resolveAll) } });
  return (url) => (new URL(url).origin === trusted ? undefined : dispatcher);
}

/**
 * What fetches a media URL: the upstream client's `fetchMedia` (whose fetch is the simulator in
 * demo mode). Described here rather than imported, so lib/media does not depend on lib/upstream.
 */
export interface MediaFetcher {
  fetchMedia(url: string, signal?: AbortSignal): Promise<HttpAnswer>;
}

/** Opens one media URL, checked and capped: `openMedia` with its deps bound. */
export type MediaDownloader = (url: string, signal?: AbortSignal) => Promise<MediaDownload>;

export function mediaDownloader(deps: { upstream: MediaFetcher; guard: UrlGuard }): MediaDownloader {
  return (url, signal) => openMedia(deps, url, signal);
}

export interface MediaDownload {
  body: ByteChunks;
  contentType: string;
  /** Declared by the upstream, when it did. */
  length: number | null;
}

/**
 * Opens a media URL through the upstream client (whose fetch is the simulator in demo mode), with
 * the guard on every hop. The body errors out once it passes the cap for its type.
 */
export async function openMedia(
  deps: { upstream: MediaFetcher; guard: UrlGuard },
  url: string,
  signal?: AbortSignal,
): Promise<MediaDownload> {
  let current = url;
  for (let hop = 0; ; hop++) {
    await deps.guard(parseUrl(current));
    let response: HttpAnswer;
    try {
      response = await deps.upstream.fetchMedia(current, signal);
    } catch (error) {
      throw new MediaFetchError(
        "failed",
        error instanceof AppError ? error.code : "upstream_error",
        error instanceof Error ? error.message : "The file could not be fetched.",
      );
    }
    const location = response.headers.get("location");
    if (response.status >= 300 && response.status < 400 && location) {
      await response.body?.cancel();
      if (hop >= MEDIA_LIMITS.redirects) {
        throw new MediaFetchError("refused", "upstream_bad_response", "The media link redirects too often.");
      }
      current = URL.canParse(location, current) ? new URL(location, current).href : location;
      continue;
    }
    if (response.status < 200 || response.status > 299 || !response.body) {
      await response.body?.cancel();
      throw [403, 404, 410].includes(response.status)
        ? new MediaFetchError(
            "expired",
            "not_found",
            "The upstream no longer has this file (its link may have expired).",
          )
        : new MediaFetchError(
            "failed",
            "upstream_error",
            `The upstream failed to send the file (HTTP ${response.status}).`,
          );
    }
    const contentType = bareContentType(response.headers.get("content-type"));
    if (!isMediaType(contentType)) {
      await response.body.cancel();
      throw new MediaFetchError(
        "refused",
        "upstream_bad_response",
        "The upstream sent something that is not a PNG, JPEG, WebP, GIF or AVIF image or an MP4, WebM or QuickTime video.",
      );
    }
    const limit = contentType.startsWith("video/") ? MEDIA_LIMITS.videoBytes : MEDIA_LIMITS.imageBytes;
    const declared = Number(response.headers.get("content-length") ?? "");
    // The download decodes a gzip or br body (fetch, and requestAnswer as fetch would) but keeps the
    // encoded length: then the length is unknown.
    const encoded = (response.headers.get("content-encoding") ?? "identity").trim() !== "identity";
    const length = Number.isFinite(declared) && declared > 0 && !encoded ? declared : null;
    if (length !== null && length > limit) {
      await response.body.cancel();
      throw tooLarge(limit);
    }
    return { body: capped(response.body, limit), contentType, length };
  }
}

function parseUrl(url: string): URL {
  try {
    return new URL(url);
  } catch {
    throw new MediaFetchError("refused", "upstream_bad_response", "The media link is not a valid URL.");
  }
}

function tooLarge(limit: number): MediaFetchError {
  return new MediaFetchError(
    "refused",
    "upstream_bad_response",
    `The upstream's file is larger than ${limit / 1024 / 1024} MB; it is not fetched.`,
  );
}

/** Passes bytes through until `limit`, then fails (and so cancels the upstream body). */
function capped(body: ByteChunks, limit: number): ByteChunks {
  let seen = 0;
  return mapChunks(body, async (read) => {
    const result = await read();
    if (!result.done) {
      seen += result.value.byteLength;
      if (seen > limit) throw tooLarge(limit);
    }
    return result;
  });
}

/** Reads a download whole (thumbnail sources: images, capped at 25 MB). */
export async function readAll(download: MediaDownload): Promise<Buffer> {
  return readSource(download.body);
}
