import { describe, expect, it } from "vitest";
import { taskSchema } from "@/lib/mj/task";
import {
  appMediaUrl,
  isMediaSlot,
  isThumbSlot,
  originalSlots,
  thumbSourceUrl,
  upstreamUrlFor,
  urlVersion,
  withAppMediaUrls,
} from "./urls";

const task = taskSchema.parse({
  id: "1723456789012345",
  status: "SUCCESS",
  imageUrl: "https://cdn.discordapp.com/attachments/1/2/grid.png?ex=1&is=2&hm=3",
  imageUrls: [
    { url: "https://cdn.midjourney.com/j/0_0.png", thumbnail: "https://cdn.midjourney.com/j/0_0_640_N.webp" },
  ],
  videoUrl: "https://cdn.midjourney.com/video/j/0_0.mp4",
  videoUrls: [{ url: "https://cdn.midjourney.com/video/j/0_0.mp4" }],
  thumbnailUrl: null,
  baseImageUrl: "https://s.mj.run/start.png",
  url: "https://cdn.discordapp.com/attachments/1/2/grid.png",
  proxyUrl: "https://media.discordapp.net/attachments/1/2/grid.png",
});

describe("withAppMediaUrls", () => {
  const out = withAppMediaUrls(task) as Record<string, unknown> & typeof task;

  it("points every media URL at the app's media route, versioned by the upstream URL", () => {
    expect(out.imageUrl).toBe(`/api/media/1723456789012345/image?v=${urlVersion(task.imageUrl!)}`);
    expect(out.imageUrls).toEqual([
      {
        url: `/api/media/1723456789012345/images.0?v=${urlVersion("https://cdn.midjourney.com/j/0_0.png")}`,
        thumbnail: `/api/media/1723456789012345/images.0.thumbnail?v=${urlVersion("https://cdn.midjourney.com/j/0_0_640_N.webp")}`,
      },
    ]);
    expect(out.videoUrl).toMatch(/^\/api\/media\/1723456789012345\/video\?v=/);
    expect(out.videoUrls?.[0]?.url).toMatch(/^\/api\/media\/1723456789012345\/videos\.0\?v=/);
    expect(out.videoUrls?.[0]?.thumbnail).toBeNull();
    expect(out.baseImageUrl).toMatch(/^\/api\/media\/1723456789012345\/base-image\?v=/);
  });

  it("gives a finished task the app's own thumbnail, versioned by the image it is made from", () => {
    expect(out.thumbnailUrl).toBe(`/api/media/1723456789012345/thumb?v=${urlVersion(task.imageUrl!)}`);
    const grid = withAppMediaUrls(
      taskSchema.parse({ id: "5", status: "SUCCESS", imageUrls: ["https://cdn.midjourney.com/j/0_1.png"] }),
    );
    expect(grid.imageUrls?.[0]?.thumbnail).toBe(
      `/api/media/5/images.0.thumb?v=${urlVersion("https://cdn.midjourney.com/j/0_1.png")}`,
    );
  });

  it("leaves a running task's previews unthumbnailed (they change every step)", () => {
    const running = withAppMediaUrls(
      taskSchema.parse({ id: "6", status: "IN_PROGRESS", imageUrl: "https://cdn/preview-40.webp" }),
    );
    expect(running.thumbnailUrl).toBeNull();
    const withUpstreamThumb = withAppMediaUrls(
      taskSchema.parse({ id: "7", status: "IN_PROGRESS", thumbnailUrl: "https://cdn/t.webp" }),
    );
    expect(withUpstreamThumb.thumbnailUrl).toMatch(/^\/api\/media\/7\/thumbnail\?v=/);
  });

  it("thumbnails a video from its still, and a finished task with no media gets none", () => {
    const video = taskSchema.parse({
      id: "8",
      status: "SUCCESS",
      imageUrl: null,
      videoUrls: [{ url: "https://cdn/v.mp4", thumbnail: "https://cdn/v_640_N.webp" }],
    });
    expect(thumbSourceUrl(video, "thumb")).toBe("https://cdn/v_640_N.webp");
    expect(thumbSourceUrl(video, "videos.0.thumb")).toBe("https://cdn/v_640_N.webp");
    expect(withAppMediaUrls(taskSchema.parse({ id: "9", status: "SUCCESS" })).thumbnailUrl).toBeNull();
  });

  it("drops raw Discord attachment links and leaves no upstream host anywhere", () => {
    expect(out.url).toBeNull();
    expect(out.proxyUrl).toBeNull();
    expect(JSON.stringify(out)).not.toMatch(/discordapp|midjourney\.com|mj\.run/);
  });

  it("gives a new version when the preview changes", () => {
    expect(urlVersion("https://x/preview-10.webp")).not.toBe(urlVersion("https://x/preview-20.webp"));
  });
});

describe("slots", () => {
  it.each([
    ["image", true],
    ["images.3", true],
    ["videos.0.thumbnail", true],
    ["base-image", true],
    ["thumb", true],
    ["images.2.thumb", true],
    ["videos.0.thumb", true],
    ["image.thumb", false],
    ["thumb.thumb", false],
    ["images.-1", false],
    ["../image", false],
    ["image.png", false],
    ["", false],
  ])("isMediaSlot(%j) is %s", (slot, valid) => {
    expect(isMediaSlot(slot)).toBe(valid);
  });

  it("resolves each slot to the URL the task carries, or null", () => {
    expect(upstreamUrlFor(task, "image")).toBe(task.imageUrl);
    expect(upstreamUrlFor(task, "images.0.thumbnail")).toBe("https://cdn.midjourney.com/j/0_0_640_N.webp");
    expect(upstreamUrlFor(task, "images.1")).toBeNull();
    expect(upstreamUrlFor(task, "video-origin")).toBeNull();
    expect(appMediaUrl(task.id, "image", null)).toBeNull();
    expect(upstreamUrlFor(task, "thumb")).toBeNull();
    expect(isThumbSlot("images.1.thumb")).toBe(true);
    expect(isThumbSlot("images.1.thumbnail")).toBe(false);
  });

  it("lists the originals worth caching, one entry per slot", () => {
    expect(originalSlots(task).map((s) => s.slot)).toEqual(["image", "images.0", "video", "videos.0"]);
  });
});
