import { REQUEST_IMAGE_TYPES, type RequestImageType } from "@/lib/mj/media-kinds";
import { LIMITS, sniffBase64Image } from "@/lib/mj/requests";

/**
 * Shrinks a picked image in the browser before it is sent as base64. Phone photos are 4-12 MB and
 * 4000+ px; Midjourney only looks at about 1024 px, and a JSON body of several such images would hit
 * the proxy's size limits and take seconds to upload on a mobile connection.
 *
 * The size math is pure (and unit-tested); only `downscaleImage` touches browser APIs.
 */

export const DOWNSCALE = {
  /** Long side after downscaling: comfortably above what Midjourney samples references at. */
  maxLongSide: 1536,
  /** A file at or under this size and long side is sent untouched (no re-encoding loss). */
  targetBytes: 1.5 * 1024 * 1024,
  mimeType: "image/jpeg",
} as const;

/** For `<input type="file" accept>`. */
export const IMAGE_ACCEPT = REQUEST_IMAGE_TYPES.join(",");

export type ImageErrorCode = "unsupported-type" | "unreadable" | "too-large";

/** A picked file the app cannot use; `code` lets the UI say why in the user's language. */
export class ImageFileError extends Error {
  constructor(
    readonly code: ImageErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "ImageFileError";
  }
}

export interface Size {
  width: number;
  height: number;
}

export interface EncodeAttempt extends Size {
  quality: number;
}

/** Empty type is allowed: some drag sources (and Windows for .webp) leave it blank; the bytes decide. */
export function isAcceptedImageType(type: string): boolean {
  return type === "" || (REQUEST_IMAGE_TYPES as readonly string[]).includes(type.toLowerCase());
}

/** Scales to fit the long side within `maxLongSide`, keeping the aspect ratio; never upscales. */
export function fitWithin(size: Size, maxLongSide: number = DOWNSCALE.maxLongSide): Size {
  const longSide = Math.max(size.width, size.height);
  if (longSide <= maxLongSide) return { width: size.width, height: size.height };
  const scale = maxLongSide / longSide;
  return {
    width: Math.max(1, Math.round(size.width * scale)),
    height: Math.max(1, Math.round(size.height * scale)),
  };
}

/** Whether the original bytes can be sent as they are: small in both bytes and pixels. */
export function canKeepOriginal(bytes: number, size: Size): boolean {
  return bytes <= DOWNSCALE.targetBytes && Math.max(size.width, size.height) <= DOWNSCALE.maxLongSide;
}

const QUALITIES = [0.85, 0.7] as const;
const SCALES = [1, 0.75, 0.5] as const;

/**
 * The encodings to try, best first, until one fits `targetBytes`: lower JPEG quality before fewer
 * pixels, because quality 0.7 is still clean while a smaller image loses detail Midjourney uses.
 * The first attempt nearly always fits; the rest cover noisy photos.
 */
export function encodeAttempts(original: Size): EncodeAttempt[] {
  const fitted = fitWithin(original);
  return SCALES.flatMap((scale) =>
    QUALITIES.map((quality) => ({
      width: Math.max(1, Math.round(fitted.width * scale)),
      height: Math.max(1, Math.round(fitted.height * scale)),
      quality,
    })),
  );
}

/** Decoded size of a `data:…;base64,` URL. */
export function dataUrlByteLength(dataUrl: string): number {
  const base64 = dataUrl.slice(dataUrl.indexOf(",") + 1);
  const padding = base64.endsWith("==") ? 2 : base64.endsWith("=") ? 1 : 0;
  return Math.floor((base64.length * 3) / 4) - padding;
}

/** The request image type the first bytes announce (`image/png`…), by the same rule as the server's. */
export function sniffImageBytes(head: Uint8Array): RequestImageType | null {
  // 12 bytes cover every signature and make exactly 16 base64 characters, which the sniffer expects.
  if (head.length < 12) return null;
  return sniffBase64Image(btoa(String.fromCharCode(...head.subarray(0, 12))));
}

/** A blob as a `data:` URL (what a request carries for an image). */
export function readAsDataUrl(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error("could not read the file"));
    reader.readAsDataURL(blob);
  });
}

function encode(bitmap: ImageBitmap, attempt: EncodeAttempt): Promise<Blob> {
  const canvas = document.createElement("canvas");
  canvas.width = attempt.width;
  canvas.height = attempt.height;
  const context = canvas.getContext("2d");
  if (!context) return Promise.reject(new Error("canvas 2D is unavailable"));
  // JPEG has no alpha: without a backdrop, transparent PNG areas would turn black.
  context.fillStyle = "#ffffff";
  context.fillRect(0, 0, attempt.width, attempt.height);
  context.imageSmoothingQuality = "high";
  context.drawImage(bitmap, 0, 0, attempt.width, attempt.height);
  return new Promise((resolve, reject) =>
    canvas.toBlob(
      (blob) => (blob ? resolve(blob) : reject(new Error("the browser could not encode the image"))),
      DOWNSCALE.mimeType,
      attempt.quality,
    ),
  );
}

/**
 * A PNG/JPEG/WebP/GIF file as a data URL the upstream accepts: the original when it is already
 * small, otherwise re-encoded as JPEG with the long side at most 1536 px and about 1.5 MB at most.
 * Throws `ImageFileError` for anything else.
 */
export async function downscaleImage(file: Blob & { name?: string }): Promise<string> {
  const label = file.name || "the file";
  const type = sniffImageBytes(new Uint8Array(await file.slice(0, 12).arrayBuffer()));
  if (!isAcceptedImageType(file.type) || !type) {
    throw new ImageFileError("unsupported-type", `${label} is not a PNG, JPEG, WebP or GIF image`);
  }
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    throw new ImageFileError("unreadable", `${label} could not be read as an image`);
  }
  try {
    const size = { width: bitmap.width, height: bitmap.height };
    // The sniffed type, not file.type: a blank or wrong extension-derived type would mislabel the data URL.
    if (canKeepOriginal(file.size, size)) return await readAsDataUrl(new Blob([file], { type }));
    let smallest: Blob | null = null;
    for (const attempt of encodeAttempts(size)) {
      smallest = await encode(bitmap, attempt);
      if (smallest.size <= DOWNSCALE.targetBytes) break;
    }
    if (!smallest || smallest.size > LIMITS.imageBytes) {
      throw new ImageFileError("too-large", `${label} is too large even after downscaling`);
    }
    return await readAsDataUrl(smallest);
  } finally {
    bitmap.close();
  }
}
