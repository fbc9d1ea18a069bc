import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Signed media links: `/api/media/{taskId}/{slot}?…&exp=<unix s>&sig=<HMAC>` opens that one file
 * without a session until `exp`, so a token client can put it in an `<img>` (which cannot send a
 * header) with a password set. The key derives from the session key, so a new password or
 * session secret voids every link handed out.
 */

/** How long a link works: long enough for a client's history view to keep showing its images. */
export const MEDIA_LINK_DAYS = 30;
const DAY_SECONDS = 24 * 60 * 60;

export function mediaLinkKey(sessionKey: Buffer): Buffer {
  return createHmac("sha256", sessionKey).update("mj-studio media link").digest();
}

function mac(key: Buffer, taskId: string, slot: string, expires: number): Buffer {
  return createHmac("sha256", key).update(`${taskId}\0${slot}\0${expires}`).digest();
}

/**
 * The expiry and signature of a link to `slot` of `taskId`. The expiry is the end of a UTC day,
 * so the link stays the same all day and clients and browsers can cache the image under it.
 */
export function signMediaLink(
  key: Buffer,
  taskId: string,
  slot: string,
  now = Date.now(),
): { exp: string; sig: string } {
  const expires = mediaLinkExpiry(now);
  return { exp: String(expires), sig: mac(key, taskId, slot, expires).toString("base64url") };
}

/** The expiry (unix s) of every link signed at `now`: the same all day (what caches key on). */
export function mediaLinkExpiry(now = Date.now()): number {
  const today = Math.floor(now / 1000 / DAY_SECONDS) * DAY_SECONDS;
  return today + (MEDIA_LINK_DAYS + 1) * DAY_SECONDS;
}

export function verifyMediaLink(
  key: Buffer,
  taskId: string,
  slot: string,
  exp: string | null,
  sig: string | null,
  now = Date.now(),
): boolean {
  if (!exp || !sig || !/^\d{1,12}$/.test(exp) || !/^[A-Za-z0-9_-]{43}$/.test(sig)) return false;
  const expires = Number(exp);
  if (expires * 1000 <= now) return false;
  const expected = mac(key, taskId, slot, expires);
  const given = Buffer.from(sig, "base64url");
  return given.length === expected.length && timingSafeEqual(given, expected);
}
