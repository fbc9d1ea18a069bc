import { readJson, respond } from "@/lib/http/route";
import { listByIdsRequestSchema } from "@/lib/mj/requests";
import { tasks } from "@/lib/tasks";

export async function POST(request: Request) {
  return respond(request, async () =>
    tasks().listByIds((await readJson(request, listByIdsRequestSchema)).ids),
  );
}
