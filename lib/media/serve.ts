import "server-only";
import fs from "node:fs";
import { Readable } from "node:stream";
import { isTerminalStatus, TASK_STATUS, type Task } from "@/lib/mj/task";
import { AppError } from "@/lib/http/errors";
import { getTaskStore } from "@/lib/store";
import type { TaskStore } from "@/lib/store/task-store";
import { getUpstream } from "@/lib/upstream";
import type { UpstreamClient } from "@/lib/upstream/client";
import { extensionFor, type CachedMedia, type MediaCache } from "./cache";
import { openMedia, type UrlGuard } from "./fetch";
import { getMediaCache, getMediaGuard } from "./index";
import { isMediaSlot, isThumbSlot, upstreamUrlFor, urlVersion, type MediaSlot } from "./urls";
import { MEDIA_SAFETY_HEADERS } from "./types";

/**
 * Serves one media file of one recorded task: from the disk cache when it holds the file (ETag =
 * content hash, 304 on a match), else streamed from the URL the stored task carries. It is not a
 * proxy: the URL comes from the stored task, never from the request, and is checked by the guard.
 */

export interface MediaDeps {
  upstream: UpstreamClient;
  store: Pick<TaskStore, "get">;
  cache: MediaCache;
  guard: UrlGuard;
}

export interface MediaRequest {
  taskId: string;
  slot: string;
  version: string | null;
  /** `?download=1`: answer with `Content-Disposition: attachment`. */
  download?: boolean;
  ifNoneMatch?: string | null;
  signal?: AbortSignal;
}

const IMMUTABLE = "private, max-age=31536000, immutable";

export async function serveMedia(request: MediaRequest, deps?: MediaDeps): Promise<Response> {
  const { upstream, store, cache, guard } = deps ?? {
    upstream: getUpstream(),
    store: getTaskStore(),
    cache: getMediaCache(),
    guard: getMediaGuard(),
  };
  if (!isMediaSlot(request.slot))
    throw new AppError("not_found", `No media slot "${request.slot.slice(0, 40)}".`);
  const slot = request.slot;
  const task = store.get(request.taskId);
  if (!task) throw new AppError("not_found", `Task ${request.taskId} is not recorded.`);

  if (isThumbSlot(slot)) {
    const thumb = await cache.thumbnail(task, slot);
    if (!thumb) throw new AppError("not_found", `Task ${task.id} has no ${slot} (yet).`);
    return fileResponse(task, thumb, request);
  }
  const cached = cache.get(task.id, slot);
  if (cached) return fileResponse(task, cached, request);

  const url = upstreamUrlFor(task, slot);
  if (!url) throw new AppError("not_found", `Task ${task.id} has no ${slot}.`);
  // Tasks finished before the cache existed (or before a restart lost the queue) get cached now.
  if (task.status === TASK_STATUS.success) cache.enqueue([task]);
  const media = await openMedia({ upstream, guard }, url, request.signal);

  // A finished task's file under a versioned URL never changes; anything else is a moving preview.
  const immutable = request.version === urlVersion(url) && isTerminalStatus(task.status);
  const headers = new Headers({
    "content-type": media.contentType,
    "cache-control": immutable ? IMMUTABLE : "no-store",
    ...MEDIA_SAFETY_HEADERS,
  });
  if (media.length !== null) headers.set("content-length", String(media.length));
  if (request.download) headers.set("content-disposition", attachment(task, slot, media.contentType));
  return new Response(media.body, { status: 200, headers });
}

function fileResponse(task: Task, media: CachedMedia, request: MediaRequest): Response {
  const etag = `"${media.sha256}"`;
  const headers = new Headers({
    etag,
    "cache-control": IMMUTABLE,
    ...MEDIA_SAFETY_HEADERS,
  });
  if (matches(request.ifNoneMatch ?? null, etag)) return new Response(null, { status: 304, headers });
  headers.set("content-type", media.contentType);
  headers.set("content-length", String(media.bytes));
  if (request.download) headers.set("content-disposition", attachment(task, media.slot, media.contentType));
  const body = Readable.toWeb(fs.createReadStream(media.path)) as ReadableStream<Uint8Array>;
  return new Response(body, { status: 200, headers });
}

function matches(ifNoneMatch: string | null, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(",").some((tag) => {
    const value = tag.trim().replace(/^W\//, "");
    return value === etag || value === "*";
  });
}

function attachment(task: Task, slot: MediaSlot, contentType: string): string {
  return `attachment; filename="${downloadName(task, slot, contentType)}"`;
}

/** `a-red-fox-in-snow-012345-images-2.png`: the prompt's words, the id's tail, the slot. */
export function downloadName(
  task: Pick<Task, "id" | "prompt">,
  slot: MediaSlot,
  contentType: string,
): string {
  const words = (task.prompt ?? "")
    .replace(/<[^>]*>/g, " ") // image links and mentions
    .replace(/--\S+(\s+[^-\s]\S*)?/g, " ") // --parameters and their values
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  let slug = "";
  for (const word of words) {
    if (slug.length + word.length + 1 > 48) break;
    slug = slug ? `${slug}-${word}` : word;
  }
  const shortId = task.id.replace(/[^A-Za-z0-9]/g, "").slice(-6);
  return `${slug || "mj"}-${shortId}-${slot.replace(/\./g, "-")}.${extensionFor(contentType)}`;
}
