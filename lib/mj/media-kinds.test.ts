import { describe, expect, it } from "vitest";
import {
  bareContentType,
  contentTypeOfName,
  downloadName,
  extensionFor,
  extensionOf,
  isMediaType,
  kindOfExtension,
  kindOfType,
  MEDIA_KINDS,
  mediaDownloadName,
} from "./media-kinds";

describe("the media vocabulary", () => {
  it("maps each stored type to its extension and back", () => {
    for (const kind of MEDIA_KINDS) {
      expect(kindOfType(kind.contentType)).toBe(kind);
      for (const extension of kind.extensions) expect(kindOfExtension(extension)).toBe(kind);
      expect(contentTypeOfName(`media/1/image.${kind.extensions[0]}`)).toBe(kind.contentType);
    }
    expect(extensionOf("image/jpeg")).toBe("jpg");
    expect(extensionOf("video/quicktime")).toBe("mov");
    expect(extensionOf("Video/MP4; codecs=avc1")).toBe("mp4");
    expect(extensionOf("image/svg+xml")).toBeNull();
    expect(extensionOf(null)).toBeNull();
    expect(kindOfExtension(".JPEG")?.contentType).toBe("image/jpeg");
    expect(bareContentType(" Image/PNG ; q=1")).toBe("image/png");
  });

  it("reads a type from a name's last extension only", () => {
    expect(contentTypeOfName("inputs/abc.png")).toBe("image/png");
    expect(contentTypeOfName("staging/x.zip")).toBe("application/zip");
    expect(contentTypeOfName("media/a.png/image")).toBeNull();
    expect(contentTypeOfName("media/index.sqlite")).toBeNull();
    expect(contentTypeOfName("image.svg")).toBeNull();
    expect(contentTypeOfName("png")).toBeNull();
  });

  it("calls only raster images and plain videos, spelled exactly, media", () => {
    for (const type of ["image/png", "image/jpeg", "image/webp", "image/gif", "image/avif"]) {
      expect(isMediaType(type)).toBe(true);
    }
    for (const type of ["video/mp4", "video/webm", "video/quicktime"]) expect(isMediaType(type)).toBe(true);
    for (const type of ["image/svg+xml", "text/html", "application/zip", "IMAGE/PNG", "image/png; x=1", ""]) {
      expect(isMediaType(type)).toBe(false);
    }
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

describe("mediaDownloadName", () => {
  const id = "1723456789012345";

  it("names a stored file after the prompt, the id and the slot, in any script", () => {
    expect(
      mediaDownloadName({ id, prompt: "A Red Fox, in snow! --ar 3:2 --v 7" }, "image", "image/png"),
    ).toBe(`a-red-fox-in-snow-${id}-image.png`);
    expect(mediaDownloadName({ id, prompt: "一只猫" }, "images.2", "image/webp")).toBe(
      `一只猫-${id}-images-2.webp`,
    );
    expect(mediaDownloadName({ id, prompt: null }, "videos.0", "video/quicktime")).toBe(
      `midjourney-${id}-videos-0.mov`,
    );
  });

  it("has an ASCII form for HTTP's plain filename parameter", () => {
    expect(
      mediaDownloadName({ id, prompt: "一只猫 in the snow" }, "image", "image/png", { ascii: true }),
    ).toBe(`in-the-snow-${id}-image.png`);
    expect(mediaDownloadName({ id, prompt: "一只猫" }, "image", "image/png", { ascii: true })).toBe(
      `midjourney-${id}-image.png`,
    );
  });
});

describe("extensionFor", () => {
  it("extensionFor maps MIME types, ignoring parameters", () => {
    expect(extensionFor("image/jpeg", "png")).toBe("jpg");
    expect(extensionFor("video/mp4; codecs=avc1", "png")).toBe("mp4");
    expect(extensionFor("image/avif", "png")).toBe("avif");
    expect(extensionFor("application/octet-stream", "webp")).toBe("webp");
    expect(extensionFor("", "mp4")).toBe("mp4");
    expect(extensionFor(null, "png")).toBe("png");
  });
});
