import { readJson, respond } from "@/lib/http/route";
import { bulkDeleteBodySchema } from "@/lib/mj/history-query";
import { tasks } from "@/lib/tasks";

export async function POST(request: Request) {
  return respond(request, async () => tasks().delete((await readJson(request, bulkDeleteBodySchema)).ids));
}
