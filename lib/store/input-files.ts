import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { kindOfExtension } from "@/lib/mj/media-kinds";
import { sniffBase64Image } from "@/lib/mj/requests";

/**
 * The images of submitted requests (references, blend sources, describe images, Vary Region
 * masks), kept as files named by the SHA-256 of their bytes: the same image submitted twice is
 * stored once, rows hold only the name, and a name can never point outside the directory.
 *
 * Transitional: lib/media/inputs.ts stores the same files as blobs (`inputs/<name>` under DATA_DIR,
 * the same place) and serves them; this goes once the task service saves request images through
 * it and the store keeps only the names.
 */

/** `<sha256 hex>.<png|jpg|gif|webp>`: the only names an input file can have. */
const INPUT_FILE_NAME = /^[0-9a-f]{64}\.(png|jpg|gif|webp)$/;

const DATA_URL_PREFIX = /^data:image\/[a-z]+;base64,/i;

export interface InputFiles {
  /**
   * Stores a base64 image (bare or data URL) and returns its file name; null when it is not one.
   * Synchronous on purpose: the check for an existing file and the row that will refer to it
   * then happen without anything in between, so a concurrent delete cannot remove the file.
   */
  save(image: string): string | null;
  remove(names: string[]): void;
}

export function createInputFiles(dir: string): InputFiles {
  return {
    save(image) {
      const base64 = image.replace(DATA_URL_PREFIX, "");
      const type = sniffBase64Image(base64);
      const extension = type ? kindOfExtension(type)?.extensions[0] : undefined;
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
