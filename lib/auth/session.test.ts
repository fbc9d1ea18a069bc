import { describe, expect, it } from "vitest";
import { issueSession, SESSION_TTL_SECONDS, sessionKey, verifySession } from "./session";

const key = sessionKey("s".repeat(64), "correct horse");
const now = Date.UTC(2026, 0, 1);
const none = () => false;

describe("sessions", () => {
  it("verifies what it signed, until it expires", () => {
    const { token, session } = issueSession(key, now);
    expect(verifySession(token, key, none, now)).toEqual(session);
    expect(session.expiresAt).toBe(now / 1000 + SESSION_TTL_SECONDS);
    expect(verifySession(token, key, none, now + (SESSION_TTL_SECONDS - 1) * 1000)).not.toBeNull();
    expect(verifySession(token, key, none, now + SESSION_TTL_SECONDS * 1000)).toBeNull();
  });

  it("refuses a token with a changed expiry, id or signature", () => {
    const { token } = issueSession(key, now);
    const [id = "", expires = "", mac = ""] = token.split(".");
    expect(verifySession(`${id}.${Number(expires) + 1}.${mac}`, key, none, now)).toBeNull();
    expect(verifySession(`${"A".repeat(22)}.${expires}.${mac}`, key, none, now)).toBeNull();
    const flipped = mac.startsWith("A") ? `B${mac.slice(1)}` : `A${mac.slice(1)}`;
    expect(verifySession(`${id}.${expires}.${flipped}`, key, none, now)).toBeNull();
  });

  it("refuses tokens signed with another secret or before the password changed", () => {
    const { token } = issueSession(key, now);
    expect(verifySession(token, sessionKey("t".repeat(64), "correct horse"), none, now)).toBeNull();
    expect(verifySession(token, sessionKey("s".repeat(64), "new password"), none, now)).toBeNull();
  });

  it.each([undefined, "", "garbage", "a.b.c", "x".repeat(5_000)])("refuses malformed %j", (token) => {
    expect(verifySession(token, key, none, now)).toBeNull();
  });

  it("refuses a session signed out, and only that one", () => {
    const { token, session } = issueSession(key, now);
    const signedOut = (id: string) => id === session.id;
    expect(verifySession(token, key, signedOut, now)).toBeNull();
    const other = issueSession(key, now);
    expect(verifySession(other.token, key, signedOut, now)).toEqual(other.session);
  });
});
