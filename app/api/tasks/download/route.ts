import { parseWith, respond } from "@/lib/http/route";
import { zipResponse } from "@/lib/media/archive";
import { archiveDeps } from "@/lib/tasks";
import { archiveIdsSchema, downloadArchive } from "@/lib/tasks/archive";

/** A zip of the originals of 1-200 tasks: `?ids=a,b,c`. */
export async function GET(request: Request) {
  return respond(request, async () => {
    const ids = parseWith(archiveIdsSchema, new URL(request.url).searchParams.get("ids") ?? "", "ids");
    return zipResponse(await downloadArchive(ids, archiveDeps()));
  });
}
