import { readJson, respond, submitContext } from "@/lib/http/route";
import { actionRequestSchema } from "@/lib/mj/requests";
import { services } from "@/lib/server/services";
import { laneRoute } from "@/lib/http/node-lane";

export async function POST(request: Request) {
  return respond(request, async () =>
    services().tasks.action(await readJson(request, actionRequestSchema), submitContext(request)),
  );
}

// Also answered past Next's router (lib/http/node-lane.ts): pages and clients call it over and over.
laneRoute("/api/mj/submit/action", { POST });
