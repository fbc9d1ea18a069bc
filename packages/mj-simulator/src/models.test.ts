import sharp from "sharp";
import { afterEach, describe, expect, it } from "vitest";
import { rejectionOf } from "./models";
import { closeAll, harness, mediaOf } from "./test-support";

afterEach(closeAll);

describe("per-model validation (§11.2): only what is certain fails", () => {
  it.each<[string, string]>([
    ["a cat --q 2", "[Invalid parameter] --quality is not compatible with --version 8.1"],
    ["a cat --v 8.1 --quality 1", "[Invalid parameter] --quality is not compatible with --version 8.1"],
    [
      "a cat --v 8.1 --hd --ar 7:1",
      "[Invalid parameter] Aspect ratio 7:1 exceeds the maximum of 4:1 for --hd",
    ],
    ["a cat --sd --ar 1:15", "[Invalid parameter] Aspect ratio 1:15 exceeds the maximum of 14:1 for --sd"],
    ["a cat --s 5000", "[Invalid parameter] --stylize must be between 0 and 1000, got 5000"],
    ["a cat --v 7 --chaos 101", "[Invalid parameter] --chaos must be between 0 and 100, got 101"],
    [
      "a cat --seed 4294967296",
      "[Invalid parameter] --seed must be between 0 and 4294967295, got 4294967296",
    ],
    [
      "a cat --ar 1.5:1",
      "[Invalid parameter] Invalid aspect ratio 1.5:1: use two whole numbers, like --ar 3:2",
    ],
    ["a cat --s lots", '[Invalid parameter] --s expects a number, got "lots"'],
    ["a cat --v", "[Invalid parameter] --v needs a value"],
    ["a cat --v 6 --oref https://x/a.png", "[Invalid parameter] --oref is not compatible with --version 6"],
    ["a cat --niji 6 --oref https://x/a.png", "[Invalid parameter] --oref is not compatible with --niji 6"],
    ["a cat --v 7 --cref https://x/a.png", "[Invalid parameter] --cref is not compatible with --version 7"],
    ["a cat --cref https://x/a.png", "[Invalid parameter] --cref is not compatible with --version 8.1"],
    ["a cat --v 6.1 --draft", "[Invalid parameter] --draft is not compatible with --version 6.1"],
    ["a cat --v 7 --hd", "[Invalid parameter] --hd is not compatible with --version 7"],
    ["a cat --v 6.0 --exp 10", "[Invalid parameter] --exp is not compatible with --version 6"],
    ["a cat --v 7 --exp 101", "[Invalid parameter] --exp must be between 0 and 100, got 101"],
    ["a cat --v 6 --q 2", "[Invalid parameter] --quality 2 is not accepted on --version 6: use 0.25, 0.5, 1"],
    ["a cat --v 8 --q 2", "[Invalid parameter] --quality 2 is not accepted on --version 8: use 1, 4"],
    ["a cat --v 8 --iw 1", "[Invalid parameter] --iw is not compatible with --version 8"],
    ["a cat --v 7 --iw 4", "[Invalid parameter] --iw must be between 0 and 3, got 4"],
    ["a cat --v 7 --sref 123 --sw 1001", "[Invalid parameter] --sw must be between 0 and 1000, got 1001"],
    ["a cat --v 6 --sv 5", "[Invalid parameter] --sv must be between 1 and 4, got 5"],
    ["a cat --v 7 --weird 3001", "[Invalid parameter] --weird must be between 0 and 3000, got 3001"],
    ["a cat --v 8.1 --style raw", "[Invalid parameter] --style is not compatible with --version 8.1"],
    ["a cat --v 7 --stop 5", "[Invalid parameter] --stop must be between 10 and 100, got 5"],
  ])("%s fails: %s", (prompt, reason) => {
    expect(rejectionOf(prompt, "MID_JOURNEY", null)).toBe(reason);
  });

  it.each([
    // Today's prompts on the default model.
    "a cat --v 8.1 --hd --ar 7:2 --sref 1234567 --sw 300 --p",
    "a cat --ar 7:1",
    "a cat --ar 7:1 --sd --raw --exp 50 --w 500",
    // Disputed (D-marked) or unknown (?) on that model: the server may accept them.
    "a cat --v 8.1 --oref https://x/a.png --ow 2000",
    "a cat --v 8.1 --draft",
    "a cat --v 8.2 --q 2",
    "a cat --v 7 --q 4",
    "a cat --v 7 --sv 6",
    "a cat --v 7 --ow 0 --oref https://x/a.png",
    "a cat --v 7 --draft --style raw",
    "a cat --niji 7 --q 2 --exp 10",
    "a cat --v 7 dog::2",
    // Unknown versions run, checked only against the universal rules.
    "a cat --v 9 --q 8 --hd --oref u",
    "a cat --niji 8 --cref u",
    "a cat --v 6 --q .5 --cw 50 --cref https://x/a.png",
    "a cat --v 6.1 --stylize 1000 --chaos 0 --seed 0 --no red, blue",
  ])("%s runs", (prompt) => {
    expect(rejectionOf(prompt, "MID_JOURNEY", null)).toBeNull();
  });

  it("checks a version's own limits only under that version", () => {
    expect(rejectionOf("a cat --v 9 --s 5000", "MID_JOURNEY", null)).toMatch(/--stylize must be between/);
    expect(rejectionOf("a cat --niji 6 --q 2", "NIJI_JOURNEY", null)).toMatch(/--niji 6: use/);
  });

  it("refuses Turbo on V8.1 however it was asked for; V8.2 (disputed) and V7 take it", () => {
    const reason = "[Invalid parameter] Turbo mode is not available for --version 8.1";
    expect(rejectionOf("a cat --turbo", "MID_JOURNEY", "TURBO")).toBe(reason);
    expect(rejectionOf("a cat --v 8.1", "MID_JOURNEY", "TURBO")).toBe(reason);
    expect(rejectionOf("a cat --v 7", "MID_JOURNEY", "TURBO")).toBeNull();
    expect(rejectionOf("a cat --v 8.2", "MID_JOURNEY", "TURBO")).toBeNull();
    // A prefix asking for Fast replaces the flag (§8.4).
    expect(rejectionOf("a cat --turbo", "MID_JOURNEY", "FAST")).toBeNull();
  });
});

describe("an invalid prompt fails the task, not the submit", () => {
  it("is accepted with code 1, then fails with Midjourney's words before any preview", async () => {
    const h = harness();
    const envelope = await h.submit("/mj/submit/imagine", { prompt: "a cat --v 8.1 --q 2" });
    expect(envelope.code).toBe(1);
    const failed = await h.settle(envelope.result as string);
    expect(failed).toMatchObject({
      status: "FAILURE",
      failReason: "[Invalid parameter] --quality is not compatible with --version 8.1",
      imageUrl: null,
      buttons: [],
    });
  });

  it("a modal's prompt is judged when it is confirmed", async () => {
    const h = harness();
    const grid = await h.settle(
      (await h.submit("/mj/submit/imagine", { prompt: "a cat --v 7" })).result as string,
    );
    const v1 = grid.buttons.find((b) => b.label === "V1")!.customId;
    const opened = await h.submit("/mj/submit/action", { taskId: grid.id, customId: v1, enableRemix: true });
    await h.submit("/mj/submit/modal", {
      taskId: opened.result,
      prompt: "a cat --v 7 --cref https://x/a.png",
    });
    expect(await h.settle(opened.result as string)).toMatchObject({
      status: "FAILURE",
      failReason: "[Invalid parameter] --cref is not compatible with --version 7",
    });
  });

  it("Turbo by path prefix on the default model fails; on V7 it runs as TURBO", async () => {
    const h = harness();
    const v81 = await h.submit("/mj-turbo/mj/submit/imagine", { prompt: "quick cat" });
    expect(await h.settle(v81.result as string)).toMatchObject({
      status: "FAILURE",
      failReason: "[Invalid parameter] Turbo mode is not available for --version 8.1",
      mode: "TURBO",
    });
    const v7 = await h.submit("/mj-turbo/mj/submit/imagine", { prompt: "quick cat --v 7" });
    expect(await h.settle(v7.result as string)).toMatchObject({ status: "SUCCESS", mode: "TURBO" });
  });
});

describe("versions and modes on the task", () => {
  it("a prompt without --v runs as v 8.1; --niji alone is niji 7", async () => {
    const h = harness();
    const version = async (prompt: string, botType?: string) =>
      (await h.settle((await h.submit("/mj/submit/imagine", { prompt, botType })).result as string)).version;
    expect(await version("a cat")).toBe("v 8.1");
    expect(await version("a cat --v 7")).toBe("v 7");
    expect(await version("a cat --version 6.1")).toBe("v 6.1");
    expect(await version("a cat --niji")).toBe("niji 7");
    expect(await version("a cat --v 9")).toBe("v 9");
    // A Niji bot without --niji: trueai's default, prefixed niji (§5.2.1).
    expect(await version("a cat", "NIJI_JOURNEY")).toBe("niji 8.1");
  });

  it("mode: the path prefix, else accountFilter, else the prompt's flag, else FAST (§3, §8.4)", async () => {
    const h = harness();
    const mode = async (path: string, body: Record<string, unknown>) =>
      (await h.settle((await h.submit(path, body)).result as string)).mode;
    expect(await mode("/mj-relax/mj/submit/imagine", { prompt: "a --v 7" })).toBe("RELAX");
    expect(await mode("/mj-fast/mj/submit/imagine", { prompt: "a --v 7 --relax" })).toBe("FAST");
    expect(await mode("/mj-turbo/mj/submit/imagine", { prompt: "a --v 7" })).toBe("TURBO");
    expect(
      await mode("/mj/submit/imagine", { prompt: "a --v 7 --relax", accountFilter: { modes: ["TURBO"] } }),
    ).toBe("TURBO");
    expect(await mode("/mj/submit/imagine", { prompt: "a --relax" })).toBe("RELAX");
    expect(await mode("/mj/submit/imagine", { prompt: "a" })).toBe("FAST");
  });

  it("request statistics show the prefixed path as requested", async () => {
    const h = harness();
    await h.submit("/mj-relax/mj/submit/imagine", { prompt: "counted" });
    await h.submit("/mj/submit/imagine", { prompt: "counted" });
    expect(h.sim.stats().byPath).toMatchObject({
      "/mj-relax/mj/submit/imagine": 1,
      "/mj/submit/imagine": 1,
    });
  });
});

describe("draft (--draft)", () => {
  it("finishes in about half the time, at half the resolution, with the grid buttons", async () => {
    const h = harness();
    const run = async (prompt: string) =>
      h.settle((await h.submit("/mj/submit/imagine", { prompt: `${prompt} --seed 7` })).result as string);
    const full = await run("a draft lighthouse --v 7");
    const draft = await run("a draft lighthouse --v 7 --draft");
    const draftMs = draft.finishTime! - draft.startTime!;
    const fullMs = full.finishTime! - full.startTime!;
    expect(draftMs).toBeLessThan(fullMs * 0.8);
    expect([draft.width, draft.height]).toEqual([full.width! / 2, full.height! / 2]);
    const meta = await sharp((await mediaOf(h, draft.imageUrl)).data).metadata();
    expect([meta.width, meta.height]).toEqual([draft.width, draft.height]);
    expect(draft.properties.finalPrompt).toContain("--draft");
    expect(draft.buttons.map((b) => b.label || b.emoji)).toEqual(full.buttons.map((b) => b.label || b.emoji));
    // Drafts run on V8.1 (disputed there, so accepted) and V7, not on V6.
    expect((await run("a draft --draft")).status).toBe("SUCCESS");
    expect((await run("a draft --v 6 --draft")).status).toBe("FAILURE");
  });
});
