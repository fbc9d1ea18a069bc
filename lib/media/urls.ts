import { createHash } from "node:crypto";
import type { MediaRef, Task } from "@/lib/mj/task";

/**
 * Media never points at the upstream: every media URL a task carries is replaced with the app's
 * own `/api/media/{taskId}/{slot}` route, which looks the upstream URL up again on the server.
 * Discord links expire and leak where a user has been; the app's links do neither.
 */

export type MediaSlot =
  | "image"
  | "thumbnail"
  | "video"
  | "base-image"
  | "video-origin"
  | `images.${number}`
  | `images.${number}.thumbnail`
  | `videos.${number}`
  | `videos.${number}.thumbnail`;

const SLOT_PATTERN =
  /^(image|thumbnail|video|base-image|video-origin|(images|videos)\.(\d{1,2})(\.thumbnail)?)$/;

export function isMediaSlot(value: string): value is MediaSlot {
  return SLOT_PATTERN.test(value);
}

/** The upstream URL behind a slot of this task, or null when the task carries none. */
export function upstreamUrlFor(task: Task, slot: MediaSlot): string | null {
  const match = SLOT_PATTERN.exec(slot);
  if (!match) return null;
  const [, name, list, index, thumbnail] = match;
  if (list) {
    const ref: MediaRef | undefined = (list === "images" ? task.imageUrls : task.videoUrls)?.[Number(index)];
    return (thumbnail ? ref?.thumbnail : ref?.url) ?? null;
  }
  switch (name) {
    case "image":
      return task.imageUrl;
    case "thumbnail":
      return task.thumbnailUrl;
    case "video":
      return task.videoUrl;
    case "base-image":
      return stringField(task, "baseImageUrl");
    case "video-origin":
      return stringField(task, "videoGenOriginImageUrl");
    default:
      return null;
  }
}

function stringField(task: Task, key: string): string | null {
  const value = (task as Record<string, unknown>)[key];
  return typeof value === "string" && value !== "" ? value : null;
}

/** Short fingerprint of the upstream URL: changes with every new preview, so caches never go stale. */
export function urlVersion(upstreamUrl: string): string {
  return createHash("sha256").update(upstreamUrl).digest("base64url").slice(0, 12);
}

export function appMediaUrl(taskId: string, slot: MediaSlot, upstreamUrl: string | null): string | null {
  if (!upstreamUrl) return null;
  return `/api/media/${encodeURIComponent(taskId)}/${slot}?v=${urlVersion(upstreamUrl)}`;
}

function rewriteRefs(task: Task, list: "images" | "videos", refs: MediaRef[] | null): MediaRef[] | null {
  if (!refs) return null;
  return refs.map((ref, i) => ({
    ...ref,
    url: appMediaUrl(task.id, `${list}.${i}`, ref.url) ?? "",
    thumbnail: appMediaUrl(task.id, `${list}.${i}.thumbnail`, ref.thumbnail),
  }));
}

/** The task as the app hands it out: same shape as upstream, every media URL the app's own. */
export function withAppMediaUrls(task: Task): Task {
  const out: Task = {
    ...task,
    imageUrl: appMediaUrl(task.id, "image", task.imageUrl),
    thumbnailUrl: appMediaUrl(task.id, "thumbnail", task.thumbnailUrl),
    videoUrl: appMediaUrl(task.id, "video", task.videoUrl),
    imageUrls: rewriteRefs(task, "images", task.imageUrls),
    videoUrls: rewriteRefs(task, "videos", task.videoUrls),
  };
  const extra = out as Record<string, unknown>;
  if ("baseImageUrl" in extra)
    extra.baseImageUrl = appMediaUrl(task.id, "base-image", stringField(task, "baseImageUrl"));
  if ("videoGenOriginImageUrl" in extra) {
    extra.videoGenOriginImageUrl = appMediaUrl(
      task.id,
      "video-origin",
      stringField(task, "videoGenOriginImageUrl"),
    );
  }
  // Raw Discord attachment links (`url`, `proxyUrl`) duplicate imageUrl; they are dropped, not proxied.
  if ("url" in extra) extra.url = null;
  if ("proxyUrl" in extra) extra.proxyUrl = null;
  return out;
}
