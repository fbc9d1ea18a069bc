/**
 * Headers every response carries, and the Content-Security-Policy of pages: scripts only from
 * the app itself, carrying this response's nonce (Next adds it to its own scripts when it sees
 * the policy on the request; next-themes gets it as a prop); images and video only from the app
 * (/api/media) and the blob:/data: URLs the page makes itself; no framing by anyone.
 */

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "same-origin",
  "X-Frame-Options": "DENY",
};

export function contentSecurityPolicy(nonce: string, options: { dev: boolean; https: boolean }): string {
  return [
    "default-src 'self'",
    // React's development build evaluates code for its error overlays; production never does.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${options.dev ? " 'unsafe-eval'" : ""}`,
    // Style attributes (aspect-ratio boxes, virtualised rows) and the toaster's injected sheet.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' blob: data:",
    "media-src 'self' blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(options.https ? ["upgrade-insecure-requests"] : []),
  ].join("; ");
}

/** The request header that hands the nonce to the layout (for next-themes' inline script). */
export const NONCE_HEADER = "x-nonce";

export function newNonce(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
}
