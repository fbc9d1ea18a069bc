import { describe, expect, it } from "vitest";
import { taskSchema, type Task } from "@/lib/mj/task";
import { jobImages, siblingSlotUrl } from "./job-images";

function task(fields: Record<string, unknown>): Task {
  return taskSchema.parse({ id: "1700000000000001", status: "SUCCESS", progress: "100%", ...fields });
}

describe("jobImages", () => {
  it("cuts a grid into four cells of the app's media route, same version", () => {
    const images = jobImages(
      task({ action: "IMAGINE", imageUrl: "/api/media/1700000000000001/image?v=abc" }),
    );
    expect(images).toEqual(
      [1, 2, 3, 4].map((n) => ({
        n,
        src: `/api/media/1700000000000001/cell.${n}?v=abc`,
        thumb: `/api/media/1700000000000001/cell.${n}.thumb?v=abc`,
      })),
    );
  });

  it("uses the images the upstream lists", () => {
    const imageUrls = [0, 1, 2, 3].map((i) => ({
      url: `/api/media/t/images.${i}?v=x`,
      thumbnail: `/t/${i}.webp`,
    }));
    const images = jobImages(task({ action: "IMAGINE", imageUrl: "/api/media/t/image?v=x", imageUrls }));
    expect(images.map((image) => [image.n, image.src, image.thumb])).toEqual([
      [1, "/api/media/t/images.0?v=x", "/t/0.webp"],
      [2, "/api/media/t/images.1?v=x", "/t/1.webp"],
      [3, "/api/media/t/images.2?v=x", "/t/2.webp"],
      [4, "/api/media/t/images.3?v=x", "/t/3.webp"],
    ]);
  });

  it("keeps an upscale as one image, and gives nothing for a video or an unfinished job", () => {
    const upscale = task({
      action: "UPSCALE",
      imageUrl: "/api/media/t/image?v=1",
      thumbnailUrl: "/api/media/t/thumb?v=1",
    });
    expect(jobImages(upscale)).toEqual([
      { n: null, src: "/api/media/t/image?v=1", thumb: "/api/media/t/thumb?v=1" },
    ]);
    expect(
      jobImages(task({ action: "IMAGINE", status: "IN_PROGRESS", imageUrl: "/api/media/t/image?v=1" })),
    ).toEqual([]);
    expect(
      jobImages(
        task({
          action: "VIDEO",
          imageUrl: "/api/media/t/image?v=1",
          videoUrls: [{ url: "/api/media/t/videos.0?v=2" }],
        }),
      ),
    ).toEqual([]);
  });

  it("shows a grid that is no app media URL whole", () => {
    expect(jobImages(task({ action: "IMAGINE", imageUrl: "https://cdn.example/grid.png" }))).toEqual([
      { n: null, src: "https://cdn.example/grid.png", thumb: "https://cdn.example/grid.png" },
    ]);
  });

  it("names a sibling slot only of an app media URL", () => {
    expect(siblingSlotUrl("/api/media/t/image?v=1", "cell.3")).toBe("/api/media/t/cell.3?v=1");
    expect(siblingSlotUrl("/api/media/t/image", "cell.3")).toBe("/api/media/t/cell.3");
    expect(siblingSlotUrl("https://x/api/media/t/image", "cell.3")).toBeNull();
  });
});
