import { NextResponse, type NextRequest } from "next/server";
import { checkAccess } from "@/lib/auth/access";
import { isHttps } from "@/lib/auth/request-origin";
import { contentSecurityPolicy, newNonce, NONCE_HEADER, SECURITY_HEADERS } from "@/lib/auth/security-headers";
import { errorResponse, preflightResponse } from "@/lib/http/route";

/**
 * Runs before every page (not API routes, not static assets): access rules, then the CSP and
 * security headers; of the API, it answers only CORS preflights. API routes pass the same rules in `respond()` (lib/http/route.ts) instead:
 * for a request that reaches the proxy, Next buffers the body, keeps only its first
 * `proxyClientMaxBodySize` bytes and waits for all of it, which would cut imagine bodies and
 * archives short and make an oversized upload impossible to refuse at once.
 */
export async function proxy(request: NextRequest) {
  if (request.nextUrl.pathname.startsWith("/api/")) {
    // Only CORS preflights are meant to match here (the second matcher below): Next answers OPTIONS
    // itself for route handlers without one. Anything else goes on to its route, which checks access.
    return request.method === "OPTIONS" ? preflightResponse(request) : NextResponse.next();
  }
  const verdict = await checkAccess(request);
  let response: Response;
  if (verdict.kind === "refuse") {
    response = errorResponse(verdict.error);
  } else if (verdict.kind === "redirect") {
    response = NextResponse.redirect(new URL(verdict.location, request.url));
  } else {
    // Pages: a fresh nonce per response; Next reads the policy from the request to apply it.
    const nonce = newNonce();
    const csp = contentSecurityPolicy(nonce, {
      dev: process.env.NODE_ENV === "development",
      https: isHttps(request.nextUrl, request.headers),
    });
    const headers = new Headers(request.headers);
    headers.set("Content-Security-Policy", csp);
    headers.set(NONCE_HEADER, nonce);
    response = NextResponse.next({ request: { headers } });
    response.headers.set("Content-Security-Policy", csp);
  }
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.headers.set(name, value);
  return response;
}

export const config = {
  matcher: [
    "/((?!api/|api$|_next/static|_next/image|favicon.ico|icon.svg|robots.txt).*)",
    // Only CORS preflights of the API, which carry no body to buffer (APP_CORS_ORIGINS, lib/auth/cors.ts).
    { source: "/api/:path*", has: [{ type: "header", key: "access-control-request-method" }] },
  ],
};
