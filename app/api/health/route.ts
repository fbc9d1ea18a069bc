import { respond } from "@/lib/http/route";
import { env } from "@/lib/env";
import { services } from "@/lib/server/services";

/** Liveness, the mode, and what the circuit breaker knows of the upstream (no upstream call). */
export async function GET(request: Request) {
  return respond(request, async () => ({
    ok: true,
    mode: env().mode,
    upstream: services().upstream.health(),
  }));
}
