/**
 * The media vocabulary: every file type the app stores or serves, with its extensions, in one
 * table shared by server and browser. Imports nothing, so both sides can use it.
 *
 * Only raster images and plain videos are media: an SVG (or any other active format) served from
 * the app's origin could run script with the user's session, so it is refused however the
 * upstream or an archive labels it. Archives are zips the app writes and reads itself, never media.
 */

export interface MediaKind {
  contentType: string;
  /** The extension the app writes first; the others are accepted when reading names. */
  extensions: readonly [string, ...string[]];
  kind: "image" | "video" | "archive";
}

export const MEDIA_KINDS = [
  { contentType: "image/png", extensions: ["png"], kind: "image" },
  { contentType: "image/jpeg", extensions: ["jpg", "jpeg"], kind: "image" },
  { contentType: "image/webp", extensions: ["webp"], kind: "image" },
  { contentType: "image/gif", extensions: ["gif"], kind: "image" },
  { contentType: "image/avif", extensions: ["avif"], kind: "image" },
  { contentType: "video/mp4", extensions: ["mp4"], kind: "video" },
  { contentType: "video/webm", extensions: ["webm"], kind: "video" },
  { contentType: "video/quicktime", extensions: ["mov"], kind: "video" },
  { contentType: "application/zip", extensions: ["zip"], kind: "archive" },
] as const satisfies readonly MediaKind[];

type Kind = (typeof MEDIA_KINDS)[number];
export type ImageContentType = Extract<Kind, { kind: "image" }>["contentType"];
export type VideoContentType = Extract<Kind, { kind: "video" }>["contentType"];
/** What the app stores and serves as media: a table keyed by it must cover every type. */
export type MediaContentType = ImageContentType | VideoContentType;

/**
 * The images a submit may carry (references, blend sources, describe images, masks): what the
 * upstream accepts as input, a subset of what the app stores.
 */
export const REQUEST_IMAGE_TYPES = ["image/png", "image/jpeg", "image/webp", "image/gif"] as const;
export type RequestImageType = (typeof REQUEST_IMAGE_TYPES)[number];

const BY_TYPE = new Map<string, MediaKind>(MEDIA_KINDS.map((kind) => [kind.contentType, kind]));
const BY_EXTENSION = new Map<string, MediaKind>(
  MEDIA_KINDS.flatMap((kind) => kind.extensions.map((extension): [string, MediaKind] => [extension, kind])),
);

/** A MIME type without parameters, lower-cased (`Image/PNG; q=1` -> `image/png`). */
export function bareContentType(contentType: string | null | undefined): string {
  return (contentType ?? "").split(";")[0]!.trim().toLowerCase();
}

/** The kind of a MIME type (parameters ignored), or null when the app does not store it. */
export function kindOfType(contentType: string | null | undefined): MediaKind | null {
  return BY_TYPE.get(bareContentType(contentType)) ?? null;
}

/** The kind a file extension (with or without the dot, any case) names, or null. */
export function kindOfExtension(extension: string): MediaKind | null {
  return BY_EXTENSION.get(extension.replace(/^\./, "").toLowerCase()) ?? null;
}

/** The extension the app writes for a MIME type, or null when it does not store that type. */
export function extensionOf(contentType: string | null | undefined): string | null {
  return kindOfType(contentType)?.extensions[0] ?? null;
}

/**
 * The extension for a downloaded file's MIME type (parameters ignored): the usual one for common
 * types (the media vocabulary), the subtype for other media (`image/heic` -> heic), else the fallback.
 */
export function extensionFor(mimeType: string | null | undefined, fallback: string): string {
  return (
    extensionOf(mimeType) ??
    /^(?:image|video)\/([a-z0-9]{2,8})$/.exec(bareContentType(mimeType))?.[1] ??
    fallback
  );
}

/** The MIME type of a file name or key by its extension (`media/1/image.png` -> `image/png`), or null. */
export function contentTypeOfName(name: string): string | null {
  const dot = name.lastIndexOf(".");
  if (dot < 0 || dot < name.lastIndexOf("/")) return null;
  return kindOfExtension(name.slice(dot + 1))?.contentType ?? null;
}

/**
 * A raster image or plain video the app may store and serve from its own origin (not an archive),
 * spelled exactly as stored: lower case, no parameters (callers bare a header first).
 */
export function isMediaType(contentType: string): contentType is MediaContentType {
  const kind = BY_TYPE.get(contentType)?.kind;
  return kind === "image" || kind === "video";
}

const NAME_MAX_CHARS = 48;

/** The words of a prompt: no image URLs, no `--` parameters (Midjourney requires them last), no weights. */
function promptWords(prompt: string): string[] {
  const text = prompt
    .normalize("NFKC")
    // macOS turns "--" into an em dash and Midjourney accepts both, so both start the parameters.
    .replace(/(?:^|\s)(?:--|—)[a-z].*$/isu, "")
    .replace(/<?https?:\/\/\S+/giu, " ")
    .replace(/::-?[\d.]*/gu, " ")
    .toLowerCase();
  return text.match(/[\p{L}\p{M}\p{N}]+/gu) ?? [];
}

/** What a download name is made of: a task's id and prompt (structurally, so this module imports nothing). */
export interface NamedTask {
  id: string;
  prompt?: string | null;
}

/**
 * A file name a person recognises in their downloads: prompt words (any script, so Chinese prompts
 * stay readable), capped so CJK names stay far below the 255-byte limit, then the task id, an
 * optional suffix (the quadrant, the slot) and the extension. Only letters, digits and hyphens
 * survive, which every file system accepts. `ascii` keeps only ASCII words: the fallback name of
 * an HTTP attachment for clients that ignore `filename*`.
 *
 * The one naming rule: the lightbox's and result actions' saves, the media route's attachments and
 * the bulk download's zip entries.
 */
export function downloadName(
  task: NamedTask,
  suffix: string | null,
  ext: string,
  options: { ascii?: boolean } = {},
): string {
  let stem = "";
  for (const word of promptWords(task.prompt ?? "")) {
    if (options.ascii && !/^[a-z0-9]+$/.test(word)) continue;
    const next = stem ? `${stem}-${word}` : word;
    if (Array.from(next).length > NAME_MAX_CHARS) {
      // One unbroken run (Chinese has no spaces) is cut rather than dropped.
      if (!stem) stem = Array.from(word).slice(0, NAME_MAX_CHARS).join("");
      break;
    }
    stem = next;
  }
  const id = task.id.replace(/[^A-Za-z0-9_-]+/g, "");
  const cleanSuffix = (suffix ?? "").replace(/[^A-Za-z0-9_-]+/g, "");
  const cleanExt =
    ext
      .replace(/^\.+/, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "") || "bin";
  return `${[stem || "midjourney", id, cleanSuffix].filter(Boolean).join("-")}.${cleanExt}`;
}

/**
 * The download name of a stored file of a task: `images.2` of a PNG becomes
 * `<prompt words>-<id>-images-2.png`.
 */
export function mediaDownloadName(
  task: NamedTask,
  slot: string,
  contentType: string,
  options: { ascii?: boolean } = {},
): string {
  return downloadName(task, slot.replace(/\./g, "-"), extensionOf(contentType) ?? "bin", options);
}

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

/** The container header (the first SNIFF_BYTES bytes) is `contentType`'s. */
export function hasSignatureOf(contentType: string, head: Uint8Array): boolean {
  return isMediaType(contentType) && SIGNATURES[contentType](head);
}

/** The media type the first bytes announce (by their signature), or null. */
export function sniffContentType(head: Uint8Array): MediaContentType | null {
  return (Object.keys(SIGNATURES) as MediaContentType[]).find((type) => SIGNATURES[type](head)) ?? null;
}
