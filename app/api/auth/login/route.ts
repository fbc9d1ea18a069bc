import { z } from "zod";
import { login } from "@/lib/auth/access";
import { readJson, respond } from "@/lib/http/route";

const loginSchema = z.object({ password: z.string().min(1, "password must not be empty").max(1_000) });

export async function POST(request: Request) {
  return respond(request, async () => login(request, (await readJson(request, loginSchema, 4_096)).password));
}
