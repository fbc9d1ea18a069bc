import { describe, expect, it } from "vitest";
import { mediaTaskId, videoPosterUrl } from "./client";

const ORIGIN = "http://127.0.0.1:3000";

describe("media URLs", () => {
  it("name a clip's poster in the media cache", () => {
    expect(videoPosterUrl("1723456789012345", 2)).toBe("/api/media/1723456789012345/videos.2.thumb");
  });

  it("know the task an app media URL belongs to, relative or on this origin", () => {
    expect(mediaTaskId("/api/media/1723456789012345/image?v=abc", ORIGIN)).toBe("1723456789012345");
    expect(mediaTaskId(`${ORIGIN}/api/media/abc_DEF-1/images.0.thumb`, ORIGIN)).toBe("abc_DEF-1");
  });

  it("know none for another site's URL, a data URL or another route", () => {
    expect(mediaTaskId("https://cdn.example.com/api/media/1/image", ORIGIN)).toBeNull();
    expect(mediaTaskId("data:image/png;base64,AAAA", ORIGIN)).toBeNull();
    expect(mediaTaskId("/api/inputs/abc.png", ORIGIN)).toBeNull();
    expect(mediaTaskId("//evil.example/api/media/1/image", ORIGIN)).toBeNull();
  });
});
