import sharp from "sharp";
import { blend, type Mask, type Raster } from "./render-raster";

/**
 * The Editor's two jobs (§3.8) on rasters: repainting the transparent parts of a picture (an
 * erased region, or the empty border of a widened canvas) and restyling a whole picture while
 * keeping its composition.
 */

/** What the paint of an edit continues from, computed once for the four cells. */
export interface FillBasis {
  /** The picture's own colours spread into its transparent areas (blurred, alpha-weighted). */
  hazy: Raster;
  /** How close each pixel is to the picture: 255 at its edge, 0 far into the empty area. */
  near: Mask;
}

function smoothstep(edge0: number, edge1: number, v: number): number {
  const t = Math.min(1, Math.max(0, (v - edge0) / (edge1 - edge0)));
  return t * t * (3 - 2 * t);
}

function blurChannels(data: Buffer, width: number, height: number, channels: 1 | 3, sigma: number) {
  const blurred = sharp(data, { raw: { width, height, channels } }).blur(sigma);
  // sharp writes a single channel out as three grey ones unless told to keep just the one.
  return (channels === 1 ? blurred.extractChannel(0) : blurred).raw().toBuffer();
}

/**
 * Normalised convolution: blurring colour weighted by alpha, then dividing by the blurred alpha,
 * carries the colours at the edge of the picture outwards without mixing in whatever colour the
 * transparent pixels happen to hold.
 */
export async function fillBasis(image: Raster): Promise<FillBasis> {
  const { width, height } = image;
  const pixels = width * height;
  const weighted = Buffer.alloc(pixels * 3);
  const alpha = Buffer.alloc(pixels);
  for (let p = 0; p < pixels; p++) {
    const a = image.data[p * 4 + 3] ?? 0;
    alpha[p] = a;
    for (let c = 0; c < 3; c++) weighted[p * 3 + c] = Math.round(((image.data[p * 4 + c] ?? 0) * a) / 255);
  }
  const sigma = Math.max(2, 0.08 * Math.min(width, height));
  const [colour, coverage] = await Promise.all([
    blurChannels(weighted, width, height, 3, sigma),
    blurChannels(alpha, width, height, 1, sigma),
  ]);
  const hazy: Raster = { data: Buffer.alloc(pixels * 4, 255), width, height };
  const near: Mask = new Uint8Array(pixels);
  for (let p = 0; p < pixels; p++) {
    const a = coverage[p] ?? 0;
    near[p] = Math.round(255 * smoothstep(0, 0.5, a / 255));
    if (a === 0) continue;
    for (let c = 0; c < 3; c++)
      hazy.data[p * 4 + c] = Math.min(255, Math.round(((colour[p * 3 + c] ?? 0) * 255) / a));
  }
  return { hazy, near };
}

/**
 * One edit cell: new content from `scene` where the picture is transparent, fading into the
 * picture's own colours next to it, and the picture laid on top by its alpha. A fully opaque
 * pixel has weight 255 in `blend`, which copies it exactly.
 */
export function repaint(image: Raster, basis: FillBasis, scene: Raster): Raster {
  const fill = blend(blend(scene, basis.hazy, "normal", 1, basis.near), scene, "soft-light", 0.6, basis.near);
  const opacity: Mask = new Uint8Array(image.width * image.height);
  for (let p = 0; p < opacity.length; p++) opacity[p] = image.data[p * 4 + 3] ?? 0;
  return blend(fill, image, "normal", 1, opacity);
}

const luma = (data: Buffer, p: number) =>
  Math.round(0.299 * (data[p * 4] ?? 0) + 0.587 * (data[p * 4 + 1] ?? 0) + 0.114 * (data[p * 4 + 2] ?? 0));

/**
 * One retexture cell: every brightness level of the picture takes the colours the scene has at
 * the same rank of brightness (histogram matching), so light and shadow, and with them edges and
 * composition, stay where they were while the palette becomes the scene's; the scene's texture is
 * then worked in lightly.
 */
export function restyle(image: Raster, scene: Raster): Raster {
  if (image.width !== scene.width || image.height !== scene.height)
    throw new Error("restyle needs equal sizes");
  const pixels = image.width * image.height;
  const levels = new Uint8Array(pixels);
  const counts = new Uint32Array(256);
  for (let p = 0; p < pixels; p++) {
    const level = luma(image.data, p);
    levels[p] = level;
    counts[level] = (counts[level] ?? 0) + 1;
  }
  // The scene's pixels in order of brightness (a counting sort), with running colour sums: the
  // picture's pixels of rank lo..hi get the mean colour of the scene's pixels of the same ranks.
  const buckets: number[][] = Array.from({ length: 256 }, () => []);
  for (let p = 0; p < pixels; p++) buckets[luma(scene.data, p)]?.push(p);
  const sums = [0, 1, 2].map(() => new Float64Array(pixels + 1));
  let rank = 0;
  for (const bucket of buckets) {
    for (const p of bucket) {
      sums.forEach((sum, c) => (sum[rank + 1] = (sum[rank] ?? 0) + (scene.data[p * 4 + c] ?? 0)));
      rank++;
    }
  }
  const table = new Uint8Array(256 * 3);
  let lo = 0;
  counts.forEach((count, level) => {
    if (count === 0) return;
    const hi = lo + count;
    sums.forEach((sum, c) => (table[level * 3 + c] = Math.round(((sum[hi] ?? 0) - (sum[lo] ?? 0)) / count)));
    lo = hi;
  });
  const out: Raster = { data: Buffer.alloc(pixels * 4, 255), width: image.width, height: image.height };
  for (let p = 0; p < pixels; p++) {
    for (let c = 0; c < 3; c++) out.data[p * 4 + c] = table[(levels[p] ?? 0) * 3 + c] ?? 0;
  }
  return blend(out, scene, "soft-light", 0.3);
}
