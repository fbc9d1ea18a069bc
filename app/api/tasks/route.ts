import { parseWith, readJson, respond } from "@/lib/http/route";
import { bulkFavoriteBodySchema, historyQuerySchema } from "@/lib/mj/history-query";
import { tasks } from "@/lib/tasks";

export async function GET(request: Request) {
  return respond(request, async () => {
    const params = Object.fromEntries(new URL(request.url).searchParams);
    return tasks().history(parseWith(historyQuerySchema, params, "query"));
  });
}

export async function PATCH(request: Request) {
  return respond(request, async () => {
    const { ids, favorite } = await readJson(request, bulkFavoriteBodySchema);
    return tasks().setFavorites(ids, favorite);
  });
}
