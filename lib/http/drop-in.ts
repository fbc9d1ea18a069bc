import "server-only";
import { hasSession, mediaLinkSignature, trustedProxies } from "@/lib/auth/access";
import { mediaLinkExpiry } from "@/lib/auth/media-signature";
import { isHttps, requestHosts } from "@/lib/auth/request-origin";
import { presentedTokens } from "@/lib/auth/token";
import { shared } from "@/lib/auth/shared";
import { env } from "@/lib/env";
import { isAccepted, resultTaskIds, submitResultSchema } from "@/lib/mj/envelope";
import type { Task } from "@/lib/mj/task";
import { JsonBody, jsonArrayParts } from "./json-body";

/**
 * Tasks as `/api/mj/*` hands them to midjourney-proxy clients. The app's own page keeps the
 * session-checked relative links it always had. Any other caller (a proxy client on another
 * origin or server) gets absolute links, from APP_URL or the host it called, each signed when a
 * password is set (lib/auth/media-signature.ts), since an `<img>` cannot send the token; and the
 * computed `displays` trueai sends, which clients read without checking it is there (§4.1).
 */

/** The fields of a task that carry app media links (lib/media/urls.ts `withAppMediaUrls`). */
const LINK_FIELDS = ["imageUrl", "thumbnailUrl", "videoUrl", "baseImageUrl", "videoGenOriginImageUrl"];
const MEDIA_PATH = /^\/api\/media\/([^/?#]+)\/([^/?#]+)$/;

/**
 * The app's page: signed in, or (without a password) a same-origin fetch that sends no token. A
 * browser marks its fetches with Sec-Fetch-Site, but only to secure origins (HTTPS, localhost);
 * on plain HTTP elsewhere (a LAN address) the page's Referer (its policy is same-origin) says it.
 * A server-side client sends neither.
 */
function fromAppPage(request: Request): boolean {
  if (hasSession(request)) return true;
  const { headers } = request;
  if (env().auth.password || presentedTokens(headers).length > 0) return false;
  const site = headers.get("sec-fetch-site");
  if (site !== null) return site === "same-origin";
  const referer = headers.get("referer");
  if (!referer) return false;
  try {
    return requestHosts(headers, trustedProxies()).includes(new URL(referer).host);
  } catch {
    return false;
  }
}

/** Where the caller reached the app: APP_URL, else the host it asked for (behind a trusted proxy, the forwarded one). */
function publicOrigin(request: Request): string {
  const configured = env().publicOrigin;
  if (configured) return configured;
  const url = new URL(request.url);
  const [host] = requestHosts(request.headers, trustedProxies());
  if (!host) return url.origin;
  try {
    return new URL(`${isHttps(url, request.headers) ? "https" : "http"}://${host}`).origin;
  } catch {
    return url.origin;
  }
}

function absoluteLink(link: unknown, origin: string): unknown {
  if (typeof link !== "string" || !link.startsWith("/api/media/")) return link;
  const url = new URL(link, origin);
  const match = MEDIA_PATH.exec(url.pathname);
  const signature = match && mediaLinkSignature(decodeURIComponent(match[1]!), match[2]!);
  if (signature) {
    url.searchParams.set("exp", signature.exp);
    url.searchParams.set("sig", signature.sig);
  }
  return url.href;
}

/** trueai's `displays` (§4.1): the status, action and times as text for a client's table. */
function displays(task: Task): Record<string, string | null> {
  const time = (ms: number | null) =>
    ms === null ? null : new Date(ms).toISOString().replace("T", " ").slice(0, 19);
  return {
    status: task.status,
    action: task.action,
    submitTime: time(task.submitTime),
    startTime: time(task.startTime),
    finishTime: time(task.finishTime),
    discordInstanceId: null,
  };
}

function forClient(task: Task, origin: string | null): Task {
  const out: Record<string, unknown> = { ...task };
  if (typeof out.displays !== "object" || out.displays === null) out.displays = displays(task);
  if (origin === null) return out as Task;
  for (const field of LINK_FIELDS) if (field in out) out[field] = absoluteLink(out[field], origin);
  for (const list of ["imageUrls", "videoUrls"] as const) {
    out[list] =
      task[list]?.map((ref) => ({
        ...ref,
        url: absoluteLink(ref.url, origin),
        thumbnail: absoluteLink(ref.thumbnail, origin),
      })) ?? null;
  }
  return out as Task;
}

/**
 * A task's JSON as a caller gets it, kept per task object and the links it carries (relative, or
 * on an origin, signed with the day's expiry when a password is set): a client polling finished
 * tasks gets bytes made once (the links, `displays`, JSON.stringify were most of a 50-task
 * `list-by-ids`). The store hands out the same object for the same row and the service the same
 * presented task for it (lib/store/parsed-tasks.ts), so a changed task is a new key, never a stale
 * answer; an entry goes with its task object, and a task keeps the bytes of its last
 * MAX_LINK_FORMS link forms (the page, an API client or two).
 */
const MAX_LINK_FORMS = 4;
const kept = new WeakMap<Task, Map<string, Buffer<ArrayBuffer>>>();

function taskJson(task: Task, origin: string | null, form: string): Buffer<ArrayBuffer> {
  let forms = kept.get(task);
  const known = forms?.get(form);
  if (known) return known;
  const bytes = Buffer.from(JSON.stringify(forClient(task, origin)));
  if (!forms) kept.set(task, (forms = new Map()));
  forms.set(form, bytes);
  if (forms.size > MAX_LINK_FORMS) forms.delete(forms.keys().next().value as string);
  return bytes;
}

/** A task or a list of them as the caller of a drop-in route should get it, serialized. */
export function forCaller(request: Request, tasks: Task | Task[]): JsonBody {
  const origin = fromAppPage(request) ? null : publicOrigin(request);
  // Signed links change with the day's expiry; unsigned ones only with the origin.
  const form = origin === null ? "" : `${origin} ${env().auth.password ? mediaLinkExpiry() : ""}`;
  if (!Array.isArray(tasks)) return new JsonBody(taskJson(tasks, origin, form));
  return new JsonBody(Buffer.concat(jsonArrayParts(tasks.map((task) => taskJson(task, origin, form)))));
}

const MAX_ORIGINS = 10_000;
/** Where each task's submit came in, for the links of its notifyHook calls (bounded, oldest out). */
const submitOrigins = () => shared("submit-origins", () => new Map<string, string>());

/**
 * Notes the origin a drop-in submit reached the app at, for each task it started: a notifyHook
 * call has no request to read it from. Anything but an accepted envelope is ignored.
 */
export function noteSubmitOrigin(request: Request, answer: unknown): void {
  const parsed = submitResultSchema.safeParse(answer);
  if (!parsed.success || !isAccepted(parsed.data.code) || fromAppPage(request)) return;
  const origins = submitOrigins();
  const origin = publicOrigin(request);
  for (const id of resultTaskIds(parsed.data.result)) {
    origins.delete(id);
    origins.set(id, origin);
    if (origins.size > MAX_ORIGINS) origins.delete(origins.keys().next().value as string);
  }
}

/**
 * A task (with the app's links) as a notifyHook call sends it: as fetch answers a client, its links
 * on APP_URL, else on the origin its submit came in at (relative when neither is known, as after
 * a restart without APP_URL).
 */
export function forHook(task: Task): Task {
  return forClient(task, env().publicOrigin ?? submitOrigins().get(task.id) ?? null);
}
