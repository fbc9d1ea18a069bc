import sharp, { type Sharp } from "sharp";

/** An 8-bit RGBA image in memory. The simulator's compositing runs on these in plain JS because
 * it needs per-pixel masks and opacity that sharp's composite does not offer. */
export interface Raster {
  data: Buffer;
  width: number;
  height: number;
}

/** A position on a raster plus a size, in pixels. */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A single-channel 0-255 weight per pixel (how much of the top layer shows through). */
export type Mask = Uint8Array;

export type BlendMode = "normal" | "soft-light" | "overlay" | "screen" | "multiply";

/** Formats a client can upload; anything else (SVG, TIFF, PDF...) is refused rather than parsed. */
const INPUT_FORMATS = new Set(["png", "jpeg", "webp", "gif"]);
/** Well above any real upload and far below sharp's default, so a decompression bomb fails fast. */
const MAX_INPUT_PIXELS = 50_000_000;

export function createRaster(width: number, height: number): Raster {
  return { data: Buffer.alloc(width * height * 4, 255), width, height };
}

/** Runs a sharp pipeline to RGBA pixels. */
export async function toRaster(image: Sharp): Promise<Raster> {
  const { data, info } = await image
    .toColourspace("srgb")
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 4) throw new Error(`expected RGBA pixels, got ${info.channels} channels`);
  return { data, width: info.width, height: info.height };
}

/** Decodes bytes this module produced itself (PNG or the first page of an animated WebP). */
export function decodeOwn(bytes: Buffer): Promise<Raster> {
  return toRaster(sharp(bytes));
}

/**
 * Decodes an image a client sent, then lets `shape` resize it. Whatever goes wrong (unknown
 * format, truncated data, an SVG smuggled in) becomes one Error saying the bytes are not a usable
 * image, which the protocol layer reports like the upstream does.
 */
export async function decodeInput(
  bytes: Buffer,
  what: string,
  shape: (image: Sharp, width: number, height: number) => Sharp,
): Promise<Raster> {
  try {
    const image = sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS }).autoOrient();
    const meta = await image.metadata();
    if (!meta.format || !INPUT_FORMATS.has(meta.format))
      throw new Error(`format ${meta.format ?? "unknown"}`);
    const width = meta.autoOrient.width;
    const height = meta.autoOrient.height;
    return await toRaster(shape(image, width, height));
  } catch (cause) {
    throw new Error(`${what} is not a valid PNG, JPEG, WebP or GIF image`, { cause });
  }
}

/** Decodes a client image straight to the given size, cropping to fill (blend and references). */
export function decodeInputCover(
  bytes: Buffer,
  what: string,
  width: number,
  height: number,
): Promise<Raster> {
  return decodeInput(bytes, what, (image) => image.resize(width, height, { fit: "cover" }));
}

/** sharp pipeline over a raster, for the operations sharp does better than a JS loop. */
export function sharpOf(raster: Raster): Sharp {
  return sharp(raster.data, { raw: { width: raster.width, height: raster.height, channels: 4 } });
}

export function resize(raster: Raster, width: number, height: number): Promise<Raster> {
  if (raster.width === width && raster.height === height) return Promise.resolve(raster);
  return toRaster(sharpOf(raster).resize(width, height, { fit: "fill", kernel: "lanczos3" }));
}

export function blur(raster: Raster, sigma: number): Promise<Raster> {
  return toRaster(sharpOf(raster).blur(sigma));
}

/** Hue rotation in degrees plus saturation/brightness multipliers. */
export function recolour(
  raster: Raster,
  hue: number,
  saturation: number,
  brightness: number,
): Promise<Raster> {
  return toRaster(sharpOf(raster).modulate({ hue: Math.round(hue), saturation, brightness }));
}

export function renderSvg(svg: string): Promise<Raster> {
  return toRaster(sharp(Buffer.from(svg)));
}

/** Outputs are opaque, so alpha is dropped to keep files small. `compressionLevel` 6 with no
 * adaptive filtering is a measured sweet spot between encode time and size for smooth art. */
export function encodePng(raster: Raster): Promise<Buffer> {
  return sharpOf(raster).removeAlpha().png({ compressionLevel: 6, adaptiveFiltering: false }).toBuffer();
}

export function encodeWebp(raster: Raster, quality: number): Promise<Buffer> {
  return sharpOf(raster).removeAlpha().webp({ quality, effort: 2 }).toBuffer();
}

/** Encodes equally sized frames as one looping animated WebP. */
export function encodeAnimatedWebp(frames: readonly Raster[], delayMs: number): Promise<Buffer> {
  const first = frames[0];
  if (!first) throw new Error("an animation needs at least one frame");
  const { width, height } = first;
  const strip = Buffer.concat(frames.map((frame) => frame.data));
  return sharp(strip, { raw: { width, height: height * frames.length, channels: 4, pageHeight: height } })
    .webp({ quality: 80, effort: 2, loop: 0, delay: frames.map(() => delayMs) })
    .toBuffer();
}

export function crop(source: Raster, rect: Rect): Raster {
  const out = Buffer.alloc(rect.width * rect.height * 4);
  const rowBytes = rect.width * 4;
  for (let y = 0; y < rect.height; y++) {
    const from = ((rect.y + y) * source.width + rect.x) * 4;
    source.data.copy(out, y * rowBytes, from, from + rowBytes);
  }
  return { data: out, width: rect.width, height: rect.height };
}

/** Copies `source` onto `target` at (x, y) in place, clipped to the target. */
export function paste(target: Raster, source: Raster, x: number, y: number): void {
  const left = Math.max(0, x);
  const right = Math.min(target.width, x + source.width);
  if (right <= left) return;
  for (let row = Math.max(0, y); row < Math.min(target.height, y + source.height); row++) {
    const from = ((row - y) * source.width + (left - x)) * 4;
    source.data.copy(target.data, (row * target.width + left) * 4, from, from + (right - left) * 4);
  }
}

/** The four cells of a grid in Midjourney's order: 1 top-left, 2 top-right, 3 bottom-left, 4 bottom-right. */
export function cellRect(gridWidth: number, gridHeight: number, index: number): Rect {
  const width = Math.floor(gridWidth / 2);
  const height = Math.floor(gridHeight / 2);
  const slot = Math.min(4, Math.max(1, Math.round(index))) - 1;
  return { x: (slot % 2) * width, y: Math.floor(slot / 2) * height, width, height };
}

export function assembleGrid(cells: readonly Raster[]): Raster {
  if (cells.length !== 4) throw new Error("a grid needs exactly four cells");
  return tile(cells, 2);
}

/** Equally sized cells laid out left to right, top to bottom, `columns` to a row. */
export function tile(cells: readonly Raster[], columns: number): Raster {
  const first = cells[0];
  if (!first) throw new Error("nothing to tile");
  const rows = Math.ceil(cells.length / columns);
  const out = createRaster(first.width * Math.min(columns, cells.length), first.height * rows);
  cells.forEach((cell, i) =>
    paste(out, cell, (i % columns) * first.width, Math.floor(i / columns) * first.height),
  );
  return out;
}

function softLight(a: number, b: number): number {
  return b < 0.5
    ? a - (1 - 2 * b) * a * (1 - a)
    : a + (2 * b - 1) * ((a < 0.25 ? ((16 * a - 12) * a + 4) * a : Math.sqrt(a)) - a);
}

/** Per-channel blend formulas on 0-1 values (W3C compositing definitions). */
const BLENDS: Record<BlendMode, (base: number, top: number) => number> = {
  normal: (_a, b) => b,
  "soft-light": softLight,
  overlay: (a, b) => (a < 0.5 ? 2 * a * b : 1 - 2 * (1 - a) * (1 - b)),
  screen: (a, b) => a + b - a * b,
  multiply: (a, b) => a * b,
};

const blendTables = new Map<BlendMode, Uint8Array>();

/** The blend result for every pair of 8-bit values, so the per-pixel loop is one lookup. */
function blendTable(mode: BlendMode): Uint8Array {
  let table = blendTables.get(mode);
  if (!table) {
    table = new Uint8Array(65536);
    for (let a = 0; a < 256; a++) {
      for (let b = 0; b < 256; b++) table[(a << 8) | b] = Math.round(BLENDS[mode](a / 255, b / 255) * 255);
    }
    blendTables.set(mode, table);
  }
  return table;
}

/**
 * `top` blended over `base` (same size) with a global opacity and an optional per-pixel mask.
 * A pixel whose weight is exactly 0 is copied byte for byte, which is what lets Vary (Region)
 * promise that unmasked pixels stay identical.
 */
export function blend(base: Raster, top: Raster, mode: BlendMode, opacity: number, mask?: Mask): Raster {
  const out = Buffer.from(base.data);
  const table = blendTable(mode);
  const pixels = base.width * base.height;
  for (let p = 0; p < pixels; p++) {
    const weight = (mask ? (mask[p] ?? 0) / 255 : 1) * opacity;
    if (weight <= 0) continue;
    for (let c = 0; c < 3; c++) {
      const i = p * 4 + c;
      const a = base.data[i] ?? 0;
      const mixed = table[(a << 8) | (top.data[i] ?? 0)] ?? 0;
      out[i] = Math.round(a + (mixed - a) * weight);
    }
  }
  return { data: out, width: base.width, height: base.height };
}

/** A mask that is 255 inside `rect` and fades to 0 over `feather` pixels inside its border, so a
 * pasted picture melts into generated surroundings instead of showing a seam. */
export function featheredRectMask(width: number, height: number, rect: Rect, feather: number): Mask {
  const mask = new Uint8Array(width * height);
  for (let y = rect.y; y < Math.min(height, rect.y + rect.height); y++) {
    const dy = Math.min(y - rect.y + 1, rect.y + rect.height - y);
    for (let x = rect.x; x < Math.min(width, rect.x + rect.width); x++) {
      const edge = Math.min(dy, x - rect.x + 1, rect.x + rect.width - x);
      mask[y * width + x] = edge >= feather ? 255 : Math.round((255 * edge) / feather);
    }
  }
  return mask;
}

/** Where a view of a source image looks: `zoom` >= 1 magnifies, (`cx`, `cy`) is the view centre
 * as a fraction of the source, `angle` a rotation in radians. */
export interface Camera {
  zoom: number;
  cx: number;
  cy: number;
  angle: number;
}

/** Renders the camera's view of `source` at `width` x `height` with bilinear sampling; reads past
 * the border repeat the edge so small rotations never show empty corners. It runs for every
 * pixel of every video frame, hence the flat arithmetic: along a row the sample point moves by a
 * constant step, and `x + 0.5` stored into a byte rounds it. */
export function view(source: Raster, width: number, height: number, camera: Camera): Raster {
  const out = Buffer.alloc(width * height * 4);
  const { width: sw, height: sh, data: src } = source;
  const [maxX, maxY] = [sw - 1, sh - 1];
  const spanX = sw / camera.zoom / width;
  const spanY = sh / camera.zoom / height;
  const cos = Math.cos(camera.angle);
  const sin = Math.sin(camera.angle);
  const centreX = camera.cx * sw - 0.5;
  const centreY = camera.cy * sh - 0.5;
  const dx0 = (0.5 - width / 2) * spanX;
  let o = 0;
  for (let oy = 0; oy < height; oy++) {
    const dy = (oy + 0.5 - height / 2) * spanY;
    let rx = centreX + dx0 * cos - dy * sin;
    let ry = centreY + dx0 * sin + dy * cos;
    for (let ox = 0; ox < width; ox++, rx += spanX * cos, ry += spanX * sin, o += 4) {
      const sx = rx < 0 ? 0 : rx > maxX ? maxX : rx;
      const sy = ry < 0 ? 0 : ry > maxY ? maxY : ry;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      const row0 = y0 * sw;
      const row1 = (y0 < maxY ? y0 + 1 : maxY) * sw;
      const x1 = x0 < maxX ? x0 + 1 : maxX;
      const i00 = (row0 + x0) * 4;
      const i10 = (row0 + x1) * 4;
      const i01 = (row1 + x0) * 4;
      const i11 = (row1 + x1) * 4;
      const w00 = (1 - fx) * (1 - fy);
      const w10 = fx * (1 - fy);
      const w01 = (1 - fx) * fy;
      const w11 = fx * fy;
      for (let c = 0; c < 3; c++) {
        out[o + c] =
          src[i00 + c]! * w00 + src[i10 + c]! * w10 + src[i01 + c]! * w01 + src[i11 + c]! * w11 + 0.5;
      }
      out[o + 3] = 255;
    }
  }
  return { data: out, width, height };
}
