import { parseWith, respond } from "@/lib/http/route";
import { taskIdSchema } from "@/lib/mj/requests";
import { tasks } from "@/lib/tasks";

export async function GET(request: Request, context: RouteContext<"/api/mj/task/[id]/image-seed">) {
  return respond(request, async () =>
    tasks().imageSeed(parseWith(taskIdSchema, (await context.params).id, "task id")),
  );
}
