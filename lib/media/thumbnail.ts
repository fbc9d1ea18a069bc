import "server-only";
import os from "node:os";
import sharp from "sharp";
import { createLimiter } from "./limit";

/**
 * libvips' operation cache (sharp's default: 50 MB, 100 operations) only pays when one pipeline
 * runs again on the same input buffer, which never happens here: every original, cell and
 * thumbnail is a new buffer. Off, it stops holding the last 100 operations' pixels (8 MB high-water
 * mark over 120 grids cut and thumbnailed; time per grid unchanged within noise, 111-164 ms either
 * way on the busy 2-core machine).
 */
sharp.cache(false);

/** Long side of a gallery thumbnail: a 2x-density tile of ~200 CSS px. */
export const THUMB_LONG_SIDE = 400;

/** libuv's thread pool: sharp's jobs and every file system call of the process share it. */
const THREAD_POOL = Number(process.env.UV_THREADPOOL_SIZE) || 4;

/**
 * Every sharp job of the process (thumbnails, grid cells) takes one of these slots: one per core,
 * leaving two threads of libuv's pool to the file reads that serve the cache (a sharp job holds a
 * pool thread while it runs). A burst of first requests for thumbnails then queues, instead of
 * decoding dozens of originals at once (each a few tens of MB of pixels) and stalling every
 * cached file behind them.
 */
export const sharpSlots = createLimiter(Math.max(1, Math.min(os.availableParallelism(), THREAD_POOL - 2)));

/** Reads a source image's bytes; null when it has none to give. */
export type ImageReader = () => Promise<Buffer | null>;

/** sharp could not decode or convert the image: bad input, not a fault of the store or network. */
export class ImageDecodeError extends Error {
  constructor(cause: unknown) {
    super("The image could not be decoded", { cause });
    this.name = "ImageDecodeError";
  }
}

/**
 * Runs `work` on the source's bytes in a sharp slot. The bytes are read once the slot is free, so
 * work waiting for one holds no image in memory: a burst of grids to cut queued dozens of copies of
 * their grid (33 MB of buffers at 50 tabs in the load bench) when each was read before waiting.
 */
export function withSourceInSlot<T>(
  read: ImageReader,
  work: (input: Buffer) => Promise<T>,
): Promise<T | null> {
  return sharpSlots.run(async () => {
    const input = await read();
    if (!input) return null;
    try {
      return await work(input);
    } catch (error) {
      throw new ImageDecodeError(error);
    }
  });
}

/**
 * A gallery thumbnail: WebP, at most 400 px on the long side, aspect kept, EXIF orientation
 * applied. Of an animated image (the video grid's WebP) the first frame is taken. Null when the
 * reader has no bytes.
 */
export function makeThumbnail(read: ImageReader): Promise<Buffer | null> {
  return withSourceInSlot(read, (input) =>
    sharp(input, { limitInputPixels: 100_000_000 })
      .rotate()
      .resize(THUMB_LONG_SIDE, THUMB_LONG_SIDE, { fit: "inside", withoutEnlargement: true })
      // Effort 2 of 6: a third of the default's CPU for a file about 4 % larger (measured on the
      // simulator's grids), and thumbnails are most of the sharp work a busy studio does.
      .webp({ quality: 72, effort: 2 })
      .toBuffer(),
  );
}
