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

export type KnownContentType = (typeof MEDIA_KINDS)[number]["contentType"];

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
export function isMediaType(contentType: string): boolean {
  const kind = BY_TYPE.get(contentType)?.kind;
  return kind === "image" || kind === "video";
}
