import "server-only";
import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";
import { AppError, type ErrorCode } from "@/lib/http/errors";
import type { UpstreamClient } from "@/lib/upstream/client";
import { MEDIA_CONTENT_TYPE } from "./types";

/**
 * Fetching a URL a task carries, safely: the media route and the cache are not a way into the
 * server's network. Each hop's host must resolve to public addresses only (the configured
 * upstream's own host excepted: a self-hosted proxy on the LAN serves its own files), redirects
 * are followed by hand so each hop is checked, and only images and videos up to a size cap pass.
 *
 * Residual risk, accepted: the address is checked, then fetch resolves the name again, so a DNS
 * server that answers differently within milliseconds (rebinding) could slip through. Pinning the
 * address needs undici's Agent, which Node bundles but does not export.
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
  ["::", 128],
  ["::1", 128],
  ["fc00::", 7], // unique local
  ["fe80::", 10], // link-local
  ["fec0::", 10], // site-local (deprecated, still routed by some)
  ["ff00::", 8], // multicast
] as const) {
  BLOCKED.addSubnet(network, prefix, "ipv6");
}

/** Private, loopback, link-local or otherwise non-public; IPv4-mapped IPv6 is judged as its IPv4. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  return BLOCKED.check(address, family === 4 ? "ipv4" : "ipv6");
}

export type AddressResolver = (hostname: string) => Promise<string[]>;

const resolveAll: AddressResolver = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map((entry) => entry.address);

export function createUrlGuard(options: {
  /** MJ_API_URL's hostname: the upstream itself may live on a private network. */
  trustedHost: string | null;
  resolve?: AddressResolver;
}): UrlGuard {
  const resolve = options.resolve ?? resolveAll;
  const trusted = options.trustedHost?.toLowerCase() ?? null;
  return async (url) => {
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw new MediaFetchError("refused", "upstream_bad_response", "The media link is not an http(s) URL.");
    }
    const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, "");
    if (host === trusted) return;
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

export interface MediaDownload {
  body: ReadableStream<Uint8Array>;
  contentType: string;
  /** Declared by the upstream, when it did. */
  length: number | null;
}

/**
 * Opens a media URL through the upstream client (whose fetch is the simulator in demo mode), with
 * the guard on every hop. The body errors out once it passes the cap for its type.
 */
export async function openMedia(
  deps: { upstream: UpstreamClient; guard: UrlGuard },
  url: string,
  signal?: AbortSignal,
): Promise<MediaDownload> {
  let current = url;
  for (let hop = 0; ; hop++) {
    await deps.guard(parseUrl(current));
    let response: Response;
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
    if (!response.ok || !response.body) {
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
    const contentType = (response.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
    if (!MEDIA_CONTENT_TYPE.test(contentType)) {
      await response.body.cancel();
      throw new MediaFetchError(
        "refused",
        "upstream_bad_response",
        "The upstream sent something that is not a PNG, JPEG, WebP, GIF or AVIF image or an MP4, WebM or QuickTime video.",
      );
    }
    const limit = contentType.startsWith("video/") ? MEDIA_LIMITS.videoBytes : MEDIA_LIMITS.imageBytes;
    const declared = Number(response.headers.get("content-length") ?? "");
    const length = Number.isFinite(declared) && declared > 0 ? declared : null;
    if (length !== null && length > limit) {
      await response.body.cancel();
      throw tooLarge(limit);
    }
    return { body: response.body.pipeThrough(capped(limit)), contentType, length };
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

/** Passes bytes through until `limit`, then fails the stream (and so cancels the upstream body). */
function capped(limit: number): TransformStream<Uint8Array, Uint8Array> {
  let seen = 0;
  return new TransformStream({
    transform(chunk, controller) {
      seen += chunk.byteLength;
      if (seen > limit) controller.error(tooLarge(limit));
      else controller.enqueue(chunk);
    },
  });
}

/** A web stream as an async iterable (the DOM typings lack `ReadableStream[Symbol.asyncIterator]`). */
export async function* chunksOf(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    // Stopping early (an error downstream) cancels the upstream body instead of leaving it open.
    await reader.cancel().catch(() => {});
  }
}

/** Reads a download whole (thumbnail sources: images, capped at 25 MB). */
export async function readAll(download: MediaDownload): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of chunksOf(download.body)) chunks.push(chunk);
  return Buffer.concat(chunks);
}
