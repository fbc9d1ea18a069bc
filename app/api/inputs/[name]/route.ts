import { respond } from "@/lib/http/route";
import { fromRequest } from "@/lib/media/http-ranges";
import { serveInput } from "@/lib/media/serve-input";
import { services } from "@/lib/server/services";

export async function GET(request: Request, context: RouteContext<"/api/inputs/[name]">) {
  return respond(request, async () =>
    serveInput((await context.params).name, fromRequest(request), services().inputs),
  );
}

export const HEAD = GET;
