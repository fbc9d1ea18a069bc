import { describe, expect, it } from "vitest";
import {
  aspectRatio,
  canvasPixels,
  CENTERED,
  coversCanvas,
  exportSizes,
  imageBox,
  movePlacement,
  pixelRect,
  SCALE,
  scalePlacement,
  stepScale,
} from "./placement";

const SQUARE = { width: 1024, height: 1024 };
const WIDE = { width: 1456, height: 816 };

describe("aspectRatio", () => {
  it("is the image's own for 'original' and the preset's otherwise", () => {
    expect(aspectRatio("original", WIDE)).toBeCloseTo(1456 / 816);
    expect(aspectRatio("16:9", SQUARE)).toBeCloseTo(16 / 9);
    expect(aspectRatio("2:3", SQUARE)).toBeCloseTo(2 / 3);
  });
});

describe("imageBox", () => {
  it("fills a canvas of the image's own shape at scale 1", () => {
    const box = imageBox(CENTERED, 1.5, 1.5);
    expect(box).toEqual({ left: 0, top: 0, width: 1, height: 1 });
    expect(coversCanvas(box)).toBe(true);
  });

  it("puts a square image in the middle of a 16:9 canvas, full height, with bands either side", () => {
    const box = imageBox(CENTERED, 1, 16 / 9);
    expect(box.height).toBe(1);
    expect(box.width).toBeCloseTo(9 / 16);
    expect(box.left).toBeCloseTo((1 - 9 / 16) / 2);
    expect(coversCanvas(box)).toBe(false);
  });

  it("keeps the image's aspect ratio in pixels whatever the canvas", () => {
    for (const canvasAspect of [1, 16 / 9, 2 / 3]) {
      const box = imageBox({ x: 0.3, y: 0.6, scale: 0.7 }, 4 / 3, canvasAspect);
      expect((box.width * canvasAspect) / box.height).toBeCloseTo(4 / 3);
    }
  });

  it("shrinks around the centre, leaving a border on every side (a zoom out)", () => {
    const box = imageBox({ ...CENTERED, scale: 0.5 }, 1, 1);
    expect(box).toEqual({ left: 0.25, top: 0.25, width: 0.5, height: 0.5 });
    expect(coversCanvas(box)).toBe(false);
  });

  it("grows past the canvas above scale 1 (the canvas crops it)", () => {
    const box = imageBox({ ...CENTERED, scale: 2 }, 1, 1);
    expect(box.left).toBe(-0.5);
    expect(coversCanvas(box)).toBe(true);
  });
});

describe("moving and scaling", () => {
  it("moves by fractions of the canvas and keeps the centre on it", () => {
    expect(movePlacement(CENTERED, 0.1, -0.2)).toEqual({ x: 0.6, y: 0.3, scale: 1 });
    expect(movePlacement(CENTERED, 2, -2)).toEqual({ x: 1, y: 0, scale: 1 });
  });

  it("keeps the scale within its range", () => {
    expect(scalePlacement(CENTERED, 10).scale).toBe(SCALE.max);
    expect(scalePlacement(CENTERED, 0).scale).toBe(SCALE.min);
  });

  it("steps the scale on the step's multiples, without float drift", () => {
    let placement = { ...CENTERED, scale: 0.93 };
    placement = stepScale(placement, -1);
    expect(placement.scale).toBe(0.9);
    for (let i = 0; i < 6; i++) placement = stepScale(placement, -1);
    expect(placement.scale).toBe(0.6);
    expect(stepScale({ ...CENTERED, scale: SCALE.max }, 1).scale).toBe(SCALE.max);
  });

  it("tidies values a long series of nudges would smear", () => {
    let placement = CENTERED;
    for (let i = 0; i < 30; i++) placement = movePlacement(placement, 0.01, 0);
    expect(placement.x).toBe(0.8);
  });
});

describe("canvasPixels and pixelRect", () => {
  it("keeps the image at its own resolution on a larger canvas", () => {
    const canvasAspect = 16 / 9;
    const box = imageBox(CENTERED, 1, canvasAspect);
    const canvas = canvasPixels({ width: 512, height: 512 }, box, canvasAspect, 4096);
    expect(canvas).toEqual({ width: 910, height: 512 });
    const rect = pixelRect(box, canvas);
    expect(rect).toEqual({ x: 199, y: 0, w: 512, h: 512 });
  });

  it("doubles the canvas for a half-size image and caps the long side", () => {
    const box = imageBox({ ...CENTERED, scale: 0.5 }, 1, 1);
    expect(canvasPixels(SQUARE, box, 1, 4096)).toEqual({ width: 2048, height: 2048 });
    expect(canvasPixels(SQUARE, box, 1, 1536)).toEqual({ width: 1536, height: 1536 });
    expect(pixelRect(box, { width: 1536, height: 1536 })).toEqual({ x: 384, y: 384, w: 768, h: 768 });
  });

  it("gives the unchanged image its own size", () => {
    const box = imageBox(CENTERED, WIDE.width / WIDE.height, WIDE.width / WIDE.height);
    const canvas = canvasPixels(WIDE, box, WIDE.width / WIDE.height, 1536);
    expect(canvas).toEqual(WIDE);
    expect(pixelRect(box, canvas)).toEqual({ x: 0, y: 0, w: 1456, h: 816 });
  });

  it("rounds edges, so neighbouring boxes would meet without a gap", () => {
    const canvas = { width: 101, height: 101 };
    const left = pixelRect({ left: 0, top: 0, width: 0.5, height: 1 }, canvas);
    const right = pixelRect({ left: 0.5, top: 0, width: 0.5, height: 1 }, canvas);
    expect(left.x + left.w).toBe(right.x);
    expect(right.x + right.w).toBe(101);
  });
});

describe("exportSizes", () => {
  it("tries the full size first, then smaller ones, never below a pixel", () => {
    const sizes = exportSizes({ width: 1000, height: 3 });
    expect(sizes[0]).toEqual({ width: 1000, height: 3 });
    expect(sizes.at(-1)).toEqual({ width: 350, height: 1 });
    expect(sizes.map((size) => size.width)).toEqual([1000, 750, 500, 350]);
  });
});
