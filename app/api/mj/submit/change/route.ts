import { readJson, respond, submitContext } from "@/lib/http/route";
import { changeRequestSchema } from "@/lib/mj/requests";
import { services } from "@/lib/server/services";

/** novicezk's U n / V n / reroll (§3.10), relayed by new-api: the parent's matching button is pressed. */
export async function POST(request: Request) {
  return respond(request, async () =>
    services().tasks.change(await readJson(request, changeRequestSchema), submitContext(request)),
  );
}
