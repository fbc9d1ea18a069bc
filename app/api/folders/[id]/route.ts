import { parseWith, readJson, respond } from "@/lib/http/route";
import { folderIdSchema, folderNameBodySchema } from "@/lib/mj/folders";
import { services } from "@/lib/server/services";

type Context = RouteContext<"/api/folders/[id]">;

async function folderId(context: Context): Promise<string> {
  return parseWith(folderIdSchema, (await context.params).id, "folder id");
}

export async function PATCH(request: Request, context: Context) {
  return respond(request, async () => {
    const id = await folderId(context);
    return services().tasks.renameFolder(id, (await readJson(request, folderNameBodySchema)).name);
  });
}

/** The folder goes; its tasks stay in the history. */
export async function DELETE(request: Request, context: Context) {
  return respond(request, async () => {
    await services().tasks.deleteFolder(await folderId(context));
    return new Response(null, { status: 204 });
  });
}
