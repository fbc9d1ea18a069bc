import sharp from "sharp";
import { afterEach, describe, expect, it } from "vitest";
import { startSimulatorServer } from "./http-server";
import type { SimulatorFamily } from "./types";
import { closeAll, dataUrl, harness, mediaOf, parseJson, png, type Harness } from "./test-support";

afterEach(closeAll);

const upload = async (h: Harness, base64Array: unknown, path = "/mj/submit/upload-discord-images") => {
  const answer = await h.post(path, { base64Array });
  return { status: answer.status, body: parseJson(answer.text) as Record<string, unknown> };
};

describe("POST /mj/submit/upload-discord-images (§3.9)", () => {
  it("stores PNG, JPEG, WebP and GIF and serves each at the URL it answers, in order", async () => {
    const h = harness();
    const source = await png(40, 30);
    const inputs = [
      dataUrl(source),
      source.toString("base64"),
      await sharp(source).jpeg().toBuffer(),
      await sharp(source).webp().toBuffer(),
      await sharp(source).gif().toBuffer(),
    ].map((input) => (typeof input === "string" ? input : input.toString("base64")));
    const { status, body } = await upload(h, inputs);
    expect(status).toBe(200);
    expect(body).toMatchObject({ code: 1, description: "提交成功", properties: {} });
    const urls = body.result as string[];
    expect(urls).toHaveLength(5);
    const day = new Date(h.now()).toISOString().slice(0, 10).replaceAll("-", "");
    const types = ["image/png", "image/png", "image/jpeg", "image/webp", "image/gif"];
    for (const [i, url] of urls.entries()) {
      expect(url).toMatch(new RegExp(`^http://simulator\\.invalid/attachments/${day}/[0-9a-f-]{36}\\.\\w+$`));
      const served = await mediaOf(h, url);
      expect(served).toMatchObject({ status: 200, type: types[i] });
      expect((await sharp(served.data).metadata()).width).toBe(40);
    }
    expect(h.sim.stats().byPath["/attachments"]).toBe(5);
    expect((await h.get("/attachments/20260101/00000000-0000-0000-0000-000000000000.png")).status).toBe(404);
  });

  it("an uploaded URL works as an input, like the simulator's own media", async () => {
    const h = harness();
    const { body } = await upload(h, [dataUrl(await png(64, 48))]);
    const [url] = body.result as string[];
    const described = await h.submit("/mj/submit/describe", { link: url });
    expect(described.code).toBe(1);
    const imagined = await h.submit("/mj/submit/imagine", { prompt: "with an upload", base64Array: [url] });
    expect((await h.settle(imagined.result as string)).status).toBe("SUCCESS");
  });

  it("refuses what trueai refuses", async () => {
    const h = harness();
    for (const empty of [[], null, undefined]) {
      expect((await upload(h, empty)).body).toEqual({
        code: 4,
        description: "base64 参数错误",
        result: null,
        properties: {},
      });
    }
    for (const bad of [
      ["not base64!"],
      [Buffer.from("plain text").toString("base64")],
      ["https://x/a.png"],
    ]) {
      expect((await upload(h, bad)).body).toMatchObject({ code: 4, description: "base64格式错误" });
    }
  });

  it("a storage failure (fault switch) answers code 9 with the short body", async () => {
    const h = harness({ faults: { uploadStorageDown: true } });
    expect((await upload(h, [dataUrl(await png(8, 8))])).body).toEqual({
      code: 9,
      description: "上传图片到云存储异常",
    });
  });

  it.each<[SimulatorFamily, number]>([
    ["trueai", 200],
    ["new-api", 200],
    ["novicezk", 404],
  ])("%s: the route answers %i", async (family, status) => {
    const h = harness({ family, relayLagMs: 0 });
    expect((await upload(h, [dataUrl(await png(8, 8))])).status).toBe(status);
  });

  it("serves the stored files over real HTTP", async () => {
    const server = await startSimulatorServer({ port: 0, host: "127.0.0.1" });
    try {
      const answer = await fetch(`${server.url}/mj-fast/mj/submit/upload-discord-images`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ base64Array: [dataUrl(await png(20, 10))] }),
      });
      const [url] = ((await answer.json()) as { result: string[] }).result;
      expect(url!.startsWith(`${server.url}/attachments/`)).toBe(true);
      const served = await fetch(url!);
      expect(served.headers.get("content-type")).toBe("image/png");
      expect((await sharp(Buffer.from(await served.arrayBuffer())).metadata()).height).toBe(10);
    } finally {
      await server.close();
    }
  });
});

const EXAMPLE = "a very beautiful cat in a garden at sunset";
const KEYCAPS = ["1️⃣", "2️⃣", "3️⃣", "4️⃣", "5️⃣"];

describe("POST /mj/submit/shorten (§3.6, §5.5)", () => {
  it("runs briefly and reveals the analysis in description and finalPrompt, the same every time", async () => {
    const h = harness();
    const envelope = await h.submit("/mj/submit/shorten", { prompt: EXAMPLE });
    expect(envelope.code).toBe(1);
    const running = await h.task(envelope.result as string);
    expect(running).toMatchObject({ action: "SHORTEN", description: `/shorten ${EXAMPLE}`, buttons: [] });
    const done = await h.settle(envelope.result as string);
    expect(done.finishTime! - done.startTime!).toBeLessThan(4_000);
    expect(done).toMatchObject({ status: "SUCCESS", prompt: EXAMPLE, imageUrl: null, version: null });
    const text = done.description;
    expect(done.properties.finalPrompt).toBe(text);

    const lines = text.split("\n");
    expect(lines[0]).toBe("**Important tokens**");
    expect(lines[1]).toMatch(
      /^~~a~~ ~~very~~ beautiful \((0\.\d\d|1\.00)\) cat \(\d\.\d\d\) ~~in~~ ~~a~~ garden \(\d\.\d\d\) ~~at~~ sunset \(\d\.\d\d\)$/,
    );
    const weights = [...lines[1]!.matchAll(/\((\d\.\d\d)\)/g)].map((m) => Number(m[1]));
    expect(Math.max(...weights)).toBe(1);
    expect(lines.slice(2, 4)).toEqual(["", "**Shortened prompts**"]);
    const prompts = lines.slice(4);
    expect(prompts.map((line) => line.slice(0, 3))).toEqual(KEYCAPS);
    const shortened = prompts.map((line) => line.slice(4).split(" "));
    expect(shortened[0]).toEqual(["beautiful", "cat", "garden", "sunset"]);
    // Shorter and shorter, the heaviest word last.
    expect(shortened.map((words) => words.length)).toEqual([4, 3, 3, 2, 1]);
    const heaviest = ["beautiful", "cat", "garden", "sunset"][weights.indexOf(1)];
    expect(shortened[4]).toEqual([heaviest]);

    const again = await h.settle(
      (await h.submit("/mj/submit/shorten", { prompt: EXAMPLE })).result as string,
    );
    expect(again.description).toBe(text);
    const other = await h.settle(
      (await h.submit("/mj/submit/shorten", { prompt: "a dog at the beach" })).result as string,
    );
    expect(other.description).not.toBe(text);
  });

  it("has 1️⃣-5️⃣ and Show Details, which trueai HEAD refuses; new-api does not know them", async () => {
    for (const family of ["trueai", "new-api"] as const) {
      const h = harness({ family, relayLagMs: 0 });
      const done = await h.settle(
        (await h.submit("/mj/submit/shorten", { prompt: EXAMPLE })).result as string,
      );
      // The relay's copy has no messageHash: the job uuid is read off the first button.
      const job = /^MJ::Job::PromptAnalyzer::([0-9a-f-]{36})::1$/.exec(done.buttons[0]?.customId ?? "")?.[1];
      expect(job).toBeDefined();
      expect(done.buttons.map((b) => [b.customId, b.emoji || b.label])).toEqual([
        ...KEYCAPS.map((emoji, i) => [`MJ::Job::PromptAnalyzer::${job}::${i + 1}`, emoji]),
        [`MJ::Job::PromptAnalyzer::${job}::show_details`, "Show Details"],
      ]);
      for (const { customId } of done.buttons) {
        const answer = await h.post("/mj/submit/action", { taskId: done.id, customId });
        expect(parseJson(answer.text)).toMatchObject(
          family === "trueai"
            ? { code: 4, description: "未知的 Action 类型" }
            : { code: 4, description: `unknown_action:${customId} ` },
        );
      }
    }
  });

  it("a prompt without words fails the task; novicezk has no such route", async () => {
    const h = harness();
    const failed = await h.settle(
      (await h.submit("/mj/submit/shorten", { prompt: "--ar 3:2" })).result as string,
    );
    expect(failed).toMatchObject({
      status: "FAILURE",
      failReason: expect.stringMatching(/^\[Invalid parameter\]/),
    });
    expect(
      (await harness({ family: "novicezk" }).post("/mj/submit/shorten", { prompt: EXAMPLE })).status,
    ).toBe(404);
  });
});
