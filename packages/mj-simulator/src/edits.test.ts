import sharp, { type Region } from "sharp";
import { afterEach, describe, expect, it } from "vitest";
import { render, type Recipe } from "./render";
import {
  buttonId,
  closeAll,
  dataUrl,
  harness,
  mediaOf,
  shapesPng,
  type Harness,
  type Task,
} from "./test-support";

afterEach(closeAll);

interface Rgba {
  data: Buffer;
  width: number;
  height: number;
}

async function rgba(image: Buffer, region?: Region): Promise<Rgba> {
  const pipeline = region ? sharp(image).extract(region) : sharp(image);
  const { data, info } = await pipeline.ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** Cell `index` (1..4) of a 2x2 grid. */
async function cell(grid: Buffer, index: number): Promise<Rgba> {
  const { width = 0, height = 0 } = await sharp(grid).metadata();
  const [w, h] = [width / 2, height / 2];
  return rgba(grid, {
    left: ((index - 1) % 2) * w,
    top: Math.floor((index - 1) / 2) * h,
    width: w,
    height: h,
  });
}

/** A picture whose pixels inside `hole` (or outside `keep`) are fully transparent. */
async function withTransparency(
  picture: Buffer,
  inside: (x: number, y: number) => boolean,
): Promise<{ png: Buffer; pixels: Rgba }> {
  const pixels = await rgba(picture);
  for (let y = 0; y < pixels.height; y++) {
    for (let x = 0; x < pixels.width; x++) if (inside(x, y)) pixels.data[(y * pixels.width + x) * 4 + 3] = 0;
  }
  const png = await sharp(pixels.data, { raw: { width: pixels.width, height: pixels.height, channels: 4 } })
    .png()
    .toBuffer();
  return { png, pixels };
}

/**
 * Compares an edit cell with its input: the largest difference over pixels the input has opaque,
 * and the mean brightness and spread of the pixels it has transparent.
 */
function compare(out: Rgba, input: Rgba) {
  let keptDiff = 0;
  const painted: number[] = [];
  for (let p = 0; p < input.width * input.height; p++) {
    const alpha = input.data[p * 4 + 3] ?? 0;
    if (alpha === 255) {
      for (let c = 0; c < 3; c++)
        keptDiff = Math.max(keptDiff, Math.abs((out.data[p * 4 + c] ?? 0) - (input.data[p * 4 + c] ?? 0)));
    } else if (alpha === 0) {
      painted.push(((out.data[p * 4] ?? 0) + (out.data[p * 4 + 1] ?? 0) + (out.data[p * 4 + 2] ?? 0)) / 3);
    }
  }
  const mean = painted.reduce((sum, v) => sum + v, 0) / painted.length;
  const spread = Math.sqrt(painted.reduce((sum, v) => sum + (v - mean) ** 2, 0) / painted.length);
  return { keptDiff, paintedMean: mean, paintedSpread: spread };
}

function meanAbsDiff(a: Rgba, b: Rgba): number {
  let sum = 0;
  for (let i = 0; i < a.data.length; i++)
    if (i % 4 !== 3) sum += Math.abs((a.data[i] ?? 0) - (b.data[i] ?? 0));
  return sum / ((a.data.length * 3) / 4);
}

const picture = await shapesPng("#4a90d0", "#f0d040", 192);

describe("edit: repaints what is transparent, keeps what is not", () => {
  it("paints an erased region four ways and leaves every opaque pixel as it was", async () => {
    const { png, pixels } = await withTransparency(
      picture,
      (x, y) => x >= 60 && x < 130 && y >= 30 && y < 80,
    );
    const out = await render({ kind: "edit", image: png, prompt: "a glowing red lantern", seed: 7 });
    expect([out.width, out.height]).toEqual([384, 216]);
    const cells = await Promise.all([1, 2, 3, 4].map((i) => cell(out.data, i)));
    for (const c of cells) {
      const { keptDiff, paintedMean, paintedSpread } = compare(c, pixels);
      expect(keptDiff).toBe(0);
      // Painted, not left black or flat.
      expect(paintedMean).toBeGreaterThan(20);
      expect(paintedSpread).toBeGreaterThan(3);
    }
    expect(meanAbsDiff(cells[0]!, cells[1]!)).toBeGreaterThan(1);
  });

  it("fills the empty border of a widened canvas around the picture in its middle", async () => {
    const small = await sharp(picture).resize(96, 54).png().toBuffer();
    const canvas = await sharp({
      create: { width: 192, height: 108, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } },
    })
      .composite([{ input: small, left: 48, top: 27 }])
      .png()
      .toBuffer();
    const input = await rgba(canvas);
    const out = await render({ kind: "edit", image: canvas, prompt: "a misty forest", seed: 3 });
    for (const index of [1, 4]) {
      const c = await cell(out.data, index);
      const { keptDiff, paintedMean, paintedSpread } = compare(c, input);
      expect(keptDiff).toBe(0);
      expect(paintedMean).toBeGreaterThan(20);
      expect(paintedSpread).toBeGreaterThan(3);
    }
  });
});

/** Pearson correlation of two images' luminance. */
function lumaCorrelation(a: Rgba, b: Rgba): number {
  const luma = (x: Rgba, p: number) =>
    0.299 * (x.data[p * 4] ?? 0) + 0.587 * (x.data[p * 4 + 1] ?? 0) + 0.114 * (x.data[p * 4 + 2] ?? 0);
  const n = a.width * a.height;
  let [sa, sb, saa, sbb, sab] = [0, 0, 0, 0, 0];
  for (let p = 0; p < n; p++) {
    const [x, y] = [luma(a, p), luma(b, p)];
    [sa, sb, saa, sbb, sab] = [sa + x, sb + y, saa + x * x, sbb + y * y, sab + x * y];
  }
  return (n * sab - sa * sb) / Math.sqrt((n * saa - sa * sa) * (n * sbb - sb * sb));
}

describe("retexture: the same composition in the prompt's colours", () => {
  it("keeps the light and shade of the input and changes its colours, differently in each cell", async () => {
    const recipe: Recipe = { kind: "retexture", image: picture, prompt: "emerald green jungle", seed: 11 };
    const out = await render(recipe);
    expect([out.width, out.height]).toEqual([1024, 576]);
    const cells = await Promise.all([1, 2, 3, 4].map((i) => cell(out.data, i)));
    const input = await rgba(await sharp(picture).resize(cells[0]!.width, cells[0]!.height).png().toBuffer());
    for (const c of cells) {
      expect(lumaCorrelation(c, input)).toBeGreaterThan(0.8);
      expect(meanAbsDiff(c, input)).toBeGreaterThan(25);
    }
    expect(meanAbsDiff(cells[0]!, cells[1]!)).toBeGreaterThan(5);
  });
});

async function submitEdit(h: Harness, path: string, body: Record<string, unknown>): Promise<Task> {
  const { code, result } = await h.submit(path, body);
  expect(code).toBe(1);
  return h.task(result as string);
}

describe("/submit/edits, /submit/edit and /submit/retexture (§3.8)", () => {
  it("refuses a missing prompt or image and bad base64 with trueai's messages", async () => {
    const h = harness();
    for (const path of ["/mj/submit/edits", "/mj/submit/edit", "/mj/submit/retexture"]) {
      for (const body of [
        { prompt: "x" },
        { image: dataUrl(picture) },
        { prompt: " ", image: dataUrl(picture) },
      ]) {
        expect(await h.submit(path, body)).toMatchObject({ code: 4, description: "image或prompt不能为空" });
      }
      expect(await h.submit(path, { prompt: "x", image: "%%%" })).toMatchObject({
        code: 4,
        description: "base64格式错误",
      });
    }
  });

  it("edits a stored image into a grid with lineage fields and the grid buttons; the alias is the same", async () => {
    const h = harness();
    const { png } = await withTransparency(picture, (x) => x < 40);
    const bare = png.toString("base64");
    const queued = await submitEdit(h, "/mj/submit/edits", {
      prompt: "a stone wall --v 8.1",
      image: bare,
      maskBase64: dataUrl(png),
      state: "s1",
    });
    expect(queued.baseImageUrl).toMatch(
      /^http:\/\/simulator\.invalid\/attachments\/\d{8}\/[0-9a-f-]{36}\.png$/,
    );
    expect(queued).toMatchObject({
      action: "EDIT",
      prompt: "a stone wall --v 8.1",
      description: "/edit a stone wall --v 8.1",
      botType: "MID_JOURNEY",
      state: "s1",
    });
    expect((await mediaOf(h, queued.baseImageUrl)).data.equals(png)).toBe(true);
    const done = await h.settle(queued.id);
    expect(done).toMatchObject({ status: "SUCCESS", contentType: "image/png", width: 384, height: 216 });
    expect(done.buttons.map((b) => b.label)).toEqual(["U1", "U2", "U3", "U4", "", "V1", "V2", "V3", "V4"]);
    const u3 = await h.settle(
      (
        await h.submit("/mj/submit/action", {
          taskId: done.id,
          customId: buttonId(done, (id) => id.includes("upsample::3::")),
        })
      ).result as string,
    );
    expect(u3).toMatchObject({ action: "UPSCALE", status: "SUCCESS", width: 384, height: 216 });
    const reroll = await h.submit("/mj/submit/action", {
      taskId: done.id,
      customId: buttonId(done, (id) => id.includes("reroll")),
    });
    expect(await h.task(reroll.result as string)).toMatchObject({ action: "EDIT" });

    const alias = await submitEdit(h, "/mj/submit/edit", { prompt: "ivy", image: done.imageUrl });
    expect(alias).toMatchObject({ action: "EDIT", baseImageUrl: done.imageUrl, description: "/edit ivy" });
  });

  it("retextures with --dref naming the image, and fails a job whose image it cannot read", async () => {
    const h = harness();
    const queued = await submitEdit(h, "/mj/submit/retexture", {
      prompt: "made of glass",
      image: dataUrl(picture),
    });
    expect(queued).toMatchObject({
      action: "RETEXTURE",
      prompt: `made of glass --dref ${queued.baseImageUrl}`,
      description: "/retexture made of glass",
    });
    expect(await h.settle(queued.id)).toMatchObject({ status: "SUCCESS", width: 1024, height: 576 });

    const foreign = await submitEdit(h, "/mj/submit/edits", {
      prompt: "x",
      image: "https://example.com/a.png",
    });
    const failed = await h.settle(foreign.id);
    expect(failed).toMatchObject({ status: "FAILURE", baseImageUrl: "https://example.com/a.png" });
    expect(failed.failReason).toMatch(/no internet access/);
  });
});
