import { parseWith, respond } from "@/lib/http/route";
import { zipResponse } from "@/lib/media/archive";
import { archiveIdsSchema, exportArchive } from "@/lib/tasks/archive";
import { services } from "@/lib/server/services";

/** The whole history, or `?ids=a,b,c`, as a restorable zip (tasks.json + media). */
export async function GET(request: Request) {
  return respond(request, async () => {
    const ids = new URL(request.url).searchParams.get("ids");
    const selection = ids === null ? null : parseWith(archiveIdsSchema, ids, "ids");
    return zipResponse(await exportArchive(selection, services().archive));
  });
}
