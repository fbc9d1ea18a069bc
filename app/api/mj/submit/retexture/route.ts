import { readJson, respond, submitContext } from "@/lib/http/route";
import { editRequestSchema } from "@/lib/mj/requests";
import { services } from "@/lib/server/services";

export async function POST(request: Request) {
  return respond(request, async () =>
    services().tasks.retexture(await readJson(request, editRequestSchema), submitContext(request)),
  );
}
