import { readJson, respond, submitContext } from "@/lib/http/route";
import { actionRequestSchema } from "@/lib/mj/requests";
import { services } from "@/lib/server/services";

export async function POST(request: Request) {
  return respond(request, async () =>
    services().tasks.action(await readJson(request, actionRequestSchema), submitContext(request)),
  );
}
