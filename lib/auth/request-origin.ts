/**
 * Request facts the access rules need: whether a state-changing request comes from another
 * site (a CSRF attempt), which client sent it, and whether it arrived over HTTPS.
 */

const STATE_CHANGING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

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

/**
 * The client's address for per-client limits: the nearest X-Forwarded-For entry (the one our
 * own reverse proxy, or Next itself, added). A client can forge the header when it reaches
 * the app directly, which is why the login limiter also has a global ceiling.
 */
export function clientAddress(headers: Headers): string {
  const forwarded = headers.get("x-forwarded-for")?.split(",").pop()?.trim();
  return forwarded || headers.get("x-real-ip") || "unknown";
}

export function isHttps(url: URL, headers: Headers): boolean {
  const proto = headers.get("x-forwarded-proto")?.split(",")[0]?.trim();
  return (proto ?? url.protocol.replace(/:$/, "")) === "https";
}
