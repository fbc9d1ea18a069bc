import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { sniffBase64Image } from "@/lib/mj/requests";

/**
 * The images of submitted requests (references, blend sources, describe images, Vary Region
 * masks), kept as files named by the SHA-256 of their bytes: the same image submitted twice is
 * stored once, rows hold only the name, and a name can never point outside the directory.
 */

const EXTENSION: Record<string, string> = { png: "png", jpeg: "jpg", gif: "gif", webp: "webp" };

export const INPUT_CONTENT_TYPE: Record<string, string> = {
  png: "image/png",
  jpg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
};

/** `<sha256 hex>.<png|jpg|gif|webp>`: the only names an input file can have. */
export const INPUT_FILE_NAME = /^[0-9a-f]{64}\.(png|jpg|gif|webp)$/;

const DATA_URL_PREFIX = /^data:image\/[a-z]+;base64,/i;

export interface InputFiles {
  readonly dir: string;
  /**
   * Stores a base64 image (bare or data URL) and returns its file name; null when it is not one.
   * Synchronous on purpose: the check for an existing file and the row that will refer to it
   * then happen without anything in between, so a concurrent delete cannot remove the file.
   */
  save(image: string): string | null;
  /** The absolute path of a stored file, or null for a name that is not an input file name. */
  pathOf(name: string): string | null;
  remove(names: string[]): void;
}

export function createInputFiles(dir: string): InputFiles {
  return {
    dir,
    save(image) {
      const base64 = image.replace(DATA_URL_PREFIX, "");
      const type = sniffBase64Image(base64);
      const extension = type ? EXTENSION[type] : undefined;
      if (!extension) return null;
      const bytes = Buffer.from(base64, "base64");
      const name = `${createHash("sha256").update(bytes).digest("hex")}.${extension}`;
      const target = path.join(dir, name);
      if (fs.existsSync(target)) return name;
      fs.mkdirSync(dir, { recursive: true });
      // Written beside the target and renamed, so a reader never sees half a file.
      const temporary = `${target}.${randomBytes(6).toString("hex")}.tmp`;
      fs.writeFileSync(temporary, bytes);
      fs.renameSync(temporary, target);
      return name;
    },
    pathOf(name) {
      return INPUT_FILE_NAME.test(name) ? path.join(dir, name) : null;
    },
    remove(names) {
      for (const name of names) {
        if (INPUT_FILE_NAME.test(name)) fs.rmSync(path.join(dir, name), { force: true });
      }
    },
  };
}

/** The files as the task service's `RequestInputs` (async, as every storage port is). */
export function fileRequestInputs(dir: string) {
  const files = createInputFiles(dir);
  return {
    save: async (image: string) => files.save(image),
    remove: async (names: readonly string[]) => files.remove([...names]),
  };
}
