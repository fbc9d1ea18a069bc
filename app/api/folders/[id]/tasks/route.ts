import { parseWith, readJson, respond } from "@/lib/http/route";
import { folderAddBodySchema, folderIdSchema } from "@/lib/mj/folders";
import { services } from "@/lib/server/services";

/** Adds tasks to the folder; with `from`, moves them here from that folder in one step. */
export async function POST(request: Request, context: RouteContext<"/api/folders/[id]/tasks">) {
  return respond(request, async () => {
    const id = parseWith(folderIdSchema, (await context.params).id, "folder id");
    const { ids, from } = await readJson(request, folderAddBodySchema);
    return services().tasks.addToFolder(id, ids, from);
  });
}
