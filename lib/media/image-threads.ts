import "server-only";
import { readdirSync, readFileSync } from "node:fs";
import os from "node:os";

/**
 * sharp's pixel work runs on libvips' worker threads, in the same process as the event loop that
 * answers every request. At one priority the scheduler shares a busy core evenly between them, so
 * a burst of requests (the thumbnails and previews every tab asks for when a poll is pushed) waited
 * while a grid was being cut. At nice 10 the image threads take what CPU the event loop leaves:
 * the same work, done when the loop is idle. In four paired runs of the 50-tab load (2-core
 * machine, December 2026) the p99 was 30.6-35.8 ms with them lowered against 33.4-41.0 ms without,
 * lower in every pair. A burst of image work alone still gets every core.
 *
 * Linux keeps a thread's nice per thread (setpriority on a thread id) and names libvips' threads
 * in /proc; elsewhere this does nothing. Threads a lowered thread starts inherit its nice.
 */
const IMAGE_THREAD = "libvips worker";
/** How far below the rest of the process the image threads run. */
const NICE = 10;
const TASKS = "/proc/self/task";

/**
 * The threads of the process looked at so far, so each is looked at once: a thread keeps its name,
 * and libvips keeps its threads for reuse. An id leaves the set with its thread (ids are reused).
 */
const looked = new Set<number>();

/** Lowers the priority of libvips' threads not lowered yet; cheap enough to call after every job. */
export function lowerImageThreads(): void {
  let ids: string[];
  try {
    ids = readdirSync(TASKS);
  } catch {
    return; // no /proc: not Linux
  }
  const present = new Set<number>();
  for (const name of ids) {
    const id = Number(name);
    present.add(id);
    if (looked.has(id)) continue;
    looked.add(id);
    try {
      if (readFileSync(`${TASKS}/${name}/comm`, "utf8").trim() !== IMAGE_THREAD) continue;
    } catch {
      continue; // the thread ended meanwhile
    }
    try {
      // Ten steps below where it stands (the process's own nice, which threads inherit).
      os.setPriority(id, Math.min(19, os.getPriority(id) + NICE));
    } catch {
      // It ended meanwhile, or the system refuses: it keeps the process's priority.
    }
  }
  for (const id of looked) if (!present.has(id)) looked.delete(id);
}
