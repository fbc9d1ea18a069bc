import "server-only";
import sharp from "sharp";

/** Long side of a gallery thumbnail: a 2x-density tile of ~200 CSS px. */
export const THUMB_LONG_SIDE = 400;

/**
 * A gallery thumbnail: WebP, at most 400 px on the long side, aspect kept, EXIF orientation
 * applied. Of an animated image (the video grid's WebP) the first frame is taken.
 */
export async function makeThumbnail(input: Buffer): Promise<Buffer> {
  return sharp(input, { limitInputPixels: 100_000_000 })
    .rotate()
    .resize(THUMB_LONG_SIDE, THUMB_LONG_SIDE, { fit: "inside", withoutEnlargement: true })
    .webp({ quality: 72 })
    .toBuffer();
}
