import { createHash } from "node:crypto";
import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import { callRoute, type RouteCall } from "@/lib/testing/routes";
import { testServer } from "@/lib/testing/server-env";
import { waitForStatus } from "@/lib/testing/wait";

/**
 * Byte ranges of stored files (`GET`/`HEAD /api/media/...` and `/api/inputs/...`), as a video
 * element asks for them: a real MP4 and PNG from the demo simulator, cached, then read in parts;
 * and each clip of a finished video, cached with a poster still.
 */

testServer();

const routes = {
  imagine: () => import("./mj/submit/imagine/route"),
  action: () => import("./mj/submit/action/route"),
  fetch: () => import("./mj/task/[id]/fetch/route"),
  media: () => import("./media/[taskId]/[slot]/route"),
  inputs: () => import("./inputs/[name]/route"),
};

const call = (name: keyof typeof routes, init?: RouteCall) => callRoute(routes[name], init);

interface Task {
  id: string;
  status: string;
  failReason?: string;
  buttons: { customId: string; label: string }[];
}

const fetchTask = async (id: string) => (await call("fetch", { params: { id } })).json as Task;
/** Rendering and encoding a video takes a few steps: more time than the default wait. */
const VIDEO_WAIT = { timeoutMs: 30_000 };

async function press(task: Task, match: (customId: string) => boolean): Promise<Task> {
  const button = task.buttons.find((b) => match(b.customId));
  if (!button) throw new Error(`task ${task.id} has no such button`);
  const answer = (await call("action", { body: { taskId: task.id, customId: button.customId } })).json as {
    result: string;
  };
  return waitForStatus(fetchTask, answer.result, "SUCCESS", VIDEO_WAIT);
}

/** A stored file and the route that serves it. */
interface Served {
  label: string;
  route: "media" | "inputs";
  params: Record<string, string>;
  contentType: string;
}

const files: Served[] = [];
/** The finished video tasks: the animated grid and a clip's U. */
const videoTasks: string[] = [];
let png = Buffer.alloc(0);

beforeAll(async () => {
  // Noise, so the request image is a few KB, like a real one (a flat colour compresses to 200 bytes).
  const noise = Buffer.from(Array.from({ length: 64 * 48 * 3 }, (_, i) => (i * 7919) % 251));
  png = await sharp(noise, { raw: { width: 64, height: 48, channels: 3 } })
    .png()
    .toBuffer();
  const imagine = (
    await call("imagine", {
      body: { prompt: "ranges of a tide pool", base64Array: [png.toString("base64")] },
    })
  ).json as { result: string };
  const grid = await waitForStatus(fetchTask, imagine.result, "SUCCESS", VIDEO_WAIT);
  const single = await press(grid, (id) => id.startsWith("MJ::JOB::upsample::1::"));
  const animated = await press(single, (id) => id.includes("animate_high::"));
  const video = await press(animated, (id) => id.includes("video_virtual_upscale::1"));
  // Everything finished is cached in the background: wait until it is, so ranges come from storage.
  const { services } = await import("@/lib/server/services");
  await services().media.idle();
  videoTasks.push(animated.id, video.id);
  files.push(
    {
      label: "cached PNG",
      route: "media",
      params: { taskId: grid.id, slot: "image" },
      contentType: "image/png",
    },
    {
      label: "cached MP4",
      route: "media",
      params: { taskId: video.id, slot: "video" },
      contentType: "video/mp4",
    },
    {
      label: "request PNG",
      route: "inputs",
      params: { name: `${createHash("sha256").update(png).digest("hex")}.png` },
      contentType: "image/png",
    },
  );
}, 120_000);

const bytesOf = async (response: Response) => Buffer.from(await response.arrayBuffer());

describe.each([0, 1, 2])("ranges of a stored file (#%i)", (which) => {
  let file: Served;
  let whole: Buffer;
  let etag: string;
  const get = (headers: Record<string, string> = {}, method: "GET" | "HEAD" = "GET") =>
    call(file.route, { method, params: file.params, headers });

  beforeAll(async () => {
    file = files[which]!;
    const full = await get();
    expect(full.status).toBe(200);
    whole = await bytesOf(full.response);
    etag = full.response.headers.get("etag")!;
  });

  it("answers the whole file with Accept-Ranges and a strong ETag", async () => {
    const { status, response } = await get();
    expect(status).toBe(200);
    expect(response.headers.get("content-type")).toBe(file.contentType);
    expect(response.headers.get("accept-ranges")).toBe("bytes");
    expect(response.headers.get("content-length")).toBe(String(whole.length));
    expect(etag).toMatch(/^"[0-9a-f]{64}"$/);
    expect((await bytesOf(response)).equals(whole)).toBe(true);
    expect(whole.length).toBeGreaterThan(600);
    if (file.contentType === "video/mp4") expect(whole.subarray(4, 8).toString("latin1")).toBe("ftyp");
    else expect((await sharp(whole).metadata()).format).toBe("png");
  });

  it.each<[string, (size: number) => [number, number, number]]>([
    ["bytes=0-1", (size) => [0, 1, size]],
    ["bytes=100-", (size) => [100, size - 1, size]],
    ["bytes=-500", (size) => [size - 500, size - 1, size]],
    ["bytes=10-99999999", (size) => [10, size - 1, size]],
  ])("%s → 206 with those bytes", async (range, expected) => {
    const [start, end, size] = expected(whole.length);
    const { status, response } = await get({ range });
    expect(status).toBe(206);
    expect(response.headers.get("content-range")).toBe(`bytes ${start}-${end}/${size}`);
    expect(response.headers.get("content-length")).toBe(String(end - start + 1));
    expect(response.headers.get("content-type")).toBe(file.contentType);
    expect(response.headers.get("etag")).toBe(etag);
    expect((await bytesOf(response)).equals(whole.subarray(start, end + 1))).toBe(true);
  });

  it("a range starting beyond the file → 416 with its size", async () => {
    for (const range of [
      `bytes=${whole.length}-`,
      `bytes=${whole.length + 10}-${whole.length + 20}`,
      "bytes=-0",
    ]) {
      const { status, response } = await get({ range });
      expect(status).toBe(416);
      expect(response.headers.get("content-range")).toBe(`bytes */${whole.length}`);
    }
  });

  it("several ranges, malformed ranges and other units get the whole file", async () => {
    for (const range of ["bytes=0-1,5-6", "bytes=5-1", "bytes=abc", "items=0-1"]) {
      const { status, response } = await get({ range });
      expect(status).toBe(200);
      expect((await bytesOf(response)).length).toBe(whole.length);
    }
  });

  it("If-Range: the range for the same ETag, the whole file for another", async () => {
    const same = await get({ range: "bytes=0-1", "if-range": etag });
    expect(same.status).toBe(206);
    await bytesOf(same.response);
    const other = await get({ range: "bytes=0-1", "if-range": `"${"0".repeat(64)}"` });
    expect(other.status).toBe(200);
    expect((await bytesOf(other.response)).length).toBe(whole.length);
    const weak = await get({ range: "bytes=0-1", "if-range": `W/${etag}` });
    expect(weak.status).toBe(200);
    await bytesOf(weak.response);
  });

  it("If-None-Match with the ETag → 304, range or not", async () => {
    const conditions: Record<string, string>[] = [
      { "if-none-match": etag },
      { "if-none-match": etag, range: "bytes=0-1" },
    ];
    for (const headers of conditions) {
      const { status, response } = await get(headers);
      expect(status).toBe(304);
      expect(await response.text()).toBe("");
    }
  });

  it("HEAD answers the headers of GET without a body", async () => {
    const head = await get({}, "HEAD");
    expect(head.status).toBe(200);
    expect(head.response.headers.get("content-length")).toBe(String(whole.length));
    expect(head.response.headers.get("accept-ranges")).toBe("bytes");
    expect(head.response.headers.get("etag")).toBe(etag);
    expect(await head.response.text()).toBe("");
    const part = await get({ range: "bytes=-500" }, "HEAD");
    expect(part.status).toBe(206);
    expect(part.response.headers.get("content-range")).toBe(
      `bytes ${whole.length - 500}-${whole.length - 1}/${whole.length}`,
    );
    expect(await part.response.text()).toBe("");
  });
});

describe("the clips of a finished video", () => {
  it("each clip's mp4 is cached and seeks, and its poster still is made with it", async () => {
    const { services } = await import("@/lib/server/services");
    const { media, store } = services();
    let clips = 0;
    for (const id of videoTasks) {
      const task = (await store.get(id))!;
      for (const i of (task.videoUrls ?? []).keys()) {
        clips += 1;
        // Cached in the background with the task, before anyone asked for it.
        expect(await media.get(id, `videos.${i}`)).toMatchObject({ contentType: "video/mp4" });
        expect(await media.get(id, `videos.${i}.thumb`)).toMatchObject({ contentType: "image/webp" });

        const whole = await call("media", { params: { taskId: id, slot: `videos.${i}` } });
        expect(whole.status).toBe(200);
        const bytes = await bytesOf(whole.response);
        expect(bytes.subarray(4, 8).toString("latin1")).toBe("ftyp");
        const part = await call("media", {
          params: { taskId: id, slot: `videos.${i}` },
          headers: { range: "bytes=100-199" },
        });
        expect(part.status).toBe(206);
        expect(part.response.headers.get("content-range")).toBe(`bytes 100-199/${bytes.length}`);
        expect((await bytesOf(part.response)).equals(bytes.subarray(100, 200))).toBe(true);

        const poster = await call("media", { params: { taskId: id, slot: `videos.${i}.thumb` } });
        expect(poster.status).toBe(200);
        expect(poster.response.headers.get("content-type")).toBe("image/webp");
        const still = await sharp(await bytesOf(poster.response)).metadata();
        expect(still).toMatchObject({ format: "webp" });
        expect(still.pages ?? 1).toBe(1);
        expect(Math.max(still.width!, still.height!)).toBeLessThanOrEqual(400);
      }
    }
    // The animated grid's four clips (a new video's default batch) once the simulator renders
    // them, and the video U's one.
    expect(clips).toBe(5);
  });
});
