import "server-only";
import { createHash } from "node:crypto";
import { kindOfType } from "@/lib/mj/media-kinds";
import { sniffBase64Image } from "@/lib/mj/requests";
import type { BlobBody, BlobInfo, BlobStore, ByteRange } from "./blob-store";

/**
 * The images of submitted requests (references, blend sources, describe images, Vary Region
 * masks), kept as blobs `inputs/<sha256>.<ext>` named by the SHA-256 of their bytes: the same image
 * submitted twice is stored once, the history holds only the name, and a name can never point
 * anywhere else. The history decides when one is no longer referred to; this only stores bytes.
 */

/** `<sha256 hex>.<png|jpg|gif|webp>`: the only names an input can have. */
export const INPUT_NAME = /^[0-9a-f]{64}\.(png|jpg|gif|webp)$/;

const DATA_URL_PREFIX = /^data:image\/[a-z]+;base64,/i;

export interface RequestInputs {
  /** Stores a base64 image (bare or data URL); its name, or null when it is not a PNG, JPEG, GIF or WebP. */
  save(image: string): Promise<string | null>;
  /** Deleting a name that is not stored (or not an input name) is not an error. */
  remove(names: readonly string[]): Promise<void>;
  /** The stored input, or null (also for a name that is not an input name). */
  head(name: string): Promise<BlobInfo | null>;
  open(name: string, options?: { range?: ByteRange; signal?: AbortSignal }): Promise<BlobBody | null>;
}

const keyOf = (name: string) => `inputs/${name}`;

export function createRequestInputs(blobs: BlobStore): RequestInputs {
  return {
    async save(image) {
      const base64 = image.replace(DATA_URL_PREFIX, "");
      const type = sniffBase64Image(base64);
      const kind = type ? kindOfType(type) : null;
      if (!kind) return null;
      const bytes = Buffer.from(base64, "base64");
      const name = `${createHash("sha256").update(bytes).digest("hex")}.${kind.extensions[0]}`;
      if (!(await blobs.head(keyOf(name)))) {
        await blobs.put(keyOf(name), bytes, { contentType: kind.contentType });
      }
      return name;
    },
    async remove(names) {
      for (const name of names) if (INPUT_NAME.test(name)) await blobs.delete(keyOf(name));
    },
    async head(name) {
      return INPUT_NAME.test(name) ? blobs.head(keyOf(name)) : null;
    },
    async open(name, options) {
      return INPUT_NAME.test(name) ? blobs.get(keyOf(name), options) : null;
    },
  };
}
