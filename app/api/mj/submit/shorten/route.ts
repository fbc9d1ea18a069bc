import { readJson, respond, submitContext } from "@/lib/http/route";
import { shortenRequestSchema } from "@/lib/mj/requests";
import { services } from "@/lib/server/services";

export async function POST(request: Request) {
  return respond(request, async () =>
    services().tasks.shorten(await readJson(request, shortenRequestSchema), submitContext(request)),
  );
}
