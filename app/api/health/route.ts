import { respond } from "@/lib/http/route";
import { env } from "@/lib/env";
import { services } from "@/lib/server/services";

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
