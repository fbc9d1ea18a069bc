import { readJson, respond, submitContext } from "@/lib/http/route";
import { describeRequestSchema } from "@/lib/mj/requests";
import { services } from "@/lib/server/services";

export async function POST(request: Request) {
  return respond(request, async () =>
    services().tasks.describe(await readJson(request, describeRequestSchema), submitContext(request)),
  );
}
