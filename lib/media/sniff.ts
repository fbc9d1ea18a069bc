import "server-only";
import sharp from "sharp";
import { isMediaType, type ImageContentType, type MediaContentType } from "@/lib/mj/media-kinds";

/**
 * Whether bytes from elsewhere (an imported archive) are what they are labelled: the cache serves
 * files with the type it stored, so a file of zeros named image.png must not become "media".
 */

/** Enough of the start of a file to tell every stored type apart. */
export const SNIFF_BYTES = 64;

const ascii = (bytes: Uint8Array, start: number, end: number) =>
  String.fromCharCode(...bytes.subarray(start, end));

const startsWith = (bytes: Uint8Array, prefix: readonly number[]) => prefix.every((b, i) => bytes[i] === b);

/** HEIF-family brands: an `ftyp` box carrying one of these as its major brand is a still image. */
const IMAGE_BRANDS = new Set(["avif", "avis", "heic", "heix", "mif1", "msf1"]);

/** The brands of a leading ISO-BMFF `ftyp` box (MP4, QuickTime, AVIF): major first. */
function ftypBrands(head: Uint8Array): string[] | null {
  if (head.length < 16 || ascii(head, 4, 8) !== "ftyp") return null;
  const size = Math.min(
    new DataView(head.buffer, head.byteOffset, head.byteLength).getUint32(0),
    head.length,
  );
  const brands = [ascii(head, 8, 12)];
  for (let at = 16; at + 4 <= size; at += 4) brands.push(ascii(head, at, at + 4));
  return brands;
}

const SIGNATURES: Record<MediaContentType, (head: Uint8Array) => boolean> = {
  "image/png": (b) => startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  "image/jpeg": (b) => startsWith(b, [0xff, 0xd8, 0xff]),
  "image/gif": (b) => ascii(b, 0, 6) === "GIF87a" || ascii(b, 0, 6) === "GIF89a",
  "image/webp": (b) => ascii(b, 0, 4) === "RIFF" && ascii(b, 8, 12) === "WEBP",
  "image/avif": (b) => ftypBrands(b)?.some((brand) => brand === "avif" || brand === "avis") ?? false,
  "video/mp4": (b) => {
    const brands = ftypBrands(b);
    return brands !== null && !IMAGE_BRANDS.has(brands[0]!);
  },
  // Older QuickTime files open with the movie or data atom, not `ftyp`.
  "video/quicktime": (b) =>
    ftypBrands(b) !== null || ["moov", "mdat", "wide", "free", "skip"].includes(ascii(b, 4, 8)),
  // EBML, whose DocType says which Matroska flavour.
  "video/webm": (b) => startsWith(b, [0x1a, 0x45, 0xdf, 0xa3]) && ascii(b, 0, b.length).includes("webm"),
};

/** What sharp calls each image type's format (typed so every image type of the vocabulary has one). */
const SHARP_FORMATS: Record<ImageContentType, string> = {
  "image/png": "png",
  "image/jpeg": "jpeg",
  "image/gif": "gif",
  "image/webp": "webp",
  "image/avif": "heif",
};

/** The container header (the first SNIFF_BYTES bytes) is `contentType`'s. */
export function hasSignatureOf(contentType: string, head: Uint8Array): boolean {
  return isMediaType(contentType) && SIGNATURES[contentType](head);
}

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
