import "server-only";
import { env } from "@/lib/env";
import { AppError } from "@/lib/http/errors";
import { splitSpeedPath } from "@/lib/mj/speed";
import { memoryAuthState, type AuthState, type RateWindow } from "@/lib/store/auth-state";
import { safeEqual } from "./compare";
import { allowedOrigin, isDropInPath } from "./cors";
import { mediaLinkKey, signMediaLink, verifyMediaLink } from "./media-signature";
import {
  clientAddress,
  hostAllowed,
  isCrossOriginWrite,
  isHttps,
  requestHosts,
  trustedProxyList,
} from "./request-origin";
import { loadSessionSecret } from "./secret";
import {
  DEVICE_COOKIE,
  DEVICE_TTL_SECONDS,
  isKnownDevice,
  issueDeviceToken,
  issueSession,
  SESSION_COOKIE,
  SESSION_TTL_SECONDS,
  sessionKey,
  verifySession,
  type Session,
} from "./session";
import { shared } from "./shared";
import { carriesToken } from "./token";

/**
 * Who may do what. With APP_PASSWORD set, pages and API routes need a session, except the open
 * ones below; APP_API_TOKEN opens /api/mj/* and /api/media/* to other midjourney-proxy clients,
 * and a signed media link opens its one file (lib/auth/media-signature.ts). Whatever the
 * configuration, browsers may not change anything from another origin (but the ones
 * APP_CORS_ORIGINS lists, on /api/mj/*), and submissions are rate-limited per session (or per client).
 */

const OPEN_PATHS = new Set(["/login", "/api/health", "/api/auth/login", "/api/auth/logout"]);

/**
 * Password guessing is bounded per client address (the real one: see clientAddress), and for the
 * whole server: past LOGIN_FAILURES_PER_SERVER in the window, only browsers that signed in here
 * before (a device cookie) may try, so an attacker with many addresses still gets a bounded
 * number of guesses and cannot keep the owner out of a browser they have used before.
 */
const LOGIN_FAILURES_PER_CLIENT = 5;
const LOGIN_FAILURES_PER_SERVER = 100;
const LOGIN_WINDOW_MS = 15 * 60 * 1000;
const LOGIN_PER_CLIENT: RateWindow = { name: "login-client", windowMs: LOGIN_WINDOW_MS };
const LOGIN_PER_SERVER: RateWindow = { name: "login-server", windowMs: LOGIN_WINDOW_MS };
const SUBMITS: RateWindow = { name: "submits", windowMs: 60_000 };

/**
 * Sign-outs and rate-limit counters (the AuthState port): in this process's memory, unless the
 * start hook (instrumentation.ts) installed the one instances on the same PostgreSQL share.
 */
const installed = () => shared("auth-state", (): { state: AuthState } => ({ state: memoryAuthState() }));

export function installAuthState(state: AuthState): void {
  installed().state = state;
}

const authState = () => installed().state;

/** Whole seconds to wait for a window to end, at least 1 (a Retry-After of 0 would mean "now"). */
const secondsUntil = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/** TRUSTED_PROXIES, parsed once per process. */
export const trustedProxies = () => shared("trusted-proxies", () => trustedProxyList(env().trustedProxies));

function clientOf(request: Request): string {
  return clientAddress(request.headers, trustedProxies());
}

let key: Buffer | undefined;
function signingKey(password: string): Buffer {
  key ??= sessionKey(loadSessionSecret(env().dataDir, env().auth.sessionSecret), password);
  return key;
}

let linkKey: Buffer | undefined;

/**
 * The expiry and signature that open `slot` of `taskId` without a session; null without a
 * password, where no link needs one.
 */
export function mediaLinkSignature(taskId: string, slot: string): { exp: string; sig: string } | null {
  const { password } = env().auth;
  if (!password) return null;
  linkKey ??= mediaLinkKey(signingKey(password));
  return signMediaLink(linkKey, taskId, slot);
}

/** A GET of `/api/media/{taskId}/{slot}` carrying a valid, unexpired signature for that file. */
function signedMediaRequest(request: Request, url: URL, password: string): boolean {
  if (request.method !== "GET" && request.method !== "HEAD") return false;
  const match = /^\/api\/media\/([^/]+)\/([^/]+)$/.exec(url.pathname);
  if (!match) return false;
  let taskId: string;
  try {
    taskId = decodeURIComponent(match[1]!);
  } catch {
    return false;
  }
  linkKey ??= mediaLinkKey(signingKey(password));
  const query = url.searchParams;
  return verifyMediaLink(linkKey, taskId, match[2]!, query.get("exp"), query.get("sig"));
}

/** Whether the request carries a valid session: the app's own pages, signed in. */
export function hasSession(request: Request): boolean {
  return sessionOf(request) !== null;
}

function sessionOf(request: Request): Session | null {
  const { password } = env().auth;
  if (!password) return null;
  const state = authState();
  return verifySession(readCookie(request, SESSION_COOKIE), signingKey(password), (id) =>
    state.isSignedOut(id),
  );
}

function readCookie(request: Request, name: string): string | undefined {
  for (const pair of (request.headers.get("cookie") ?? "").split(";")) {
    const [key, ...value] = pair.split("=");
    if (key?.trim() === name) return value.join("=").trim();
  }
  return undefined;
}

export type Verdict =
  { kind: "allow" } | { kind: "redirect"; location: string } | { kind: "refuse"; error: AppError };

/**
 * The decision for one request, made in proxy.ts before any page or route handler runs. It
 * answers from memory but for a submission, whose count may be a round trip to the database.
 */
export async function checkAccess(request: Request): Promise<Verdict> {
  const url = new URL(request.url);
  // The drop-in speed prefixes (`/api/mj-relax/mj/...`) are the `/api/mj/...` routes: same token, same limit.
  const path = splitSpeedPath(url.pathname).path;
  const isApi = path === "/api" || path.startsWith("/api/");
  const { password, apiToken, submitsPerMinute } = env().auth;
  const tokenPath = isDropInPath(path) || path.startsWith("/api/media/");
  const tokenAllowed = !!apiToken && tokenPath && carriesToken(request.headers, apiToken);
  const signedMedia = !!password && signedMediaRequest(request, url, password);
  // A page on a rebound name cannot know the API token nor sign a link, so holders may use any name.
  const foreignHost =
    tokenAllowed || signedMedia
      ? undefined
      : requestHosts(request.headers, trustedProxies()).find(
          (host) => !hostAllowed(host, env().allowedHosts),
        );
  if (foreignHost !== undefined) {
    return refuse(
      "forbidden",
      `This MJ Studio does not answer to the host "${foreignHost.slice(0, 100)}". Open it at its own address, ` +
        "or add the host name to ALLOWED_HOSTS (or set APP_URL).",
    );
  }
  // A cross-origin page cannot send a token header without a preflight, which only the origins
  // APP_CORS_ORIGINS lists pass: a request carrying the token is never a forged one. A listed origin
  // without the token writes only to a studio without a password: it must never ride the owner's
  // session (a text/plain POST needs no preflight, and a same-site origin gets the cookie).
  const corsWrite = tokenAllowed || (!password && isDropInPath(path) && allowedOrigin(request) !== null);
  if (!corsWrite && isCrossOriginWrite(request.method, request.headers)) {
    return refuse("forbidden", "Requests from other sites cannot change anything here.");
  }

  const session = sessionOf(request);

  if (password && !session && !tokenAllowed && !signedMedia && !OPEN_PATHS.has(path)) {
    if (isApi) return refuse("unauthorized", "Sign in first: this MJ Studio is protected by a password.");
    return { kind: "redirect", location: `/login?next=${encodeURIComponent(path + url.search)}` };
  }
  if (path === "/login" && (session || !password)) {
    return { kind: "redirect", location: safeNext(url.searchParams.get("next")) };
  }

  // Uploading a reference image starts no job (§3.9) and is bounded by the body limits: a prompt
  // with five style images must not spend five of the minute's submissions before its imagine.
  const submits = path.startsWith("/api/mj/submit/") && !path.endsWith("/upload-discord-images");
  if (request.method === "POST" && submits && submitsPerMinute > 0) {
    const who = session ? `session:${session.id}` : tokenAllowed ? "api-token" : clientOf(request);
    const { count, endsInMs } = await authState().count(SUBMITS, who);
    if (count > submitsPerMinute) {
      const wait = secondsUntil(endsInMs);
      return refuse(
        "rate_limited",
        `Too many submissions: at most ${submitsPerMinute} a minute. Try again in ${wait} s.`,
        { "Retry-After": String(wait) },
      );
    }
  }
  return { kind: "allow" };
}

function refuse(
  code: "forbidden" | "unauthorized" | "rate_limited",
  message: string,
  headers?: Record<string, string>,
): Verdict {
  return { kind: "refuse", error: new AppError(code, message, headers) };
}

/**
 * A `next` parameter as a same-origin path, so the login page cannot redirect elsewhere. It is
 * resolved the way the redirect will be (URL parsing drops tabs and newlines and reads `\\` as
 * `/`, so `/\t/evil.example` is `//evil.example`), and kept only if it stays on this origin.
 */
export function safeNext(next: string | null | undefined): string {
  const base = "http://studio.invalid";
  if (!next || !next.startsWith("/")) return "/";
  let url: URL;
  try {
    url = new URL(next, base);
  } catch {
    return "/";
  }
  if (url.origin !== base) return "/";
  const path = url.pathname + url.search + url.hash;
  // The path itself must not start a protocol-relative URL either, once a browser reads it.
  return path.startsWith("//") || path.startsWith("/\\") ? "/" : path;
}

/**
 * Checks the password (constant time, rate-limited per client and per server) and answers 204
 * with a session cookie. Each attempt is counted before the password is compared, and a right
 * one takes its count back: attempts made at once, on one instance or several, cannot all pass a
 * check made before any of them failed.
 */
export async function login(request: Request, password: string): Promise<Response> {
  const configured = env().auth.password;
  if (!configured)
    throw new AppError("not_found", "This MJ Studio has no password (APP_PASSWORD is not set).");
  const client = clientOf(request);
  const key = signingKey(configured);
  const state = authState();
  const perClient = await state.count(LOGIN_PER_CLIENT, client);
  if (perClient.count > LOGIN_FAILURES_PER_CLIENT) {
    throw tooManyGuesses(perClient.endsInMs, "Too many wrong passwords.");
  }
  const perServer = await state.count(LOGIN_PER_SERVER, "all");
  if (
    perServer.count > LOGIN_FAILURES_PER_SERVER &&
    !isKnownDevice(readCookie(request, DEVICE_COOKIE), key)
  ) {
    // Refused for others' guesses: this client's own budget is not spent.
    await state.uncount(LOGIN_PER_CLIENT, client);
    throw tooManyGuesses(
      perServer.endsInMs,
      "Too many wrong passwords on this server; a browser that signed in here before can still sign in.",
    );
  }
  if (!safeEqual(password, configured)) throw new AppError("unauthorized", "Wrong password.");
  await Promise.all([state.reset(LOGIN_PER_CLIENT, client), state.uncount(LOGIN_PER_SERVER, "all")]);
  const { token } = issueSession(key);
  const headers = new Headers();
  headers.append("Set-Cookie", cookie(request, SESSION_COOKIE, token, SESSION_TTL_SECONDS));
  headers.append("Set-Cookie", cookie(request, DEVICE_COOKIE, issueDeviceToken(key), DEVICE_TTL_SECONDS));
  return new Response(null, { status: 204, headers });
}

function tooManyGuesses(endsInMs: number, why: string): AppError {
  const wait = secondsUntil(endsInMs);
  return new AppError("rate_limited", `${why} Try again in ${Math.ceil(wait / 60)} min.`, {
    "Retry-After": String(wait),
  });
}

/**
 * Ends the session (if any, on every instance sharing the database) and clears the cookie; open
 * to anyone, since it only takes away.
 */
export async function logout(request: Request): Promise<Response> {
  const session = sessionOf(request);
  const forget = { "Set-Cookie": cookie(request, SESSION_COOKIE, "", 0) };
  if (session) {
    try {
      await authState().signOut(session.id, session.expiresAt);
    } catch (error) {
      // This browser forgets the cookie all the same; the person is told that a copy of it
      // (another browser, a stolen one) still works until it expires or a sign-out is recorded.
      console.error("[auth] a sign-out could not be recorded", error);
      throw new AppError(
        "internal",
        "Signed out in this browser, but the sign-out could not be recorded, so a copy of this session elsewhere still works. Sign out again later.",
        forget,
      );
    }
  }
  return new Response(null, { status: 204, headers: forget });
}

function cookie(request: Request, name: string, value: string, maxAge: number): string {
  const secure = isHttps(new URL(request.url), request.headers) ? "; Secure" : "";
  return `${name}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAge}${secure}`;
}
