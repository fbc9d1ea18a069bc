import type { MaskOp, MaskPoint } from "./mask-model";

/**
 * Pixels of the Vary (Region) mask, computed in plain TypeScript from the operations: one byte
 * per pixel, 255 = regenerate, 0 = keep. The same code draws the on-screen overlay and the
 * exported PNG, and runs in unit tests. The PNG is encoded here too, not read back from a canvas:
 * canvas read-back is anti-aliased and, with fingerprinting protection (Safari private browsing,
 * Brave, Firefox resistFingerprinting), deliberately noised, and the upstream needs pure black and
 * white.
 */

/** A pixel is inside a shape when its centre is; no anti-aliasing, so only 0 and 255 exist. */
const WHITE = 255;
const BLACK = 0;

/**
 * A brush never thinner than this radius (in mask pixels) still covers the pixel nearest to each
 * point (its centre is at most √½ away), so a stroke shows up on a tiny mask too.
 */
const MIN_RADIUS = Math.SQRT1_2;

/**
 * Below this share of the allowed long side, an exact-aspect size is considered too coarse and
 * the size is rounded instead (its aspect error is then under half a pixel of the short side).
 */
const EXACT_ASPECT_MIN_SCALE = 0.75;

export interface MaskSize {
  readonly width: number;
  readonly height: number;
}

/**
 * The size of the exported mask: the image's own aspect ratio, long side at most `maxSide`,
 * integers. An image that fits keeps its exact size. A larger one gets the largest integer
 * multiple of its reduced ratio that fits (1456×816 = 91:51 → 1001×561, width/height exactly the
 * image's); when no such multiple comes near `maxSide` (a ratio like 1457:817), it is rounded.
 */
export function maskSize(imageWidth: number, imageHeight: number, maxSide = 1024): MaskSize {
  const width = Math.round(imageWidth);
  const height = Math.round(imageHeight);
  const limit = Math.floor(maxSide);
  if (!(width >= 1 && height >= 1 && limit >= 1) || !Number.isFinite(width * height * limit)) {
    throw new RangeError(`cannot size a mask for a ${imageWidth}×${imageHeight} image within ${maxSide}`);
  }
  const divisor = gcd(width, height);
  const ratioWidth = width / divisor;
  const ratioHeight = height / divisor;
  const ratioLong = Math.max(ratioWidth, ratioHeight);
  const long = Math.max(width, height);
  const target = Math.min(long, limit);
  const multiple = Math.min(divisor, Math.floor(limit / ratioLong));
  if (multiple >= 1 && multiple * ratioLong >= target * EXACT_ASPECT_MIN_SCALE) {
    return { width: multiple * ratioWidth, height: multiple * ratioHeight };
  }
  const scale = target / long;
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** Replays the operations onto a new all-black mask of `width` × `height` pixels. */
export function rasterizeMask(
  ops: readonly MaskOp[],
  width: number,
  height: number,
): Uint8Array<ArrayBuffer> {
  const mask = new Uint8Array(width * height);
  for (const op of ops) applyOp(mask, width, height, op);
  return mask;
}

/**
 * Applies one operation in place. Paint and erase set values rather than add to them, so a stroke
 * can be applied a segment at a time while it is drawn and still equal the finished stroke.
 */
export function applyOp(mask: Uint8Array, width: number, height: number, op: MaskOp): void {
  switch (op.kind) {
    case "clear":
      mask.fill(BLACK);
      return;
    case "invert":
      for (let i = 0; i < mask.length; i++) mask[i] = WHITE - (mask[i] ?? 0);
      return;
    case "rect":
      fillRect(mask, width, height, op.from, op.to, op.mode === "paint" ? WHITE : BLACK);
      return;
    case "stroke": {
      const value = op.mode === "paint" ? WHITE : BLACK;
      const radius = Math.max((op.size * width) / 2, MIN_RADIUS);
      const first = op.points[0];
      if (!first) return;
      // A single point is a dot: a segment of length zero.
      let previous = first;
      for (const point of op.points.length === 1 ? op.points : op.points.slice(1)) {
        stampSegment(mask, width, height, previous, point, radius, value);
        previous = point;
      }
      return;
    }
  }
}

function fillRect(
  mask: Uint8Array,
  width: number,
  height: number,
  a: MaskPoint,
  b: MaskPoint,
  value: number,
): void {
  // Pixel i is inside when its centre i + 0.5 lies in [x0, x1): the left half of an even-width
  // mask is exactly its first width/2 columns.
  const [left, right] = span(Math.min(a.x, b.x) * width, Math.max(a.x, b.x) * width, width);
  const [top, bottom] = span(Math.min(a.y, b.y) * height, Math.max(a.y, b.y) * height, height);
  for (let y = top; y < bottom; y++) mask.fill(value, y * width + left, y * width + right);
}

function span(from: number, to: number, size: number): [number, number] {
  return [Math.max(0, Math.ceil(from - 0.5)), Math.min(size, Math.ceil(to - 0.5))];
}

/** Sets every pixel whose centre is within `radius` of the segment a–b (a capsule). */
function stampSegment(
  mask: Uint8Array,
  width: number,
  height: number,
  a: MaskPoint,
  b: MaskPoint,
  radius: number,
  value: number,
): void {
  const ax = a.x * width;
  const ay = a.y * height;
  const dx = b.x * width - ax;
  const dy = b.y * height - ay;
  const lengthSquared = dx * dx + dy * dy;
  const radiusSquared = radius * radius;
  const left = Math.max(0, Math.floor(Math.min(ax, ax + dx) - radius));
  const right = Math.min(width - 1, Math.ceil(Math.max(ax, ax + dx) + radius));
  const top = Math.max(0, Math.floor(Math.min(ay, ay + dy) - radius));
  const bottom = Math.min(height - 1, Math.ceil(Math.max(ay, ay + dy) + radius));
  for (let y = top; y <= bottom; y++) {
    const py = y + 0.5 - ay;
    for (let x = left; x <= right; x++) {
      const px = x + 0.5 - ax;
      const t = lengthSquared === 0 ? 0 : Math.min(1, Math.max(0, (px * dx + py * dy) / lengthSquared));
      const ex = px - t * dx;
      const ey = py - t * dy;
      if (ex * ex + ey * ey <= radiusSquared) mask[y * width + x] = value;
    }
  }
}

/** The share of the mask marked for regeneration, 0..1. */
export function coverage(mask: Uint8Array): number {
  if (mask.length === 0) return 0;
  let white = 0;
  for (const value of mask) if (value === WHITE) white++;
  return white / mask.length;
}

export type Rgba = readonly [number, number, number, number];

/**
 * Selected pixels drawn as a checkerboard of `on` and `alternate` squares of `cell` pixels, the
 * usual picture of transparency: what the Editor erases becomes transparent in its image.
 */
export interface Checker {
  /** The mask's width in pixels, to find each pixel's row and column. */
  readonly width: number;
  readonly cell: number;
  readonly alternate: Rgba;
}

/** Colours the mask into RGBA pixels (an ImageData's `data`) for drawing on a canvas. */
export function maskToRgba(
  mask: Uint8Array,
  target: Uint8ClampedArray,
  on: Rgba,
  off: Rgba,
  checker?: Checker,
): void {
  for (let i = 0; i < mask.length; i++) {
    if (mask[i] !== WHITE) target.set(off, i * 4);
    else if (!checker) target.set(on, i * 4);
    else {
      const column = Math.floor((i % checker.width) / checker.cell);
      const row = Math.floor(Math.floor(i / checker.width) / checker.cell);
      target.set((column + row) % 2 === 0 ? on : checker.alternate, i * 4);
    }
  }
}

/**
 * The mask the upstream wants for `maskBase64`: a PNG data URL, white = regenerate, black = keep,
 * at the image's aspect ratio (see `maskSize`).
 */
export async function exportMaskPng(
  ops: readonly MaskOp[],
  imageWidth: number,
  imageHeight: number,
  maxSide = 1024,
): Promise<string> {
  const { width, height } = maskSize(imageWidth, imageHeight, maxSide);
  const png = await encodeGreyPng(rasterizeMask(ops, width, height), width, height);
  return `data:image/png;base64,${toBase64(png)}`;
}

/**
 * An 8-bit greyscale PNG (colour type 0): every decoder reads it, and it holds exactly the bytes
 * given. Greyscale rather than 1-bit, because some image pipelines mishandle 1-bit PNGs.
 */
async function encodeGreyPng(
  pixels: Uint8Array,
  width: number,
  height: number,
): Promise<Uint8Array<ArrayBuffer>> {
  // Each scanline starts with its filter type; 0 (none) keeps the bytes as they are, and deflate
  // still shrinks a mask's long runs and repeated rows to a few kilobytes.
  const raw = new Uint8Array((width + 1) * height);
  for (let y = 0; y < height; y++) raw.set(pixels.subarray(y * width, (y + 1) * width), y * (width + 1) + 1);
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header.set([8, 0, 0, 0, 0], 8); // bit depth 8, greyscale, deflate, no filter set, no interlace
  return concat([
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", await zlib(raw)),
    chunk("IEND", new Uint8Array(0)),
  ]);
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

let crcTable: Uint32Array | undefined;

function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (const byte of bytes) crc = (crcTable[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/**
 * A zlib stream (what PNG's IDAT holds). CompressionStream("deflate") produces exactly that in
 * browsers and Node; where it is missing (Firefox before 113) the data goes in stored blocks,
 * uncompressed but still a valid PNG.
 */
async function zlib(data: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  if (typeof CompressionStream === "function") {
    const stream = new Blob([data]).stream().pipeThrough(new CompressionStream("deflate"));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  }
  const BLOCK = 0xffff;
  const blocks = Math.max(1, Math.ceil(data.length / BLOCK));
  const out = new Uint8Array(2 + blocks * 5 + data.length + 4);
  const view = new DataView(out.buffer);
  out.set([0x78, 0x01]); // deflate, 32 KiB window, no preset dictionary; header checksum holds
  let at = 2;
  for (let i = 0; i < blocks; i++) {
    const part = data.subarray(i * BLOCK, (i + 1) * BLOCK);
    out[at] = i === blocks - 1 ? 1 : 0; // BFINAL on the last block, BTYPE 00 = stored
    view.setUint16(at + 1, part.length, true);
    view.setUint16(at + 3, ~part.length & 0xffff, true);
    out.set(part, at + 5);
    at += 5 + part.length;
  }
  view.setUint32(at, adler32(data));
  return out;
}

function adler32(bytes: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (const byte of bytes) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

function concat(parts: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function toBase64(bytes: Uint8Array): string {
  // btoa takes a binary string; building it in slices keeps String.fromCharCode's argument list
  // under engines' limits for megabyte-sized masks.
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}
