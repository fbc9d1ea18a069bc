import sharp from "sharp";
import { afterEach, describe, expect, it } from "vitest";
import { waitForStatus } from "@/lib/testing/wait";
import { closeWorlds, world } from "@/lib/testing/world";

/**
 * Shorten (§3.6) and upload-discord-images (§3.9) through the task service: the documented
 * answers stubbed in front of the simulator, and the simulator itself.
 */

afterEach(closeWorlds);

const SHORTEN_ID = "1780000000000001";

/** The app against the simulator, with `answers` (by upstream path) stubbed in front of it. */
function setup(answers: Record<string, () => Response>) {
  const sent: { path: string; body: unknown }[] = [];
  const w = world({
    upstream: { authHeader: "authorization" },
    wrapFetch: (fetch) => async (input, init) => {
      const path = new URL(String(input instanceof Request ? input.url : input)).pathname;
      const answer = answers[path];
      if (!answer) return fetch(input, init);
      sent.push({ path, body: JSON.parse(String(init?.body)) });
      return answer();
    },
  });
  return { w, sent };
}

const images = {
  base64Array: ["data:image/png;base64,iVBORw0KGgoAAAANSUhEUg==", "iVBORw0KGgoAAAANSUhEUg=="],
};

describe("shorten", () => {
  it("records a SHORTEN task with its prompt and request, like any submit", async () => {
    const { w, sent } = setup({
      "/mj/submit/shorten": () =>
        Response.json({ code: 1, description: "提交成功", result: SHORTEN_ID, properties: {} }),
    });
    const prompt = "a very beautiful cat in a garden at sunset";
    const envelope = await w.tasks.shorten({ prompt, state: "s1" });
    expect(envelope).toMatchObject({ code: 1, result: SHORTEN_ID });
    expect(sent).toEqual([{ path: "/mj/submit/shorten", body: { prompt, state: "s1" } }]);
    expect(await w.store.get(SHORTEN_ID)).toMatchObject({
      id: SHORTEN_ID,
      action: "SHORTEN",
      prompt,
      state: "s1",
      status: "NOT_START",
    });
    expect(await w.store.getRequest(SHORTEN_ID)).toEqual({ kind: "shorten", body: { prompt, state: "s1" } });
  });

  it("records nothing when refused", async () => {
    const { w } = setup({
      "/mj/submit/shorten": () => Response.json({ code: 4, description: "prompt 不能为空", result: null }),
    });
    expect((await w.tasks.shorten({ prompt: "x" })).code).toBe(4);
    expect((await w.store.list({ limit: 10, cursor: null })).items).toEqual([]);
  });
});

describe("upload-discord-images", () => {
  it("answers the hosted URLs in order and records no task", async () => {
    const urls = [
      "https://cdn.example/attachments/20261201/a.png",
      "https://cdn.example/attachments/20261201/b.png",
    ];
    const { w, sent } = setup({
      "/mj/submit/upload-discord-images": () =>
        Response.json({ code: 1, description: "提交成功", result: urls, properties: {} }),
    });
    expect(await w.tasks.uploadImages(images)).toEqual({
      code: 1,
      description: "提交成功",
      result: urls,
      properties: {},
    });
    expect(sent).toEqual([{ path: "/mj/submit/upload-discord-images", body: images }]);
    expect((await w.store.list({ limit: 10, cursor: null })).items).toEqual([]);
  });

  it("the short failure body is a refusal without URLs", async () => {
    const { w } = setup({
      "/mj/submit/upload-discord-images": () =>
        Response.json({ code: 9, description: "上传图片到云存储异常" }),
    });
    expect(await w.tasks.uploadImages(images)).toEqual({
      code: 9,
      description: "上传图片到云存储异常",
      result: [],
      properties: {},
    });
  });

  it("an upstream without the route (trueai before it) is not_supported", async () => {
    const { w } = setup({ "/mj/submit/upload-discord-images": () => new Response(null, { status: 404 }) });
    await expect(w.tasks.uploadImages(images)).rejects.toMatchObject({
      code: "not_supported",
      message: expect.stringMatching(/cannot host local files.*Paste a public image URL instead/),
    });
  });
});

describe("against the simulator", () => {
  it("shorten runs to SUCCESS with the analysis text, recorded as a SHORTEN task", async () => {
    const w = world({ upstream: { authHeader: "authorization" } });
    const prompt = "a very beautiful cat in a garden at sunset";
    const envelope = await w.tasks.shorten({ prompt });
    expect(envelope.code).toBe(1);
    const done = await waitForStatus(w.tasks.fetch, envelope.result as string, "SUCCESS");
    expect(done.action).toBe("SHORTEN");
    expect(String(done.properties.finalPrompt)).toMatch(/Shortened prompts/);
    expect((await w.store.get(done.id))?.status).toBe("SUCCESS");
  });

  it("upload answers one URL per image, each serving that image, and records no task", async () => {
    const w = world({ upstream: { authHeader: "authorization" } });
    const png = await sharp({ create: { width: 40, height: 30, channels: 3, background: "#3a6" } })
      .png()
      .toBuffer();
    const answer = await w.tasks.uploadImages({
      base64Array: [`data:image/png;base64,${png.toString("base64")}`, png.toString("base64")],
    });
    expect(answer).toMatchObject({ code: 1, properties: {} });
    expect(answer.result).toHaveLength(2);
    for (const url of answer.result) expect((await w.simulator.fetch(url)).status).toBe(200);
    expect((await w.store.list({ limit: 10, cursor: null })).items).toEqual([]);
  });
});
