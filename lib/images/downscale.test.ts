import { describe, expect, it } from "vitest";
import {
  canKeepOriginal,
  dataUrlByteLength,
  DOWNSCALE,
  encodeAttempts,
  fitWithin,
  isAcceptedImageType,
  sniffImageBytes,
} from "./downscale";

describe("fitWithin", () => {
  it("leaves images within the limit alone and never upscales", () => {
    expect(fitWithin({ width: 1536, height: 1000 })).toEqual({ width: 1536, height: 1000 });
    expect(fitWithin({ width: 40, height: 30 })).toEqual({ width: 40, height: 30 });
  });

  it("scales the long side down to the limit, keeping the aspect ratio", () => {
    expect(fitWithin({ width: 4032, height: 3024 })).toEqual({ width: 1536, height: 1152 });
    expect(fitWithin({ width: 3000, height: 6000 })).toEqual({ width: 768, height: 1536 });
    expect(fitWithin({ width: 2000, height: 2000 }, 1000)).toEqual({ width: 1000, height: 1000 });
  });

  it("keeps at least one pixel on extreme panoramas", () => {
    expect(fitWithin({ width: 100_000, height: 10 })).toEqual({ width: 1536, height: 1 });
  });
});

describe("canKeepOriginal", () => {
  it("keeps files small in both bytes and pixels", () => {
    expect(canKeepOriginal(200_000, { width: 1024, height: 1024 })).toBe(true);
    expect(canKeepOriginal(DOWNSCALE.targetBytes, { width: 1536, height: 1536 })).toBe(true);
  });

  it("re-encodes files too heavy or too large", () => {
    expect(canKeepOriginal(DOWNSCALE.targetBytes + 1, { width: 800, height: 600 })).toBe(false);
    expect(canKeepOriginal(100_000, { width: 1537, height: 10 })).toBe(false);
  });
});

describe("encodeAttempts", () => {
  it("starts at the fitted size and best quality, then lowers quality before pixels", () => {
    const attempts = encodeAttempts({ width: 4000, height: 3000 });
    expect(attempts[0]).toEqual({ width: 1536, height: 1152, quality: 0.85 });
    expect(attempts[1]).toEqual({ width: 1536, height: 1152, quality: 0.7 });
    expect(attempts[2]).toEqual({ width: 1152, height: 864, quality: 0.85 });
    expect(attempts.at(-1)).toEqual({ width: 768, height: 576, quality: 0.7 });
  });

  it("never exceeds the long-side limit and never grows in pixels", () => {
    const attempts = encodeAttempts({ width: 900, height: 1600 });
    for (const [i, attempt] of attempts.entries()) {
      expect(Math.max(attempt.width, attempt.height)).toBeLessThanOrEqual(DOWNSCALE.maxLongSide);
      const previous = attempts[i - 1];
      if (previous)
        expect(attempt.width * attempt.height).toBeLessThanOrEqual(previous.width * previous.height);
    }
  });
});

describe("dataUrlByteLength", () => {
  it("counts decoded bytes, minus padding", () => {
    expect(dataUrlByteLength(`data:image/png;base64,${btoa("abc")}`)).toBe(3);
    expect(dataUrlByteLength(`data:image/png;base64,${btoa("abcd")}`)).toBe(4);
    expect(dataUrlByteLength(`data:image/png;base64,${btoa("abcde")}`)).toBe(5);
  });
});

describe("image types", () => {
  it("accepts the four types the upstream takes, and a blank type (bytes decide)", () => {
    for (const type of ["image/png", "image/jpeg", "image/webp", "image/gif", "IMAGE/PNG", ""]) {
      expect(isAcceptedImageType(type)).toBe(true);
    }
    for (const type of ["image/heic", "image/svg+xml", "application/pdf", "text/plain"]) {
      expect(isAcceptedImageType(type)).toBe(false);
    }
  });

  it("sniffs the real type from the first bytes", () => {
    const bytes = (...values: number[]) =>
      Uint8Array.from([...values, ...new Array(12).fill(0)].slice(0, 12));
    expect(sniffImageBytes(bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a))).toBe("image/png");
    expect(sniffImageBytes(bytes(0xff, 0xd8, 0xff, 0xe0))).toBe("image/jpeg");
    expect(sniffImageBytes(bytes(0x47, 0x49, 0x46, 0x38, 0x39, 0x61))).toBe("image/gif");
    expect(sniffImageBytes(new TextEncoder().encode("RIFF\0\0\0\0WEBP"))).toBe("image/webp");
    expect(sniffImageBytes(new TextEncoder().encode("<svg xmlns=..."))).toBeNull();
    expect(sniffImageBytes(Uint8Array.from([0xff, 0xd8]))).toBeNull();
  });
});
