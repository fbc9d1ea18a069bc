import { parseWith, readJson, respond } from "@/lib/http/route";
import { folderIdSchema, folderRemoveBodySchema } from "@/lib/mj/folders";
import { services } from "@/lib/server/services";

/** Takes tasks out of the folder (a POST: a DELETE with a body is not reliably sent on). */
export async function POST(request: Request, context: RouteContext<"/api/folders/[id]/tasks/remove">) {
  return respond(request, async () => {
    const id = parseWith(folderIdSchema, (await context.params).id, "folder id");
    const { ids } = await readJson(request, folderRemoveBodySchema);
    return services().tasks.removeFromFolder(id, ids);
  });
}
