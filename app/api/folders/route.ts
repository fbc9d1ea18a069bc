import { readJson, respond } from "@/lib/http/route";
import { folderNameBodySchema } from "@/lib/mj/folders";
import { services } from "@/lib/server/services";

export async function GET(request: Request) {
  return respond(request, async () => services().tasks.folders());
}

export async function POST(request: Request) {
  return respond(
    request,
    async () => services().tasks.createFolder((await readJson(request, folderNameBodySchema)).name),
    { status: 201 },
  );
}
