import { forCaller } from "@/lib/http/drop-in";
import { respond } from "@/lib/http/route";
import { services } from "@/lib/server/services";

/** The latest 100 tasks of the history, newest first, as trueai's recent-tasks list answers (§3.15). */
export async function GET(request: Request) {
  return respond(request, async () =>
    forCaller(request, (await services().tasks.history({ limit: 100, cursor: null })).items),
  );
}
