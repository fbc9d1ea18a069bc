import { parseWith, respond } from "@/lib/http/route";
import { archiveIdsSchema, exportArchive, zipResponse } from "@/lib/media/archive";

/** The whole history, or `?ids=a,b,c`, as a restorable zip (tasks.json + media). */
export async function GET(request: Request) {
  return respond(request, async () => {
    const ids = new URL(request.url).searchParams.get("ids");
    return zipResponse(exportArchive(ids === null ? null : parseWith(archiveIdsSchema, ids, "ids")));
  });
}
