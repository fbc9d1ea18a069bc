import { readJson, respond } from "@/lib/http/route";
import { uploadRequestSchema } from "@/lib/mj/requests";
import { services } from "@/lib/server/services";

export async function POST(request: Request) {
  return respond(request, async () =>
    services().tasks.uploadImages(await readJson(request, uploadRequestSchema)),
  );
}
