import sharp from "sharp";
import { afterEach, describe, expect, it } from "vitest";
import {
  buttonId,
  closeAll,
  dataUrl,
  harness,
  mediaOf,
  mp4Seconds,
  parseJson,
  png,
  upscaled,
  type Harness,
} from "./test-support";

afterEach(closeAll);

const press = (h: Harness, taskId: string, customId: string, extra: Record<string, unknown> = {}) =>
  h.submit("/mj/submit/action", { taskId, customId, ...extra });

describe("buttons on a grid and on an upscale", () => {
  it("U1 on V7 gives the single image with the §5.2 buttons; Make Square only when not square", async () => {
    const h = harness();
    const single = await upscaled(h, "a lighthouse at dusk --ar 3:2 --v 7");
    expect(single).toMatchObject({ action: "UPSCALE", status: "SUCCESS", properties: { action_index: 1 } });
    expect(single.parentId).toMatch(/^\d{16}$/);
    const job = single.properties.messageHash as string;
    expect(single.buttons.map((b) => b.customId)).toEqual([
      `MJ::JOB::upsample_v7_2x_subtle::1::${job}::SOLO`,
      `MJ::JOB::upsample_v7_2x_creative::1::${job}::SOLO`,
      `MJ::JOB::low_variation::1::${job}::SOLO`,
      `MJ::JOB::high_variation::1::${job}::SOLO`,
      `MJ::Inpaint::1::${job}::SOLO`,
      `MJ::Outpaint::50::1::${job}::SOLO`,
      `MJ::Outpaint::75::1::${job}::SOLO`,
      `MJ::CustomZoom::${job}`,
      `MJ::Outpaint::100::1::${job}::SOLO`,
      `MJ::JOB::pan_left::1::${job}::SOLO`,
      `MJ::JOB::pan_right::1::${job}::SOLO`,
      `MJ::JOB::pan_up::1::${job}::SOLO`,
      `MJ::JOB::pan_down::1::${job}::SOLO`,
      `MJ::JOB::animate_high::1::${job}::SOLO`,
      `MJ::JOB::animate_low::1::${job}::SOLO`,
      `MJ::BOOKMARK::${job}`,
      `MJ::JOB::reroll::0::${job}::SOLO`,
    ]);
    const meta = await sharp((await mediaOf(h, single.imageUrl)).data).metadata();
    expect(meta.width! / meta.height!).toBeCloseTo(1.5, 1);

    const square = await upscaled(h, "a square lighthouse --ar 1:1 --v 6.1");
    expect(square.buttons.some((b) => b.customId.startsWith("MJ::Outpaint::100"))).toBe(false);
    expect(square.buttons[0]?.customId).toMatch(/^MJ::JOB::upsample_v6r1_2x_subtle::1::/);
  });

  it("U1 on V8.x (the default, 8.1) gives trueai's V8 set: no HD upscale, zoom or pan (§5.2.1)", async () => {
    const h = harness();
    for (const prompt of ["a lighthouse at dusk --ar 3:2", "a lighthouse --v 8", "a lighthouse --v 8.2"]) {
      const single = await upscaled(h, prompt);
      const job = single.properties.messageHash as string;
      expect(
        single.buttons.map((b) => b.customId),
        prompt,
      ).toEqual([
        `MJ::JOB::low_variation::1::${job}::SOLO`,
        `MJ::JOB::high_variation::1::${job}::SOLO`,
        `MJ::Inpaint::1::${job}::SOLO`,
        `MJ::JOB::animate_high::1::${job}::SOLO`,
        `MJ::JOB::animate_low::1::${job}::SOLO`,
        `MJ::BOOKMARK::${job}`,
        `MJ::JOB::reroll::0::${job}::SOLO`,
      ]);
    }
    const v7 = await upscaled(h, "the same --v 7");
    const zoom = v7.buttons.find((b) => b.customId.startsWith("MJ::Outpaint::50::"))!.customId;
    const v8 = await upscaled(h, "the same");
    // A button of another set is not on the message: Midjourney ignores it.
    const foreign = zoom.replace(v7.properties.messageHash as string, v8.properties.messageHash as string);
    expect(await press(h, v8.id, foreign)).toMatchObject({ code: 4, description: "未知的 Action 类型" });
  });

  it("the V8 set is chosen by version as trueai does: Niji 6/7 keep the full set, unknown versions lose zoom and pan", async () => {
    const h = harness();
    const labels = async (prompt: string) =>
      (await upscaled(h, prompt)).buttons.map((b) => b.label || b.emoji);
    expect(await labels("a fox --niji 6")).toContain("Upscale (Subtle)");
    expect(await labels("a fox --niji")).toContain("Zoom Out 2x");
    expect(await labels("a fox --v 5.2")).toContain("Upscale (4x)");
    const v9 = await labels("a fox --v 9");
    expect(v9).toContain("Vary (Region)");
    expect(v9.some((l) => /Zoom|Upscale|⬅️/.test(l))).toBe(false);
    const v4 = await labels("a fox --v 4");
    expect(v4).not.toContain("Vary (Region)");
    expect(v4).toContain("Vary (Strong)");
  });

  it("Upscale (Subtle) is UPSCALE_HD with trueai's reduced set; zoom and pan give grids", async () => {
    const h = harness();
    const single = await upscaled(h, "detail --v 7");
    const hd = await h.settle(
      (
        await press(
          h,
          single.id,
          buttonId(single, (id) => id.includes("_2x_subtle")),
        )
      ).result as string,
    );
    expect(hd.action).toBe("UPSCALE_HD");
    expect(hd.buttons.some((b) => b.customId.includes("pan_"))).toBe(false);
    expect(hd.buttons.some((b) => b.customId.includes("upsample"))).toBe(false);
    expect(hd.buttons.some((b) => b.customId.startsWith("MJ::CustomZoom::"))).toBe(true);
    expect(hd.width).toBeGreaterThan(single.width!);

    for (const [match, action] of [
      ["MJ::Outpaint::50::", "ZOOM"],
      ["MJ::JOB::pan_left::", "PAN"],
      ["MJ::JOB::high_variation::", "VARIATION"],
    ] as const) {
      const child = await h.settle(
        (
          await press(
            h,
            single.id,
            buttonId(single, (id) => id.startsWith(match)),
          )
        ).result as string,
      );
      expect(child).toMatchObject({ action, status: "SUCCESS", parentId: single.id });
      expect(child.buttons.map((b) => b.label).slice(0, 4)).toEqual(["U1", "U2", "U3", "U4"]);
    }
  });

  it("🔄 on an upscale re-runs the prompt as a new IMAGINE; on a grid it keeps the action with a new picture", async () => {
    const h = harness();
    const single = await upscaled(h, "rerolled prompt");
    const again = await h.settle(
      (
        await press(
          h,
          single.id,
          buttonId(single, (id) => id.includes("::reroll::")),
        )
      ).result as string,
    );
    expect(again).toMatchObject({ action: "IMAGINE", prompt: "rerolled prompt", status: "SUCCESS" });
    const grid = await h.task(single.parentId!);
    const rerolled = await h.settle(
      (
        await press(
          h,
          grid.id,
          buttonId(grid, (id) => id.includes("::reroll::")),
        )
      ).result as string,
    );
    expect(rerolled.action).toBe("IMAGINE");
    expect((await mediaOf(h, rerolled.imageUrl)).data.equals((await mediaOf(h, grid.imageUrl)).data)).toBe(
      false,
    );
  });

  it("refuses what trueai refuses", async () => {
    const h = harness();
    const { result } = await h.submit("/mj/submit/imagine", { prompt: "not yet" });
    const running = await h.task(result as string);
    const early = await press(h, running.id, "MJ::JOB::upsample::1::6a5f2bd2-1a1b-4c1c-9a7a-1c2b3c4d5e6f");
    expect(early).toMatchObject({ code: 4, description: "关联任务状态错误" });

    const missing = await h.post("/mj/submit/action", {
      taskId: "1000000000000000",
      customId: "MJ::JOB::upsample::1::6a5f2bd2-1a1b",
    });
    expect(missing.status).toBe(404);
    expect(parseJson(missing.text)).toMatchObject({ code: 3, description: "关联任务不存在或已失效" });
    expect(await press(h, running.id, "")).toMatchObject({ code: 4, description: "参数错误" });

    const single = await upscaled(h, "refusals");
    const job = single.properties.messageHash as string;
    expect(await press(h, single.id, `MJ::BOOKMARK::${job}`)).toMatchObject({
      code: 4,
      description: "未知的 Action 类型",
    });
    expect(await press(h, single.id, "MJ::JOB::dance::1")).toMatchObject({
      code: 4,
      description: "未知的 Action 类型",
    });
    // A button this task does not carry: a grid's U on an upscale, another job's uuid.
    expect(await press(h, single.id, `MJ::JOB::upsample::1::${job}`)).toMatchObject({ code: 4 });
    expect(
      await press(h, single.id, "MJ::JOB::low_variation::1::11111111-2222-3333-4444-555555555555::SOLO"),
    ).toMatchObject({ code: 4 });
  });
});

describe("modals (§6)", () => {
  it("Custom Zoom: code 21, a MODAL child, then a --zoom between 1.0 and 2.0 is required", async () => {
    const h = harness();
    const single = await upscaled(h, "a harbour --ar 3:2 --v 7");
    const opened = await press(
      h,
      single.id,
      buttonId(single, (id) => id.startsWith("MJ::CustomZoom::")),
    );
    expect(opened).toMatchObject({
      code: 21,
      description: "Waiting for window confirm",
      properties: { finalPrompt: "a harbour --ar 3:2 --v 7", remix: true },
    });
    const childId = opened.result as string;
    expect(await h.task(childId)).toMatchObject({
      status: "MODAL",
      action: "ZOOM",
      parentId: single.id,
      progress: null,
    });

    for (const prompt of ["", "a harbour", "a harbour --zoom 3", "a harbour --zoom 0.5"]) {
      const refused = await h.submit("/mj/submit/modal", { taskId: childId, prompt });
      expect(refused.code).toBe(4);
      expect(refused.description).toMatch(/--zoom/);
    }
    const confirmed = await h.submit("/mj/submit/modal", {
      taskId: childId,
      prompt: "a harbour --ar 1:1 --zoom 1.5",
    });
    expect(confirmed).toMatchObject({ code: 1, result: childId });
    const done = await h.settle(childId);
    expect(done).toMatchObject({ status: "SUCCESS", prompt: "a harbour --ar 1:1 --zoom 1.5" });
    expect(done.width).toBe(done.height);
    // A confirmed modal is not a modal any more.
    expect((await h.submit("/mj/submit/modal", { taskId: childId, prompt: "again --zoom 1.2" })).code).toBe(
      4,
    );
  });

  it("Vary Region needs an image mask; the result keeps the unmasked part", async () => {
    const h = harness();
    const single = await upscaled(h, "a meadow");
    const opened = await press(
      h,
      single.id,
      buttonId(single, (id) => id.startsWith("MJ::Inpaint::")),
    );
    expect(opened.code).toBe(21);
    const childId = opened.result as string;
    expect(await h.task(childId)).toMatchObject({ status: "MODAL", action: "VARIATION", prompt: "" });

    expect(await h.submit("/mj/submit/modal", { taskId: childId, prompt: "flowers" })).toMatchObject({
      code: 4,
      description: "maskBase64不能为空",
    });
    const junk = await h.submit("/mj/submit/modal", {
      taskId: childId,
      prompt: "flowers",
      maskBase64: "bm90IGFuIGltYWdl",
    });
    expect(junk).toMatchObject({ code: 4, description: "maskBase64格式错误" });

    const half = await sharp({ create: { width: 64, height: 64, channels: 3, background: "#000" } })
      .composite([{ input: await png(32, 64, { r: 255, g: 255, b: 255 }), left: 32, top: 0 }])
      .png()
      .toBuffer();
    expect(
      await h.submit("/mj/submit/modal", { taskId: childId, prompt: "flowers", maskBase64: dataUrl(half) }),
    ).toMatchObject({ code: 1 });
    const done = await h.settle(childId);
    expect(done).toMatchObject({
      status: "SUCCESS",
      prompt: "flowers",
      width: single.width,
      height: single.height,
    });
    // Black keeps, white repaints: the left half is the parent's, the right half is not.
    const halves = async (url: string | null) => {
      const { data, info } = await sharp((await mediaOf(h, url)).data)
        .raw()
        .toBuffer({ resolveWithObject: true });
      const diff = (other: Buffer, fromX: number, toX: number) => {
        let sum = 0;
        let n = 0;
        for (let y = 0; y < info.height; y += 7) {
          for (let x = fromX; x < toX; x += 7) {
            const p = (y * info.width + x) * info.channels;
            sum +=
              Math.abs(data[p]! - other[p]!) +
              Math.abs(data[p + 1]! - other[p + 1]!) +
              Math.abs(data[p + 2]! - other[p + 2]!);
            n++;
          }
        }
        return sum / n;
      };
      return { data, info, diff };
    };
    const before = await halves(single.imageUrl);
    const after = await halves(done.imageUrl);
    const w = after.info.width;
    expect(after.diff(before.data, 0, Math.floor(w * 0.4))).toBeLessThan(2);
    expect(after.diff(before.data, Math.ceil(w * 0.6), w)).toBeGreaterThan(10);
    // The repainted image is a single image again, with the upscale's buttons.
    expect(done.buttons.some((b) => b.customId.startsWith("MJ::Inpaint::"))).toBe(true);
  });

  it("V1 with enableRemix opens the remix modal; an empty modal prompt keeps the parent's", async () => {
    const h = harness();
    const grid = await h.settle(
      (await h.submit("/mj/submit/imagine", { prompt: "a remixed cat" })).result as string,
    );
    const v1 = buttonId(grid, (id) => id.startsWith("MJ::JOB::variation::1::"));
    const direct = await press(h, grid.id, v1);
    expect(direct.code).toBe(1);
    expect((await h.task(direct.result as string)).action).toBe("VARIATION");

    const opened = await press(h, grid.id, v1, { enableRemix: true });
    expect(opened).toMatchObject({ code: 21, properties: { finalPrompt: "a remixed cat", remix: true } });
    expect((await h.task(opened.result as string)).status).toBe("MODAL");
    expect(await h.submit("/mj/submit/modal", { taskId: opened.result, prompt: "" })).toMatchObject({
      code: 1,
    });
    expect(await h.settle(opened.result as string)).toMatchObject({
      status: "SUCCESS",
      prompt: "a remixed cat",
    });
  });

  it("an account with remix on opens the modal for remixable buttons without enableRemix", async () => {
    const h = harness({ remix: true });
    const single = await upscaled(h, "remix account --niji 6");
    expect(
      (
        await press(
          h,
          single.id,
          buttonId(single, (id) => id.includes("pan_left")),
        )
      ).code,
    ).toBe(21);
    expect(
      (
        await press(
          h,
          single.id,
          buttonId(single, (id) => id.startsWith("MJ::Outpaint::50")),
        )
      ).code,
    ).toBe(1);
  });
});

describe("describe", () => {
  it("reveals four prompts, then PicReader n opens an IMAGINE modal with the n-th prompt", async () => {
    const h = harness();
    const image = await png(96, 64, { r: 20, g: 90, b: 200 });
    expect(await h.submit("/mj/submit/describe", {})).toMatchObject({
      code: 4,
      description: "base64或link不能为空",
    });
    const { result } = await h.submit("/mj/submit/describe", { base64: dataUrl(image), state: "d" });
    const done = await h.settle(result as string);
    expect(done).toMatchObject({ action: "DESCRIBE", status: "SUCCESS", description: "/describe" });
    const text = done.properties.finalPrompt as string;
    const prompts = text.split("\n\n");
    expect(prompts).toHaveLength(4);
    prompts.forEach((p, i) => expect(p.startsWith(`${i + 1}\uFE0F\u20E3 `)).toBe(true));
    expect(done.promptEn).toBe(text);
    expect((await mediaOf(h, done.imageUrl)).data.equals(image)).toBe(true);
    expect(done.buttons.map((b) => [b.customId, b.emoji, b.label])).toEqual([
      ["MJ::Job::PicReader::1", "1️⃣", ""],
      ["MJ::Job::PicReader::2", "2️⃣", ""],
      ["MJ::Job::PicReader::3", "3️⃣", ""],
      ["MJ::Job::PicReader::4", "4️⃣", ""],
      ["MJ::Job::PicReader::all", "🎉", "Imagine all"],
      ["MJ::Picread::Retry", "🔄", ""],
    ]);

    const second = prompts[1]!.replace(/^2\uFE0F\u20E3 /, "");
    const opened = await press(h, done.id, "MJ::Job::PicReader::2");
    expect(opened).toMatchObject({ code: 21, properties: { finalPrompt: second } });
    expect(await h.task(opened.result as string)).toMatchObject({
      status: "MODAL",
      action: "IMAGINE",
      parentId: done.id,
    });
    expect(await h.submit("/mj/submit/modal", { taskId: opened.result, prompt: second })).toMatchObject({
      code: 1,
    });
    expect(await h.settle(opened.result as string)).toMatchObject({ status: "SUCCESS", prompt: second });

    const all = await press(h, done.id, "MJ::Job::PicReader::all");
    expect(all.code).toBe(1);
    const ids = (all.result as string).split(",");
    expect(ids).toHaveLength(4);
    for (const [k, id] of ids.entries()) {
      expect(await h.task(id)).toMatchObject({ action: "IMAGINE", parentId: done.id, state: `d::${k + 1}` });
    }
    const retry = await press(h, done.id, "MJ::Picread::Retry");
    expect(await h.settle(retry.result as string)).toMatchObject({ action: "DESCRIBE", status: "SUCCESS" });
  });
});

describe("blend", () => {
  it("needs 2 to 5 images and valid dimensions, then composes a grid of the chosen shape", async () => {
    const h = harness();
    const a = dataUrl(await png(64, 64, { r: 255, g: 0, b: 0 }));
    const b = dataUrl(await png(64, 64, { r: 0, g: 0, b: 255 }));
    const c = dataUrl(await png(64, 64, { r: 0, g: 255, b: 0 }));
    expect(await h.submit("/mj/submit/blend", { base64Array: [a] })).toMatchObject({
      code: 4,
      description: "图片参数错误，2~5张图片",
    });
    expect(await h.submit("/mj/submit/blend", { base64Array: [a, b], dimensions: null })).toMatchObject({
      code: 4,
      description: "dimensions参数错误",
    });
    const wide = await h.post("/mj/submit/blend", { base64Array: [a, b], dimensions: "WIDE" });
    expect(parseJson(wide.text)).toMatchObject({ success: false, code: -1 });

    const { code, result } = await h.submit("/mj/submit/blend", {
      base64Array: [a, b, c],
      dimensions: "PORTRAIT",
    });
    expect(code).toBe(1);
    const done = await h.settle(result as string);
    expect(done).toMatchObject({ action: "BLEND", status: "SUCCESS", description: `/blend ${result} 3` });
    expect(done.width! / done.height!).toBeCloseTo(2 / 3, 1);
    expect(done.buttons).toHaveLength(9);
  });
});

describe("video (§7)", () => {
  it("Animate -> animated webp grid -> video U1 -> mp4 -> Extend -> longer mp4", async () => {
    const h = harness();
    const single = await upscaled(h, "waves on rocks --ar 16:9");
    const animate = await press(
      h,
      single.id,
      buttonId(single, (id) => id.includes("animate_high::")),
    );
    const grid = await h.settle(animate.result as string);
    expect(grid).toMatchObject({
      action: "VIDEO",
      status: "SUCCESS",
      contentType: "image/webp",
      // As /submit/video makes them: four 5 s clips, each with its own link and poster (§7).
      videoDuration: 5,
      videoType: "vid_1.1_i2v_480",
      baseImageUrl: single.imageUrl,
      videoGenOriginImageUrl: single.imageUrl,
    });
    expect(grid.videoUrls).toHaveLength(4);
    expect(grid.videoUrl).toBe(grid.videoUrls![0]!.url);
    const webp = await mediaOf(h, grid.imageUrl);
    expect(webp.type).toBe("image/webp");
    expect((await sharp(webp.data, { animated: true }).metadata()).pages).toBeGreaterThan(1);
    const job = grid.properties.messageHash as string;
    expect(grid.buttons.map((b) => b.customId)).toEqual([
      ...[1, 2, 3, 4].map((n) => `MJ::JOB::video_virtual_upscale::${n}::${job}`),
      `MJ::JOB::reroll::0::${job}::SOLO`,
    ]);

    const u1 = await h.settle(
      (
        await press(
          h,
          grid.id,
          buttonId(grid, (id) => id.includes("video_virtual_upscale::1")),
        )
      ).result as string,
    );
    expect(u1).toMatchObject({ action: "UPSCALE", contentType: "video/mp4", videoDuration: 5 });
    expect(u1.videoUrl).toBe(u1.imageUrl);
    expect(u1.videoUrls).toHaveLength(1);
    expect(u1.videoUrls![0]!.url).toBe(u1.imageUrl);
    const mp4 = await mediaOf(h, u1.imageUrl);
    expect(mp4.type).toBe("video/mp4");
    expect(mp4.data.subarray(4, 8).toString("latin1")).toBe("ftyp");
    // Video U1 is the grid's first clip, poster and all.
    expect(mp4.data.equals((await mediaOf(h, grid.videoUrls![0]!.url)).data)).toBe(true);
    const poster = await mediaOf(h, u1.videoUrls![0]!.thumbnail);
    expect(poster.type).toBe("image/webp");
    expect(poster.data.equals((await mediaOf(h, grid.videoUrls![0]!.thumbnail)).data)).toBe(true);
    expect(u1.buttons.map((b) => b.label)).toEqual(["Extend (High motion)", "Extend (Low motion)"]);

    const extendId = buttonId(u1, (id) => id.includes("animate_low_extend"));
    expect((await press(h, u1.id, extendId, { enableRemix: true })).code).toBe(21);
    const extended = await h.settle((await press(h, u1.id, extendId)).result as string);
    expect(extended).toMatchObject({ action: "VIDEO", contentType: "video/mp4", videoDuration: 9 });
    expect(extended.buttons.map((b) => b.label)).toEqual(["Extend (High motion)", "Extend (Low motion)"]);
    expect(mp4Seconds((await mediaOf(h, extended.imageUrl)).data)).toBe(9);
  });
});
