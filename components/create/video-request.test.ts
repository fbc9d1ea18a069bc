import { describe, expect, it } from "vitest";
import { VIDEO_TYPES, videoRequestSchema } from "@/lib/mj/requests";
import {
  extendBody,
  newVideoBody,
  videoNotes,
  videoSpeed,
  withVideoSpeed,
  type NewVideo,
} from "./video-request";

const PNG =
  "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

const video: NewVideo = {
  prompt: "",
  motion: "low",
  image: "https://cdn.example.com/start.png",
  endImage: null,
  loop: false,
  batchSize: 4,
  quality: "sd",
  sourceTaskId: null,
};

describe("new video bodies", () => {
  it("send the start frame, motion and batch; an empty prompt is left to the server (Auto)", () => {
    const body = newVideoBody(video);
    expect(body).toEqual({ image: video.image, motion: "low", batchSize: 4 });
    expect(videoRequestSchema.safeParse(body).success).toBe(true);
  });

  it("carry an end frame, HD and the source task's lineage", () => {
    const body = newVideoBody({
      ...video,
      prompt: "  the camera pulls back  ",
      image: PNG,
      endImage: "https://cdn.example.com/end.png",
      quality: "hd",
      batchSize: 2,
      motion: "high",
      sourceTaskId: "1723456789012345",
    });
    expect(body).toEqual({
      prompt: "the camera pulls back",
      image: PNG,
      endImage: "https://cdn.example.com/end.png",
      motion: "high",
      batchSize: 2,
      videoType: VIDEO_TYPES.hd,
      sourceTaskId: "1723456789012345",
    });
    expect(videoRequestSchema.safeParse(body).success).toBe(true);
  });

  it("loop instead of an end frame: a loop ends where it started", () => {
    const body = newVideoBody({ ...video, loop: true, endImage: "https://cdn.example.com/end.png" });
    expect(body.loop).toBe(true);
    expect(body).not.toHaveProperty("endImage");
  });

  it("without a start frame fail the server's own check", () => {
    const checked = videoRequestSchema.safeParse(newVideoBody({ ...video, image: null }));
    expect(checked.success).toBe(false);
    expect(checked.error?.issues[0]?.message).toMatch(/start frame/);
  });
});

describe("extend bodies", () => {
  it("name the VIDEO task and the clip, with an optional prompt", () => {
    const body = extendBody({ taskId: "1723456789012345", index: 2 }, { prompt: "", motion: "high" });
    expect(body).toEqual({ action: "extend", taskId: "1723456789012345", index: 2, motion: "high" });
    expect(videoRequestSchema.safeParse(body).success).toBe(true);
    expect(extendBody({ taskId: "1", index: 0 }, { prompt: " she turns ", motion: "low" }).prompt).toBe(
      "she turns",
    );
  });
});

describe("speed in the motion prompt", () => {
  it("is written, replaced and removed as a flag, like the imagine composer's", () => {
    const fast = withVideoSpeed("waves roll in", "fast");
    expect(fast).toBe("waves roll in --fast");
    expect(videoSpeed(fast)).toBe("fast");
    expect(videoSpeed(withVideoSpeed(fast, "relax"))).toBe("relax");
    expect(withVideoSpeed(fast, null)).toBe("waves roll in");
    expect(videoSpeed(withVideoSpeed("", "turbo"))).toBe("turbo");
  });
});

describe("notes on a video job", () => {
  it("say nothing about a plain motion prompt, raw or a speed", () => {
    expect(videoNotes("slow dolly in --raw --relax", "sd")).toEqual([]);
    expect(videoNotes("slow dolly in --style raw", "sd")).toEqual([]);
  });

  it("hold two speeds, which Midjourney refuses", () => {
    expect(videoNotes("x --fast --relax", "sd")).toEqual([
      { code: "speed_conflict", severity: "error", flags: "--fast --relax" },
    ]);
  });

  it("warn that typed video flags win over the form, and that image parameters are not for video", () => {
    expect(videoNotes("x --motion high --bs 1 --ar 16:9 --sref 123", "sd")).toEqual([
      { code: "prompt_wins", severity: "warning", flags: "--motion --bs" },
      { code: "not_for_video", severity: "warning", flags: "--ar --sref" },
    ]);
  });

  it("warn that HD video runs in Fast mode only", () => {
    expect(videoNotes("x --relax", "hd")).toEqual([{ code: "hd_fast_only", severity: "warning" }]);
    expect(videoNotes("x --fast", "hd")).toEqual([]);
  });
});
