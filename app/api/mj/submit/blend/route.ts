import { readJson, respond, submitContext } from "@/lib/http/route";
import { blendRequestSchema } from "@/lib/mj/requests";
import { services } from "@/lib/server/services";

export async function POST(request: Request) {
  return respond(request, async () =>
    services().tasks.blend(await readJson(request, blendRequestSchema), submitContext(request)),
  );
}
