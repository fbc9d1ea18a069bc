import "server-only";
import os from "node:os";
import sharp from "sharp";
import { createLimiter } from "./limit";

/** Long side of a gallery thumbnail: a 2x-density tile of ~200 CSS px. */
export const THUMB_LONG_SIDE = 400;

/**
 * Every sharp job of the process (thumbnails, grid cells) takes one of these slots: one per core.
 * A burst of first requests for thumbnails then queues, instead of decoding dozens of originals
 * at once (each a few tens of MB of pixels) and slowing every request with them.
 */
export const sharpSlots = createLimiter(os.availableParallelism());

/**
 * A gallery thumbnail: WebP, at most 400 px on the long side, aspect kept, EXIF orientation
 * applied. Of an animated image (the video grid's WebP) the first frame is taken.
 */
export function makeThumbnail(input: Buffer): Promise<Buffer> {
  return sharpSlots.run(() =>
    sharp(input, { limitInputPixels: 100_000_000 })
      .rotate()
      .resize(THUMB_LONG_SIDE, THUMB_LONG_SIDE, { fit: "inside", withoutEnlargement: true })
      .webp({ quality: 72 })
      .toBuffer(),
  );
}
