import { readJson, respond } from "@/lib/http/route";
import { modalRequestSchema } from "@/lib/mj/requests";
import { tasks } from "@/lib/tasks";

export async function POST(request: Request) {
  return respond(request, async () => tasks().modal(await readJson(request, modalRequestSchema)));
}
