import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { render, videoFrames, videoShape, type Recipe } from "./render";
import type { Raster } from "./render-raster";
import { shapesPng } from "./test-support";

function meanAbsDiff(a: Raster, b: Raster): number {
  expect([a.width, a.height]).toEqual([b.width, b.height]);
  let sum = 0;
  let count = 0;
  for (let i = 0; i < a.data.length; i++) {
    if (i % 4 === 3) continue;
    sum += Math.abs((a.data[i] ?? 0) - (b.data[i] ?? 0));
    count++;
  }
  return sum / count;
}

async function pixelsOf(image: Buffer, width: number, height: number): Promise<Raster> {
  const { data, info } = await sharp(image)
    .resize(width, height, { fit: "cover" })
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

const start = await shapesPng("#4a90d0", "#f0d040");
const grid = (over: Partial<Extract<Recipe, { kind: "video-grid" }>> = {}): Recipe => ({
  kind: "video-grid",
  parent: { kind: "input", image: start },
  seed: 5,
  motion: "high",
  batch: 1,
  ...over,
});
const clipOf = (parent: Recipe, index = 1): Recipe => ({ kind: "video", parent, index });

describe("video clips from a start frame", () => {
  it("loops: the last frame is the first, and the clip moves in between", async () => {
    const frames = await videoFrames(clipOf(grid({ end: "loop" })));
    expect(frames).toHaveLength(60);
    const [first, middle, last] = [frames[0]!, frames[30]!, frames[59]!];
    expect(meanAbsDiff(first, last)).toBeLessThan(0.5);
    expect(meanAbsDiff(first, middle)).toBeGreaterThan(3);
  });

  it("ends every clip on the end frame", async () => {
    const end = await shapesPng("#c03060", "#20f0f0");
    const twoClips = grid({ batch: 2, end });
    for (const index of [1, 2]) {
      const frames = await videoFrames(clipOf(twoClips, index));
      const [first, last] = [frames[0]!, frames[frames.length - 1]!];
      const expected = await pixelsOf(end, last.width, last.height);
      expect(meanAbsDiff(last, expected)).toBeLessThan(4);
      expect(meanAbsDiff(first, expected)).toBeGreaterThan(30);
    }
  });

  it("extends: the first 5 s are the parent's frames, then 4 s more carry on from its last", async () => {
    const clip = clipOf(grid());
    const extension: Recipe = { kind: "extend", parent: clip, motion: "low", seed: 9 };
    expect(videoShape(extension)).toEqual({ clips: 1, frames: 108, seconds: 9, hd: false });
    const [parent, extended, parentEnd, extendedEnd] = await Promise.all([
      videoFrames(clip, 0, 3),
      videoFrames(extension, 0, 3),
      videoFrames(clip, 57, 60),
      videoFrames(extension, 57, 108),
    ]);
    [...parent, ...parentEnd].forEach((frame, i) =>
      expect(frame.data.equals([...extended, ...extendedEnd.slice(0, 3)][i]!.data)).toBe(true),
    );
    const last = parentEnd[2]!;
    expect(meanAbsDiff(extendedEnd[3]!, last)).toBeLessThan(3);
    expect(meanAbsDiff(extendedEnd[extendedEnd.length - 1]!, last)).toBeGreaterThan(3);
  });

  it("renders HD clips at 720 and SD at 480 on the long side, in H.264's 16-pixel steps", async () => {
    const [[sd], [hd]] = await Promise.all([
      videoFrames(clipOf(grid()), 0, 1),
      videoFrames(clipOf(grid({ hd: true })), 0, 1),
    ]);
    expect([sd!.width, sd!.height]).toEqual([480, 272]);
    expect([hd!.width, hd!.height]).toEqual([720, 400]);
    expect(videoShape(grid({ batch: 2, hd: true }))).toEqual({ clips: 2, frames: 60, seconds: 5, hd: true });
  });

  it("lays the clips of the animated preview out side by side, or two by two", async () => {
    const [one, two] = await Promise.all([render(grid()), render(grid({ batch: 2 }))]);
    expect([one.width, one.height]).toEqual([576, 320]);
    expect([two.width, two.height]).toEqual([576, 160]);
    const meta = await sharp(two.data, { animated: true }).metadata();
    expect([meta.pages, meta.pageHeight]).toEqual([30, 160]);
  });
});
