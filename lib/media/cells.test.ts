import sharp from "sharp";
import { afterEach, describe, expect, it, vi } from "vitest";
import { quadrantRect } from "@/lib/images/grid";
import { siblingSlotUrl } from "@/lib/images/job-images";
import { AppError } from "@/lib/http/errors";
import type { Task } from "@/lib/mj/task";
import { waitForStatus } from "@/lib/testing/wait";
import { closeWorlds, finished, world, type World } from "@/lib/testing/world";
import { readBlob } from "./blob-store";
import { THUMB_LONG_SIDE } from "./thumbnail";
import { appMediaUrl, isCellSlot, isMediaSlot, isThumbSlot, parseCellSlot, upstreamUrlFor } from "./urls";

/** The images of a grid as separate pictures: `cell.<n>` cut from the grid, `cell.<n>.thumb` its thumbnail. */

/** What every `sharp(...)` of this file's run was given: decodes of one grid are counted by it. */
const sharpInputs = vi.hoisted(() => [] as unknown[]);
vi.mock("sharp", async (importOriginal) => {
  const real = (await importOriginal<typeof import("sharp")>()).default;
  const counted = (...args: Parameters<typeof real>) => {
    sharpInputs.push(args[0]);
    return real(...args);
  };
  return { default: Object.assign(counted, real) };
});

afterEach(closeWorlds);

/** How many sharp pipelines since `from` were handed these bytes: decodes of that image. */
const decodesOf = (bytes: Buffer, from: number) =>
  sharpInputs.slice(from).filter((input) => Buffer.isBuffer(input) && input.equals(bytes)).length;

/** A picture shrunk to 8x8 grey levels: close for two thumbnails of one image, far for others. */
async function signature(image: Buffer): Promise<Buffer> {
  return sharp(image).resize(8, 8, { fit: "fill" }).greyscale().raw().toBuffer();
}
const distance = (a: Buffer, b: Buffer) =>
  a.reduce((sum, value, i) => sum + Math.abs(value - b[i]!), 0) / a.length;

const serve = (w: World, taskId: string, slot: string, extra: { ifNoneMatch?: string } = {}) =>
  import("./serve").then(({ serveMedia }) =>
    serveMedia({ taskId, slot, version: null, ...extra }, w.mediaDeps),
  );

async function gridPixels(w: World, task: Task) {
  const grid = (await w.media.get(task.id, "image"))!;
  return readBlob((await w.media.open(grid))!);
}

describe("cell slots", () => {
  it("names image 1-4 of a grid and its thumbnail, and nothing else", () => {
    for (const slot of ["cell.1", "cell.4", "cell.2.thumb"]) expect(isMediaSlot(slot)).toBe(true);
    for (const slot of ["cell.0", "cell.5", "cell.1.thumbnail", "cell.12", "cell."])
      expect(isMediaSlot(slot)).toBe(false);
    expect(isCellSlot("cell.3.thumb")).toBe(true);
    expect(isThumbSlot("cell.3.thumb")).toBe(false); // made from the cell, not from the task's sources
    expect(parseCellSlot("cell.3.thumb")).toEqual({ n: 3, thumb: true });
    expect(parseCellSlot("cell.2")).toEqual({ n: 2, thumb: false });
  });

  it("has no upstream URL (the app makes it) and is versioned by the grid it is cut from", () => {
    const grid = "https://cdn.example/grid.png";
    const task = { imageUrl: grid } as Task;
    expect(upstreamUrlFor(task, "cell.1")).toBeNull();
    const image = appMediaUrl("42", "image", grid)!;
    expect(siblingSlotUrl(image, "cell.1")).toBe(appMediaUrl("42", "cell.1", grid));
  });
});

describe("cells of a grid", () => {
  it("cuts each image out of the cached grid pixel for pixel when asked, fetching nothing", async () => {
    const w = world();
    const task = await finished(w.tasks, "four lanterns --ar 3:2");
    await w.media.idle();
    // Nobody asked yet: the full-size cells are not made in the background.
    for (const n of [1, 2, 3, 4] as const) expect(await w.media.get(task.id, `cell.${n}`)).toBeNull();
    const grid = await gridPixels(w, task);
    const { width, height } = await sharp(grid).metadata();
    const seen = w.mediaRequests.length;
    for (const n of [1, 2, 3, 4]) {
      const response = await serve(w, task.id, `cell.${n}`);
      expect(response.status).toBe(200);
      // The simulator's grid is a PNG: its cells stay lossless PNGs.
      expect(response.headers.get("content-type")).toBe("image/png");
      expect(response.headers.get("cache-control")).toBe("private, max-age=31536000, immutable");
      const etag = response.headers.get("etag");
      expect(etag).toMatch(/^"[0-9a-f]{64}"$/);
      const cell = Buffer.from(await response.arrayBuffer());
      const rect = quadrantRect(width, height, n);
      const expected = await sharp(grid)
        .extract({ left: rect.x, top: rect.y, width: rect.w, height: rect.h })
        .ensureAlpha()
        .raw()
        .toBuffer({ resolveWithObject: true });
      const actual = await sharp(cell).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
      expect(actual.info).toMatchObject({ width: rect.w, height: rect.h });
      expect(actual.data.equals(expected.data)).toBe(true);

      const again = await serve(w, task.id, `cell.${n}`, { ifNoneMatch: etag! });
      expect(again.status).toBe(304);
    }
    expect(w.mediaRequests.length).toBe(seen);
  });

  it("thumbnails each cell as a WebP of that cell within the thumbnail bound, keeping its ratio", async () => {
    const w = world();
    const task = await finished(w.tasks, "a tall cypress --ar 2:3");
    await w.media.idle();
    const seen = w.mediaRequests.length;
    const grid = await gridPixels(w, task);
    const { width, height } = await sharp(grid).metadata();
    const cells = await Promise.all(
      [1, 2, 3, 4].map((n) => {
        const rect = quadrantRect(width, height, n);
        return sharp(grid)
          .extract({ left: rect.x, top: rect.y, width: rect.w, height: rect.h })
          .png()
          .toBuffer();
      }),
    );
    const cellSignatures = await Promise.all(cells.map(signature));
    for (const n of [1, 2, 3, 4]) {
      const response = await serve(w, task.id, `cell.${n}.thumb`);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("image/webp");
      expect(response.headers.get("cache-control")).toBe("private, max-age=31536000, immutable");
      const bytes = Buffer.from(await response.arrayBuffer());
      const thumb = await sharp(bytes).metadata();
      expect(thumb.format).toBe("webp");
      expect(Math.max(thumb.width, thumb.height)).toBeLessThanOrEqual(THUMB_LONG_SIDE);
      const rect = quadrantRect(width, height, n);
      // The size a thumbnail of the cut-out cell has, give or take the rounding of a pixel.
      const expected = await sharp(cells[n - 1]!)
        .resize(THUMB_LONG_SIDE, THUMB_LONG_SIDE, { fit: "inside", withoutEnlargement: true })
        .toBuffer({ resolveWithObject: true });
      expect(Math.abs(thumb.width - expected.info.width)).toBeLessThanOrEqual(1);
      expect(Math.abs(thumb.height - expected.info.height)).toBeLessThanOrEqual(1);
      expect(thumb.width / thumb.height).toBeCloseTo(rect.w / rect.h, 1);
      // It shows image n: nearer to that cell than to any other.
      const own = await signature(bytes);
      const distances = cellSignatures.map((cell) => distance(own, cell));
      expect(distances.indexOf(Math.min(...distances))).toBe(n - 1);
      expect(distances[n - 1]).toBeLessThan(6);
    }
    expect(w.mediaRequests.length).toBe(seen);
  });

  it("decodes the grid once per finished job for its thumbnail and its four cells' thumbnails", async () => {
    const w = world();
    const from = sharpInputs.length;
    const task = await finished(w.tasks, "a lighthouse at dusk");
    await w.media.idle();
    const slots = (await w.media.list(task.id)).map((file) => file.slot).sort();
    expect(slots).toEqual(["cell.1.thumb", "cell.2.thumb", "cell.3.thumb", "cell.4.thumb", "image", "thumb"]);
    expect(decodesOf(await gridPixels(w, task), from)).toBe(1);
    // The grid's own thumbnail: the whole grid, within the bound, at its ratio.
    const thumb = await sharp(
      await readBlob((await w.media.open((await w.media.get(task.id, "thumb"))!))!),
    ).metadata();
    expect(Math.max(thumb.width, thumb.height)).toBe(THUMB_LONG_SIDE);
    expect(thumb.width / thumb.height).toBeCloseTo(1, 1);
  });

  it("makes a missing cell once however many ask at the same time", async () => {
    const w = world();
    const task = await finished(w.tasks, "a red kite");
    await w.media.idle();
    await w.blobs.delete((await w.media.get(task.id, "cell.2.thumb"))!.key);
    const from = sharpInputs.length;
    const put = vi.spyOn(w.blobs, "put");
    const answers = await Promise.all([1, 2, 3].map(() => serve(w, task.id, "cell.2")));
    const thumbs = await Promise.all([1, 2].map(() => serve(w, task.id, "cell.2.thumb")));
    const etags = new Set(answers.map((answer) => answer.headers.get("etag")));
    expect(etags.size).toBe(1);
    expect(thumbs.map((answer) => answer.headers.get("content-type"))).toEqual(["image/webp", "image/webp"]);
    const made = put.mock.calls.map(([key]) => key).filter((key) => key.includes("cell.2"));
    expect(made.sort()).toEqual([`media/${task.id}/cell.2.png`, `media/${task.id}/cell.2.thumb.webp`]);
    // One cut for the three asking for the cell, one pass for the two asking for its thumbnail.
    expect(decodesOf(await gridPixels(w, task), from)).toBe(2);
    await Promise.all([...answers, ...thumbs].map((answer) => answer.arrayBuffer()));
  });

  it("answers 404 for a task that is no grid of stills: an upscale, an animated grid", async () => {
    const w = world();
    const grid = await finished(w.tasks, "a green apple");
    const u1 = grid.buttons.find((button) => button.customId.includes("upsample::1"))!;
    const envelope = await w.tasks.action({ taskId: grid.id, customId: u1.customId });
    const upscale = await waitForStatus((id) => w.tasks.fetch(id), envelope.result as string, "SUCCESS");
    const animated: Task = { ...grid, id: "9900000000000001", action: "VIDEO" };
    await w.record(animated);
    await w.media.idle();
    for (const id of [upscale.id, animated.id]) {
      const answer = serve(w, id, "cell.1");
      await expect(answer).rejects.toBeInstanceOf(AppError);
      await expect(answer).rejects.toMatchObject({ code: "not_found" });
      await expect(serve(w, id, "cell.1.thumb")).rejects.toMatchObject({ code: "not_found" });
    }
    expect(await w.media.cell(upscale, "cell.1")).toBeNull();
    expect((await w.blobKeys(`media/${upscale.id}/`)).some((key) => key.includes("cell"))).toBe(false);
  });
});
