import { readJson, respond } from "@/lib/http/route";
import { bulkDeleteBodySchema } from "@/lib/mj/history-query";
import { services } from "@/lib/server/services";

export async function POST(request: Request) {
  return respond(request, async () =>
    services().tasks.delete((await readJson(request, bulkDeleteBodySchema)).ids),
  );
}
