import sharp from "sharp";
import { afterEach, describe, expect, it } from "vitest";
import {
  BASE,
  closeAll,
  dataUrl,
  harness,
  mediaOf,
  parseJson,
  png,
  upscaled,
  wireTaskSchema,
  type Task,
} from "./test-support";

afterEach(closeAll);

/** `"45%"` -> 45; no progress reads as 0. */
const percent = (progress: string | null) => Number.parseFloat(progress ?? "") || 0;

/** Where a task is on its way (§4.7): the status, then its percent within IN_PROGRESS. */
const STATUS_ORDER = ["NOT_START", "SUBMITTED", "IN_PROGRESS", "SUCCESS"];
const rank = (s: { status: string; progress: string | null }) =>
  STATUS_ORDER.indexOf(s.status) + percent(s.progress) / 1000;

describe("an imagine job", () => {
  it("walks NOT_START -> SUBMITTED -> IN_PROGRESS (with previews) -> SUCCESS with a grid of the asked --ar", async () => {
    const h = harness();
    const envelope = await h.submit("/mj/submit/imagine", {
      prompt: "a red fox in snow --ar 16:9",
      state: "mine",
    });
    expect(envelope).toMatchObject({ code: 1, description: "提交成功" });
    const id = envelope.result as string;
    expect(id).toMatch(/^\d{16}$/);

    const seen: { status: string; progress: string | null; imageUrl: string | null }[] = [];
    for (let i = 0; i < 100; i++) {
      const task = await h.task(id);
      seen.push({ status: task.status, progress: task.progress, imageUrl: task.imageUrl });
      if (task.status === "SUCCESS") break;
      h.advance(150);
    }
    expect(seen.map((s) => s.status)).toEqual(
      expect.arrayContaining(["NOT_START", "SUBMITTED", "IN_PROGRESS", "SUCCESS"]),
    );
    // Never goes backwards, in status or in percent.
    const ranks = seen.map(rank);
    expect([...ranks].sort((a, b) => a - b)).toEqual(ranks);
    expect(seen.find((s) => s.status === "SUBMITTED")?.progress).toBe("0%");

    const previews = seen.filter((s) => s.status === "IN_PROGRESS" && percent(s.progress) > 0);
    expect(new Set(previews.map((p) => p.progress)).size).toBeGreaterThanOrEqual(4);
    for (const preview of previews) {
      const media = await mediaOf(h, preview.imageUrl);
      expect(media).toMatchObject({ status: 200, type: "image/webp" });
    }

    const done = await h.task(id);
    expect(done).toMatchObject({
      status: "SUCCESS",
      progress: "100%",
      failReason: "",
      state: "mine",
      contentType: "image/png",
    });
    expect(done.finishTime).toBeGreaterThan(done.startTime!);
    expect(done.buttons.map((b) => b.label || b.emoji)).toEqual([
      "U1",
      "U2",
      "U3",
      "U4",
      "🔄",
      "V1",
      "V2",
      "V3",
      "V4",
    ]);
    const jobId = done.properties.messageHash as string;
    expect(jobId).toMatch(/^[0-9a-f-]{36}$/);
    expect(done.buttons.every((b) => b.customId.includes(jobId) && b.style === 2 && b.type === 2)).toBe(true);
    expect(done.properties.finalPrompt).toBe("a red fox in snow --ar 16:9");
    expect(done.imageUrl).toMatch(
      new RegExp(`^${BASE}/sim/media/.+\\.png\\?ex=[0-9a-f]+&is=[0-9a-f]+&hm=[0-9a-f]{64}$`),
    );

    const image = await mediaOf(h, done.imageUrl);
    expect(image).toMatchObject({ status: 200, type: "image/png" });
    const meta = await sharp(image.data).metadata();
    expect(meta.format).toBe("png");
    expect(meta.width! / meta.height!).toBeCloseTo(16 / 9, 1);
    expect([done.width, done.height]).toEqual([meta.width, meta.height]);
  });

  it("emits trueai's full field set, nulls included", async () => {
    const h = harness();
    const { result } = await h.submit("/mj/submit/imagine", { prompt: "field check" });
    const raw = parseJson((await h.get(`/mj/task/${result}/fetch`)).text) as Record<string, unknown>;
    for (const key of [
      "imageUrls",
      "realBotType",
      "finishTime",
      "videoUrls",
      "seed",
      "parentId",
      "contentType",
      "jobId",
    ]) {
      expect(raw).toHaveProperty(key, null);
    }
    expect(raw).toMatchObject({
      buttons: [],
      messageIds: [],
      isCompleted: false,
      isDiscord: true,
      useTime: "-",
      // trueai's default model since 2026-07-07 (§5.2.1).
      version: "v 8.1",
    });
    expect(wireTaskSchema.safeParse(raw).success).toBe(true);
  });

  it("queues jobs beyond maxConcurrent with code 22 and starts them when a slot frees", async () => {
    const h = harness({ maxConcurrent: 2 });
    const first = await h.submit("/mj/submit/imagine", { prompt: "one" });
    const second = await h.submit("/mj/submit/imagine", { prompt: "two" });
    const third = await h.submit("/mj/submit/imagine", { prompt: "three" });
    const fourth = await h.submit("/mj/submit/imagine", { prompt: "four" });
    expect(first.code).toBe(1);
    expect(third).toMatchObject({
      code: 22,
      description: "排队中，前面还有1个任务",
      properties: { numberOfQueues: 1 },
    });
    expect(fourth).toMatchObject({
      code: 22,
      description: "排队中，前面还有2个任务",
      properties: { numberOfQueues: 2 },
    });

    h.advance(3_000);
    expect((await h.task(first.result as string)).status).toBe("IN_PROGRESS");
    expect((await h.task(third.result as string)).status).toBe("NOT_START");
    const settled = [];
    for (const envelope of [first, second, third, fourth])
      settled.push(await h.settle(envelope.result as string));
    const [one, two, three, four] = settled as [Task, Task, Task, Task];
    expect(settled.map((t) => t.status)).toEqual(["SUCCESS", "SUCCESS", "SUCCESS", "SUCCESS"]);
    // Each queued job takes the first slot that frees.
    const [end1, end2, end3] = [one.finishTime!, two.finishTime!, three.finishTime!];
    expect(three.startTime).toBe(Math.min(end1, end2));
    expect(four.startTime).toBe(Math.min(Math.max(end1, end2), end3));
  });

  it("accepts a banned word, then fails the job part-way with 可能包含敏感词", async () => {
    const h = harness();
    const envelope = await h.submit("/mj/submit/imagine", { prompt: "a very BANNED picture" });
    expect(envelope.code).toBe(1);
    const statuses = new Set<string>();
    let task = await h.task(envelope.result as string);
    while (task.status !== "FAILURE" && task.status !== "SUCCESS") {
      statuses.add(task.status);
      h.advance(200);
      task = await h.task(envelope.result as string);
    }
    expect(statuses.has("IN_PROGRESS")).toBe(true);
    expect(task).toMatchObject({
      status: "FAILURE",
      failReason: "可能包含敏感词",
      progress: "",
      buttons: [],
    });
    // Whole words only.
    const fine = await h.submit("/mj/submit/imagine", { prompt: "goretex jacket, unbanned" });
    expect((await h.settle(fine.result as string)).status).toBe("SUCCESS");
  });

  it("answers image-seed only for finished tasks", async () => {
    const h = harness();
    const { result } = await h.submit("/mj/submit/imagine", { prompt: "seeded --seed 1234" });
    const early = await h.get(`/mj/task/${result}/image-seed`);
    expect(early.status).toBe(400);
    expect(parseJson(early.text)).toMatchObject({ code: 4, description: "关联任务状态错误" });
    expect((await h.settle(result as string)).seed).toBeNull();
    const seed = await h.get(`/mj/task/${result}/image-seed`);
    expect(parseJson(seed.text)).toEqual({ code: 1, description: "成功", result: "1234", properties: {} });
    expect((await h.task(result as string)).seed).toBe("1234");
    const unknown = await h.get("/mj/task/1000000000000000/image-seed");
    expect(unknown.status).toBe(404);
    expect(parseJson(unknown.text)).toMatchObject({ code: 3 });
  });

  it("cancels with a key (FAILURE 取消任务, empty 200) and refuses in demo mode", async () => {
    const headers = { authorization: "admin-key" };
    const h = harness({ apiKey: "admin-key" });
    const { result } = await h.submit("/mj/submit/imagine", { prompt: "to cancel" }, headers);
    h.advance(2_000);
    const cancel = await h.post(`/mj/task/${result}/cancel`, "", headers);
    expect(cancel).toMatchObject({ status: 200, text: "" });
    h.advance(60_000);
    expect(await h.task(result as string, headers)).toMatchObject({
      status: "FAILURE",
      failReason: "取消任务",
      progress: "",
    });
    expect(await h.post("/mj/task/1000000000000000/cancel", "", headers)).toMatchObject({
      status: 200,
      text: "",
    });

    const demo = harness();
    const other = await demo.submit("/mj/submit/imagine", { prompt: "demo" });
    expect(await demo.post(`/mj/task/${other.result}/cancel`, "")).toMatchObject({
      status: 400,
      text: "演示模式，禁止操作",
    });
  });

  it("lists by ids in submit order, omits unknown ids, and answers [] without ids", async () => {
    const h = harness();
    const a = (await h.submit("/mj/submit/imagine", { prompt: "a" })).result as string;
    h.advance(10);
    const b = (await h.submit("/mj/submit/imagine", { prompt: "b" })).result as string;
    for (const path of ["/mj/task/list-by-ids", "/mj/task/list-by-condition"]) {
      const listed = parseJson((await h.post(path, { ids: [` ${b} `, "1000000000000000", a] })).text) as {
        id: string;
      }[];
      expect(listed.map((t) => t.id)).toEqual([a, b]);
      expect(parseJson((await h.post(path, {})).text)).toEqual([]);
    }
    const latest = parseJson((await h.get("/mj/task/list")).text) as { id: string }[];
    expect(latest.map((t) => t.id)).toEqual([b, a]);
  });

  it("validates like trueai: empty prompt code 4, broken JSON the Result envelope, case-insensitive names", async () => {
    const h = harness();
    expect(await h.submit("/mj/submit/imagine", { prompt: "   " })).toMatchObject({
      code: 4,
      description: "prompt不能为空",
    });
    const broken = await h.post("/mj/submit/imagine", "{ not json");
    expect(broken.status).toBe(200);
    expect(parseJson(broken.text)).toMatchObject({
      success: false,
      code: -1,
      timestamp: expect.stringMatching(/^\d+$/),
    });
    const wrongType = await h.post("/mj/submit/imagine", { prompt: 42 });
    expect(parseJson(wrongType.text)).toMatchObject({ success: false, code: -1 });
    const cased = await h.submit("/mj/submit/imagine", { Prompt: "capitalised field" });
    expect((await h.task(cased.result as string)).prompt).toBe("capitalised field");
    expect((await h.get("/mj/nothing/here")).status).toBe(404);
  });

  it("takes the speed from the path prefix, and relax jobs take longer", async () => {
    const h = harness();
    const fast = await h.submit("/mj-fast/mj/submit/imagine", { prompt: "quick" });
    const relax = await h.submit("/mj-relax/mj/submit/imagine", { prompt: "slow" });
    const fastDone = await h.settle(fast.result as string);
    const relaxDone = await h.settle(relax.result as string);
    expect([fastDone.mode, relaxDone.mode]).toEqual(["FAST", "RELAX"]);
    expect(relaxDone.finishTime! - relaxDone.startTime!).toBeGreaterThan(
      fastDone.finishTime! - fastDone.startTime!,
    );
    expect((await h.get("/mj-slow/mj/task/list")).status).toBe(404);
  });
});

describe("reference images", () => {
  it("accepts data URLs, bare base64 and the simulator's own media links", async () => {
    const h = harness();
    const red = await png(64, 64);
    const withRefs = await h.submit("/mj/submit/imagine", {
      prompt: "with references",
      base64Array: [dataUrl(red), red.toString("base64")],
    });
    expect(withRefs.code).toBe(1);
    const done = await h.settle(withRefs.result as string);
    expect(done.status).toBe("SUCCESS");
    const own = await h.submit("/mj/submit/imagine", {
      prompt: "from my own result",
      base64Array: [done.imageUrl],
    });
    expect(own.code).toBe(1);
    const plain = await h.settle(
      (await h.submit("/mj/submit/imagine", { prompt: "with references" })).result as string,
    );
    // The references change the picture.
    expect((await mediaOf(h, plain.imageUrl)).data.equals((await mediaOf(h, done.imageUrl)).data)).toBe(
      false,
    );
  });

  it("refuses foreign URLs (no internet) and bytes that are not an image", async () => {
    const h = harness();
    const foreign = await h.submit("/mj/submit/imagine", {
      prompt: "x",
      base64Array: ["https://example.com/cat.png"],
    });
    expect(foreign.code).toBe(4);
    expect(foreign.description).toMatch(/no internet access/);
    const junk = await h.submit("/mj/submit/imagine", {
      prompt: "x",
      base64Array: [Buffer.from("hello world").toString("base64")],
    });
    expect(junk).toMatchObject({ code: 4, description: "base64格式错误" });
  });
});

describe("a render pool (`renderPool`)", () => {
  it("draws every imagine from that many pictures, keeping its aspect; without one, each draws its own", async () => {
    const grids = async (h: ReturnType<typeof harness>, prompts: string[]) =>
      Promise.all(
        prompts.map(async (prompt) => {
          const done = await h.settle((await h.submit("/mj/submit/imagine", { prompt })).result as string);
          return (await mediaOf(h, done.imageUrl)).data;
        }),
      );
    const prompts = ["a fox --seed 3", "a whale --seed 5", "a tower --seed 7 --ar 16:9"];
    const [fox, whale, tower] = await grids(harness({ renderPool: 2 }), prompts);
    expect(fox!.equals(whale!)).toBe(true);
    expect((await sharp(tower!).metadata()).width).toBeGreaterThan((await sharp(tower!).metadata()).height!);
    const [ownFox, ownWhale] = await grids(harness(), prompts.slice(0, 2));
    expect(ownFox!.equals(ownWhale!)).toBe(false);
  });
});

describe("a grid's images one by one (`imageUrls`)", () => {
  type Listed = { url: string; thumbnail: string }[] | null;
  const raw = async (h: ReturnType<typeof harness>, id: string) =>
    parseJson((await h.get(`/mj/task/${id}/fetch`)).text) as { imageUrls: Listed; status: string };

  it("trueai with listImages lists the four images of a grid: PNGs cut exactly from it, with WebP thumbnails", async () => {
    const h = harness({ listImages: true });
    const { result } = await h.submit("/mj/submit/imagine", { prompt: "four lanterns --ar 3:2" });
    const running = await raw(h, result as string);
    expect(running.imageUrls).toBeNull();
    const done = await h.settle(result as string);
    const listed = (await raw(h, done.id)).imageUrls;
    expect(listed).toHaveLength(4);

    const grid = sharp((await mediaOf(h, done.imageUrl)).data);
    const { width, height } = await grid.metadata();
    for (const [i, ref] of listed!.entries()) {
      expect(ref.url).toMatch(new RegExp(`^${BASE}/sim/media/.+_${i}\\.png\\?ex=`));
      const image = await mediaOf(h, ref.url);
      expect(image).toMatchObject({ status: 200, type: "image/png" });
      const [w, h2] = [Math.floor(width! / 2), Math.floor(height! / 2)];
      const expected = await grid
        .clone()
        .extract({ left: (i % 2) * w, top: Math.floor(i / 2) * h2, width: w, height: h2 })
        .removeAlpha()
        .raw()
        .toBuffer();
      expect((await sharp(image.data).removeAlpha().raw().toBuffer()).equals(expected)).toBe(true);
      const thumb = await mediaOf(h, ref.thumbnail);
      expect(thumb).toMatchObject({ status: 200, type: "image/webp" });
      const meta = await sharp(thumb.data).metadata();
      expect(Math.max(meta.width!, meta.height!)).toBeLessThan(w);
    }
  });

  it("lists none for an upscale, nor by default, nor through new-api", async () => {
    const listing = harness({ listImages: true });
    const single = await upscaled(listing, "one lantern", 2);
    expect((await raw(listing, single.id)).imageUrls).toBeNull();

    for (const h of [harness(), harness({ family: "new-api", relayLagMs: 0, listImages: true })]) {
      const done = await h.settle(
        (await h.submit("/mj/submit/imagine", { prompt: "four kites" })).result as string,
      );
      expect((await raw(h, done.id)).imageUrls ?? null).toBeNull();
    }
  });

  it("does not serve an image a task does not have", async () => {
    const h = harness({ listImages: true });
    const done = await h.settle(
      (await h.submit("/mj/submit/imagine", { prompt: "four owls" })).result as string,
    );
    const first = (await raw(h, done.id)).imageUrls![0]!.url;
    // Another index is not what the link was signed for.
    expect((await mediaOf(h, first.replace("/image-1/", "/image-5/"))).status).toBe(404);
  });
});
