import { respond } from "@/lib/http/route";
import { serveInput } from "@/lib/store/serve-input";

export async function GET(_request: Request, context: RouteContext<"/api/inputs/[name]">) {
  return respond(async () => serveInput((await context.params).name));
}
