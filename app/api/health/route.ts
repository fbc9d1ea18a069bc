import { respond } from "@/lib/http/route";
import { env } from "@/lib/env";
import { services } from "@/lib/server/services";
import { laneRoute } from "@/lib/http/node-lane";

/**
 * Liveness, the mode, what the circuit breaker knows of the upstream (no upstream call), and
 * whether this instance is the one polling it (on a PostgreSQL cluster, one is).
 */
export async function GET(request: Request) {
  return respond(request, async () => ({
    ok: true,
    mode: env().mode,
    upstream: services().upstream.health(),
    poller: services().pollerRole(),
  }));
}

// Also answered past Next's router (lib/http/node-lane.ts): pages and clients call it over and over.
laneRoute("/api/health", { GET });
