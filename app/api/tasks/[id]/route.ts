import { parseWith, readJson, respond } from "@/lib/http/route";
import { taskIdSchema } from "@/lib/mj/requests";
import { favoriteBodySchema } from "@/lib/mj/history-query";
import { tasks } from "@/lib/tasks";

type Context = RouteContext<"/api/tasks/[id]">;

async function taskId(context: Context): Promise<string> {
  return parseWith(taskIdSchema, (await context.params).id, "task id");
}

export async function GET(request: Request, context: Context) {
  return respond(request, async () => tasks().detail(await taskId(context)));
}

export async function PATCH(request: Request, context: Context) {
  return respond(request, async () => {
    const id = await taskId(context);
    const { favorite } = await readJson(request, favoriteBodySchema);
    return tasks().setFavorite(id, favorite);
  });
}

export async function DELETE(request: Request, context: Context) {
  return respond(request, async () => {
    await tasks().deleteOne(await taskId(context));
    return new Response(null, { status: 204 });
  });
}
