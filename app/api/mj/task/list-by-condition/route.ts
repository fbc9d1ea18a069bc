import { readJson, respond } from "@/lib/http/route";
import { listByConditionRequestSchema } from "@/lib/mj/requests";
import { tasks } from "@/lib/tasks";

export async function POST(request: Request) {
  return respond(request, async () =>
    tasks().listByCondition(await readJson(request, listByConditionRequestSchema)),
  );
}
