import { parseWith, respond } from "@/lib/http/route";
import { taskIdSchema } from "@/lib/mj/requests";
import { services } from "@/lib/server/services";

export async function POST(request: Request, context: RouteContext<"/api/mj/task/[id]/cancel">) {
  return respond(request, async () =>
    services().tasks.cancel(parseWith(taskIdSchema, (await context.params).id, "task id")),
  );
}
