import { describe, expect, it } from "vitest";
import { parseCustomId } from "@/lib/mj/buttons";
import { taskSchema, type Task } from "@/lib/mj/task";
import {
  atExtendCap,
  clipSeconds,
  extendSource,
  isGridTask,
  isSingleVideo,
  promptOf,
  quadrantRect,
  resultMedia,
  truncateText,
  upscalesListedClip,
  videoClips,
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

  it("a VIDEO task's listed clips are separate players, whatever its imageUrl shows", () => {
    for (const count of [1, 2, 4]) {
      const videoUrls = Array.from({ length: count }, (_, i) => ({
        url: `/api/media/x/videos.${i}?v=a`,
        thumbnail: null,
      }));
      // The CDN fill copies imageUrl (the animated grid) into videoUrl; the list is what counts.
      const video = task({
        action: "VIDEO",
        contentType: "image/webp",
        videoUrl: "/api/media/x/video?v=a",
        videoUrls,
      });
      expect(resultMedia(video)).toEqual({
        kind: "video",
        clips: videoUrls.map(({ url }, index) => ({ index, url, listed: true })),
      });
    }
  });

  it("an upscaled video is one clip, by content type or (relays) by its video link", () => {
    const byType = task({ action: "UPSCALE", contentType: "video/mp4" });
    expect(isSingleVideo(byType)).toBe(true);
    expect(isGridTask(byType)).toBe(false);
    expect(videoClips(byType)).toEqual([{ index: 0, url: byType.imageUrl, listed: false }]);

    const byLink = task({ action: "UPSCALE", videoUrl: "/api/media/x/video?v=b" });
    expect(videoClips(byLink)).toEqual([{ index: 0, url: "/api/media/x/video?v=b", listed: false }]);

    const listed = task({
      action: "UPSCALE",
      videoUrls: [{ url: "/api/media/x/videos.0?v=c", thumbnail: "/t" }],
    });
    expect(videoClips(listed)).toEqual([{ index: 0, url: "/api/media/x/videos.0?v=c", listed: true }]);
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

describe("extending a clip", () => {
  const uuid = "0f8b5c3e-1a2b-4c5d-8e9f-0a1b2c3d4e5f";

  it("names the VIDEO task and the clip's place in its list", () => {
    const videoUrls = [0, 1].map((i) => ({ url: `/api/media/v/videos.${i}?v=a`, thumbnail: null }));
    const video = task({ id: "v", action: "VIDEO", videoUrls });
    expect(videoClips(video).map((clip) => extendSource(video, clip))).toEqual([
      { taskId: "v", index: 0 },
      { taskId: "v", index: 1 },
    ]);
  });

  it("names a video upscale's parent and the U it came from, 0-based", () => {
    const upscale = task({
      action: "UPSCALE",
      contentType: "video/mp4",
      parentId: "p",
      properties: { custom_id: `MJ::JOB::video_virtual_upscale::3::${uuid}` },
    });
    const [clip] = videoClips(upscale);
    expect(extendSource(upscale, clip!)).toEqual({ taskId: "p", index: 2 });
    // Without the press on record the clip's place in its parent is unknown.
    const unknown = task({ action: "UPSCALE", contentType: "video/mp4", parentId: "p" });
    expect(extendSource(unknown, videoClips(unknown)[0]!)).toBeNull();
  });

  it("leaves out the video U of a clip already listed, keeping the others and the reroll", () => {
    const video = task({
      action: "VIDEO",
      videoUrls: [0, 1].map((i) => ({ url: `/api/media/v/videos.${i}?v=a`, thumbnail: null })),
    });
    const shown = [1, 2, 3].map((n) =>
      upscalesListedClip(video, parseCustomId(`MJ::JOB::video_virtual_upscale::${n}::${uuid}`)),
    );
    expect(shown).toEqual([true, true, false]);
    expect(upscalesListedClip(video, parseCustomId(`MJ::JOB::reroll::0::${uuid}::SOLO`))).toBe(false);
    const discordGrid = task({ action: "VIDEO", contentType: "image/webp" });
    expect(upscalesListedClip(discordGrid, parseCustomId(`MJ::JOB::video_virtual_upscale::1::${uuid}`))).toBe(
      false,
    );
  });

  it("knows a clip's length from the upstream, the player, or the chain of extends", () => {
    expect(clipSeconds(task({ action: "VIDEO", videoDuration: 9 }), { measured: 4.9 })).toBe(9);
    expect(clipSeconds(task({ action: "VIDEO" }), { measured: 13.04 })).toBe(13.04);
    expect(clipSeconds(task({ action: "VIDEO" }))).toBeNull();
    const extend = (id: string, parentId: string) =>
      task({ id, action: "VIDEO", parentId, properties: { video_extend_index: 1 } });
    const byButton = task({
      id: "b",
      action: "VIDEO",
      parentId: "u",
      properties: { custom_id: `MJ::JOB::animate_low_extend::1::${uuid}` },
    });
    const videoUpscale = task({ id: "u", action: "UPSCALE", contentType: "video/mp4", parentId: "g" });
    const grid = task({ id: "g", action: "VIDEO", contentType: "image/webp" });
    // Nearest parent first, as the history's lineage lists them; the upscale adds no length.
    expect(clipSeconds(extend("c", "b"), { parents: [byButton, videoUpscale, grid] })).toBe(13);
    expect(
      clipSeconds(extend("e4", "e3"), {
        parents: [extend("e3", "e2"), extend("e2", "e1"), extend("e1", "g"), grid],
      }),
    ).toBe(21);
  });

  it("stops at the 21 s cap, with room for a measured clip's rounding", () => {
    expect(atExtendCap(null)).toBe(false);
    expect(atExtendCap(17)).toBe(false);
    expect(atExtendCap(17.04)).toBe(false);
    expect(atExtendCap(20.96)).toBe(true);
    expect(atExtendCap(21)).toBe(true);
  });
});
