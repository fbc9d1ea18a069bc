import { readJson, respond } from "@/lib/http/route";
import { smartFolderBodySchema } from "@/lib/mj/folders";
import { services } from "@/lib/server/services";

export async function GET(request: Request) {
  return respond(request, async () => services().tasks.smartFolders());
}

export async function POST(request: Request) {
  return respond(
    request,
    async () => services().tasks.createSmartFolder(await readJson(request, smartFolderBodySchema)),
    { status: 201 },
  );
}
