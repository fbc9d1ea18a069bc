import { readJson, respond } from "@/lib/http/route";
import { importBodySchema } from "@/lib/mj/history-query";
import { services } from "@/lib/server/services";

export async function POST(request: Request) {
  return respond(request, async () =>
    services().tasks.importTasks((await readJson(request, importBodySchema)).ids),
  );
}
