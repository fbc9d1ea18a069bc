import { afterEach, describe, expect, it } from "vitest";
import { buttonId, closeAll, harness, parseJson, upscaled, wireTaskSchema } from "./test-support";

afterEach(closeAll);

const KEY = "sk-simulatorkey123";

describe("authentication per family (§1.3)", () => {
  it("trueai: the key verbatim in Authorization or mj-api-secret; otherwise 401 text", async () => {
    const h = harness({ apiKey: KEY });
    const imagine = (headers: Record<string, string>) =>
      h.post("/mj/submit/imagine", { prompt: "auth" }, headers);
    expect((await imagine({ authorization: KEY })).status).toBe(200);
    expect((await imagine({ "mj-api-secret": KEY })).status).toBe(200);
    const refusedHeaders: Record<string, string>[] = [
      {},
      { authorization: `Bearer ${KEY}` },
      { authorization: "wrong", "mj-api-secret": KEY },
    ];
    for (const headers of refusedHeaders) {
      const refused = await imagine(headers);
      expect(refused).toMatchObject({ status: 401, text: "Authorization header missing." });
      expect(refused.headers.get("content-type")).toMatch(/^text\/plain/);
    }
  });

  it("novicezk: only mj-api-secret; otherwise 401 with an empty body", async () => {
    const h = harness({ family: "novicezk", apiKey: KEY });
    expect((await h.post("/mj/submit/imagine", { prompt: "auth" }, { "mj-api-secret": KEY })).status).toBe(
      200,
    );
    expect(await h.post("/mj/submit/imagine", { prompt: "auth" }, { authorization: KEY })).toMatchObject({
      status: 401,
      text: "",
    });
  });

  it("new-api: Bearer, bare or mj-api-secret, sk- optional, channel suffix allowed; otherwise 401 JSON", async () => {
    const h = harness({ family: "new-api", apiKey: KEY, relayLagMs: 0 });
    const bare = KEY.replace(/^sk-/, "");
    const accepted: Record<string, string>[] = [
      { authorization: `Bearer ${KEY}` },
      { authorization: KEY },
      { authorization: `Bearer ${bare}` },
      { authorization: `Bearer ${KEY}-7` },
      { "mj-api-secret": KEY },
      { authorization: "midjourney-proxy", "mj-api-secret": KEY },
    ];
    for (const headers of accepted) {
      expect((await h.post("/mj/submit/imagine", { prompt: "auth" }, headers)).status).toBe(200);
    }
    const refused = await h.post(
      "/mj/submit/imagine",
      { prompt: "auth" },
      { authorization: "Bearer sk-wrong" },
    );
    expect(refused.status).toBe(401);
    expect(parseJson(refused.text)).toMatchObject({
      error: {
        message: expect.stringMatching(/^无效的令牌 \(request id: .+\)$/),
        type: "new_api_error",
        code: "",
      },
    });
  });

  it("without a configured key nothing is checked (demo mode)", async () => {
    const h = harness({ family: "novicezk" });
    expect(
      (await h.post("/mj/submit/imagine", { prompt: "open" }, { authorization: "anything" })).status,
    ).toBe(200);
  });
});

describe("unknown ids and missing routes per family", () => {
  it("fetch of an unknown id: trueai 204, novicezk 200 empty, new-api 400 task_no_found", async () => {
    const id = "1000000000000000";
    expect(await harness().get(`/mj/task/${id}/fetch`)).toMatchObject({ status: 204, text: "" });
    expect(await harness({ family: "novicezk" }).get(`/mj/task/${id}/fetch`)).toMatchObject({
      status: 200,
      text: "",
    });
    const relay = await harness({ family: "new-api" }).get(`/mj/task/${id}/fetch`);
    expect(relay.status).toBe(400);
    expect(parseJson(relay.text)).toEqual({ description: "task_no_found ", type: "upstream_error", code: 4 });
  });

  it("routes: list-by-ids and cancel are trueai's; new-api has no /mj/task/list; prefixes differ", async () => {
    for (const family of ["novicezk", "new-api"] as const) {
      const h = harness({ family, apiKey: null });
      expect((await h.post("/mj/task/list-by-ids", { ids: [] })).status).toBe(404);
      expect((await h.post("/mj/task/1000000000000000/cancel", "")).status).toBe(404);
      expect((await h.post("/mj/task/list-by-condition", { ids: [] })).text).toBe("[]");
    }
    expect((await harness({ family: "new-api" }).get("/mj/task/list")).status).toBe(404);
    expect((await harness({ family: "novicezk" }).get("/mj/task/list")).status).toBe(200);
    expect(
      (await harness({ family: "novicezk" }).post("/mj-fast/mj/submit/imagine", { prompt: "x" })).status,
    ).toBe(404);
    expect(
      (await harness({ family: "new-api" }).post("/whatever/mj/submit/imagine", { prompt: "x" })).status,
    ).toBe(200);
    expect((await harness().post("/whatever/mj/submit/imagine", { prompt: "x" })).status).toBe(404);
  });

  it("novicezk has none of video, edits, edit and retexture", async () => {
    const h = harness({ family: "novicezk" });
    for (const route of ["video", "edits", "edit", "retexture"]) {
      const missing = await h.post(`/mj/submit/${route}`, { prompt: "x", image: "x" });
      expect([missing.status, parseJson(missing.text)]).toEqual([
        404,
        expect.objectContaining({ status: 404, error: "Not Found" }),
      ]);
    }
  });

  it("a broken body: trueai Result 200, novicezk Spring 400, new-api bind_request_body_failed 400", async () => {
    const trueai = await harness().post("/mj/submit/imagine", "{oops");
    expect(trueai.status).toBe(200);
    expect(parseJson(trueai.text)).toMatchObject({ success: false, code: -1 });
    const novicezk = await harness({ family: "novicezk" }).post("/mj/submit/imagine", "{oops");
    expect(novicezk.status).toBe(400);
    expect(parseJson(novicezk.text)).toMatchObject({
      status: 400,
      error: "Bad Request",
      path: "/mj/submit/imagine",
    });
    const relay = await harness({ family: "new-api" }).post("/mj/submit/imagine", "{oops");
    expect(relay.status).toBe(400);
    expect(parseJson(relay.text)).toMatchObject({ description: "bind_request_body_failed ", code: 4 });
  });
});

describe("novicezk", () => {
  it("refuses a banned prompt at submit with code 24", async () => {
    const h = harness({ family: "novicezk" });
    expect(await h.submit("/mj/submit/imagine", { prompt: "some gore here" })).toEqual({
      code: 24,
      description: "可能包含敏感词",
      result: null,
      properties: { promptEn: "some gore here", bannedWord: "gore" },
    });
  });

  it("serves its short Task shape, buttons included", async () => {
    const h = harness({ family: "novicezk" });
    const { result } = await h.submit("/mj/submit/imagine", { prompt: "short shape" });
    const done = await h.settle(result as string);
    expect(done.buttons).toHaveLength(9);
    const raw = parseJson((await h.get(`/mj/task/${result}/fetch`)).text) as Record<string, unknown>;
    expect(raw).not.toHaveProperty("isCompleted");
    expect(raw).not.toHaveProperty("parentId");
  });
});

describe("new-api relay (§8)", () => {
  it('serves a stale copy: status "" before its first poll, then the state at its last poll', async () => {
    const h = harness({ family: "new-api", relayLagMs: 15_000 });
    const { result } = await h.submit("/mj/submit/imagine", { prompt: "relayed" });
    const id = result as string;
    const raw = parseJson((await h.get(`/mj/task/${id}/fetch`)).text);
    expect(raw).toMatchObject({
      id,
      action: "IMAGINE",
      status: "",
      progress: "0%",
      startTime: 0,
      finishTime: 0,
      imageUrl: "",
      buttons: null,
      properties: null,
      customId: "",
      maskBase64: "",
      videoUrls: null,
    });
    expect(wireTaskSchema.parse(raw).status).toBe("");

    h.advance(14_000); // the job is done upstream by now, but the relay has not polled yet
    expect((await h.task(id)).status).toBe("");
    h.advance(1_000);
    const polled = await h.task(id);
    expect(polled).toMatchObject({ status: "SUCCESS", progress: "100%" });
    expect(polled.buttons).toHaveLength(9);
    expect(polled.properties).toEqual({ finalPrompt: "relayed", finalZhPrompt: "" });
  });

  it("lags mid-job: the copy shows the state of its last poll", async () => {
    const h = harness({ family: "new-api", relayLagMs: 2_000 });
    const { result } = await h.submit("/mj/submit/imagine", { prompt: "lagging" });
    h.advance(4_100); // upstream is well into IN_PROGRESS; the copy is from t=4000
    const copy = await h.task(result as string);
    h.advance(1_800); // upstream moved on, the copy did not
    expect(await h.task(result as string)).toEqual(copy);
  });

  it("rewrites 22 and remix 21 to 1, keeps 21 for Vary Region and Custom Zoom", async () => {
    const h = harness({ family: "new-api", relayLagMs: 0, maxConcurrent: 1 });
    await h.submit("/mj/submit/imagine", { prompt: "first" });
    const queued = await h.submit("/mj/submit/imagine", { prompt: "second" });
    expect(queued).toMatchObject({ code: 1, description: "排队中，前面还有1个任务" });

    const single = await upscaled(h, "relay modal --v 7");
    const remix = await h.submit("/mj/submit/action", {
      taskId: single.id,
      customId: buttonId(single, (id) => id.includes("high_variation")),
      enableRemix: true,
    });
    expect(remix).toMatchObject({ code: 1, description: "Waiting for window confirm" });
    expect(await h.task(remix.result as string)).toMatchObject({ status: "MODAL", action: "HIGH_VARIATION" });
    for (const prefix of ["MJ::Inpaint::", "MJ::CustomZoom::"]) {
      const kept = await h.submit("/mj/submit/action", {
        taskId: single.id,
        customId: buttonId(single, (id) => id.startsWith(prefix)),
      });
      expect(kept.code).toBe(21);
    }
  });

  it("rejects describe buttons and every video button with unknown_action, as new-api main does", async () => {
    const h = harness({ family: "new-api", relayLagMs: 0 });
    const single = await upscaled(h, "relay video");
    const job = single.properties.messageHash as string;
    for (const customId of [
      "MJ::Job::PicReader::1",
      "MJ::Picread::Retry",
      buttonId(single, (id) => id.includes("animate_high::")),
      buttonId(single, (id) => id.includes("animate_low::")),
      `MJ::JOB::video_virtual_upscale::1::${job}`,
      `MJ::JOB::animate_high_extend::1::${job}`,
      `MJ::JOB::animate_low_extend::1::${job}`,
      `MJ::BOOKMARK::${job}`,
    ]) {
      const refused = await h.post("/mj/submit/action", { taskId: single.id, customId });
      expect(refused.status).toBe(400);
      expect(parseJson(refused.text)).toEqual({
        description: `unknown_action:${customId} `,
        type: "upstream_error",
        code: 4,
      });
    }
    const missing = await h.post("/mj/submit/action", {
      taskId: "1000000000000000",
      customId: `MJ::JOB::upsample::1::${job}`,
    });
    expect(parseJson(missing.text)).toMatchObject({ description: "task_not_found ", code: 4 });
  });

  it("relays /submit/video and /submit/edits only; /submit/edit and /submit/retexture are its 404", async () => {
    const h = harness({ family: "new-api", relayLagMs: 0 });
    const single = await upscaled(h, "relay animate");
    // The one way to animate through the relay: the image as the video's start frame (§7).
    const video = await h.submit("/mj/submit/video", {
      prompt: "waves",
      image: single.imageUrl,
      batchSize: 1,
    });
    expect(video.code).toBe(1);
    const done = await h.settle(video.result as string);
    expect(done).toMatchObject({ action: "VIDEO", status: "SUCCESS" });
    // The relay keeps only each clip's url (§7).
    expect(done.videoUrls).toEqual([{ url: done.videoUrl }]);
    const extend = await h.post("/mj/submit/video", {
      action: "extend",
      taskId: "1000000000000000",
      index: 0,
      prompt: "more",
    });
    expect([extend.status, parseJson(extend.text)]).toEqual([
      400,
      { description: "task_not_found ", type: "upstream_error", code: 4 },
    ]);
    const edit = await h.submit("/mj/submit/edits", { prompt: "a moon", image: single.imageUrl });
    expect(edit.code).toBe(1);
    expect(parseJson((await h.get(`/mj/task/${edit.result}/fetch`)).text)).toMatchObject({ action: "EDITS" });
    for (const path of ["/mj/submit/edit", "/mj/submit/retexture"]) {
      const missing = await h.post(path, { prompt: "a moon", image: single.imageUrl });
      expect([missing.status, missing.text]).toEqual([404, "404 page not found"]);
    }
  });
});
