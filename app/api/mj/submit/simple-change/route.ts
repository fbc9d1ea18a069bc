import { readJson, respond, submitContext } from "@/lib/http/route";
import { simpleChangeRequestSchema } from "@/lib/mj/requests";
import { services } from "@/lib/server/services";

/** `{content: "<taskId> U2"}` (§3.10): the same press as /submit/change. */
export async function POST(request: Request) {
  return respond(request, async () =>
    services().tasks.change(await readJson(request, simpleChangeRequestSchema), submitContext(request)),
  );
}
