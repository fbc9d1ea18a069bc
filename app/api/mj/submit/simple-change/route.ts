import { readJson, respond, submitContext } from "@/lib/http/route";
import { simpleChangeRequestSchema } from "@/lib/mj/requests";
import { services } from "@/lib/server/services";
import { laneRoute } from "@/lib/http/node-lane";

/** `{content: "<taskId> U2"}` (§3.10): the same press as /submit/change. */
export async function POST(request: Request) {
  return respond(request, async () =>
    services().tasks.change(await readJson(request, simpleChangeRequestSchema), submitContext(request)),
  );
}

// Also answered past Next's router (lib/http/node-lane.ts): pages and clients call it over and over.
laneRoute("/api/mj/submit/simple-change", { POST });
