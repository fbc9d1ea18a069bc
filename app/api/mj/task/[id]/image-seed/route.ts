import { parseWith, respond } from "@/lib/http/route";
import { taskIdSchema } from "@/lib/mj/requests";
import { services } from "@/lib/server/services";
import { laneRoute } from "@/lib/http/node-lane";

export async function GET(request: Request, context: RouteContext<"/api/mj/task/[id]/image-seed">) {
  return respond(request, async () =>
    services().tasks.imageSeed(parseWith(taskIdSchema, (await context.params).id, "task id")),
  );
}

// Also answered past Next's router (lib/http/node-lane.ts): pages and clients call it over and over.
laneRoute("/api/mj/task/[id]/image-seed", { GET });
