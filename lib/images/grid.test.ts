import { describe, expect, it } from "vitest";
import { taskSchema, type Task } from "@/lib/mj/task";
import {
  isGridTask,
  isSingleVideo,
  promptOf,
  quadrantRect,
  quadrantVideo,
  resultMedia,
  truncateText,
  type Rect,
} from "./grid";

function task(fields: Record<string, unknown>): Task {
  return taskSchema.parse({
    id: "1723456789012345",
    status: "SUCCESS",
    imageUrl: "/api/media/1723456789012345/image?v=abc",
    ...fields,
  });
}

describe("quadrantRect", () => {
  it.each([
    [1024, 1024],
    [1023, 683],
    [2, 2],
    [3, 7],
    [2913, 1633],
  ])("tiles %ix%i exactly: every pixel in exactly one quadrant", (width, height) => {
    const rects = [1, 2, 3, 4].map((i) => quadrantRect(width, height, i));
    const area = rects.reduce((sum, r) => sum + r.w * r.h, 0);
    expect(area).toBe(width * height);
    const [tl, tr, bl, br] = rects as [Rect, Rect, Rect, Rect];
    // Columns and rows meet without gap or overlap and reach the far edges.
    expect(tl.x + tl.w).toBe(tr.x);
    expect(tr.x + tr.w).toBe(width);
    expect(tl.y + tl.h).toBe(bl.y);
    expect(bl.y + bl.h).toBe(height);
    expect([br.x, br.y, br.w, br.h]).toEqual([tr.x, bl.y, tr.w, bl.h]);
    for (const r of rects) {
      expect(
        Number.isInteger(r.x) && Number.isInteger(r.y) && Number.isInteger(r.w) && Number.isInteger(r.h),
      ).toBe(true);
      expect(r.w).toBeGreaterThan(0);
      expect(r.h).toBeGreaterThan(0);
    }
  });

  it("numbers quadrants like U1-U4: left to right, top to bottom", () => {
    expect(quadrantRect(1023, 683, 1)).toEqual({ x: 0, y: 0, w: 512, h: 342 });
    expect(quadrantRect(1023, 683, 2)).toEqual({ x: 512, y: 0, w: 511, h: 342 });
    expect(quadrantRect(1023, 683, 3)).toEqual({ x: 0, y: 342, w: 512, h: 341 });
    expect(quadrantRect(1023, 683, 4)).toEqual({ x: 512, y: 342, w: 511, h: 341 });
  });

  it("rejects indexes and sizes that are not a grid", () => {
    expect(() => quadrantRect(100, 100, 0)).toThrow(RangeError);
    expect(() => quadrantRect(100, 100, 5)).toThrow(RangeError);
    expect(() => quadrantRect(100, 100, 1.5)).toThrow(RangeError);
    expect(() => quadrantRect(1, 100, 1)).toThrow(RangeError);
    expect(() => quadrantRect(100.5, 100, 1)).toThrow(RangeError);
  });
});

describe("grid detection", () => {
  it.each([
    "IMAGINE",
    "VARIATION",
    "ZOOM",
    "PAN",
    "BLEND",
    "REROLL",
    "HIGH_VARIATION",
    "CUSTOM_ZOOM",
    "INPAINT",
    "EDIT",
    "EDITS",
    "RETEXTURE",
  ])("a finished %s is a grid", (action) => {
    expect(isGridTask(task({ action, contentType: "image/png" }))).toBe(true);
  });

  it.each(["UPSCALE", "UPSCALE_HD", "DESCRIBE", "SHORTEN", null])("a finished %s is not a grid", (action) => {
    expect(isGridTask(task({ action, contentType: "image/png" }))).toBe(false);
  });

  it("only finished tasks with an image are grids", () => {
    expect(isGridTask(task({ action: "IMAGINE", status: "IN_PROGRESS" }))).toBe(false);
    expect(isGridTask(task({ action: "IMAGINE", imageUrl: null }))).toBe(false);
  });

  it("a VIDEO task with an animated webp is a grid of videos", () => {
    const grid = task({ action: "VIDEO", contentType: "image/webp" });
    expect(isGridTask(grid)).toBe(true);
    expect(resultMedia(grid)).toEqual({ kind: "image", src: grid.imageUrl, grid: true, animated: true });
  });

  it("a VIDEO grid stays a grid when the CDN fill copies imageUrl into videoUrl and lists four clips", () => {
    const videoUrls = [0, 1, 2, 3].map((i) => ({ url: `/api/media/x/videos.${i}?v=a`, thumbnail: null }));
    const grid = task({
      action: "VIDEO",
      contentType: "image/webp",
      videoUrl: "/api/media/x/video?v=a",
      videoUrls,
    });
    expect(isGridTask(grid)).toBe(true);
    expect(quadrantVideo(grid, 3)).toBe("/api/media/x/videos.2?v=a");
    expect(quadrantVideo(task({ action: "VIDEO" }), 3)).toBeNull();
  });

  it("an upscaled video is one clip, by content type or (relays) by its video link", () => {
    const byType = task({ action: "UPSCALE", contentType: "video/mp4" });
    expect(isSingleVideo(byType)).toBe(true);
    expect(isGridTask(byType)).toBe(false);
    expect(resultMedia(byType)).toEqual({ kind: "video", src: byType.imageUrl, poster: null });

    const byLink = task({ action: "UPSCALE", videoUrl: "/api/media/x/video?v=b" });
    expect(resultMedia(byLink)).toEqual({ kind: "video", src: "/api/media/x/video?v=b", poster: null });

    const listed = task({
      action: "UPSCALE",
      videoUrls: [{ url: "/api/media/x/videos.0?v=c", thumbnail: "/t" }],
    });
    expect(resultMedia(listed)).toEqual({ kind: "video", src: "/api/media/x/videos.0?v=c", poster: "/t" });
  });

  it("an extended VIDEO with an mp4 content type is one clip, not a grid", () => {
    const clip = task({ action: "VIDEO", contentType: "video/mp4" });
    expect(isGridTask(clip)).toBe(false);
    expect(resultMedia(clip)?.kind).toBe("video");
  });

  it("an upscaled still is a single image", () => {
    expect(resultMedia(task({ action: "UPSCALE", contentType: "image/png" }))).toMatchObject({
      kind: "image",
      grid: false,
      animated: false,
    });
    expect(resultMedia(task({ action: "DESCRIBE", imageUrl: null }))).toBeNull();
  });
});

describe("small helpers", () => {
  it("promptOf prefers the final prompt", () => {
    expect(promptOf(task({ prompt: "猫", properties: { finalPrompt: "cat --v 7" } }))).toBe("cat --v 7");
    expect(promptOf(task({ prompt: "cat", properties: { finalPrompt: "" } }))).toBe("cat");
    expect(promptOf(task({ prompt: null }))).toBe("");
  });

  it("truncateText never splits a character", () => {
    expect(truncateText("short", 10)).toBe("short");
    expect(truncateText("😀".repeat(12), 10)).toBe(`${"😀".repeat(9)}…`);
  });
});
