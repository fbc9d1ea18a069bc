import { parseWith, respond } from "@/lib/http/route";
import { fromRequest } from "@/lib/media/http-ranges";
import { serveMedia } from "@/lib/media/serve";
import { taskIdSchema } from "@/lib/mj/requests";
import { services } from "@/lib/server/services";
import { laneRoute } from "@/lib/http/node-lane";

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

// Also answered past Next's router (lib/http/node-lane.ts): pages and clients call it over and over.
laneRoute("/api/media/[taskId]/[slot]", { GET, HEAD });
