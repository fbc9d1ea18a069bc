import { describe, expect, it } from "vitest";
import { leadingUrl, readVideoFlags, videoPrompt, type VideoPromptParts } from "./video-request";

const START = "http://sim.test/attachments/20260101/a.png";
const END = "http://sim.test/attachments/20260101/b.png";
const parts = (over: Partial<VideoPromptParts> = {}): VideoPromptParts => ({
  startUrl: START,
  prompt: "waves roll in",
  loop: false,
  endUrl: null,
  motion: "low",
  batchSize: null,
  ...over,
});

describe("the prompt trueai writes for /submit/video (§3.7)", () => {
  it("puts the start frame first and adds --video 1, the end, the motion and a batch of 1 or 2", () => {
    expect(videoPrompt(parts())).toBe(`${START} waves roll in --video 1 --motion low`);
    expect(videoPrompt(parts({ endUrl: END, motion: "high", batchSize: 2 }))).toBe(
      `${START} waves roll in --video 1 --end ${END} --motion high --bs 2`,
    );
    // 4 is Midjourney's default: nothing is written, nor for a size it does not know.
    expect(videoPrompt(parts({ batchSize: 4 }))).toBe(videoPrompt(parts({ batchSize: 3 })));
    expect(videoPrompt(parts({ batchSize: 4 }))).not.toContain("--bs");
  });

  it("writes loop instead of the end frame, and keeps flags the prompt already has", () => {
    expect(videoPrompt(parts({ loop: true, endUrl: END }))).toBe(
      `${START} waves roll in --video 1 --end loop --motion low`,
    );
    expect(
      videoPrompt(parts({ prompt: "waves --motion high --bs 1 --end loop", endUrl: END, batchSize: 2 })),
    ).toBe(`${START} waves --motion high --bs 1 --end loop --video 1`);
  });

  it("does not repeat a start frame the prompt already holds; an extend has none", () => {
    expect(videoPrompt(parts({ prompt: `<${START}> waves` }))).toBe(
      `<${START}> waves --video 1 --motion low`,
    );
    expect(videoPrompt(parts({ startUrl: null, motion: "high" }))).toBe(
      "waves roll in --video 1 --motion high",
    );
  });
});

describe("what Midjourney reads from a video prompt (§11.3)", () => {
  it("reads motion, batch and the end; --loop and --end loop loop, and loop wins", () => {
    expect(readVideoFlags(`${START} a --video 1 --motion high --bs 2`)).toEqual({
      ok: true,
      flags: { motion: "high", batch: 2, end: null },
    });
    expect(readVideoFlags(`${START} a --end <${END}>`)).toEqual({
      ok: true,
      flags: { motion: "low", batch: 4, end: { url: END } },
    });
    for (const prompt of [`a --end loop`, `a --loop`, `a --loop --end ${END}`]) {
      expect(readVideoFlags(prompt)).toMatchObject({ ok: true, flags: { end: "loop" } });
    }
  });

  it("refuses what it cannot take with [Invalid parameter]", () => {
    expect(readVideoFlags("a --motion medium")).toEqual({
      ok: false,
      rejection: "[Invalid parameter] --motion must be low or high, got medium",
    });
    expect(readVideoFlags("a --bs 3")).toEqual({
      ok: false,
      rejection: "[Invalid parameter] --bs must be 1, 2 or 4, got 3",
    });
    expect(readVideoFlags("a --end sunset")).toMatchObject({ ok: false });
  });

  it("finds the start frame at the head of a prompt only", () => {
    expect(leadingUrl(`${START} waves`)).toBe(START);
    expect(leadingUrl(`  <${START}> waves`)).toBe(START);
    expect(leadingUrl(`waves ${START}`)).toBeNull();
    expect(leadingUrl("ftp://x/y.png waves")).toBeNull();
  });
});
