import { readJson, respond } from "@/lib/http/route";
import { blendRequestSchema } from "@/lib/mj/requests";
import { tasks } from "@/lib/tasks";

export async function POST(request: Request) {
  return respond(request, async () => tasks().blend(await readJson(request, blendRequestSchema)));
}
