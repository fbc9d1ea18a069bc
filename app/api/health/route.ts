import { respond } from "@/lib/http/route";
import { env } from "@/lib/env";

export async function GET() {
  return respond(async () => ({ ok: true, mode: env().mode }));
}
