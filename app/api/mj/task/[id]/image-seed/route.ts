import { parseWith, respond } from "@/lib/http/route";
import { taskIdSchema } from "@/lib/mj/requests";
import { services } from "@/lib/server/services";

export async function GET(request: Request, context: RouteContext<"/api/mj/task/[id]/image-seed">) {
  return respond(request, async () =>
    services().tasks.imageSeed(parseWith(taskIdSchema, (await context.params).id, "task id")),
  );
}
