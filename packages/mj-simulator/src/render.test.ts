import sharp, { type Sharp } from "sharp";
import { describe, expect, it, vi } from "vitest";
import { aspectSize, describeImage, render, renderPreview, type Recipe } from "./render";
import { mp4FrameCount, mp4Seconds } from "./test-support";

interface Pixels {
  data: Buffer;
  width: number;
  height: number;
}

async function pixels(image: Buffer | Sharp): Promise<Pixels> {
  const pipeline = Buffer.isBuffer(image) ? sharp(image) : image;
  const { data, info } = await pipeline
    .removeAlpha()
    .toColourspace("srgb")
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** Region of a decoded image (left, top, width, height), as pixels. */
async function region(
  image: Buffer,
  left: number,
  top: number,
  width: number,
  height: number,
): Promise<Pixels> {
  return pixels(sharp(image).extract({ left, top, width, height }));
}

function meanAbsDiff(a: Pixels, b: Pixels): number {
  expect([a.width, a.height]).toEqual([b.width, b.height]);
  let sum = 0;
  for (let i = 0; i < a.data.length; i++) sum += Math.abs((a.data[i] ?? 0) - (b.data[i] ?? 0));
  return sum / a.data.length;
}

/** Mean absolute difference between horizontally neighbouring pixels: how much fine detail there is. */
function sharpness(p: Pixels): number {
  let sum = 0;
  for (let y = 0; y < p.height; y++) {
    for (let x = 1; x < p.width; x++) {
      const i = (y * p.width + x) * 3;
      sum += Math.abs((p.data[i + 1] ?? 0) - (p.data[i - 2] ?? 0));
    }
  }
  return sum / (p.height * (p.width - 1));
}

function cell(width: number, height: number, index: number) {
  const w = width / 2;
  const h = height / 2;
  return { left: ((index - 1) % 2) * w, top: Math.floor((index - 1) / 2) * h, width: w, height: h };
}

async function cellPixels(grid: Buffer, index: number): Promise<Pixels> {
  const { width = 0, height = 0 } = await sharp(grid).metadata();
  const c = cell(width, height, index);
  return region(grid, c.left, c.top, c.width, c.height);
}

const imagine16x9: Recipe = {
  kind: "imagine",
  prompt: "a lighthouse on a cliff above a stormy sea at sunset --ar 16:9 --v 7",
  seed: 1234,
  aspect: { w: 16, h: 9 },
};
const imagineSquare: Recipe = {
  kind: "imagine",
  prompt: "a red fox in a snowy forest",
  seed: 99,
  aspect: { w: 1, h: 1 },
};
const upscaled: Recipe = { kind: "upscale", parent: imagine16x9, index: 2 };
const upscaledSquare: Recipe = { kind: "upscale", parent: imagineSquare, index: 3 };
const videoGrid: Recipe = { kind: "video-grid", parent: upscaledSquare, seed: 31, motion: "high" };
const video: Recipe = { kind: "video", parent: videoGrid, index: 2 };

async function solidPng(width: number, height: number, colour: string): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: colour } })
    .png()
    .toBuffer();
}

describe("render", () => {
  // Everything renders twice, the second time in a fresh module that loads the encoder again: on
  // a busy machine that takes longer than the default timeout.
  it(
    "is deterministic: a fresh module instance renders byte-identical images, webp and mp4",
    { timeout: 60_000 },
    async () => {
      const recipes: Recipe[] = [
        { kind: "zoom", parent: upscaled, factor: 2, seed: 5 },
        { kind: "video-grid", parent: upscaled, seed: 8, motion: "low" },
        video,
      ];
      const first = await Promise.all(recipes.map(render));
      // A new module instance has an empty cache, so the second run really renders again.
      vi.resetModules();
      const fresh = await import("./render");
      const second = await Promise.all(recipes.map(fresh.render));
      second.forEach((out, i) => {
        expect(out).not.toBe(first[i]);
        expect(out.data.equals(first[i]?.data ?? Buffer.alloc(0))).toBe(true);
      });
    },
  );

  it("shares one render between concurrent requests for the same recipe", async () => {
    const recipe: Recipe = { kind: "imagine", prompt: "a quiet harbour", seed: 77, aspect: { w: 1, h: 1 } };
    const [a, b] = await Promise.all([render(recipe), render({ ...recipe })]);
    expect(a).toBe(b);
  });

  it("paints clearly different pictures for different prompts", async () => {
    const other: Recipe = {
      kind: "imagine",
      prompt: "a neon city skyline at night",
      seed: 1234,
      aspect: { w: 16, h: 9 },
    };
    const [a, b] = await Promise.all([render(imagine16x9), render(other)]);
    expect(meanAbsDiff(await pixels(a.data), await pixels(b.data))).toBeGreaterThan(25);
  });

  it("draws from the words only: --parameters and image URLs do not change the picture", async () => {
    const plain: Recipe = { kind: "imagine", prompt: "a quiet harbour", seed: 77, aspect: { w: 1, h: 1 } };
    const decorated: Recipe = {
      ...plain,
      prompt: "https://example.com/ref.png a quiet harbour --v 7 --stylize 200",
    };
    const reseeded: Recipe = { ...plain, seed: 78 };
    const [a, b, c] = await Promise.all([render(plain), render(decorated), render(reseeded)]);
    expect(b.data.equals(a.data)).toBe(true);
    expect(meanAbsDiff(await pixels(c.data), await pixels(a.data))).toBeGreaterThan(5);
  });

  it("makes four different cells in a grid", async () => {
    const grid = (await render(imagineSquare)).data;
    const cells = await Promise.all([1, 2, 3, 4].map((i) => cellPixels(grid, i)));
    for (let i = 0; i < 4; i++) {
      for (let j = i + 1; j < 4; j++)
        expect(meanAbsDiff(cells[i] as Pixels, cells[j] as Pixels)).toBeGreaterThan(5);
    }
  });

  it.each([
    [{ w: 16, h: 9 }, 1024, 576],
    [{ w: 2, h: 3 }, 684, 1024],
    [{ w: 1, h: 1 }, 1024, 1024],
  ])("sizes a grid for --ar %o", async (aspect, width, height) => {
    const out = await render({ kind: "imagine", prompt: "rolling hills", seed: 3, aspect });
    const meta = await sharp(out.data).metadata();
    expect([out.contentType, meta.format, meta.width, meta.height]).toEqual([
      "image/png",
      "png",
      width,
      height,
    ]);
    expect([out.width, out.height]).toEqual([width, height]);
  });

  it("tints an imagine with its reference image and names a bad reference in the error", async () => {
    const plain: Recipe = { kind: "imagine", prompt: "a castle", seed: 2, aspect: { w: 1, h: 1 } };
    const tinted: Recipe = { ...plain, refImages: [await solidPng(64, 64, "#10e020")] };
    const [a, b] = await Promise.all([render(plain), render(tinted)]);
    const green = (p: Pixels) =>
      p.data.reduce((sum, v, i) => sum + (i % 3 === 1 ? v : 0), 0) / (p.data.length / 3);
    expect(green(await pixels(b.data))).toBeGreaterThan(green(await pixels(a.data)) + 15);
    await expect(render({ ...plain, refImages: [Buffer.from("not an image")] })).rejects.toThrow(
      "reference image 1 is not a valid PNG, JPEG, WebP or GIF image",
    );
  });

  it("upscales exactly the chosen cell to twice its size", async () => {
    const [grid, up] = await Promise.all([render(imagine16x9), render(upscaled)]);
    expect([up.width, up.height]).toEqual([1024, 576]);
    const shrunk = await pixels(sharp(up.data).resize(512, 288));
    expect(meanAbsDiff(shrunk, await cellPixels(grid.data, 2))).toBeLessThan(3);
    expect(meanAbsDiff(shrunk, await cellPixels(grid.data, 1))).toBeGreaterThan(10);
  });

  it("varies a cell: subtle stays closer to the parent than strong", async () => {
    const base = {
      kind: "variation",
      parent: imagine16x9,
      index: 2,
      seed: 7,
      prompt: imagine16x9.prompt,
    } as const;
    const [grid, subtle, strong] = await Promise.all([
      render(imagine16x9),
      render({ ...base, strength: "subtle" }),
      render({ ...base, strength: "strong" }),
    ]);
    expect([subtle.width, subtle.height]).toEqual([1024, 576]);
    const parentCell = await cellPixels(grid.data, 2);
    const subtleDiff = meanAbsDiff(await cellPixels(subtle.data, 1), parentCell);
    const strongDiff = meanAbsDiff(await cellPixels(strong.data, 1), parentCell);
    expect(subtleDiff).toBeGreaterThan(1);
    expect(strongDiff).toBeGreaterThan(subtleDiff * 1.5);
  });

  it("enlarges an upscale 2x (capped at 2048) and creative mode adds detail", async () => {
    const [subtle, creative, fourX] = await Promise.all([
      render({ kind: "upscale-hd", parent: upscaled, mode: "subtle" }),
      render({ kind: "upscale-hd", parent: upscaled, mode: "creative" }),
      render({ kind: "upscale-hd", parent: upscaled, mode: "4x" }),
    ]);
    expect([subtle.width, subtle.height]).toEqual([2048, 1152]);
    expect([fourX.width, fourX.height]).toEqual([2048, 1152]);
    expect(meanAbsDiff(await pixels(subtle.data), await pixels(creative.data))).toBeGreaterThan(3);
  });

  it("regenerates only where the mask is white", async () => {
    const mask = await sharp({ create: { width: 64, height: 36, channels: 3, background: "#000" } })
      .composite([{ input: await solidPng(32, 36, "#fff"), left: 0, top: 0 }])
      .png()
      .toBuffer();
    const [parent, changed] = await Promise.all([
      render(upscaled),
      render({ kind: "region", parent: upscaled, mask, prompt: "a giant glowing orb", seed: 3 }),
    ]);
    expect([changed.width, changed.height]).toEqual([parent.width, parent.height]);
    const right = async (png: Buffer) => region(png, 512, 0, 512, 576);
    const left = async (png: Buffer) => region(png, 0, 0, 512, 576);
    expect((await right(changed.data)).data.equals((await right(parent.data)).data)).toBe(true);
    expect(meanAbsDiff(await left(changed.data), await left(parent.data))).toBeGreaterThan(10);
    await expect(
      render({ kind: "region", parent: upscaled, mask: Buffer.from("nope"), prompt: "x", seed: 1 }),
    ).rejects.toThrow("mask is not a valid");
  });

  it("zooms out: each cell holds the parent at 1/factor size in its centre", async () => {
    const [parent, zoomed] = await Promise.all([
      render(upscaled),
      render({ kind: "zoom", parent: upscaled, factor: 2, seed: 11 }),
    ]);
    expect([zoomed.width, zoomed.height]).toEqual([1024, 576]);
    const expected = await pixels(
      sharp(parent.data)
        .resize(256, 144, { kernel: "lanczos3" })
        .extract({ left: 16, top: 16, width: 224, height: 112 }),
    );
    for (const index of [1, 4]) {
      const c = cell(1024, 576, index);
      const centre = await region(zoomed.data, c.left + 128 + 16, c.top + 72 + 16, 224, 112);
      expect(meanAbsDiff(centre, expected)).toBeLessThan(4);
    }
    const corner = await region(zoomed.data, 0, 0, 224, 112);
    expect(meanAbsDiff(corner, expected)).toBeGreaterThan(8);
  });

  it("makes a non-square image square and honours a custom zoom aspect", async () => {
    const [square, tall] = await Promise.all([
      render({ kind: "zoom", parent: upscaled, factor: 1, seed: 12, square: true }),
      render({ kind: "zoom", parent: upscaled, factor: 1.5, seed: 13, aspect: { w: 9, h: 16 } }),
    ]);
    expect([square.width, square.height]).toEqual([1024, 1024]);
    expect([tall.width, tall.height]).toEqual([576, 1024]);
  });

  it("pans: the canvas grows by half in that direction and the parent keeps the opposite edge", async () => {
    const [parent, panned] = await Promise.all([
      render(upscaledSquare),
      render({ kind: "pan", parent: upscaledSquare, direction: "left", seed: 14 }),
    ]);
    expect([panned.width, panned.height]).toEqual([1024, 684]);
    // Cell 1 is 512x342 with the parent (342x342) against its right edge.
    const expected = await pixels(
      sharp(parent.data)
        .resize(342, 342, { kernel: "lanczos3" })
        .extract({ left: 30, top: 30, width: 282, height: 282 }),
    );
    const kept = await region(panned.data, 512 - 342 + 30, 30, 282, 282);
    expect(meanAbsDiff(kept, expected)).toBeLessThan(4);
  });

  it.each([
    ["PORTRAIT", 684, 1024],
    ["SQUARE", 1024, 1024],
    ["LANDSCAPE", 1024, 684],
  ] as const)("blends images into a %s grid", async (dimensions, width, height) => {
    const images = [await solidPng(300, 200, "#d02020"), (await render(imagineSquare)).data];
    const out = await render({ kind: "blend", images, dimensions, seed: 21 });
    expect([out.width, out.height]).toEqual([width, height]);
    const meta = await sharp(out.data).metadata();
    expect([meta.width, meta.height]).toEqual([width, height]);
  });

  it("refuses a blend with undecodable bytes or too few images", async () => {
    const good = await solidPng(50, 50, "#123456");
    await expect(
      render({ kind: "blend", images: [good, Buffer.from("GIF89a garbage")], dimensions: "SQUARE", seed: 1 }),
    ).rejects.toThrow("image 2 is not a valid PNG, JPEG, WebP or GIF image");
    await expect(render({ kind: "blend", images: [good], dimensions: "SQUARE", seed: 1 })).rejects.toThrow(
      "2 to 5 images",
    );
  });

  it("animates a video grid as a looping animated WebP of the clips' 5 s whose frames move", async () => {
    const out = await render(videoGrid);
    expect(out.contentType).toBe("image/webp");
    const meta = await sharp(out.data, { animated: true }).metadata();
    expect(meta.format).toBe("webp");
    expect(meta.pages).toBe(30);
    expect((meta.delay ?? []).reduce((sum, ms) => sum + ms, 0)).toBeCloseTo(5000, -2);
    expect([meta.width, meta.pageHeight]).toEqual([576, 576]);
    const firstFrame = await pixels(sharp(out.data, { page: 0 }));
    const lastFrame = await pixels(sharp(out.data, { page: (meta.pages ?? 1) - 1 }));
    expect(meanAbsDiff(firstFrame, lastFrame)).toBeGreaterThan(3);
  });

  it("encodes a clip as an H.264 mp4 of 5 s at 12 fps, and an extension adds 4 s more", async () => {
    const [clip, longer] = await Promise.all([
      render(video),
      render({ kind: "extend", parent: video, motion: "low", seed: 4 }),
    ]);
    for (const out of [clip, longer]) {
      expect(out.contentType).toBe("video/mp4");
      expect(out.data.subarray(4, 8).toString("latin1")).toBe("ftyp");
      expect(out.data.includes("avc1")).toBe(true);
      expect([out.width, out.height]).toEqual([480, 480]);
    }
    expect(clip.data.length).toBeGreaterThan(5_000);
    expect(clip.data.length).toBeLessThan(2_000_000);
    expect([mp4FrameCount(clip.data), mp4Seconds(clip.data)]).toEqual([60, 5]);
    expect([mp4FrameCount(longer.data), mp4Seconds(longer.data)]).toEqual([108, 9]);
  });

  it("renders previews that are smaller and blurrier than the final, sharpening with progress", async () => {
    const final = await render(imagine16x9);
    const [early, late] = await Promise.all([renderPreview(imagine16x9, 10), renderPreview(imagine16x9, 95)]);
    expect(early.contentType).toBe("image/webp");
    expect(early.width).toBeLessThan(final.width);
    expect(early.data.length).toBeLessThan(final.data.length);
    expect(early.width / early.height).toBeCloseTo(16 / 9, 1);
    const reference = await pixels(sharp(final.data).resize(early.width, early.height));
    const [earlyPx, latePx] = await Promise.all([pixels(early.data), pixels(late.data)]);
    expect(sharpness(earlyPx)).toBeLessThan(sharpness(reference) * 0.5);
    expect(sharpness(earlyPx)).toBeLessThan(sharpness(latePx) * 0.5);
    expect(meanAbsDiff(latePx, reference)).toBeLessThan(meanAbsDiff(earlyPx, reference) / 2);
  });

  it("previews a video as a still WebP frame", async () => {
    const still = await renderPreview(video, 50);
    const meta = await sharp(still.data, { animated: true }).metadata();
    expect([still.contentType, meta.format, meta.pages ?? 1]).toEqual(["image/webp", "webp", 1]);
  });
});

describe("describeImage", () => {
  it("gives four distinct, repeatable prompts ending with the image's aspect ratio", async () => {
    const grid = (await render(imagine16x9)).data;
    const prompts = await describeImage(grid);
    expect(prompts).toHaveLength(4);
    expect(new Set(prompts).size).toBe(4);
    for (const prompt of prompts) expect(prompt).toMatch(/ --ar 16:9$/);
    expect(await describeImage(grid)).toEqual(prompts);
    const tall = await describeImage(await solidPng(200, 300, "#1a1a40"));
    for (const prompt of tall) expect(prompt).toMatch(/ --ar 2:3$/);
    expect(tall).not.toEqual(prompts);
  });

  it("rejects bytes that are not an image", async () => {
    await expect(describeImage(Buffer.from("<svg xmlns='http://www.w3.org/2000/svg'/>"))).rejects.toThrow(
      "image is not a valid",
    );
  });
});

describe("aspectSize", () => {
  it("keeps the long side and rounds both sides to even numbers", () => {
    expect(aspectSize({ w: 16, h: 9 }, 1024)).toEqual({ width: 1024, height: 576 });
    expect(aspectSize({ w: 2, h: 3 }, 512)).toEqual({ width: 342, height: 512 });
    expect(aspectSize({ w: 7, h: 3 }, 513)).toEqual({ width: 514, height: 220 });
    expect(aspectSize({ w: 0, h: 0 }, 100)).toEqual({ width: 100, height: 100 });
  });
});
