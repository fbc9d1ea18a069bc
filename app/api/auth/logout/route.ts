import { logout } from "@/lib/auth/access";
import { respond } from "@/lib/http/route";

export async function POST(request: Request) {
  return respond(request, async () => logout(request));
}
