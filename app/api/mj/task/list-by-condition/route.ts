import { forCaller } from "@/lib/http/drop-in";
import { readJson, respond } from "@/lib/http/route";
import { listByConditionRequestSchema } from "@/lib/mj/requests";
import { services } from "@/lib/server/services";

export async function POST(request: Request) {
  return respond(request, async () =>
    forCaller(
      request,
      await services().tasks.listByCondition(await readJson(request, listByConditionRequestSchema)),
    ),
  );
}
