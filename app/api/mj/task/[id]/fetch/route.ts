import { forCaller } from "@/lib/http/drop-in";
import { parseWith, respond } from "@/lib/http/route";
import { taskIdSchema } from "@/lib/mj/requests";
import { services } from "@/lib/server/services";

export async function GET(request: Request, context: RouteContext<"/api/mj/task/[id]/fetch">) {
  return respond(request, async () =>
    forCaller(
      request,
      await services().tasks.fetch(parseWith(taskIdSchema, (await context.params).id, "task id")),
    ),
  );
}
