import sharp from "sharp";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { editRequestSchema } from "@/lib/mj/requests";
import { makeTask } from "@/lib/testing/tasks";
import { waitForStatus } from "@/lib/testing/wait";
import { closeWorlds, world } from "@/lib/testing/world";

/**
 * Video (§3.7), edits and retexture (§3.8) through the task service: what reaches the upstream and
 * what is recorded, against a scripted upstream (the documented answers stubbed in front of the
 * simulator), and the relay fallback that turns a refused Animate or Extend into a
 * `/submit/video`; then the same against the simulator in each family.
 */

afterEach(closeWorlds);

const NEW_ID = "1780000000000101";
const GRID = "1780000000000010";
const UPSCALE = "1780000000000011";
const VIDEO_GRID = "1780000000000012";
const VIDEO_U = "1780000000000013";
const UUID = "0b2a8f7d-1c1e-4c6a-9d1f-5f3e2a1b0c9d";
const UPSTREAM_IMAGE = "https://cdn.example.com/attachments/1/2/upscale.png";

interface Sent {
  path: string;
  body: Record<string, unknown>;
}

const accepted = () => Response.json({ code: 1, description: "提交成功", result: NEW_ID, properties: {} });
/** new-api main's answer to a video button (§8.1): HTTP 400 with its own envelope. */
const unknownAction = (customId: string) =>
  Response.json(
    { description: `unknown_action:${customId} `, type: "upstream_error", code: 4 },
    { status: 400 },
  );

/**
 * The app as against a real upstream, with `answers` (by path, the speed prefix included) in front
 * of the simulator; every submit the upstream was sent, in order.
 */
function setup(answers: Record<string, (body: Record<string, unknown>) => Response>) {
  const sent: Sent[] = [];
  const w = world({
    upstream: { authHeader: "authorization" },
    wrapFetch: (fetch) => async (input, init) => {
      const path = new URL(String(input instanceof Request ? input.url : input)).pathname;
      if (!path.includes("/submit/")) return fetch(input, init);
      const body = JSON.parse(String(init?.body)) as Record<string, unknown>;
      sent.push({ path, body });
      const answer = answers[path];
      return answer ? answer(body) : fetch(input, init);
    },
  });
  return { w, sent };
}

/** The lineage the history shows: a grid, its upscale, the video grid animated from it, a clip's U. */
async function recordLineage(w: ReturnType<typeof world>) {
  await w.record(
    makeTask({ id: GRID, action: "IMAGINE", status: "SUCCESS", prompt: "a harbour" }),
    makeTask({
      id: UPSCALE,
      action: "UPSCALE",
      status: "SUCCESS",
      prompt: "a harbour",
      parentId: GRID,
      imageUrl: UPSTREAM_IMAGE,
    }),
    makeTask({
      id: VIDEO_GRID,
      action: "VIDEO",
      status: "SUCCESS",
      prompt: "a harbour",
      parentId: UPSCALE,
      imageUrl: "https://cdn.example.com/video/grid.webp",
    }),
    makeTask({
      id: VIDEO_U,
      action: "UPSCALE",
      status: "SUCCESS",
      prompt: "a harbour",
      parentId: VIDEO_GRID,
      imageUrl: "https://cdn.example.com/video/0_2.mp4",
    }),
  );
}

let png = "";
beforeAll(async () => {
  const bytes = await sharp({ create: { width: 16, height: 12, channels: 4, background: "#3366cc80" } })
    .png()
    .toBuffer();
  png = `data:image/png;base64,${bytes.toString("base64")}`;
});

describe("video: what reaches the upstream", () => {
  it("a new video from a start frame: sourceTaskId stays home, every other field goes as sent", async () => {
    const { w, sent } = setup({ "/mj/submit/video": accepted });
    const forwarded = {
      prompt: "waves roll in",
      image: png,
      endImage: "https://example.com/end.png",
      loop: true,
      motion: "high",
      batchSize: 2,
      videoType: "vid_1.1_i2v_720",
      state: "s1",
    } as const;
    const envelope = await w.tasks.video({ ...forwarded, sourceTaskId: UPSCALE });
    expect(envelope).toMatchObject({ code: 1, result: NEW_ID });
    expect(sent).toEqual([{ path: "/mj/submit/video", body: forwarded }]);
  });

  it.each([
    { name: "absent", prompt: undefined, motion: undefined, sent: "--motion low" },
    { name: "empty", prompt: "", motion: "high" as const, sent: "--motion high" },
    { name: "blank", prompt: "   ", motion: "low" as const, sent: "--motion low" },
  ])(
    "an $name prompt is Midjourney's Auto: the motion flag alone",
    async ({ prompt, motion, sent: expected }) => {
      const { w, sent } = setup({ "/mj/submit/video": accepted });
      await w.tasks.video({ image: "https://example.com/start.png", prompt, motion });
      expect(sent[0]?.body.prompt).toBe(expected);
    },
  );

  it("an extend sends the parent, the 0-based clip and a prompt (required upstream even here)", async () => {
    const { w, sent } = setup({ "/mj/submit/video": accepted });
    await w.tasks.video({ action: "extend", taskId: VIDEO_GRID, index: 2, motion: "high" });
    expect(sent).toEqual([
      {
        path: "/mj/submit/video",
        body: { action: "extend", taskId: VIDEO_GRID, index: 2, motion: "high", prompt: "--motion high" },
      },
    ]);
  });

  it("the speed of the drop-in prefix goes as the path prefix and the prompt's flag (MJ_SPEED_VIA=both)", async () => {
    const { w, sent } = setup({ "/mj-relax/mj/submit/video": accepted });
    await w.tasks.video({ image: "https://example.com/start.png" }, { speed: "relax" });
    expect(sent).toEqual([
      {
        path: "/mj-relax/mj/submit/video",
        body: { image: "https://example.com/start.png", prompt: "--motion low --relax" },
      },
    ]);
  });

  it("a prompt's own speed flag picks the route", async () => {
    const { w, sent } = setup({ "/mj-fast/mj/submit/video": accepted });
    await w.tasks.video({ image: "https://example.com/start.png", prompt: "drift --fast" });
    expect(sent[0]).toMatchObject({ path: "/mj-fast/mj/submit/video", body: { prompt: "drift --fast" } });
  });
});

describe("video: what is recorded", () => {
  it("a new video: a VIDEO child of the animated image's task, with its prompt, type and request", async () => {
    const { w } = setup({ "/mj/submit/video": accepted });
    await recordLineage(w);
    await w.tasks.video({
      image: png,
      endImage: png,
      prompt: "",
      videoType: "vid_1.1_i2v_720",
      sourceTaskId: UPSCALE,
      state: "s2",
    });
    expect(await w.store.get(NEW_ID)).toMatchObject({
      id: NEW_ID,
      status: "NOT_START",
      action: "VIDEO",
      prompt: "",
      parentId: UPSCALE,
      state: "s2",
      videoType: "vid_1.1_i2v_720",
    });
    // The request as the app took it (a Retry keeps the lineage), its frames kept once as inputs.
    const request = await w.store.getRequest(NEW_ID);
    const input = { input: expect.stringMatching(/^[0-9a-f]{64}\.png$/) };
    expect(request).toEqual({
      kind: "video",
      body: {
        image: input,
        endImage: input,
        prompt: "",
        videoType: "vid_1.1_i2v_720",
        sourceTaskId: UPSCALE,
        state: "s2",
      },
    });
    const detail = await w.tasks.detail(NEW_ID);
    expect(detail.request?.body.image).toMatch(/^\/api\/inputs\/[0-9a-f]{64}\.png$/);
    expect(detail.request?.body.endImage).toBe(detail.request?.body.image);
    expect(detail.parents.map((task) => task.id)).toEqual([UPSCALE, GRID]);
    expect((await w.tasks.detail(UPSCALE)).children.map((task) => task.id)).toContain(NEW_ID);
  });

  it("an extend: a VIDEO child of the video it extends, with the 1-based clip as trueai records it", async () => {
    const { w } = setup({ "/mj/submit/video": accepted });
    await recordLineage(w);
    await w.tasks.video({ action: "extend", taskId: VIDEO_GRID, index: 1, prompt: "the camera pulls back" });
    expect(await w.store.get(NEW_ID)).toMatchObject({
      action: "VIDEO",
      parentId: VIDEO_GRID,
      prompt: "the camera pulls back",
      properties: { video_extend_index: 2 },
    });
    expect((await w.tasks.detail(NEW_ID)).parents.map((task) => task.id)).toEqual([
      VIDEO_GRID,
      UPSCALE,
      GRID,
    ]);
    expect((await w.store.getRequest(NEW_ID))?.kind).toBe("video");
  });

  it("a refused video records nothing", async () => {
    const { w } = setup({
      "/mj/submit/video": () => Response.json({ code: 4, description: "视频功能未启用", result: null }),
    });
    expect((await w.tasks.video({ image: "https://example.com/start.png" })).code).toBe(4);
    expect((await w.store.list({ limit: 10, cursor: null })).items).toEqual([]);
  });

  it("an upstream without /submit/video (novicezk) is not_supported, in words", async () => {
    const { w } = setup({ "/mj/submit/video": () => new Response(null, { status: 404 }) });
    await expect(w.tasks.video({ image: "https://example.com/start.png" })).rejects.toMatchObject({
      code: "not_supported",
      message: "This upstream cannot make videos (it has no /mj/submit/video).",
    });
  });
});

describe.each([
  { kind: "edits", action: "EDIT", words: "edit images" },
  { kind: "retexture", action: "RETEXTURE", words: "retexture images" },
] as const)("$kind", ({ kind, action, words }) => {
  it("sends prompt and image without sourceTaskId, and records the source as the parent", async () => {
    const { w, sent } = setup({ [`/mj/submit/${kind}`]: accepted });
    await recordLineage(w);
    const envelope = await w.tasks[kind]({
      prompt: "a red boat",
      image: png,
      sourceTaskId: UPSCALE,
      state: "e",
    });
    expect(envelope).toMatchObject({ code: 1, result: NEW_ID });
    expect(sent).toEqual([
      { path: `/mj/submit/${kind}`, body: { prompt: "a red boat", image: png, state: "e" } },
    ]);
    expect(await w.store.get(NEW_ID)).toMatchObject({
      action,
      prompt: "a red boat",
      parentId: UPSCALE,
      status: "NOT_START",
    });
    expect(await w.store.getRequest(NEW_ID)).toEqual({
      kind,
      body: {
        prompt: "a red boat",
        image: { input: expect.stringMatching(/^[0-9a-f]{64}\.png$/) },
        sourceTaskId: UPSCALE,
        state: "e",
      },
    });
    const detail = await w.tasks.detail(NEW_ID);
    expect(detail.parents.map((task) => task.id)).toEqual([UPSCALE, GRID]);
    expect(detail.request).toEqual({
      kind,
      body: expect.objectContaining({ image: expect.stringMatching(/^\/api\/inputs\//) }),
    });
  });

  it("the erased area travels as transparency in the image, byte for byte; a mask is not sent", async () => {
    const { w, sent } = setup({ [`/mj/submit/${kind}`]: accepted });
    await w.tasks[kind](editRequestSchema.parse({ prompt: "a red boat", image: png, maskBase64: png }));
    expect(sent[0]?.body).toEqual({ prompt: "a red boat", image: png });
    const alpha = await sharp(Buffer.from(png.split(",")[1]!, "base64")).metadata();
    expect(alpha).toMatchObject({ hasAlpha: true });
  });

  it("an upload without lineage has no parent; a URL image is kept as it is", async () => {
    const { w } = setup({ [`/mj/submit/${kind}`]: accepted });
    await w.tasks[kind]({ prompt: "a red boat", image: "https://example.com/boat.png" });
    expect((await w.store.get(NEW_ID))?.parentId).toBeNull();
    expect((await w.store.getRequest(NEW_ID))?.body.image).toBe("https://example.com/boat.png");
  });

  it("goes through the speed prefix of the drop-in route", async () => {
    const { w, sent } = setup({ [`/mj-turbo/mj/submit/${kind}`]: accepted });
    await w.tasks[kind]({ prompt: "a red boat", image: png }, { speed: "turbo" });
    expect(sent[0]).toMatchObject({
      path: `/mj-turbo/mj/submit/${kind}`,
      body: { prompt: "a red boat --turbo" },
    });
  });

  it("an upstream without the route is not_supported, saying what it cannot do", async () => {
    const { w } = setup({
      [`/mj/submit/${kind}`]: () => new Response("404 page not found", { status: 404 }),
    });
    await expect(w.tasks[kind]({ prompt: "x", image: png })).rejects.toMatchObject({
      code: "not_supported",
      message: `This upstream cannot ${words} (it has no /mj/submit/${kind}).`,
    });
    expect((await w.store.list({ limit: 10, cursor: null })).items).toEqual([]);
  });
});

describe("relay fallback: a refused Animate or Extend goes through /submit/video", () => {
  const refusing = (extra: Record<string, (body: Record<string, unknown>) => Response> = {}) =>
    setup({
      "/mj/submit/action": (body) => unknownAction(String(body.customId)),
      "/mj/submit/video": accepted,
      ...extra,
    });

  it("Animate on an upscale animates its upstream image, with the button's motion", async () => {
    const { w, sent } = refusing();
    await recordLineage(w);
    const customId = `MJ::JOB::animate_high::1::${UUID}::SOLO`;
    const envelope = await w.tasks.action({ taskId: UPSCALE, customId, state: "press" });
    expect(envelope).toEqual({ code: 1, description: "提交成功", result: NEW_ID, properties: {} });
    expect(sent).toEqual([
      { path: "/mj/submit/action", body: { taskId: UPSCALE, customId, state: "press" } },
      {
        path: "/mj/submit/video",
        body: { image: UPSTREAM_IMAGE, motion: "high", state: "press", prompt: "--motion high" },
      },
    ]);
    expect(await w.store.get(NEW_ID)).toMatchObject({
      action: "VIDEO",
      parentId: UPSCALE,
      properties: { custom_id: customId, action_index: 1 },
    });
    // The press is what is kept: a Retry presses the button again.
    expect(await w.store.getRequest(NEW_ID)).toEqual({
      kind: "action",
      body: { taskId: UPSCALE, customId, state: "press" },
    });
    expect((await w.tasks.detail(NEW_ID)).parents.map((task) => task.id)).toEqual([UPSCALE, GRID]);
  });

  it("Extend on a video U extends that clip of the video grid it came from", async () => {
    const { w, sent } = refusing();
    await recordLineage(w);
    const customId = `MJ::JOB::animate_low_extend::3::${UUID}`;
    await w.tasks.action({ taskId: VIDEO_U, customId });
    expect(sent[1]).toEqual({
      path: "/mj/submit/video",
      body: { action: "extend", taskId: VIDEO_GRID, index: 2, motion: "low", prompt: "--motion low" },
    });
    expect(await w.store.get(NEW_ID)).toMatchObject({
      action: "VIDEO",
      parentId: VIDEO_U,
      properties: { custom_id: customId, action_index: 3, video_extend_index: 3 },
    });
  });

  it("Extend on an extended video (a VIDEO with one clip) extends that VIDEO", async () => {
    const { w, sent } = refusing();
    await recordLineage(w);
    const extended = "1780000000000014";
    await w.record(makeTask({ id: extended, action: "VIDEO", status: "SUCCESS", parentId: VIDEO_GRID }));
    await w.tasks.action({ taskId: extended, customId: `MJ::JOB::animate_high_extend::1::${UUID}` });
    expect(sent[1]?.body).toEqual({
      action: "extend",
      taskId: extended,
      index: 0,
      motion: "high",
      prompt: "--motion high",
    });
  });

  it("the speed of the press goes with the video", async () => {
    const { w, sent } = refusing({
      "/mj-relax/mj/submit/action": (body) => unknownAction(String(body.customId)),
      "/mj-relax/mj/submit/video": accepted,
    });
    await recordLineage(w);
    await w.tasks.action(
      { taskId: UPSCALE, customId: `MJ::JOB::animate_low::1::${UUID}::SOLO` },
      { speed: "relax" },
    );
    expect(sent.map((s) => s.path)).toEqual(["/mj-relax/mj/submit/action", "/mj-relax/mj/submit/video"]);
    expect(sent[1]?.body.prompt).toBe("--motion low --relax");
  });

  it.each([
    {
      name: "a video U (the page shows the clips from videoUrls instead)",
      taskId: VIDEO_GRID,
      customId: `MJ::JOB::video_virtual_upscale::1::${UUID}`,
    },
    {
      name: "an Animate on a task the history does not know",
      taskId: "1780000000000999",
      customId: `MJ::JOB::animate_high::1::${UUID}::SOLO`,
    },
    {
      name: "an Animate on a task without an image",
      taskId: GRID,
      customId: `MJ::JOB::animate_high::1::${UUID}::SOLO`,
    },
    {
      name: "an Extend on a clip whose video is unknown",
      taskId: GRID,
      customId: `MJ::JOB::animate_high_extend::1::${UUID}`,
    },
  ])("$name stays the relay's refusal", async ({ taskId, customId }) => {
    const { w, sent } = refusing();
    await recordLineage(w);
    const envelope = await w.tasks.action({ taskId, customId });
    expect(envelope).toMatchObject({ code: 4, description: `unknown_action:${customId} ` });
    expect(sent.map((s) => s.path)).toEqual(["/mj/submit/action"]);
    expect(await w.store.get(NEW_ID)).toBeNull();
  });

  it("any other refusal of an Animate is answered as it is", async () => {
    const { w, sent } = refusing({
      "/mj/submit/action": () => Response.json({ code: 4, description: "关联任务状态错误", result: null }),
    });
    await recordLineage(w);
    const envelope = await w.tasks.action({
      taskId: UPSCALE,
      customId: `MJ::JOB::animate_high::1::${UUID}::SOLO`,
    });
    expect(envelope).toMatchObject({ code: 4, description: "关联任务状态错误" });
    expect(sent).toHaveLength(1);
  });

  it("a relay that cannot make videos at all says so", async () => {
    const { w } = refusing({ "/mj/submit/video": () => new Response("404 page not found", { status: 404 }) });
    await recordLineage(w);
    await expect(
      w.tasks.action({ taskId: UPSCALE, customId: `MJ::JOB::animate_high::1::${UUID}::SOLO` }),
    ).rejects.toMatchObject({ code: "not_supported", message: expect.stringMatching(/cannot make videos/) });
  });
});

/** Until the simulator on main makes videos (its branch adds them), the scripted tests stand in. */
describe("against the simulator", () => {
  /** The simulator renders a clip to finish its job (an extend, the clips before it too). */
  const VIDEO_WAIT = { timeoutMs: 30_000 };
  const SLOW = 60_000;

  function on(family: "trueai" | "new-api" | "novicezk") {
    const authHeader =
      family === "new-api" ? "bearer" : family === "novicezk" ? "mj-api-secret" : "authorization";
    const w = world({ simulator: { family }, upstream: { authHeader } });
    // Not the media cache's test: its downloads would have the simulator render every clip.
    w.fault.media = () => new Response(null, { status: 503 });
    const settle = (id: unknown) => waitForStatus(w.tasks.fetch, id as string, "SUCCESS", VIDEO_WAIT);
    /** A finished grid and its U1, as the history has them. */
    const upscale = async (prompt: string) => {
      const grid = await settle((await w.tasks.imagine({ prompt })).result);
      const u1 = grid.buttons.find((b) => b.customId.startsWith("MJ::JOB::upsample::1::"))!;
      return {
        grid,
        single: await settle((await w.tasks.action({ taskId: grid.id, customId: u1.customId })).result),
      };
    };
    const press = async (taskId: string, match: (customId: string) => boolean) => {
      const task = (await w.store.get(taskId))!;
      const button = task.buttons.find((b) => match(b.customId));
      if (!button) throw new Error(`task ${taskId} has no such button`);
      return w.tasks.action({ taskId, customId: button.customId });
    };
    const lineage = async (id: string) => (await w.tasks.detail(id)).parents.map((task) => task.id);
    return { w, settle, upscale, press, lineage };
  }

  it(
    "trueai: animate an image with loop, extend a clip, and the history shows the chain",
    async () => {
      const { w, settle, upscale, lineage } = on("trueai");
      const { grid, single } = await upscale("a lighthouse at dusk --ar 3:2");
      const video = await settle(
        (await w.tasks.video({ image: png, loop: true, batchSize: 2, sourceTaskId: single.id })).result,
      );
      expect(video).toMatchObject({ action: "VIDEO", status: "SUCCESS", videoDuration: 5 });
      // The Auto prompt went as --motion low; trueai added the rest.
      expect(video.prompt).toMatch(/^http\S+ --motion low --video 1 --end loop --bs 2$/);
      expect(video.videoUrls).toHaveLength(2);
      expect(await lineage(video.id)).toEqual([single.id, grid.id]);

      const extended = await settle(
        (await w.tasks.video({ action: "extend", taskId: video.id, index: 1, prompt: "the tide turns" }))
          .result,
      );
      expect(extended).toMatchObject({
        action: "VIDEO",
        parentId: video.id,
        videoDuration: 9,
        properties: expect.objectContaining({ video_extend_index: 2 }),
      });
      expect(await lineage(extended.id)).toEqual([video.id, single.id, grid.id]);
      expect(
        (await w.tasks.history({ limit: 10, cursor: null, media: "video" })).items.map((t) => t.id),
      ).toEqual([extended.id, video.id]);
    },
    SLOW,
  );

  it.each(["edits", "retexture"] as const)(
    "trueai: %s makes a grid that is the source's child",
    async (kind) => {
      const { w, settle, upscale, lineage } = on("trueai");
      const { grid, single } = await upscale("a harbour");
      const done = await settle(
        (await w.tasks[kind]({ prompt: "a red boat", image: png, sourceTaskId: single.id })).result,
      );
      expect(done).toMatchObject({ action: kind === "edits" ? "EDIT" : "RETEXTURE", status: "SUCCESS" });
      expect(done.buttons.map((b) => b.label)).toEqual(expect.arrayContaining(["U1", "U4", "V1", "V4"]));
      expect(await lineage(done.id)).toEqual([single.id, grid.id]);
    },
  );

  it(
    "new-api: Animate, which the relay refuses, still makes a video, as the pressed task's child",
    async () => {
      const { w, settle, upscale, press, lineage } = on("new-api");
      const { grid, single } = await upscale("a harbour at night");
      const animated = await press(single.id, (id) => id.includes("animate_high::"));
      expect(animated.code).toBe(1);
      const video = await settle(animated.result);
      expect(video).toMatchObject({ action: "VIDEO", status: "SUCCESS" });
      expect(video.videoUrls).toHaveLength(4);
      expect(video.prompt).toMatch(/--motion high/);
      expect(await lineage(video.id)).toEqual([single.id, grid.id]);
      expect(w.simulator.stats().byPath["/mj/submit/video"]).toBe(1);

      // A video U stays the relay's refusal: the page plays the clips from videoUrls instead.
      const u1 = await press(video.id, (id) => id.includes("video_virtual_upscale::1::"));
      expect(u1).toMatchObject({ code: 4, description: expect.stringMatching(/^unknown_action:/) });
      expect(w.simulator.stats().byPath["/mj/submit/video"]).toBe(1);
    },
    SLOW,
  );

  it(
    "new-api: Extend, which the relay refuses too, extends that clip through /submit/video",
    async () => {
      const { w, settle, press, lineage } = on("new-api");
      const video = await settle((await w.tasks.video({ image: png, batchSize: 1 })).result);
      const extended = await settle(
        (await w.tasks.video({ action: "extend", taskId: video.id, index: 0 })).result,
      );
      // The relay's copy has no durations (§8.1): one clip, and the lineage the app recorded.
      expect(extended).toMatchObject({ action: "VIDEO", parentId: video.id });
      expect(extended.videoUrls).toHaveLength(1);
      const again = await settle(
        (await press(extended.id, (id) => id.includes("animate_low_extend::1::"))).result,
      );
      expect(again).toMatchObject({ action: "VIDEO", parentId: extended.id });
      expect(again.videoUrls).toHaveLength(1);
      expect(await lineage(again.id)).toEqual([extended.id, video.id]);
      expect(w.simulator.stats().byPath["/mj/submit/video"]).toBe(3);
      expect(w.simulator.stats().byPath["/mj/submit/action"]).toBe(1);
    },
    SLOW,
  );

  it("new-api relays edits but not retexture; novicezk makes no videos", async () => {
    const relay = on("new-api");
    // The relay's own label for the job (§3.8).
    const edited = await relay.settle(
      (await relay.w.tasks.edits({ prompt: "a red boat", image: png })).result,
    );
    expect(edited.action).toBe("EDITS");
    await expect(relay.w.tasks.retexture({ prompt: "oil paint", image: png })).rejects.toMatchObject({
      code: "not_supported",
      message: "This upstream cannot retexture images (it has no /mj/submit/retexture).",
    });
    const novicezk = on("novicezk");
    await expect(novicezk.w.tasks.video({ image: png })).rejects.toMatchObject({
      code: "not_supported",
      message: "This upstream cannot make videos (it has no /mj/submit/video).",
    });
  });
});
