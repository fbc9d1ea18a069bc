import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { makeGridThumbnails, THUMB_LONG_SIDE } from "./thumbnail";

/** A 2x2 grid whose quadrants are red, green, blue and white (1-4, as U1-U4 number them). */
async function colouredGrid(width: number, height: number, format: "png" | "jpeg", orientation?: number) {
  const half = { width: width / 2, height: height / 2 };
  const quadrant = (r: number, g: number, b: number) =>
    sharp({ create: { ...half, channels: 3, background: { r, g, b } } })
      .png()
      .toBuffer();
  const [red, green, blue, white] = await Promise.all([
    quadrant(255, 0, 0),
    quadrant(0, 255, 0),
    quadrant(0, 0, 255),
    quadrant(255, 255, 255),
  ]);
  const grid = sharp({ create: { width, height, channels: 3, background: "#000" } }).composite([
    { input: red, left: 0, top: 0 },
    { input: green, left: half.width, top: 0 },
    { input: blue, left: 0, top: half.height },
    { input: white, left: half.width, top: half.height },
  ]);
  const encoded = await (format === "png" ? grid.png() : grid.jpeg({ quality: 95 })).toBuffer();
  return orientation
    ? sharp(encoded).withMetadata({ orientation }).jpeg({ quality: 95 }).toBuffer()
    : encoded;
}

async function meanColour(image: Buffer): Promise<number[]> {
  const { channels } = await sharp(image).stats();
  return channels.slice(0, 3).map((channel) => Math.round(channel.mean));
}

describe("a grid's thumbnails from one decode", () => {
  it("gives the whole grid within the bound and each quadrant as its image's thumbnail", async () => {
    const grid = await colouredGrid(1600, 1200, "png");
    const made = (await makeGridThumbnails(async () => grid, { cells: true }))!;
    expect(await sharp(made.grid).metadata()).toMatchObject({ format: "webp", width: 400, height: 300 });
    const colours = [
      [255, 0, 0],
      [0, 255, 0],
      [0, 0, 255],
      [255, 255, 255],
    ];
    expect(made.cells).toHaveLength(4);
    for (const [i, cell] of made.cells!.entries()) {
      // A cell of 800x600 in the bound: 400x300, as a thumbnail of the cut-out cell is.
      expect(await sharp(cell).metadata()).toMatchObject({ format: "webp", width: 400, height: 300 });
      const mean = await meanColour(cell);
      mean.forEach((value, channel) => expect(Math.abs(value - colours[i]![channel]!)).toBeLessThan(8));
    }
  });

  it("never enlarges a small grid, and makes only the grid's thumbnail when cells are not wanted", async () => {
    const grid = await colouredGrid(300, 200, "png");
    const all = (await makeGridThumbnails(async () => grid, { cells: true }))!;
    expect(await sharp(all.grid).metadata()).toMatchObject({ width: 300, height: 200 });
    expect(await sharp(all.cells![3]!).metadata()).toMatchObject({ width: 150, height: 100 });
    const only = (await makeGridThumbnails(async () => grid, { cells: false }))!;
    expect(only.cells).toBeNull();
  });

  it("turns the grid's thumbnail by its EXIF orientation, and cuts cells as stored, like the full cells", async () => {
    // Orientation 6: stored landscape, shown turned a quarter clockwise (portrait).
    const grid = await colouredGrid(1600, 800, "jpeg", 6);
    const made = (await makeGridThumbnails(async () => grid, { cells: true }))!;
    const shown = await sharp(made.grid).metadata();
    expect(Math.max(shown.width, shown.height)).toBe(THUMB_LONG_SIDE);
    expect(shown.height).toBeGreaterThan(shown.width);
    expect(await sharp(made.cells![0]!).metadata()).toMatchObject({ width: 400, height: 200 });
  });
});
