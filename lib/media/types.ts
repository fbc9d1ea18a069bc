/**
 * The media the app stores and serves from its own origin. Only raster images and plain videos:
 * an SVG (or any other active format) served from the app's origin could run script with the
 * user's session, so it is refused however the upstream or an archive labels it.
 */
export const MEDIA_CONTENT_TYPE = /^(image\/(png|jpeg|webp|gif|avif)|video\/(mp4|webm|quicktime))$/;

/**
 * Headers for every file the app serves from disk or passes through: no sniffing, and should a
 * file be opened as a page on its own, it runs nothing and loads nothing.
 */
export const MEDIA_SAFETY_HEADERS = {
  "x-content-type-options": "nosniff",
  "content-security-policy": "default-src 'none'; sandbox",
} as const;
