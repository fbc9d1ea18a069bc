import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { T0, buttonId, closeAll, dataUrl, harness, mediaOf, png, shapesPng } from "./test-support";
import { MemoryTaskStore } from "./store";
import type { TaskRecord } from "./record";

const dirs: string[] = [];

afterEach(() => {
  closeAll();
  while (dirs.length > 0) rmSync(dirs.pop()!, { recursive: true, force: true });
});

function tempFile(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "mj-sim-"));
  dirs.push(dir);
  return path.join(dir, "nested", "simulator.sqlite");
}

describe("persistence", () => {
  it("a second simulator on the same file carries on: progress from timestamps, media, inputs, actions", async () => {
    const file = tempFile();
    const first = harness({ persistPath: file });
    const ref = await png(48, 48, { r: 10, g: 200, b: 90 });
    const done = await first.settle(
      (await first.submit("/mj/submit/imagine", { prompt: "kept --ar 2:3", base64Array: [dataUrl(ref)] }))
        .result as string,
    );
    const running = (await first.submit("/mj/submit/imagine", { prompt: "still running" })).result as string;
    const described = (await first.submit("/mj/submit/describe", { base64: dataUrl(ref) })).result as string;
    first.advance(1_000);
    const before = await first.task(running);
    expect(before.status).toBe("SUBMITTED");
    const originalImage = (await mediaOf(first, done.imageUrl)).data;
    first.sim.close();

    // Same clock position: the restarted simulator sees the same moment of the same tasks.
    const second = harness({ persistPath: file });
    second.advance(first.now() - T0);
    expect(await second.task(running)).toEqual(before);
    expect(await second.task(done.id)).toEqual(done);
    // The old signed URL is still valid and renders the same picture from the stored recipe.
    const again = await mediaOf(second, done.imageUrl);
    expect(again.status).toBe(200);
    expect(again.data.equals(originalImage)).toBe(true);
    expect((await second.settle(running)).status).toBe("SUCCESS");
    const describeDone = await second.settle(described);
    expect((await mediaOf(second, describeDone.imageUrl)).data.equals(ref)).toBe(true);
    const u2 = await second.submit("/mj/submit/action", {
      taskId: done.id,
      customId: buttonId(done, (id) => id.includes("upsample::2")),
    });
    expect((await second.settle(u2.result as string)).status).toBe("SUCCESS");
  });

  it("keeps video and edit jobs with their frames and video facts across a restart", async () => {
    const file = tempFile();
    const first = harness({ persistPath: file });
    const frame = dataUrl(await shapesPng("#4a90d0", "#f0d040", 96));
    const endFrame = dataUrl(await shapesPng("#c03060", "#20f0f0", 96));
    const video = await first.settle(
      (
        await first.submit("/mj/submit/video", {
          prompt: "x",
          image: frame,
          endImage: endFrame,
          batchSize: 1,
        })
      ).result as string,
    );
    const edit = await first.settle(
      (await first.submit("/mj/submit/retexture", { prompt: "glass", image: frame })).result as string,
    );
    const poster = (await mediaOf(first, video.videoUrls![0]!.thumbnail)).data;
    first.sim.close();

    const second = harness({ persistPath: file });
    second.advance(first.now() - T0);
    expect(await second.task(video.id)).toEqual(video);
    expect(await second.task(edit.id)).toEqual(edit);
    expect(video).toMatchObject({ videoDuration: 5, baseImageUrl: expect.stringContaining("/attachments/") });
    expect((await mediaOf(second, video.videoUrls![0]!.thumbnail)).data.equals(poster)).toBe(true);
    expect((await mediaOf(second, video.baseImageUrl)).status).toBe(200);
  });

  it("media links expire like Discord's and cannot be forged", async () => {
    const h = harness({ linkTtlMs: 60_000 });
    const done = await h.settle(
      (await h.submit("/mj/submit/imagine", { prompt: "expiring" })).result as string,
    );
    expect((await mediaOf(h, done.imageUrl)).status).toBe(200);
    const forged = done.imageUrl!.replace(/hm=[0-9a-f]{4}/, "hm=0000");
    expect((await mediaOf(h, forged)).status).toBe(404);
    const moved = done.imageUrl!.replace(/ex=[0-9a-f]+/, "ex=ffffffff");
    expect((await mediaOf(h, moved)).status).toBe(404);
    h.advance(61_000);
    expect((await mediaOf(h, done.imageUrl)).status).toBe(404);
    // The task still names the same (now dead) link, as trueai stores it at finish.
    expect((await h.task(done.id)).imageUrl).toBe(done.imageUrl);
  });

  it("serves media only once the task has produced it", async () => {
    const file = tempFile();
    const later = harness({ persistPath: file });
    const done = await later.settle(
      (await later.submit("/mj/submit/imagine", { prompt: "not yet" })).result as string,
    );
    later.sim.close();
    // The same store seen at submit time: the (validly signed) result link is not served yet.
    const earlier = harness({ persistPath: file });
    expect((await mediaOf(earlier, done.imageUrl)).status).toBe(404);
    earlier.advance(done.finishTime! - T0);
    expect((await mediaOf(earlier, done.imageUrl)).status).toBe(200);
    // Another simulator cannot verify the signature at all.
    expect((await mediaOf(harness(), done.imageUrl)).status).toBe(404);
  });

  it("memory mode keeps a bounded number of tasks, evicting the oldest", () => {
    const store = new MemoryTaskStore(3);
    const record = (id: string, submitTime: number) => ({ id, submitTime }) as TaskRecord;
    for (const [i, id] of ["a", "b", "c", "d"].entries()) store.save(record(id, i));
    store.save(record("b", 1)); // an update does not make b new
    store.save(record("e", 5));
    expect(store.latest(10).map((r) => r.id)).toEqual(["e", "d", "c"]);
    expect(store.get("a")).toBeUndefined();
  });
});
