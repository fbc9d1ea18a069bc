import { readJson, respond } from "@/lib/http/route";
import { describeRequestSchema } from "@/lib/mj/requests";
import { tasks } from "@/lib/tasks";

export async function POST(request: Request) {
  return respond(request, async () => tasks().describe(await readJson(request, describeRequestSchema)));
}
