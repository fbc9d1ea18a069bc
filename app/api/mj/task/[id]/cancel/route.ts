import { parseWith, respond } from "@/lib/http/route";
import { taskIdSchema } from "@/lib/mj/requests";
import { tasks } from "@/lib/tasks";

export async function POST(request: Request, context: RouteContext<"/api/mj/task/[id]/cancel">) {
  return respond(request, async () =>
    tasks().cancel(parseWith(taskIdSchema, (await context.params).id, "task id")),
  );
}
