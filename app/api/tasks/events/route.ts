import { respond } from "@/lib/http/route";
import { laneRoute } from "@/lib/http/node-lane";
import { services } from "@/lib/server/services";
import { taskEventStream } from "@/lib/tasks/events";

/** Task changes as the server's poller records them, pushed to one page (server-sent events). */
export async function GET(request: Request) {
  return respond(request, async () => taskEventStream(services().tasks.subscribe, request.signal));
}

// Also answered past Next's router (lib/http/node-lane.ts): every open tab holds one, and each
// pushed batch is written straight to its socket instead of through Next's stream adapters.
laneRoute("/api/tasks/events", { GET });
