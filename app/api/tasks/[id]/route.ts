import { parseWith, readJson, respond } from "@/lib/http/route";
import { taskIdSchema } from "@/lib/mj/requests";
import { favoriteBodySchema } from "@/lib/mj/history-query";
import { services } from "@/lib/server/services";

type Context = RouteContext<"/api/tasks/[id]">;

async function taskId(context: Context): Promise<string> {
  return parseWith(taskIdSchema, (await context.params).id, "task id");
}

export async function GET(request: Request, context: Context) {
  return respond(request, async () => services().tasks.detail(await taskId(context)));
}

export async function PATCH(request: Request, context: Context) {
  return respond(request, async () => {
    const id = await taskId(context);
    const { favorite } = await readJson(request, favoriteBodySchema);
    return services().tasks.setFavorite(id, favorite);
  });
}

export async function DELETE(request: Request, context: Context) {
  return respond(request, async () => {
    await services().tasks.deleteOne(await taskId(context));
    return new Response(null, { status: 204 });
  });
}
