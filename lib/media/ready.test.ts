import { describe, expect, it } from "vitest";
import { makeTask } from "@/lib/testing/tasks";
import type { Task } from "@/lib/mj/task";
import { makeShown } from "./ready";

/**
 * makeShown over a cache and a preview cache that only note what they are asked to make; the cache
 * makes nothing ahead when `full` (its most tasks in hand already).
 */
function shown({ full = false } = {}) {
  const asked: string[] = [];
  const made = async () => null;
  const ready = makeShown(
    {
      ahead: (task: Task, slots: string[]) =>
        full ? null : (asked.push(...slots.map((slot) => `${task.id} ${slot}`)), made()),
    } as never,
    { get: (taskId: string, url: string) => (asked.push(`${taskId} preview ${url}`), made()) } as never,
  );
  return { ready, asked };
}

const finished = (fields: Record<string, unknown>) =>
  makeTask({ status: "SUCCESS", progress: "100%", finishTime: 1_700_000_010_000, ...fields });

describe("makeShown", () => {
  it("makes a finished grid's four cell thumbnails, whoever listens", async () => {
    const { ready, asked } = shown();
    const made = ready(finished({ action: "IMAGINE", imageUrl: "https://cdn.example/grid.png" }), false);
    expect(made).not.toBeNull();
    await made;
    expect(asked).toEqual([1, 2, 3, 4].map((n) => `1723456789012345 cell.${n}.thumb`));
  });

  it("makes an upscale's one thumbnail", async () => {
    const { ready, asked } = shown();
    await ready(finished({ action: "UPSCALE", imageUrl: "https://cdn.example/u2.png" }), true);
    expect(asked).toEqual(["1723456789012345 thumb"]);
  });

  it("has nothing to wait for when the cache makes nothing ahead (its most tasks in hand already)", () => {
    const { ready, asked } = shown({ full: true });
    expect(ready(finished({ action: "IMAGINE", imageUrl: "https://cdn.example/grid.png" }), true)).toBeNull();
    expect(asked).toEqual([]);
  });

  it("has nothing to make for a finish a page shows no thumbnail of (a video, a text result)", () => {
    const { ready, asked } = shown();
    const video = finished({
      action: "VIDEO",
      imageUrl: "https://cdn.example/first-frame.webp",
      videoUrls: [{ url: "https://cdn.example/v.mp4" }],
    });
    expect(ready(video, true)).toBeNull();
    expect(ready(finished({ action: "DESCRIBE", prompt: "1️⃣ a cat" }), true)).toBeNull();
    expect(asked).toEqual([]);
  });

  it("fetches a running task's progress image only while a page listens", async () => {
    const { ready, asked } = shown();
    const running = makeTask({
      status: "IN_PROGRESS",
      progress: "40%",
      imageUrl: "https://cdn.example/p40.webp",
    });
    expect(ready(running, false)).toBeNull();
    expect(asked).toEqual([]);
    await ready(running, true);
    expect(asked).toEqual(["1723456789012345 preview https://cdn.example/p40.webp"]);
    expect(ready(makeTask({ status: "IN_PROGRESS", progress: "0%" }), true)).toBeNull();
    expect(ready(makeTask({ status: "FAILURE", imageUrl: "https://cdn.example/p40.webp" }), true)).toBeNull();
  });
});
