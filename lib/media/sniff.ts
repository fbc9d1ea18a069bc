import "server-only";
import sharp from "sharp";
import { hasSignatureOf, SNIFF_BYTES, type ImageContentType } from "@/lib/mj/media-kinds";

/**
 * Whether bytes from elsewhere (an imported archive) are what they are labelled: the cache serves
 * files with the type it stored, so a file of zeros named image.png must not become "media".
 * The header signatures are the media vocabulary's (lib/mj/media-kinds); this adds the decode.
 */

/** What sharp calls each image type's format (typed so every image type of the vocabulary has one). */
const SHARP_FORMATS: Record<ImageContentType, string> = {
  "image/png": "png",
  "image/jpeg": "jpeg",
  "image/gif": "gif",
  "image/webp": "webp",
  "image/avif": "heif",
};

/**
 * The whole file is an image of `contentType`: its header says so (format and size) and its pixels
 * decode. A header alone would pass a valid PNG header followed by megabytes of junk or a cut-off
 * file. Decoding into a thumbnail keeps memory bounded whatever the image's size: libvips reads
 * the pixels on demand, row by row, as the shrink needs them. `failOn: "error"` refuses truncated
 * and corrupt data but not the harmless warnings real encoders leave.
 */
export async function isImageOf(contentType: string, bytes: Buffer): Promise<boolean> {
  if (!hasSignatureOf(contentType, bytes.subarray(0, SNIFF_BYTES))) return false;
  try {
    const image = sharp(bytes, { failOn: "error" });
    const meta = await image.metadata();
    const format: string | undefined = (SHARP_FORMATS as Record<string, string>)[contentType];
    if (meta.format !== format || !(meta.width ?? 0) || !(meta.height ?? 0)) return false;
    // Raw pixels: nothing is encoded, the decode is the check.
    await image.resize(64, 64, { fit: "inside", withoutEnlargement: true }).raw().toBuffer();
    return true;
  } catch {
    return false;
  }
}
