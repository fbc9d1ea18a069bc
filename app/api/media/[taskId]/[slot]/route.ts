import { parseWith, respond } from "@/lib/http/route";
import { fromRequest } from "@/lib/media/http-ranges";
import { serveMedia } from "@/lib/media/serve";
import { taskIdSchema } from "@/lib/mj/requests";
import { services } from "@/lib/server/services";

export async function GET(request: Request, context: RouteContext<"/api/media/[taskId]/[slot]">) {
  return respond(request, async () => {
    const { taskId, slot } = await context.params;
    const query = new URL(request.url).searchParams;
    return serveMedia(
      {
        taskId: parseWith(taskIdSchema, taskId, "task id"),
        slot,
        version: query.get("v"),
        download: query.get("download") === "1",
        ...fromRequest(request),
      },
      services().mediaDeps,
    );
  });
}

export const HEAD = GET;
