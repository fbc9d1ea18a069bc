import { readJson, respond, submitContext } from "@/lib/http/route";
import { imagineRequestSchema } from "@/lib/mj/requests";
import { services } from "@/lib/server/services";

export async function POST(request: Request) {
  return respond(request, async () =>
    services().tasks.imagine(await readJson(request, imagineRequestSchema), submitContext(request)),
  );
}
