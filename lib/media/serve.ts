import "server-only";
import { isTerminalStatus } from "@/lib/mj/task";
import { AppError } from "@/lib/http/errors";
import { getTaskStore } from "@/lib/store";
import type { TaskStore } from "@/lib/store/task-store";
import { getUpstream } from "@/lib/upstream";
import type { UpstreamClient } from "@/lib/upstream/client";
import { isMediaSlot, upstreamUrlFor, urlVersion } from "./urls";

/**
 * Streams one media file of one recorded task. It is not a proxy: the URL comes from the stored
 * task, never from the request, so only what a task carries can be fetched. (The history issue
 * puts a disk cache and thumbnails in front of the upstream fetch.)
 */

const MEDIA_TYPE = /^(image|video)\//;

export interface MediaDeps {
  upstream: UpstreamClient;
  store: Pick<TaskStore, "get">;
}

export async function serveMedia(
  request: { taskId: string; slot: string; version: string | null; signal?: AbortSignal },
  deps: MediaDeps = { upstream: getUpstream(), store: getTaskStore() },
): Promise<Response> {
  if (!isMediaSlot(request.slot)) throw new AppError("not_found", `No media slot "${request.slot.slice(0, 40)}".`);
  const task = deps.store.get(request.taskId);
  if (!task) throw new AppError("not_found", `Task ${request.taskId} is not recorded.`);
  const url = upstreamUrlFor(task, request.slot);
  if (!url) throw new AppError("not_found", `Task ${request.taskId} has no ${request.slot}.`);

  const upstream = await deps.upstream.fetchMedia(url, request.signal);
  if (!upstream.ok || !upstream.body) {
    await upstream.body?.cancel();
    throw upstream.status === 404 || upstream.status === 403 || upstream.status === 410
      ? new AppError("not_found", "The upstream no longer has this file (its link may have expired).")
      : new AppError("upstream_error", `The upstream failed to send the file (HTTP ${upstream.status}).`);
  }
  const contentType = upstream.headers.get("content-type") ?? "";
  if (!MEDIA_TYPE.test(contentType)) {
    await upstream.body.cancel();
    throw new AppError(
      "upstream_bad_response",
      "The upstream sent something that is not an image or a video.",
    );
  }

  // A finished task's file under a versioned URL never changes; anything else is a moving preview.
  const immutable = request.version === urlVersion(url) && isTerminalStatus(task.status);
  const headers = new Headers({
    "content-type": contentType,
    "cache-control": immutable ? "private, max-age=31536000, immutable" : "no-store",
    "x-content-type-options": "nosniff",
  });
  const length = upstream.headers.get("content-length");
  if (length) headers.set("content-length", length);
  return new Response(upstream.body, { status: 200, headers });
}
