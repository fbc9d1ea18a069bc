import { describe, expect, it } from "vitest";
import { taskSchema, type Task } from "@/lib/mj/task";
import {
  downloadName,
  extensionFor,
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

describe("downloadName", () => {
  const id = "1723456789012345";

  it("uses the prompt words and the id, without parameters", () => {
    expect(downloadName({ id, prompt: "A Cat in Space, oil painting --ar 16:9 --v 7" }, null, "png")).toBe(
      `a-cat-in-space-oil-painting-${id}.png`,
    );
    expect(downloadName({ id, prompt: "neon city —ar 3:2 --no cars" }, "2", "png")).toBe(
      `neon-city-${id}-2.png`,
    );
  });

  it("drops image URLs and multi-prompt weights", () => {
    expect(
      downloadName(
        { id, prompt: "https://example.com/a.png <https://x.test/b.jpg> hot dog::1.5 cat::-0.5" },
        null,
        "jpg",
      ),
    ).toBe(`hot-dog-cat-${id}.jpg`);
  });

  it("keeps Chinese prompts readable and caps their length", () => {
    expect(downloadName({ id, prompt: "一只猫在太空中 --ar 1:1" }, null, "png")).toBe(
      `一只猫在太空中-${id}.png`,
    );
    const long = "猫".repeat(200);
    const name = downloadName({ id, prompt: long }, "1", "png");
    expect(name).toBe(`${"猫".repeat(48)}-${id}-1.png`);
    expect(new TextEncoder().encode(name).length).toBeLessThan(255);
  });

  it("caps long English prompts on a word boundary", () => {
    const prompt = Array.from({ length: 40 }, (_, i) => `word${i}`).join(" ");
    const stem = downloadName({ id, prompt }, null, "png").replace(`-${id}.png`, "");
    expect(stem.length).toBeLessThanOrEqual(48);
    expect(stem).toMatch(/^word0-word1-.*word\d+$/);
  });

  it("removes characters file systems reject and falls back when nothing is left", () => {
    expect(downloadName({ id, prompt: 'a/b\\c:d*e?f"g<h>i|j' }, null, "png")).toBe(
      `a-b-c-d-e-f-g-h-i-j-${id}.png`,
    );
    expect(downloadName({ id: "a/b..c", prompt: null }, null, ".PNG")).toBe("midjourney-abc.png");
    expect(downloadName({ id, prompt: "--ar 1:1" }, null, "")).toBe(`midjourney-${id}.bin`);
  });
});

describe("small helpers", () => {
  it("extensionFor maps MIME types, ignoring parameters", () => {
    expect(extensionFor("image/jpeg", "png")).toBe("jpg");
    expect(extensionFor("video/mp4; codecs=avc1", "png")).toBe("mp4");
    expect(extensionFor("image/avif", "png")).toBe("avif");
    expect(extensionFor("application/octet-stream", "webp")).toBe("webp");
    expect(extensionFor("", "mp4")).toBe("mp4");
    expect(extensionFor(null, "png")).toBe("png");
  });

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
