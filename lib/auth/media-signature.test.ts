import { describe, expect, it } from "vitest";
import { MEDIA_LINK_DAYS, mediaLinkKey, signMediaLink, verifyMediaLink } from "./media-signature";

const key = mediaLinkKey(Buffer.alloc(32, 7));
const DAY = 24 * 60 * 60 * 1000;
const now = Date.UTC(2026, 11, 3, 10, 30);

describe("signed media links", () => {
  it("open their own file until they expire, at least MEDIA_LINK_DAYS after signing", () => {
    const { exp, sig } = signMediaLink(key, "1796", "image", now);
    expect(Number(exp) * 1000 - now).toBeGreaterThanOrEqual(MEDIA_LINK_DAYS * DAY);
    expect(verifyMediaLink(key, "1796", "image", exp, sig, now)).toBe(true);
    expect(verifyMediaLink(key, "1796", "image", exp, sig, Number(exp) * 1000)).toBe(false);
  });

  it("stay the same all day, so an image can be cached under its link", () => {
    const morning = signMediaLink(key, "1796", "image", Date.UTC(2026, 11, 3, 0, 1));
    const evening = signMediaLink(key, "1796", "image", Date.UTC(2026, 11, 3, 23, 59));
    expect(evening).toEqual(morning);
  });

  it("open nothing else: another task, slot, expiry, key or a malformed signature", () => {
    const { exp, sig } = signMediaLink(key, "1796", "image", now);
    expect(verifyMediaLink(key, "1797", "image", exp, sig, now)).toBe(false);
    expect(verifyMediaLink(key, "1796", "thumb", exp, sig, now)).toBe(false);
    expect(verifyMediaLink(key, "1796", "image", String(Number(exp) + 1), sig, now)).toBe(false);
    expect(verifyMediaLink(mediaLinkKey(Buffer.alloc(32, 8)), "1796", "image", exp, sig, now)).toBe(false);
    for (const bad of [null, "", "x", `${sig}=`, sig.slice(1)]) {
      expect(verifyMediaLink(key, "1796", "image", exp, bad, now)).toBe(false);
    }
    expect(verifyMediaLink(key, "1796", "image", null, sig, now)).toBe(false);
    expect(verifyMediaLink(key, "1796", "image", "1e99", sig, now)).toBe(false);
  });
});
