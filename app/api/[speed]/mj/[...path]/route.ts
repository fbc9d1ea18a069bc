import * as action from "@/app/api/mj/submit/action/route";
import * as blend from "@/app/api/mj/submit/blend/route";
import * as change from "@/app/api/mj/submit/change/route";
import * as describe from "@/app/api/mj/submit/describe/route";
import * as edit from "@/app/api/mj/submit/edit/route";
import * as edits from "@/app/api/mj/submit/edits/route";
import * as imagine from "@/app/api/mj/submit/imagine/route";
import * as modal from "@/app/api/mj/submit/modal/route";
import * as retexture from "@/app/api/mj/submit/retexture/route";
import * as shorten from "@/app/api/mj/submit/shorten/route";
import * as simpleChange from "@/app/api/mj/submit/simple-change/route";
import * as upload from "@/app/api/mj/submit/upload-discord-images/route";
import * as video from "@/app/api/mj/submit/video/route";
import * as cancel from "@/app/api/mj/task/[id]/cancel/route";
import * as fetchTask from "@/app/api/mj/task/[id]/fetch/route";
import * as imageSeed from "@/app/api/mj/task/[id]/image-seed/route";
import * as listByCondition from "@/app/api/mj/task/list-by-condition/route";
import * as listByIds from "@/app/api/mj/task/list-by-ids/route";
import * as taskList from "@/app/api/mj/task/list/route";
import { AppError } from "@/lib/http/errors";
import { respond } from "@/lib/http/route";
import { speedOfSegment } from "@/lib/mj/speed";

/**
 * `/api/mj-fast/mj/...`, `/api/mj-relax/mj/...` and `/api/mj-turbo/mj/...`: every `/api/mj/...`
 * route under trueai's speed prefixes (§1.1), for midjourney-proxy clients that use them. Each path
 * is answered by the `/api/mj/...` handler itself, with the same request: access, limits and
 * validation are that route's, and a submit reads its speed from the URL (`submitContext`). Not a
 * rewrite: next.config rewrites cannot answer an unknown prefix in the one error shape, and
 * proxy.ts buffers and truncates request bodies.
 */

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;

/** The mirrored routes by path under `/api/mj/`; `[id]` matches one segment. */
const ROUTES: [pattern: string, module: object][] = [
  ["submit/imagine", imagine],
  ["submit/describe", describe],
  ["submit/blend", blend],
  ["submit/action", action],
  ["submit/modal", modal],
  ["submit/change", change],
  ["submit/simple-change", simpleChange],
  ["submit/shorten", shorten],
  ["submit/video", video],
  ["submit/edits", edits],
  ["submit/edit", edit],
  ["submit/retexture", retexture],
  ["submit/upload-discord-images", upload],
  ["task/[id]/fetch", fetchTask],
  ["task/[id]/image-seed", imageSeed],
  ["task/[id]/cancel", cancel],
  ["task/list-by-ids", listByIds],
  ["task/list-by-condition", listByCondition],
  ["task/list", taskList],
];

/** The `/api/mj/` route module for `segments`, with its path parameters; null for no route. */
function match(segments: string[]): { module: object; params: Record<string, string> } | null {
  for (const [pattern, module] of ROUTES) {
    const parts = pattern.split("/");
    if (parts.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const fits = parts.every((part, i) => {
      const segment = segments[i]!;
      if (part !== "[id]") return part === segment;
      params.id = segment;
      return true;
    });
    if (fits) return { module, params };
  }
  return null;
}

async function mirror(request: Request, context: RouteContext<"/api/[speed]/mj/[...path]">) {
  const { speed, path } = await context.params;
  const found = speedOfSegment(speed) === null ? null : match(path);
  const handler = found && (found.module as Record<string, Handler | undefined>)[request.method];
  if (!found || !handler) {
    return respond(request, async () => {
      if (!found) {
        const where = `/api/${speed}/mj/${path.join("/")}`.slice(0, 120);
        throw new AppError(
          "not_found",
          `No such API route: ${where} (the speed prefixes are mj-fast, mj-relax and mj-turbo).`,
        );
      }
      throw new AppError("method_not_allowed", `${request.method} is not allowed here.`);
    });
  }
  return handler(request, { params: Promise.resolve(found.params) });
}

export const GET = mirror;
export const POST = mirror;
