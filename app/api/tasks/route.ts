import { pageBody } from "@/lib/http/json-body";
import { parseWith, readJson, respond } from "@/lib/http/route";
import { bulkFlagsBodySchema, historyQuerySchema } from "@/lib/mj/history-query";
import { services } from "@/lib/server/services";
import { laneRoute } from "@/lib/http/node-lane";

export async function GET(request: Request) {
  return respond(request, async () => {
    const params = Object.fromEntries(new URL(request.url).searchParams);
    return pageBody(await services().tasks.history(parseWith(historyQuerySchema, params, "query")));
  });
}

export async function PATCH(request: Request) {
  return respond(request, async () => {
    const { ids, ...flags } = await readJson(request, bulkFlagsBodySchema);
    return services().tasks.setFlags(ids, flags);
  });
}

// Also answered past Next's router (lib/http/node-lane.ts): pages and clients call it over and over.
laneRoute("/api/tasks", { GET, PATCH });
