import sharp from "sharp";
import { afterEach, describe, expect, it, vi } from "vitest";
import { SELECT_ALL, type MaskOp } from "./mask-model";
import { applyOp, coverage, exportMaskPng, maskSize, maskToRgba, rasterizeMask } from "./render-mask";

const leftHalf: MaskOp = { kind: "rect", mode: "paint", from: { x: 0, y: 0 }, to: { x: 0.5, y: 1 } };
const INVERT: MaskOp = { kind: "invert" };
const CLEAR: MaskOp = { kind: "clear" };

/** A horizontal brush stroke through the middle of the image. */
function middleStroke(mode: "paint" | "erase", size = 0.2): MaskOp {
  return {
    kind: "stroke",
    mode,
    size,
    points: [
      { x: 0.1, y: 0.5 },
      { x: 0.5, y: 0.5 },
      { x: 0.9, y: 0.5 },
    ],
  };
}

function at(mask: Uint8Array, width: number, x: number, y: number): number | undefined {
  return mask[y * width + x];
}

/** The expected pixels of `leftHalf`: columns whose centres lie left of the middle are white. */
function leftHalfPixels(width: number, height: number): Uint8Array {
  const mask = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) mask.fill(255, y * width, y * width + Math.ceil(width / 2 - 0.5));
  return mask;
}

/** The first index where two buffers differ, or -1: deep equality on a megapixel is too slow. */
function firstDifference(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  return a.findIndex((value, i) => value !== b[i]);
}

function onlyBlackAndWhite(values: Iterable<number>): boolean {
  for (const value of values) if (value !== 0 && value !== 255) return false;
  return true;
}

async function decode(dataUrl: string) {
  const prefix = "data:image/png;base64,";
  expect(dataUrl.startsWith(prefix)).toBe(true);
  const bytes = Buffer.from(dataUrl.slice(prefix.length), "base64");
  const meta = await sharp(bytes).metadata();
  // Read back as one grey channel (sharp would otherwise hand out sRGB triples).
  const { data, info } = await sharp(bytes).toColourspace("b-w").raw().toBuffer({ resolveWithObject: true });
  return { meta, data, info };
}

describe("maskSize", () => {
  it.each([
    // 16:9
    [1920, 1080, { width: 1024, height: 576 }],
    [1456, 816, { width: 1001, height: 561 }],
    // 2:3
    [1024, 1536, { width: 682, height: 1023 }],
    [512, 768, { width: 512, height: 768 }],
    // 1:1
    [2048, 2048, { width: 1024, height: 1024 }],
    [1024, 1024, { width: 1024, height: 1024 }],
    // tiny images keep their own size
    [1, 1, { width: 1, height: 1 }],
    [3, 2, { width: 3, height: 2 }],
    [16, 9, { width: 16, height: 9 }],
  ])("%i×%i gives a %o mask with exactly the image's aspect ratio", (width, height, expected) => {
    const size = maskSize(width, height);
    expect(size).toEqual(expected);
    expect(size.width * height).toBe(size.height * width);
  });

  it("rounds when no exact multiple comes near the limit, within half a pixel", () => {
    const size = maskSize(1457, 817);
    expect(size).toEqual({ width: 1024, height: 574 });
    expect(Math.abs(size.height - (1024 * 817) / 1457)).toBeLessThanOrEqual(0.5);
    expect(maskSize(20000, 1)).toEqual({ width: 1024, height: 1 });
  });

  it("always gives integers within maxSide close to the image's aspect", () => {
    for (const [width, height, maxSide] of [
      [1456, 816, 1024],
      [816, 1456, 512],
      [1232, 928, 1024],
      [1999, 1001, 700],
      [5, 3, 4],
      [7, 2, 3],
    ] as const) {
      const size = maskSize(width, height, maxSide);
      expect(Number.isInteger(size.width) && Number.isInteger(size.height)).toBe(true);
      expect(Math.max(size.width, size.height)).toBeLessThanOrEqual(maxSide);
      expect(Math.min(size.width, size.height)).toBeGreaterThanOrEqual(1);
      // The short side is within half a pixel of the exact proportion.
      const exactHeight = (size.width * height) / width;
      const exactWidth = (size.height * width) / height;
      expect(
        Math.min(Math.abs(size.height - exactHeight), Math.abs(size.width - exactWidth)),
      ).toBeLessThanOrEqual(0.5);
    }
  });

  it("refuses sizes it cannot honour", () => {
    expect(() => maskSize(0, 100)).toThrow(RangeError);
    expect(() => maskSize(100, Number.NaN)).toThrow(RangeError);
    expect(() => maskSize(100, 100, 0)).toThrow(RangeError);
  });
});

describe("rasterizeMask", () => {
  it("is all black without operations", () => {
    const mask = rasterizeMask([], 8, 4);
    expect(mask).toHaveLength(32);
    expect(coverage(mask)).toBe(0);
  });

  it.each([
    [1024, 576],
    [64, 96],
    [2, 2],
  ])("a left-half rectangle is white exactly on the left half of %i×%i", (width, height) => {
    const mask = rasterizeMask([leftHalf], width, height);
    expect(coverage(mask)).toBe(0.5);
    expect(firstDifference(mask, leftHalfPixels(width, height))).toBe(-1);
  });

  it("draws a rectangle the same whichever corner it starts from", () => {
    const a = rasterizeMask(
      [{ kind: "rect", mode: "paint", from: { x: 0.2, y: 0.3 }, to: { x: 0.7, y: 0.9 } }],
      50,
      40,
    );
    const b = rasterizeMask(
      [{ kind: "rect", mode: "paint", from: { x: 0.7, y: 0.9 }, to: { x: 0.2, y: 0.3 } }],
      50,
      40,
    );
    expect(b).toEqual(a);
    expect(coverage(a)).toBeCloseTo(0.5 * 0.6, 2);
  });

  it("clips shapes that reach past the image", () => {
    const mask = rasterizeMask(
      [
        { kind: "rect", mode: "paint", from: { x: -1, y: -1 }, to: { x: 0.5, y: 2 } },
        middleStroke("paint", 3),
      ],
      20,
      10,
    );
    expect(mask).toHaveLength(200);
    expect(coverage(mask)).toBe(1);
  });

  it("sizes the brush as a fraction of the image width", () => {
    // Diameter 0.2 × 100 px = 20 px around y = 25: rows 15..34 have their centres within 10 px.
    const width = 100;
    const mask = rasterizeMask([middleStroke("paint", 0.2)], width, 50);
    const column = Array.from({ length: 50 }, (_, y) => at(mask, width, 50, y));
    expect(column.map((value, y) => (value === 255 ? y : -1)).filter((y) => y >= 0)).toEqual(
      Array.from({ length: 20 }, (_, i) => 15 + i),
    );
    // Round caps: the stroke reaches 10 px beyond its end points and no further.
    expect(at(mask, width, 0, 25)).toBe(255);
    expect(at(mask, width, 99, 25)).toBe(255);
    expect(at(mask, width, 50, 14)).toBe(0);
  });

  it("covers the same share of the image at any resolution", () => {
    const ops: MaskOp[] = [middleStroke("paint", 0.15), leftHalf, middleStroke("erase", 0.05)];
    const small = coverage(rasterizeMask(ops, 390, 219));
    const large = coverage(rasterizeMask(ops, 1456, 816));
    expect(Math.abs(small - large)).toBeLessThan(0.01);
  });

  it("an eraser stroke removes paint along its path only", () => {
    const width = 100;
    const mask = rasterizeMask([SELECT_ALL, middleStroke("erase", 0.1)], width, 60);
    expect(at(mask, width, 50, 30)).toBe(0);
    expect(at(mask, width, 20, 30)).toBe(0);
    expect(at(mask, width, 50, 10)).toBe(255);
    expect(at(mask, width, 50, 50)).toBe(255);
    const painted = rasterizeMask([middleStroke("paint", 0.1)], width, 60);
    const erased = rasterizeMask([middleStroke("paint", 0.1), middleStroke("erase", 0.1)], width, 60);
    expect(coverage(painted)).toBeGreaterThan(0);
    expect(coverage(erased)).toBe(0);
  });

  it("invert flips every pixel, and twice restores the mask", () => {
    const before = rasterizeMask([middleStroke("paint")], 40, 30);
    const inverted = rasterizeMask([middleStroke("paint"), INVERT], 40, 30);
    inverted.forEach((value, i) => expect(value).toBe(255 - (before[i] ?? 0)));
    expect(rasterizeMask([middleStroke("paint"), INVERT, INVERT], 40, 30)).toEqual(before);
    expect(coverage(rasterizeMask([INVERT], 5, 5))).toBe(1);
  });

  it("clear blacks out everything drawn before it, not after", () => {
    const mask = rasterizeMask([SELECT_ALL, CLEAR, leftHalf], 10, 10);
    expect(mask).toEqual(rasterizeMask([leftHalf], 10, 10));
  });

  it("a brush thinner than a pixel still marks the pixel under it", () => {
    const dot: MaskOp = { kind: "stroke", mode: "paint", size: 0.001, points: [{ x: 0.99, y: 0.01 }] };
    expect(Array.from(rasterizeMask([dot], 1, 1))).toEqual([255]);
    const mask = rasterizeMask([dot], 10, 10);
    expect(at(mask, 10, 9, 0)).toBe(255);
    expect(coverage(mask)).toBe(0.01);
  });

  it("only ever holds black and white", () => {
    const ops: MaskOp[] = [
      middleStroke("paint", 0.137),
      {
        kind: "stroke",
        mode: "paint",
        size: 0.05,
        points: [
          { x: 0.33, y: 0.71 },
          { x: 0.61, y: 0.13 },
        ],
      },
      { kind: "rect", mode: "erase", from: { x: 0.41, y: 0.12 }, to: { x: 0.77, y: 0.58 } },
      INVERT,
    ];
    expect(onlyBlackAndWhite(rasterizeMask(ops, 333, 187))).toBe(true);
  });

  it("applying a stroke a segment at a time equals applying it whole", () => {
    const whole = middleStroke("paint", 0.08);
    if (whole.kind !== "stroke") throw new Error("unreachable");
    const [a, b, c] = whole.points;
    if (!a || !b || !c) throw new Error("unreachable");
    const pieces = rasterizeMask([], 120, 80);
    for (const points of [[a], [a, b], [b, c]]) applyOp(pieces, 120, 80, { ...whole, points });
    expect(pieces).toEqual(rasterizeMask([whole], 120, 80));
  });
});

describe("maskToRgba", () => {
  it("colours selected and unselected pixels", () => {
    const rgba = new Uint8ClampedArray(8);
    maskToRgba(new Uint8Array([255, 0]), rgba, [14, 165, 233, 128], [0, 0, 0, 0]);
    expect(Array.from(rgba)).toEqual([14, 165, 233, 128, 0, 0, 0, 0]);
  });

  it("draws selected pixels as a checkerboard of cells when asked", () => {
    // 4×2 pixels, cells of 2: the left cell is `on`, the right one `alternate`; the last pixel is off.
    const rgba = new Uint8ClampedArray(4 * 2 * 4);
    const on = [200, 200, 200, 255] as const;
    const alternate = [120, 120, 120, 255] as const;
    const off = [0, 0, 0, 0] as const;
    maskToRgba(new Uint8Array([255, 255, 255, 255, 255, 255, 255, 0]), rgba, on, off, {
      width: 4,
      cell: 2,
      alternate,
    });
    const pixels = Array.from({ length: 8 }, (_, i) => Array.from(rgba.subarray(i * 4, i * 4 + 4)));
    expect(pixels).toEqual([on, on, alternate, alternate, on, on, alternate, off]);
  });
});

describe("exportMaskPng", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it.each([
    ["16:9", 1456, 816, 1001, 561],
    ["2:3", 1024, 1536, 682, 1023],
    ["1:1", 2048, 2048, 1024, 1024],
    ["tiny", 3, 2, 3, 2],
  ])(
    "%s: a PNG of the image's aspect with the left half white",
    async (_, width, height, maskWidth, maskHeight) => {
      const { meta, data, info } = await decode(await exportMaskPng([leftHalf], width, height));
      expect(meta).toMatchObject({ format: "png", channels: 1, depth: "uchar", hasAlpha: false });
      expect({ width: info.width, height: info.height }).toEqual({ width: maskWidth, height: maskHeight });
      expect(info.width * height).toBe(info.height * width);
      expect(onlyBlackAndWhite(data)).toBe(true);
      expect(firstDifference(new Uint8Array(data), leftHalfPixels(maskWidth, maskHeight))).toBe(-1);
    },
  );

  it("honours maxSide", async () => {
    const { info } = await decode(await exportMaskPng([SELECT_ALL], 1920, 1080, 256));
    expect({ width: info.width, height: info.height }).toEqual({ width: 256, height: 144 });
  });

  it("carries exactly the rasterised pixels, strokes and all", async () => {
    const ops: MaskOp[] = [middleStroke("paint", 0.2), leftHalf, middleStroke("erase", 0.05), INVERT];
    const { data, info } = await decode(await exportMaskPng(ops, 640, 360));
    expect(firstDifference(data, rasterizeMask(ops, 640, 360))).toBe(-1);
    expect(info.width).toBe(640);
  });

  it("compresses a mask to a few kilobytes", async () => {
    const url = await exportMaskPng([middleStroke("paint"), leftHalf], 1024, 1024);
    expect(url.length).toBeLessThan(20_000);
  });

  it("still writes a valid PNG where CompressionStream is missing", async () => {
    const ops: MaskOp[] = [middleStroke("paint", 0.1), leftHalf];
    const compressed = await decode(await exportMaskPng(ops, 400, 300));
    vi.stubGlobal("CompressionStream", undefined);
    // Larger than one 64 KiB stored block, so the block chaining is exercised too.
    const stored = await decode(await exportMaskPng(ops, 400, 300));
    expect(firstDifference(stored.data, compressed.data)).toBe(-1);
    expect(stored.info).toMatchObject({ width: 400, height: 300, channels: 1 });
  });

  it("reads back as black and white through an RGBA pipeline too", async () => {
    const url = await exportMaskPng([leftHalf], 30, 20);
    const bytes = Buffer.from(url.split(",")[1] ?? "", "base64");
    const { data, info } = await sharp(bytes).toColourspace("srgb").ensureAlpha().raw().toBuffer({
      resolveWithObject: true,
    });
    expect(info.channels).toBe(4);
    expect(Array.from(data.subarray(0, 4))).toEqual([255, 255, 255, 255]);
    expect(Array.from(data.subarray(29 * 4, 30 * 4))).toEqual([0, 0, 0, 255]);
  });
});
