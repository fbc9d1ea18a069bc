"use client";

import { useFetchMedia } from "@/lib/api/mutations";
import { downloadName, extensionFor } from "@/lib/mj/media-kinds";
import type { Task } from "@/lib/mj/task";

/** Saves a blob under a name: `<a download>` only names files of the page's own origin or blobs. */
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  // Revoking at once can cancel the download in some browsers before it has read the blob.
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

/**
 * The name a task's media file is saved under, typed by what arrived: the one place the
 * browser names a download (a quadrant's suffix is its number).
 */
export function mediaFileName(task: Task, suffix: string | null, type: string, fallbackExt: string): string {
  return downloadName(task, suffix, extensionFor(type, fallbackExt));
}

/**
 * Downloads one of the task's media files through the app's own URL (never the upstream's, which
 * expires and would reveal where it came from), named after the prompt.
 */
export function useMediaDownload(task: Task, suffix: string | null, fallbackExt: string) {
  return useFetchMedia({
    onSuccess: (blob) => saveBlob(blob, mediaFileName(task, suffix, blob.type, fallbackExt)),
  });
}
