import { parseWith, readJson, respond } from "@/lib/http/route";
import { folderIdSchema, smartFolderPatchSchema } from "@/lib/mj/folders";
import { services } from "@/lib/server/services";

type Context = RouteContext<"/api/smart-folders/[id]">;

async function folderId(context: Context): Promise<string> {
  return parseWith(folderIdSchema, (await context.params).id, "smart folder id");
}

export async function PATCH(request: Request, context: Context) {
  return respond(request, async () => {
    const id = await folderId(context);
    return services().tasks.updateSmartFolder(id, await readJson(request, smartFolderPatchSchema));
  });
}

export async function DELETE(request: Request, context: Context) {
  return respond(request, async () => {
    await services().tasks.deleteSmartFolder(await folderId(context));
    return new Response(null, { status: 204 });
  });
}
