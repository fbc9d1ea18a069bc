import { forCaller } from "@/lib/http/drop-in";
import { readJson, respond } from "@/lib/http/route";
import { listByConditionRequestSchema } from "@/lib/mj/requests";
import { services } from "@/lib/server/services";
import { laneRoute } from "@/lib/http/node-lane";

export async function POST(request: Request) {
  return respond(request, async () =>
    forCaller(
      request,
      await services().tasks.listByCondition(await readJson(request, listByConditionRequestSchema)),
    ),
  );
}

// Also answered past Next's router (lib/http/node-lane.ts): pages and clients call it over and over.
laneRoute("/api/mj/task/list-by-condition", { POST });
