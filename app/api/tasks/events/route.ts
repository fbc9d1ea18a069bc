import { respond } from "@/lib/http/route";
import { services } from "@/lib/server/services";
import { taskEventStream } from "@/lib/tasks/events";

/** Task changes as the server's poller records them, pushed to one page (server-sent events). */
export async function GET(request: Request) {
  return respond(request, async () => taskEventStream(services().tasks.subscribe, request.signal));
}
