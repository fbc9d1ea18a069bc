import "server-only";
import fs from "node:fs";
import path from "node:path";
import { env } from "@/lib/env";
import { AppError } from "@/lib/http/errors";
import { MEDIA_SAFETY_HEADERS } from "@/lib/media/types";
import { createInputFiles, INPUT_CONTENT_TYPE } from "./input-files";

/**
 * Serves one stored request image (`/api/inputs/<sha256>.<ext>`). The name is checked against
 * the one pattern input files have before it touches the disk, and a name is its content's hash,
 * so the answer can be cached for good.
 */
export async function serveInput(name: string, dir = path.join(env().dataDir, "inputs")): Promise<Response> {
  const file = createInputFiles(dir).pathOf(name);
  const contentType = INPUT_CONTENT_TYPE[path.extname(name).slice(1)];
  if (!file || !contentType) throw new AppError("not_found", "No such input image.");
  let bytes: Buffer;
  try {
    bytes = await fs.promises.readFile(file);
  } catch {
    throw new AppError("not_found", "No such input image.");
  }
  return new Response(new Uint8Array(bytes), {
    status: 200,
    headers: {
      "content-type": contentType,
      "content-length": String(bytes.byteLength),
      "cache-control": "private, max-age=31536000, immutable",
      ...MEDIA_SAFETY_HEADERS,
    },
  });
}
