import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import sharp from "sharp";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  buttonId,
  closeAll,
  dataUrl,
  harness,
  mediaOf,
  mp4FrameCount,
  mp4Seconds,
  parseJson,
  shapesPng,
  upscaled,
  type Harness,
  type Task,
} from "./test-support";

afterEach(closeAll);

/** Jobs run on the simulated clock: this is long enough for any of them to finish. */
const DONE = 60_000;

const start = await shapesPng("#4a90d0", "#f0d040", 160);
const end = await shapesPng("#c03060", "#20f0f0", 160);

/** The width and height of an mp4's video track (`tkhd`, 16.16 fixed point, at its end). */
function mp4Size(mp4: Buffer): [number, number] {
  const at = mp4.indexOf("tkhd", 0, "latin1") - 4;
  const boxEnd = at + mp4.readUInt32BE(at);
  return [mp4.readUInt32BE(boxEnd - 8) >>> 16, mp4.readUInt32BE(boxEnd - 4) >>> 16];
}

/** Submits a video job and moves the clock past its end without reading it (nothing renders). */
async function finishedVideo(h: Harness, body: Record<string, unknown>): Promise<string> {
  const submitted = await h.submit("/mj/submit/video", body);
  expect(submitted.code).toBe(1);
  h.advance(DONE);
  return submitted.result as string;
}

function clipButtons(task: Task): string[] {
  return task.buttons.map((b) => b.customId.replace(task.properties.messageHash as string, "<job>"));
}

describe("/submit/video: what trueai refuses (§3.7)", () => {
  it("answers missing and contradictory fields with its codes and messages", async () => {
    const h = harness();
    const image = dataUrl(start);
    const refusals: [unknown, number, number, string | RegExp][] = [
      [{}, 200, 4, "Prompt 不能为空"],
      [{ prompt: "  ", image }, 200, 4, "Prompt 不能为空"],
      [{ prompt: "x", image, taskId: "1000000000000000" }, 200, 4, "任务类型错误"],
      [{ prompt: "x", action: "extend" }, 200, 3, "目标任务不存在"],
      [{ prompt: "x", action: "extend", taskId: "1000000000000000", index: 0 }, 404, 3, "目标任务不存在"],
      [{ prompt: "waves" }, 200, 4, /^首帧图片不能为空 \/ No start frame provided/],
      [{ prompt: "x", image: "not base64!" }, 200, 4, "base64格式错误"],
      [{ prompt: "x", image, endImage: "data:image/png;base64,AAAA" }, 200, 4, "base64格式错误"],
    ];
    for (const [body, status, code, description] of refusals) {
      const answer = await h.post("/mj/submit/video", body);
      expect(answer.status, JSON.stringify(body)).toBe(status);
      expect(parseJson(answer.text)).toMatchObject({ code, description, result: null });
    }
    // A wrong JSON type is a binding error, answered with trueai's Result shape (§2.2).
    const bound = parseJson((await h.post("/mj/submit/video", { prompt: "x", batchSize: "two" })).text);
    expect(bound).toMatchObject({ success: false, code: -1 });
    h.sim.setFaults({ uploadStorageDown: true });
    expect(await h.submit("/mj/submit/video", { prompt: "x", image })).toMatchObject({
      code: 9,
      description: "上传图片到云存储异常",
    });
  });

  it("extends only a finished VIDEO task's clip, and nothing past 21 s (Extend buttons too)", async () => {
    const h = harness();
    const running = (await h.submit("/mj/submit/video", { prompt: "x", image: dataUrl(start) })).result;
    const extend = (taskId: unknown, index = 0) =>
      h.submit("/mj/submit/video", { action: "extend", taskId, index, prompt: "more" });
    expect(await extend(running)).toMatchObject({ code: 4, description: "关联任务状态错误" });

    // A video U is an UPSCALE: its grid is what gets extended.
    h.advance(DONE);
    const grid = await h.task(running as string);
    const u2 = await h.submit("/mj/submit/action", {
      taskId: grid.id,
      customId: buttonId(grid, (id) => id.includes("video_virtual_upscale::2::")),
    });
    h.advance(DONE);
    expect((await extend(u2.result)).description).toMatch(/^关联任务不是视频任务/);
    expect((await extend(grid.id, 4)).description).toMatch(/^index参数错误 .* 0 to 3$/);

    // 5 s, then four times 4 s: 21 s is Midjourney's longest.
    let clip = await finishedVideo(h, { prompt: "x", image: dataUrl(start), batchSize: 1 });
    expect((await extend(clip, 1)).description).toMatch(/^index参数错误 .*: 0$/);
    for (let step = 0; step < 4; step++) {
      const next = await extend(clip);
      expect(next.code).toBe(1);
      h.advance(DONE);
      clip = next.result as string;
    }
    const capped = await extend(clip);
    expect(capped).toMatchObject({ code: 4 });
    expect(capped.description).toMatch(/21 s, Midjourney's longest/);
    const button = await h.submit("/mj/submit/action", {
      taskId: clip,
      customId: `MJ::JOB::animate_high_extend::1::${randomUUID()}`,
    });
    expect(button.description).toBe(capped.description);
  });
});

describe("/submit/video: new videos", () => {
  it("stores base64 frames, writes trueai's prompt, and makes N clips of 5 s with posters", async () => {
    const h = harness();
    const { code, result } = await h.submit("/mj/submit/video", {
      prompt: "waves roll in",
      image: dataUrl(start),
      endImage: end.toString("base64"),
      motion: "high",
      batchSize: 2,
      state: "mine",
    });
    expect(code).toBe(1);
    const queued = await h.task(result as string);
    const startUrl = queued.baseImageUrl!;
    expect(startUrl).toMatch(/^http:\/\/simulator\.invalid\/attachments\/\d{8}\/[0-9a-f-]{36}\.png$/);
    const endUrl = /--end (\S+)/.exec(queued.prompt)?.[1];
    expect(queued).toMatchObject({
      action: "VIDEO",
      prompt: `${startUrl} waves roll in --video 1 --end ${endUrl} --motion high --bs 2`,
      description: `/video ${queued.prompt}`,
      state: "mine",
      videoGenOriginImageUrl: startUrl,
      videoType: "vid_1.1_i2v_480",
      isHdVideo: false,
      videoDuration: null,
      videoUrls: null,
    });
    expect((await mediaOf(h, startUrl)).data.equals(start)).toBe(true);
    expect((await mediaOf(h, endUrl)).type).toBe("image/png");

    const done = await h.settle(queued.id);
    expect(done).toMatchObject({
      status: "SUCCESS",
      contentType: "image/webp",
      videoDuration: 5,
      frameCount: 60,
    });
    expect(done.videoUrls).toHaveLength(2);
    expect(done.videoUrl).toBe(done.videoUrls![0]!.url);
    expect(clipButtons(done)).toEqual([
      "MJ::JOB::video_virtual_upscale::1::<job>",
      "MJ::JOB::video_virtual_upscale::2::<job>",
      "MJ::JOB::reroll::0::<job>::SOLO",
    ]);
    const posters: Buffer[] = [];
    for (const { url, thumbnail } of done.videoUrls!) {
      const mp4 = await mediaOf(h, url);
      expect(mp4.type).toBe("video/mp4");
      expect([mp4Seconds(mp4.data), mp4FrameCount(mp4.data), mp4Size(mp4.data)]).toEqual([5, 60, [480, 272]]);
      const poster = await mediaOf(h, thumbnail);
      expect(poster.type).toBe("image/webp");
      posters.push(poster.data);
    }
    expect(posters[0]!.equals(posters[1]!)).toBe(false);

    // Extend clip 2 (0-based index 1): one mp4 that starts as that clip and runs 4 s longer.
    const extend = await h.submit("/mj/submit/video", {
      action: "extend",
      taskId: done.id,
      index: 1,
      prompt: "further out",
      motion: "high",
    });
    const extended = await h.settle(extend.result as string);
    expect(extended).toMatchObject({
      action: "VIDEO",
      status: "SUCCESS",
      parentId: done.id,
      prompt: "further out --video 1 --motion high",
      description: "/video further out --video 1 --motion high",
      baseImageUrl: startUrl,
      contentType: "video/mp4",
      videoDuration: 9,
      frameCount: 108,
      videoType: "vid_1.1_i2v_480",
    });
    expect(extended.properties).toMatchObject({ video_extend_index: 2 });
    expect(extended.videoUrls).toEqual([{ url: extended.imageUrl, thumbnail: expect.any(String) }]);
    expect(clipButtons(extended)).toEqual([
      "MJ::JOB::animate_high_extend::1::<job>",
      "MJ::JOB::animate_low_extend::1::<job>",
    ]);
    expect(mp4Seconds((await mediaOf(h, extended.videoUrl)).data)).toBe(9);
    expect((await mediaOf(h, extended.videoUrls![0]!.thumbnail)).data.equals(posters[1]!)).toBe(true);
  });

  it("makes four clips by default from the prompt's leading URL, one of the simulator's own images", async () => {
    const h = harness();
    const single = await upscaled(h, "a lighthouse --ar 16:9");
    const { result } = await h.submit("/mj/submit/video", { prompt: `${single.imageUrl} storm rolls in` });
    const done = await h.settle(result as string);
    expect(done).toMatchObject({
      prompt: `${single.imageUrl} storm rolls in --video 1 --motion low`,
      baseImageUrl: single.imageUrl,
    });
    expect(done.buttons.map((b) => b.label)).toEqual(["U1", "U2", "U3", "U4", ""]);
    const clips = await Promise.all(done.videoUrls!.map(({ url }) => mediaOf(h, url)));
    expect(clips.map((clip) => mp4Seconds(clip.data))).toEqual([5, 5, 5, 5]);
    expect(new Set(clips.map((clip) => clip.data.toString("base64"))).size).toBe(4);
  });

  it("takes the prompt's own flags over the fields: one HD clip that loops", async () => {
    const h = harness();
    const { result } = await h.submit("/mj/submit/video", {
      prompt: "surf --bs 1 --end loop",
      image: dataUrl(start),
      endImage: dataUrl(end),
      batchSize: 4,
      videoType: "vid_1.1_i2v_720",
    });
    const done = await h.settle(result as string);
    expect(done.prompt).toBe(`${done.baseImageUrl} surf --bs 1 --end loop --video 1 --motion low`);
    expect(done).toMatchObject({ isHdVideo: true, videoType: "vid_1.1_i2v_720" });
    expect(done.videoUrls).toHaveLength(1);
    const mp4 = (await mediaOf(h, done.videoUrl)).data;
    expect([mp4Seconds(mp4), mp4Size(mp4)]).toEqual([5, [720, 400]]);
  });

  it("takes its speed from the path or the prompt, not from an accountFilter", async () => {
    const h = harness();
    const read = async (id: unknown) =>
      parseJson((await h.get(`/mj/task/${id}/fetch`)).text) as Record<string, unknown>;
    const body = { prompt: "x", image: dataUrl(start), accountFilter: { modes: ["TURBO"] } };
    const relaxed = await h.submit("/mj-relax/mj/submit/video", body);
    expect(await read(relaxed.result)).toMatchObject({ requestMode: "RELAX", accountFilter: null });
    const flagged = await h.submit("/mj/submit/video", { ...body, prompt: "x --fast" });
    expect(await read(flagged.result)).toMatchObject({ requestMode: "FAST" });
  });

  it("fails a job whose --motion or --bs Midjourney does not take", async () => {
    const h = harness();
    const motion = await h.submit("/mj/submit/video", {
      prompt: "x",
      image: dataUrl(start),
      motion: "medium",
    });
    expect(await h.settle(motion.result as string)).toMatchObject({
      status: "FAILURE",
      failReason: "[Invalid parameter] --motion must be low or high, got medium",
    });
  });
});

describe("start frames by URL: read on this machine only", () => {
  let server: Server;
  let origin = "";
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === "/frame.png") res.writeHead(200, { "content-type": "image/png" }).end(start);
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("reads a loopback URL; a URL it cannot read fails the job as an unreachable link does", async () => {
    const h = harness();
    const video = (image: string) => h.submit("/mj/submit/video", { prompt: "x", image, batchSize: 1 });
    const loopback = await h.settle((await video(`${origin}/frame.png`)).result as string);
    expect(loopback).toMatchObject({ status: "SUCCESS", baseImageUrl: `${origin}/frame.png` });
    const webp = await mediaOf(h, loopback.imageUrl);
    expect((await sharp(webp.data).metadata()).width).toBe(576);

    const missing = await video(`${origin}/gone.png`);
    expect(missing.code).toBe(1);
    expect(await h.settle(missing.result as string)).toMatchObject({
      status: "FAILURE",
      failReason: `图片下载失败: ${origin}/gone.png answered HTTP 404`,
    });
    const foreign = await h.settle((await video("https://example.com/frame.png")).result as string);
    expect(foreign).toMatchObject({
      status: "FAILURE",
      prompt: "https://example.com/frame.png x --video 1 --motion low --bs 1",
    });
    expect(foreign.failReason).toMatch(/^图片下载失败: the simulator has no internet access/);
  });
});
