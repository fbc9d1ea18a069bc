import { afterEach, describe, expect, it, vi } from "vitest";
import type { Task } from "@/lib/mj/task";
import { until } from "@/lib/testing/wait";
import { closeWorlds, finished, world } from "@/lib/testing/world";
import { serveMedia } from "./serve";

/** The media cache's work done once: each original downloaded once, a cached file served without sharp. */

// Every sharp pipeline of the process (the cache's, the simulator's) is counted.
const sharpCalls = vi.hoisted(() => ({ count: 0 }));
vi.mock("sharp", async (importOriginal) => {
  const sharp = ((await importOriginal()) as { default: (...args: unknown[]) => unknown }).default;
  const counted = (...args: unknown[]) => {
    sharpCalls.count++;
    return sharp(...args);
  };
  return { default: Object.assign(counted, sharp) };
});

afterEach(closeWorlds);

describe("one download per media", () => {
  it("shares the original with the job when a thumbnail is asked for while the job waits or downloads", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    // Media downloads are held until the thumbnails have been asked for (and finishes are not held
    // for their thumbnails, lib/media/ready.ts: the queue's own sharing is what is tested).
    const w = world({
      mediaBeforeRecord: false,
      wrapFetch: (fetch) => async (input, init) => {
        const url = String(input instanceof Request ? input.url : input);
        if (!new URL(url).pathname.startsWith("/mj/")) await gate;
        return fetch(input, init);
      },
    });
    const answered: Task[] = [];
    for (const prompt of ["a kite over dunes", "a tram in fog", "a heron at dawn"])
      answered.push(await finished(w.tasks, prompt));
    // The queue downloads two at a time: two jobs wait at the gate, the third waits its turn.
    await until(async () => w.mediaRequests.length >= 2, "two jobs downloading");
    expect(w.mediaRequests).toHaveLength(2);
    // The recorded copies carry the upstream's links, as the media route hands them to the cache.
    const tasks = await Promise.all(answered.map(async (task) => (await w.store.get(task.id))!));
    const thumbs = tasks.map((task) => w.media.thumbnail(task, "thumb"));
    release();
    expect((await Promise.all(thumbs)).map((thumb) => thumb?.contentType)).toEqual(
      tasks.map(() => "image/webp"),
    );
    await w.media.idle();

    expect([...w.mediaRequests].sort()).toEqual(tasks.map((task) => task.imageUrl).sort());
    for (const task of tasks) {
      expect(await w.media.job(task.id)).toMatchObject({ state: "done" });
      expect(await w.media.get(task.id, "image")).toMatchObject({ contentType: "image/png" });
    }
  });
});

describe("serving a cached file", () => {
  it("reads no task, downloads nothing and never calls sharp", async () => {
    const w = world();
    const task = await finished(w.tasks, "a lantern on a pier");
    await w.media.idle();
    // A full-size cell is cut the first time someone asks for it; from then on it is cached.
    await w.media.cell(task, "cell.2");
    let taskReads = 0;
    const deps = {
      ...w.mediaDeps,
      getTask: (id: string) => {
        taskReads++;
        return w.mediaDeps.getTask(id);
      },
    };
    const requests = w.mediaRequests.length;
    const calls = sharpCalls.count;
    for (const slot of ["thumb", "image", "cell.2", "cell.2.thumb"]) {
      const response = await serveMedia({ taskId: task.id, slot, version: null }, deps);
      expect(response.status).toBe(200);
      expect(response.headers.get("etag")).toBe(`"${(await w.media.get(task.id, slot as "thumb"))!.sha256}"`);
      expect((await response.arrayBuffer()).byteLength).toBeGreaterThan(0);
    }
    expect(sharpCalls.count).toBe(calls);
    expect(taskReads).toBe(0);
    expect(w.mediaRequests).toHaveLength(requests);
  });

  it("still answers a file whose blob is gone: made again from the original", async () => {
    const w = world();
    const task = await finished(w.tasks, "a snail on a leaf");
    await w.media.idle();
    const thumb = (await w.media.get(task.id, "thumb"))!;
    await w.blobs.delete(thumb.key);
    const calls = sharpCalls.count;
    const response = await serveMedia({ taskId: task.id, slot: "thumb", version: null }, w.mediaDeps);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("image/webp");
    expect((await response.arrayBuffer()).byteLength).toBeGreaterThan(0);
    expect(sharpCalls.count).toBeGreaterThan(calls);
  });
});
