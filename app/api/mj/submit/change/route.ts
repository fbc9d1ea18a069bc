import { readJson, respond, submitContext } from "@/lib/http/route";
import { changeRequestSchema } from "@/lib/mj/requests";
import { services } from "@/lib/server/services";
import { laneRoute } from "@/lib/http/node-lane";

/** novicezk's U n / V n / reroll (§3.10), relayed by new-api: the parent's matching button is pressed. */
export async function POST(request: Request) {
  return respond(request, async () =>
    services().tasks.change(await readJson(request, changeRequestSchema), submitContext(request)),
  );
}

// Also answered past Next's router (lib/http/node-lane.ts): pages and clients call it over and over.
laneRoute("/api/mj/submit/change", { POST });
