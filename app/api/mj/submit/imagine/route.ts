import { readJson, respond } from "@/lib/http/route";
import { imagineRequestSchema } from "@/lib/mj/requests";
import { tasks } from "@/lib/tasks";

export async function POST(request: Request) {
  return respond(request, async () => tasks().imagine(await readJson(request, imagineRequestSchema)));
}
