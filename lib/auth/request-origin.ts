import { BlockList, isIP } from "node:net";

/**
 * Request facts the access rules need: whether the request is addressed to this app at all
 * (DNS rebinding), whether a state-changing request comes from another site (a CSRF attempt),
 * which client sent it, and whether it arrived over HTTPS.
 */

const STATE_CHANGING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * Set by the server itself on every request (lib/auth/peer-address.ts) to the socket's address,
 * which is also appended to X-Forwarded-For. Its presence says that the last X-Forwarded-For
 * entry is the real peer and not something the client wrote.
 */
export const PEER_HEADER = "x-mj-peer-address";

/** Which `Host`s the app answers to: see `hostAllowed`. */
export interface HostRules {
  /** ALLOWED_HOSTS=*: any host (only for setups where something else checks it). */
  any: boolean;
  /** Exact host names (lower case, no port); a leading dot allows every subdomain. */
  names: readonly string[];
}

/**
 * Whether a Host (or X-Forwarded-Host) header names this app. A DNS-rebinding page reaches
 * 127.0.0.1 under the attacker's own domain name, so names must be listed; IP literals,
 * `localhost` and `*.localhost` can never be rebound and are always allowed.
 */
export function hostAllowed(host: string, rules: HostRules): boolean {
  if (rules.any) return true;
  const name = hostname(host);
  if (name === null) return false;
  if (isIP(name.replace(/^\[|\]$/g, "")) !== 0) return true;
  if (name === "localhost" || name.endsWith(".localhost")) return true;
  return rules.names.some((allowed) =>
    allowed.startsWith(".") ? name.endsWith(allowed) || name === allowed.slice(1) : name === allowed,
  );
}

/**
 * Host headers seen, with their host names. A URL parse was about 4 µs of every API request's
 * CPU, twice over (the fast lane and the access check), for the one or two Hosts a studio is
 * reached by. A client may send any Host, so the memo is bounded: it starts afresh when full.
 */
const hostnames = new Map<string, string | null>();
const HOSTNAMES_KEPT = 64;

/** The host name of a Host header, lower case and without the port; null when it is not one. */
export function hostname(host: string): string | null {
  let name = hostnames.get(host);
  if (name === undefined) {
    name = parseHostname(host);
    // No host name is longer (RFC 1035); a longer Host is not worth keeping.
    if (host.length <= 255) {
      if (hostnames.size >= HOSTNAMES_KEPT) hostnames.clear();
      hostnames.set(host, name);
    }
  }
  return name;
}

function parseHostname(host: string): string | null {
  const trimmed = host.trim();
  if (trimmed === "" || /[\s/\\?#@]/.test(trimmed)) return null;
  try {
    return new URL(`http://${trimmed}`).hostname.toLowerCase().replace(/\.$/, "");
  } catch {
    return null;
  }
}

/**
 * The host names a request must be addressed to. Behind a trusted proxy that says which host it
 * was asked for (X-Forwarded-Host), that one: the proxy may reach the app under an internal name
 * (`Host: mj-studio:3000`). Otherwise the Host, and any X-Forwarded-Host too, since whoever sent
 * it is not vouched for. A request without a Host (HTTP/1.0, a test) names no host a browser
 * could have rebound.
 */
export function requestHosts(headers: Headers, trusted: BlockList | null = null): string[] {
  const forwarded = headers.get("x-forwarded-host")?.split(",")[0]?.trim();
  if (forwarded && viaTrustedProxy(headers, trusted)) return [forwarded];
  return [headers.get("host"), forwarded].map((host) => host?.trim() ?? "").filter((host) => host !== "");
}

/** Whether the server's own mark says the peer is one of the trusted proxies. */
function viaTrustedProxy(headers: Headers, trusted: BlockList | null): boolean {
  const peer = headers.get(PEER_HEADER);
  return peer !== null && isTrusted(normalizeAddress(peer), trusted);
}

/**
 * A POST/PUT/PATCH/DELETE that a browser sent from another origin. Requests without an Origin
 * (curl, server-to-server clients with the API token) are not browsers acting for a page, so
 * they pass. Behind a reverse proxy the Host may be rewritten, so the Origin may match either
 * the Host or the X-Forwarded-Host.
 */
export function isCrossOriginWrite(method: string, headers: Headers): boolean {
  if (!STATE_CHANGING.has(method.toUpperCase())) return false;
  if (headers.get("sec-fetch-site") === "cross-site") return true;
  const origin = headers.get("origin");
  if (origin === null) return false;
  let originUrl: URL;
  try {
    // An opaque origin ("null", sandboxed frames, file:) is never this app.
    originUrl = new URL(origin);
  } catch {
    return true;
  }
  const hosts = [headers.get("x-forwarded-host")?.split(",")[0], headers.get("host")];
  return !hosts.some((host) => host && sameHost(originUrl, host.trim()));
}

function sameHost(origin: URL, host: string): boolean {
  try {
    // Parsed with the origin's scheme so a default port written out (":443") compares equal.
    return new URL(`${origin.protocol}//${host}`).host === origin.host;
  } catch {
    return false;
  }
}

/** TRUSTED_PROXIES (addresses or CIDR ranges) as a BlockList; null when there are none. */
export function trustedProxyList(entries: readonly string[]): BlockList | null {
  if (entries.length === 0) return null;
  const list = new BlockList();
  for (const entry of entries) {
    const [address = "", bits] = entry.split("/");
    const family = isIP(address) === 6 ? "ipv6" : "ipv4";
    if (bits === undefined) list.addAddress(address, family);
    else list.addSubnet(address, Number(bits), family);
  }
  return list;
}

/**
 * The client's address, for per-client limits. The server appends the real peer address to
 * X-Forwarded-For (PEER_HEADER marks that it did); entries left of it are believed only while
 * the address to their right is a trusted proxy, so a client reaching the app directly cannot
 * pick its own address. A request without the server's mark (one that arrived before the hook
 * was installed) shares one key: its X-Forwarded-For may be anything. IPv6 clients are keyed by
 * their /64, which one host usually has.
 */
export function clientAddress(headers: Headers, trusted: BlockList | null = null): string {
  const chain = (headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((entry) => normalizeAddress(entry.trim()))
    .filter((entry) => entry !== "");
  const peer = headers.get(PEER_HEADER);
  let index = chain.length - 1;
  if (peer === null || chain[index] !== normalizeAddress(peer)) return "unknown";
  while (index > 0 && isTrusted(chain[index]!, trusted)) index -= 1;
  return limitKey(chain[index]!);
}

function isTrusted(address: string, trusted: BlockList | null): boolean {
  const family = isIP(address);
  return !!trusted && family !== 0 && trusted.check(address, family === 6 ? "ipv6" : "ipv4");
}

/** `::ffff:1.2.3.4` as the IPv4 address it is. */
function normalizeAddress(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  return (mapped?.[1] ?? address).toLowerCase();
}

function limitKey(address: string): string {
  if (isIP(address) !== 6) return address;
  const groups = expandIpv6(address);
  return groups ? `${groups.slice(0, 4).join(":")}::/64` : address;
}

function expandIpv6(address: string): string[] | null {
  const [head = "", tail] = address.split("::");
  const left = head === "" ? [] : head.split(":");
  const right = tail === undefined || tail === "" ? [] : tail.split(":");
  if (right.some((group) => group.includes("."))) return null;
  const missing = 8 - left.length - right.length;
  if (missing < 0) return null;
  return [...left, ...Array<string>(missing).fill("0"), ...right].map((g) => g.replace(/^0+(?=.)/, ""));
}

export function isHttps(url: URL, headers: Headers): boolean {
  const proto = headers.get("x-forwarded-proto")?.split(",")[0]?.trim();
  return (proto ?? url.protocol.replace(/:$/, "")) === "https";
}
