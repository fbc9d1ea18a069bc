import { parseWith, respond } from "@/lib/http/route";
import { serveMedia } from "@/lib/media/serve";
import { taskIdSchema } from "@/lib/mj/requests";

export async function GET(request: Request, context: RouteContext<"/api/media/[taskId]/[slot]">) {
  return respond(async () => {
    const { taskId, slot } = await context.params;
    return serveMedia({
      taskId: parseWith(taskIdSchema, taskId, "task id"),
      slot,
      version: new URL(request.url).searchParams.get("v"),
      signal: request.signal,
    });
  });
}
