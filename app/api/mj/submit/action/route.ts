import { readJson, respond } from "@/lib/http/route";
import { actionRequestSchema } from "@/lib/mj/requests";
import { tasks } from "@/lib/tasks";

export async function POST(request: Request) {
  return respond(request, async () => tasks().action(await readJson(request, actionRequestSchema)));
}
