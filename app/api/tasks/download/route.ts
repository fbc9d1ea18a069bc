import { parseWith, respond } from "@/lib/http/route";
import { zipResponse } from "@/lib/media/archive";
import { archiveIdsSchema, downloadArchive } from "@/lib/tasks/archive";
import { services } from "@/lib/server/services";

/** A zip of the originals of 1-200 tasks: `?ids=a,b,c`. */
export async function GET(request: Request) {
  return respond(request, async () => {
    const ids = parseWith(archiveIdsSchema, new URL(request.url).searchParams.get("ids") ?? "", "ids");
    return zipResponse(await downloadArchive(ids, services().archive));
  });
}
