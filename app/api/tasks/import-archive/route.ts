import { respond } from "@/lib/http/route";
import { importArchive } from "@/lib/tasks/archive";
import { services } from "@/lib/server/services";

/** Restores an export (body: the zip, Content-Type: application/zip) -> `{imported, skipped, invalid}`. */
export async function POST(request: Request) {
  return respond(request, async () =>
    importArchive(
      {
        body: request.body,
        contentType: request.headers.get("content-type"),
        contentLength: request.headers.get("content-length"),
      },
      services().archive,
    ),
  );
}
