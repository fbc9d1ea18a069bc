import { readJson, respond } from "@/lib/http/route";
import { importBodySchema } from "@/lib/mj/history-query";
import { tasks } from "@/lib/tasks";

export async function POST(request: Request) {
  return respond(request, async () => tasks().importTasks((await readJson(request, importBodySchema)).ids));
}
