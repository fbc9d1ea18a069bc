import { respond } from "@/lib/http/route";
import { serveInput } from "@/lib/store/serve-input";

export async function GET(request: Request, context: RouteContext<"/api/inputs/[name]">) {
  return respond(request, async () => serveInput((await context.params).name));
}
