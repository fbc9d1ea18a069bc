import "server-only";
import os from "node:os";
import sharp, { type Sharp } from "sharp";
import { quadrantRect } from "@/lib/images/grid";
import { lowerImageThreads } from "./image-threads";
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

/** Says, when a sharp slot frees, whether a person is waiting on this work (see `Limiter`). */
export type Urgency = () => boolean;

/** Sharp's guard against decompression bombs, for every source image. */
const LIMIT_INPUT_PIXELS = 100_000_000;

/**
 * Runs `work` on the source's bytes in a sharp slot. The bytes are read once the slot is free, so
 * work waiting for one holds no image in memory: a burst of grids to cut queued dozens of copies of
 * their grid (33 MB of buffers at 50 tabs in the load bench) when each was read before waiting.
 */
export function withSourceInSlot<T>(
  read: ImageReader,
  work: (input: Buffer) => Promise<T>,
  urgent?: Urgency,
): Promise<T | null> {
  return sharpSlots.run(async () => {
    const input = await read();
    if (!input) return null;
    try {
      return await work(input);
    } catch (error) {
      throw new ImageDecodeError(error);
    } finally {
      // Threads libvips started for this work run below the event loop from now on.
      lowerImageThreads();
    }
  }, urgent);
}

/** A decoded image bounded to `longSide`, as a thumbnail: aspect kept, never enlarged. */
const bounded = (image: Sharp, longSide: number) =>
  image.resize(longSide, longSide, { fit: "inside", withoutEnlargement: true });

// Effort 2 of 6: a third of the default's CPU for a file about 4 % larger (measured on the
// simulator's grids), and thumbnails are most of the sharp work a busy studio does.
const thumbWebp = (image: Sharp) => image.webp({ quality: 72, effort: 2 }).toBuffer();

/**
 * A gallery thumbnail: WebP, at most 400 px on the long side, aspect kept, EXIF orientation
 * applied. Of an animated image (the video grid's WebP) the first frame is taken. Null when the
 * reader has no bytes.
 */
export function makeThumbnail(read: ImageReader, urgent?: Urgency): Promise<Buffer | null> {
  return withSourceInSlot(
    read,
    (input) =>
      thumbWebp(bounded(sharp(input, { limitInputPixels: LIMIT_INPUT_PIXELS }).rotate(), THUMB_LONG_SIDE)),
    urgent,
  );
}

/** A grid's thumbnail and, when asked for, each of its four images' thumbnails (1-4 in order). */
export interface GridThumbnails {
  grid: Buffer;
  cells: Buffer[] | null;
}

/**
 * The thumbnails of a grid of four images from ONE decode: the grid is shrunk once to twice the
 * thumbnail bound, and the grid's thumbnail and the four quadrants are taken from those pixels. A
 * quadrant of that is a cell within the bound, as a thumbnail of the cut-out cell would be. Nine
 * pipelines each decoding a PNG (the grid's thumbnail, four cells, four thumbnails of the cells)
 * cost 89 ms of CPU per simulator grid (1024 px) and 704 ms per grainy 2048 px one; this costs 51
 * and 128 ms (`npm run bench -- grid`).
 *
 * The quadrants are the stored orientation's, like the cells (`cutCell`); only the grid's own
 * thumbnail turns an image by its EXIF orientation, and such a grid (none that Midjourney makes)
 * is decoded a second time for it.
 */
export function makeGridThumbnails(
  read: ImageReader,
  { cells }: { cells: boolean },
  urgent?: Urgency,
): Promise<GridThumbnails | null> {
  return withSourceInSlot(
    read,
    async (input) => {
      const source = sharp(input, { limitInputPixels: LIMIT_INPUT_PIXELS });
      const { orientation = 1 } = await source.metadata();
      const { data, info } = await bounded(source, 2 * THUMB_LONG_SIDE)
        .raw({ depth: "uchar" })
        .toBuffer({ resolveWithObject: true });
      const pixels = () =>
        sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } });
      const grid = await thumbWebp(
        orientation > 1
          ? bounded(sharp(input, { limitInputPixels: LIMIT_INPUT_PIXELS }).rotate(), THUMB_LONG_SIDE)
          : bounded(pixels(), THUMB_LONG_SIDE),
      );
      if (!cells) return { grid, cells: null };
      const thumbs: Buffer[] = [];
      for (const n of [1, 2, 3, 4]) {
        const rect = quadrantRect(info.width, info.height, n);
        thumbs.push(
          await thumbWebp(pixels().extract({ left: rect.x, top: rect.y, width: rect.w, height: rect.h })),
        );
      }
      return { grid, cells: thumbs };
    },
    urgent,
  );
}

/** Image n of a grid, cut out pixel for pixel (see `MediaCache.cell` for when it is made). */
export interface Cell {
  bytes: Buffer;
  contentType: "image/png" | "image/webp";
}

/**
 * Image n cut out of the grid, pixel for pixel. A PNG grid (what Midjourney serves) stays PNG:
 * the cell is a full image that is downloaded, upscaled from and used as a prompt, so it must not
 * lose anything to a second lossy pass. A lossy grid (WebP or JPEG from a relay's CDN) has nothing
 * left for PNG to keep, so its cell is a WebP at high quality, a fraction of a PNG's size.
 *
 * The PNG keeps zlib's default level (6). A cell is cut once, when someone opens or downloads it,
 * and kept; level 1 would save about 16 of 29 ms per 2048 px cell but make it 1.5x larger (503
 * against 342 KB), for every download and every view after.
 */
export function cutCell(read: ImageReader, n: number, urgent?: Urgency): Promise<Cell | null> {
  return withSourceInSlot(
    read,
    async (input) => {
      const image = sharp(input, { limitInputPixels: LIMIT_INPUT_PIXELS });
      const { width, height, format } = await image.metadata();
      const rect = quadrantRect(width, height, n);
      const cut = image.extract({ left: rect.x, top: rect.y, width: rect.w, height: rect.h });
      const png = format === "png";
      return {
        bytes: await (png ? cut.png() : cut.webp({ quality: 92 })).toBuffer(),
        contentType: png ? "image/png" : "image/webp",
      };
    },
    urgent,
  );
}
