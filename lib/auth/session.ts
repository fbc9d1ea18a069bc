import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * Sessions are stateless signed tokens `<id>.<expires>.<signature>` (HMAC-SHA256), kept in an
 * HTTP-only cookie. The signing key mixes the server secret with the password, so changing
 * APP_PASSWORD signs everyone out. Logout signs the id out until the token would have expired
 * anyway (the AuthState port, lib/store/auth-state.ts: in memory, or shared through PostgreSQL).
 */

export const SESSION_COOKIE = "mj-session";
export const SESSION_TTL_SECONDS = 14 * 24 * 60 * 60;

export interface Session {
  id: string;
  /** Unix seconds. */
  expiresAt: number;
}

export function sessionKey(secret: string, password: string): Buffer {
  return createHmac("sha256", secret).update(`mj-studio session\0${password}`).digest();
}

function signature(key: Buffer, payload: string): Buffer {
  return createHmac("sha256", key).update(payload).digest();
}

export function issueSession(key: Buffer, now = Date.now()): { token: string; session: Session } {
  const session = {
    id: randomBytes(16).toString("base64url"),
    expiresAt: Math.floor(now / 1000) + SESSION_TTL_SECONDS,
  };
  const payload = `${session.id}.${session.expiresAt}`;
  return { token: `${payload}.${signature(key, payload).toString("base64url")}`, session };
}

/** The session a token carries, or null when it is malformed, forged, expired or signed out. */
export function verifySession(
  token: string | undefined,
  key: Buffer,
  isSignedOut: (id: string) => boolean,
  now = Date.now(),
): Session | null {
  const match = /^([A-Za-z0-9_-]{22})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token ?? "");
  if (!match) return null;
  const [, id = "", expires = "", mac = ""] = match;
  const expected = signature(key, `${id}.${expires}`);
  const given = Buffer.from(mac, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  const session = { id, expiresAt: Number(expires) };
  if (session.expiresAt * 1000 <= now || isSignedOut(session.id)) return null;
  return session;
}

/**
 * A browser that has signed in here before carries a device token (`<id>.<signature>`, signed
 * with a key derived from the session key, so a new password forgets every device). It opens
 * nothing by itself; it lets its holder past the server-wide ceiling on wrong passwords, so an
 * attacker who trips that ceiling cannot keep the owner out of their own browser.
 */
export const DEVICE_COOKIE = "mj-device";
export const DEVICE_TTL_SECONDS = 400 * 24 * 60 * 60;

function deviceKey(key: Buffer): Buffer {
  return createHmac("sha256", key).update("mj-studio device").digest();
}

export function issueDeviceToken(key: Buffer): string {
  const id = randomBytes(16).toString("base64url");
  return `${id}.${signature(deviceKey(key), id).toString("base64url")}`;
}

export function isKnownDevice(token: string | undefined, key: Buffer): boolean {
  const match = /^([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/.exec(token ?? "");
  if (!match) return false;
  const expected = signature(deviceKey(key), match[1]!);
  const given = Buffer.from(match[2]!, "base64url");
  return given.length === expected.length && timingSafeEqual(given, expected);
}
