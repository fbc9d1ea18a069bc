import "server-only";
import { mediaDownloadName } from "@/lib/mj/media-kinds";
import { isTerminalStatus, TASK_STATUS, type Task } from "@/lib/mj/task";
import { webStream } from "@/lib/http/body";
import { AppError } from "@/lib/http/errors";
import { bytesAnswer } from "@/lib/http/lane-answer";
import { WHOLE_FILE_BYTES, type CachedMedia, type MediaCache } from "./cache";
import type { MediaDownloader } from "./fetch";
import type { PreviewCache } from "./previews";
import {
  contentRange,
  parseRange,
  rangeAllowed,
  sliceBytes,
  storedFileResponse,
  unsatisfiable,
  wholeBody,
  type ConditionalRequest,
} from "./http-ranges";
import { attachmentDisposition, MEDIA_SAFETY_HEADERS } from "./types";
import { isCellSlot, isMediaSlot, isThumbSlot, upstreamUrlFor, urlVersion, type MediaSlot } from "./urls";

/**
 * Serves one media file of one recorded task: from the cache when it holds the file (ETag =
 * content hash, 304 on a match, byte ranges), else streamed from the URL the stored task carries.
 * It is not a proxy: the URL comes from the stored task, never from the request, and is checked by
 * the guard inside `download`.
 */

export interface MediaDeps {
  getTask(id: string): Promise<Task | null>;
  cache: MediaCache;
  download: MediaDownloader;
  /** A running task's progress images: one upstream fetch per step, however many ask. */
  previews: PreviewCache;
}

export interface MediaRequest extends ConditionalRequest {
  taskId: string;
  slot: string;
  version: string | null;
  /** `?download=1`: answer with `Content-Disposition: attachment`. */
  download?: boolean;
}

const IMMUTABLE = "private, max-age=31536000, immutable";

export async function serveMedia(request: MediaRequest, deps: MediaDeps): Promise<Response> {
  const { getTask, cache, download, previews } = deps;
  if (!isMediaSlot(request.slot))
    throw new AppError("not_found", `No media slot "${request.slot.slice(0, 40)}".`);
  const slot = request.slot;
  // A cached file is answered from its record: one index lookup and one stream, no task read. A
  // download needs the task (its prompt names the file); a HEAD takes the path that checks the blob.
  if (!request.download && !request.head) {
    const cached = await cache.lookup(request.taskId, slot);
    const response = cached && (await cachedResponse(null, cached, request, cache));
    if (response) return response;
  }
  const task = await getTask(request.taskId);
  if (!task) throw new AppError("not_found", `Task ${request.taskId} is not recorded.`);

  if (isCellSlot(slot)) {
    const cell = await cache.cell(task, slot);
    const response = cell && (await cachedResponse(task, cell, request, cache));
    if (!response)
      throw new AppError("not_found", `Task ${task.id} is no grid of still images to cut ${slot} from.`);
    return response;
  }
  if (isThumbSlot(slot)) {
    const thumb = await cache.thumbnail(task, slot);
    const response = thumb && (await cachedResponse(task, thumb, request, cache));
    if (!response) throw new AppError("not_found", `Task ${task.id} has no ${slot} (yet).`);
    return response;
  }
  const cached = await cache.get(task.id, slot);
  const response = cached && (await cachedResponse(task, cached, request, cache));
  if (response) return response;

  const url = upstreamUrlFor(task, slot);
  if (!url) throw new AppError("not_found", `Task ${task.id} has no ${slot}.`);
  // Tasks finished before the cache existed (or before a restart lost the queue) get cached now.
  if (task.status === TASK_STATUS.success) cache.enqueue([task]);
  // A running task's image is its progress preview (task-card.tsx shows it): one fetch for all
  // who ask, answered as the upstream's own stream would be (no ETag: it is not the cached file),
  // from the bytes in hand.
  const preview =
    slot === "image" && !isTerminalStatus(task.status)
      ? await previews.get(task.id, url, request.signal)
      : null;
  const media = preview ?? (await download(url, request.signal));

  // A finished task's file under a versioned URL never changes; anything else is a moving preview.
  const immutable = request.version === urlVersion(url) && isTerminalStatus(task.status);
  const headers = new Headers({
    "content-type": media.contentType,
    "cache-control": immutable ? IMMUTABLE : "no-store",
    ...MEDIA_SAFETY_HEADERS,
  });
  if (request.download) headers.set("content-disposition", attachment(task, slot, media.contentType));
  const stream = "bytes" in media ? null : media.body;
  const length = "bytes" in media ? media.bytes.byteLength : media.length;
  if (length === null) {
    // A stream of unknown length (bytes in hand have one): passed on as it comes.
    if (request.head) await stream?.cancel();
    return new Response(request.head ? null : stream && webStream(stream), { status: 200, headers });
  }
  // Until the cache has it, a range is cut from the upstream's stream (no ETag: If-Range cannot match).
  headers.set("accept-ranges", "bytes");
  const range = rangeAllowed(request.ifRange, null) ? parseRange(request.range, length) : null;
  if (range === "unsatisfiable" || request.head) await stream?.cancel();
  if (range === "unsatisfiable") return unsatisfiable(length, headers);
  headers.set("content-length", String(range ? range.end - range.start + 1 : length));
  if (range) headers.set("content-range", contentRange(range, length));
  const status = range ? 206 : 200;
  if (request.head) return new Response(null, { status, headers });
  if ("bytes" in media)
    return bytesAnswer(request.from, range ? media.bytes.subarray(range.start, range.end + 1) : media.bytes, {
      status,
      headers,
    });
  const body = range ? webStream(media.body).pipeThrough(sliceBytes(range)) : webStream(media.body);
  return new Response(body, { status, headers });
}

/** The cached file's answer; null when its blob is gone (the cache forgets it, the upstream serves). */
function cachedResponse(
  task: Task | null,
  media: CachedMedia,
  request: MediaRequest,
  cache: MediaCache,
): Promise<Response | null> {
  const headers = new Headers({ "cache-control": IMMUTABLE, ...MEDIA_SAFETY_HEADERS });
  if (request.download && task)
    headers.set("content-disposition", attachment(task, media.slot, media.contentType));
  return storedFileResponse(
    { etag: `"${media.sha256}"`, size: media.bytes, contentType: media.contentType },
    request,
    headers,
    // A small file (a thumbnail) is answered whole, from memory once read (its blob checked by one
    // local stat): no open, read and close, nor a file stream piped through the framework.
    async (options) => {
      if (media.bytes > WHOLE_FILE_BYTES) return cache.open(media, options);
      const bytes = await cache.whole(media, options);
      return bytes && wholeBody(bytes, options.range);
    },
  );
}

function attachment(task: Task, slot: MediaSlot, contentType: string): string {
  return attachmentDisposition(
    mediaDownloadName(task, slot, contentType),
    mediaDownloadName(task, slot, contentType, { ascii: true }),
  );
}
