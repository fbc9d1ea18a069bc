import { readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { lowerImageThreads } from "./image-threads";
import { makeThumbnail } from "./thumbnail";

const linux = process.platform === "linux";

/** libvips' threads in this process now, by id. */
function imageThreads(): number[] {
  return readdirSync("/proc/self/task")
    .filter((id) => {
      try {
        return readFileSync(`/proc/self/task/${id}/comm`, "utf8").trim() === "libvips worker";
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe.runIf(linux)("image threads", () => {
  it("run ten steps below the event loop once sharp has worked, the event loop's own priority untouched", async () => {
    const source = await sharp({ create: { width: 1200, height: 800, channels: 3, background: "#3366aa" } })
      .png()
      .toBuffer();
    const own = os.getPriority(process.pid);
    // A thumbnail made through the app's sharp slot, as the media cache makes them.
    expect(await makeThumbnail(async () => source)).not.toBeNull();
    const threads = imageThreads();
    expect(threads.length).toBeGreaterThan(0);
    for (const id of threads) expect(os.getPriority(id)).toBe(Math.min(19, own + 10));
    expect(os.getPriority(process.pid)).toBe(own);
    // Looked at once: calling again changes nothing more.
    lowerImageThreads();
    for (const id of threads) expect(os.getPriority(id)).toBe(Math.min(19, own + 10));
  });
});
