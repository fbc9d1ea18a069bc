import sharp from "sharp";
import type { MediaBody } from "./media";

/**
 * Images a client sends (`base64Array`, `base64`, `link`, `maskBase64`, `image`, `endImage`): a
 * data URL, bare base64 (§3), or an http(s) URL. The simulator has no internet: the only URLs it
 * reads are its own media links and loopback ones (an app or a test server on the same machine);
 * anything else is refused with a message that says so.
 */

export interface DecodedImage {
  data: Buffer;
  contentType: string;
  width: number;
  height: number;
}

export type DecodeResult = { ok: true; image: DecodedImage } | { ok: false; message: string };

export interface OwnMedia {
  isOwn(url: URL): boolean;
  resolve(url: URL): Promise<MediaBody | null>;
}

const FORMATS: Record<string, string> = {
  png: "image/png",
  jpeg: "image/jpeg",
  webp: "image/webp",
  gif: "image/gif",
};
/** The renderer refuses bigger images; better to say so at submit than to fail the job later. */
const MAX_PIXELS = 50_000_000;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const FETCH_TIMEOUT_MS = 10_000;
/** Far above any real image, so a runaway response cannot fill the memory. */
const MAX_FETCH_BYTES = 64 * 1024 * 1024;

export const INPUT_ERRORS = {
  badBase64: "base64格式错误",
  badLink: "链接格式错误",
  expiredLink: "图片链接无效或已过期",
} as const;

async function inspect(data: Buffer): Promise<DecodedImage | null> {
  try {
    const meta = await sharp(data, { limitInputPixels: MAX_PIXELS }).metadata();
    const contentType = meta.format ? FORMATS[meta.format] : undefined;
    return contentType && meta.width && meta.height
      ? { data, contentType, width: meta.width, height: meta.height }
      : null;
  } catch {
    return null;
  }
}

function isLoopback(url: URL): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, "");
  return (
    host === "localhost" || host.endsWith(".localhost") || host === "::1" || /^127(\.\d{1,3}){3}$/.test(host)
  );
}

const downloadFailed = (url: URL, why: string): DecodeResult => ({
  ok: false,
  message: `图片下载失败: ${url.href} ${why}`,
});

async function readCapped(response: Response): Promise<Buffer | null> {
  const reader = response.body?.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (let part = await reader?.read(); part && !part.done; part = await reader?.read()) {
    size += part.value.length;
    if (size > MAX_FETCH_BYTES) {
      await reader?.cancel();
      return null;
    }
    chunks.push(part.value);
  }
  return Buffer.concat(chunks);
}

/** An image on this machine, read as Midjourney would read any link. */
async function fetchLoopback(url: URL): Promise<DecodeResult> {
  let response: Response;
  try {
    // No redirects: a loopback server must not be able to send the simulator off the machine.
    response = await fetch(url, { redirect: "error", signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
  } catch (error) {
    // undici says "fetch failed" and keeps the reason (refused, timed out, redirected) in `cause`.
    const reason =
      error instanceof Error ? (error.cause instanceof Error ? error.cause : error).message : String(error);
    return downloadFailed(url, `could not be fetched (${reason})`);
  }
  if (!response.ok) {
    await response.body?.cancel();
    return downloadFailed(url, `answered HTTP ${response.status}`);
  }
  const data = await readCapped(response);
  if (!data) return downloadFailed(url, `is larger than ${MAX_FETCH_BYTES / 1024 / 1024} MB`);
  const image = await inspect(data);
  return image ? { ok: true, image } : downloadFailed(url, "is not a PNG, JPEG, WebP or GIF image");
}

async function fromUrl(value: string, own: OwnMedia): Promise<DecodeResult> {
  if (!URL.canParse(value)) return { ok: false, message: INPUT_ERRORS.badLink };
  const url = new URL(value);
  if (own.isOwn(url)) {
    const media = await own.resolve(url);
    const image = media && (await inspect(media.data));
    return image ? { ok: true, image } : { ok: false, message: INPUT_ERRORS.expiredLink };
  }
  if (isLoopback(url)) return fetchLoopback(url);
  return {
    ok: false,
    message: `图片下载失败: the simulator has no internet access and cannot fetch ${url.origin}; send the image as base64, or use one of the simulator's own media URLs or a loopback URL`,
  };
}

export async function decodeImageInput(raw: string, own: OwnMedia): Promise<DecodeResult> {
  const value = raw.trim();
  if (/^https?:\/\//i.test(value)) return fromUrl(value, own);
  const base64 = value.replace(/^data:[^,]*;base64,/i, "").replace(/\s+/g, "");
  if (!BASE64.test(base64)) return { ok: false, message: INPUT_ERRORS.badBase64 };
  const image = await inspect(Buffer.from(base64, "base64"));
  return image ? { ok: true, image } : { ok: false, message: INPUT_ERRORS.badBase64 };
}

/** Several inputs; the first bad one decides the error, as the servers stop at the first. */
export async function decodeImageInputs(
  values: readonly string[],
  own: OwnMedia,
): Promise<{ ok: true; images: DecodedImage[] } | { ok: false; message: string }> {
  const results = await Promise.all(values.map((value) => decodeImageInput(value, own)));
  const images: DecodedImage[] = [];
  for (const result of results) {
    if (!result.ok) return result;
    images.push(result.image);
  }
  return { ok: true, images };
}
