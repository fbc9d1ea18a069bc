import { forCaller } from "@/lib/http/drop-in";
import { readJson, respond } from "@/lib/http/route";
import { listByIdsRequestSchema } from "@/lib/mj/requests";
import { services } from "@/lib/server/services";

export async function POST(request: Request) {
  return respond(request, async () =>
    forCaller(
      request,
      await services().tasks.listByIds((await readJson(request, listByIdsRequestSchema)).ids),
    ),
  );
}
