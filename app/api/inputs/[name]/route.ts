import { respond } from "@/lib/http/route";
import { getRequestInputs } from "@/lib/media";
import { fromRequest } from "@/lib/media/http-ranges";
import { serveInput } from "@/lib/media/serve-input";

export async function GET(request: Request, context: RouteContext<"/api/inputs/[name]">) {
  return respond(request, async () =>
    serveInput((await context.params).name, fromRequest(request), getRequestInputs()),
  );
}

export const HEAD = GET;
