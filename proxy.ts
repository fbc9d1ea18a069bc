import { NextResponse, type NextRequest } from "next/server";
import { checkAccess } from "@/lib/auth/access";
import { isHttps } from "@/lib/auth/request-origin";
import { contentSecurityPolicy, newNonce, NONCE_HEADER, SECURITY_HEADERS } from "@/lib/auth/security-headers";
import { errorResponse } from "@/lib/http/route";

/** Runs before every page and API route (not static assets): access rules, then security headers. */
export function proxy(request: NextRequest) {
  const verdict = checkAccess(request);
  let response: Response;
  if (verdict.kind === "refuse") {
    response = errorResponse(verdict.error);
  } else if (verdict.kind === "redirect") {
    response = NextResponse.redirect(new URL(verdict.location, request.url));
  } else if (request.nextUrl.pathname.startsWith("/api/")) {
    response = NextResponse.next();
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
  matcher: ["/((?!_next/static|_next/image|favicon.ico|icon.svg|robots.txt).*)"],
};
