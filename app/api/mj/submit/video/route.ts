import { readJson, respond, submitContext } from "@/lib/http/route";
import { videoRequestSchema } from "@/lib/mj/requests";
import { services } from "@/lib/server/services";

export async function POST(request: Request) {
  return respond(request, async () =>
    services().tasks.video(await readJson(request, videoRequestSchema), submitContext(request)),
  );
}
