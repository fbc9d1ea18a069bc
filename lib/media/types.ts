/**
 * Headers for every file the app serves from storage or passes through: no sniffing, and should a
 * file be opened as a page on its own, it runs nothing and loads nothing. (Which types are media
 * at all: lib/mj/media-kinds.)
 */
export const MEDIA_SAFETY_HEADERS = {
  "x-content-type-options": "nosniff",
  "content-security-policy": "default-src 'none'; sandbox",
} as const;

/**
 * `Content-Disposition: attachment` for a file name in any script: the plain `filename` carries
 * the ASCII form (every client reads it), `filename*` the real name (RFC 6266 / RFC 8187) when it
 * differs, which browsers prefer.
 */
export function attachmentDisposition(name: string, asciiName: string): string {
  const plain = `attachment; filename="${asciiName.replace(/["\\\r\n]/g, "")}"`;
  return name === asciiName ? plain : `${plain}; filename*=UTF-8''${encodeRfc8187(name)}`;
}

/** Percent-encodes all but RFC 8187's attr-chars (encodeURIComponent leaves `'()*` and `!~` alone). */
function encodeRfc8187(value: string): string {
  return encodeURIComponent(value).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}
