import { respond } from "@/lib/http/route";
import { importArchive } from "@/lib/media/archive";

/** Restores an export (body: the zip, Content-Type: application/zip) -> `{imported, skipped}`. */
export async function POST(request: Request) {
  return respond(request, async () =>
    importArchive({
      body: request.body,
      contentType: request.headers.get("content-type"),
      contentLength: request.headers.get("content-length"),
    }),
  );
}
