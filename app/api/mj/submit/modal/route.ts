import { readJson, respond, submitContext } from "@/lib/http/route";
import { modalRequestSchema } from "@/lib/mj/requests";
import { services } from "@/lib/server/services";

export async function POST(request: Request) {
  return respond(request, async () =>
    services().tasks.modal(await readJson(request, modalRequestSchema), submitContext(request)),
  );
}
