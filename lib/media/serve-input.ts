import "server-only";
import { AppError } from "@/lib/http/errors";
import { storedFileResponse, type ConditionalRequest } from "./http-ranges";
import { INPUT_NAME, type RequestInputs } from "./inputs";
import { MEDIA_SAFETY_HEADERS } from "./types";

/**
 * Serves one stored request image (`/api/inputs/<sha256>.<ext>`). The name is checked against
 * the one pattern inputs have before storage is asked, and a name is its content's hash: the hash
 * is the ETag, and the answer can be cached for good.
 */
export async function serveInput(
  name: string,
  request: ConditionalRequest,
  inputs: RequestInputs,
): Promise<Response> {
  const info = INPUT_NAME.test(name) ? await inputs.head(name) : null;
  const response =
    info &&
    (await storedFileResponse(
      { etag: `"${name.slice(0, name.indexOf("."))}"`, size: info.size, contentType: info.contentType },
      request,
      new Headers({ "cache-control": "private, max-age=31536000, immutable", ...MEDIA_SAFETY_HEADERS }),
      (options) => inputs.open(name, options),
    ));
  if (!response) throw new AppError("not_found", "No such input image.");
  return response;
}
