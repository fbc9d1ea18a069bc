import { describe, expect, it } from "vitest";
import { enhancedPrompt, enhanceRequest, hasDraftFlag, isDraftResult, knownSeed } from "./enhance";
import { taskSchema } from "./task";

const task = (fields: Record<string, unknown>) =>
  taskSchema.parse({ id: "1", action: "IMAGINE", status: "SUCCESS", ...fields });

describe("hasDraftFlag", () => {
  it.each([
    ["a cat --draft --v 7", true],
    ["--draft a cat", true],
    ["a cat —draft", true],
    ["a cat --DRAFT", true],
    ["a cat --drafts", false],
    ["a cat drafted --v 7", false],
    ["https://x/a--draft.png a cat", false],
    ["", false],
  ])("%j → %s", (text, expected) => {
    expect(hasDraftFlag(text)).toBe(expected);
  });
});

describe("isDraftResult", () => {
  it("is a finished image task whose prompt or echo has --draft", () => {
    expect(isDraftResult(task({ prompt: "a cat --draft --v 7" }))).toBe(true);
    expect(isDraftResult(task({ prompt: "a cat", properties: { finalPrompt: "a cat --draft" } }))).toBe(true);
    expect(isDraftResult(task({ prompt: "a cat --v 7" }))).toBe(false);
  });

  it("is not an unfinished task, nor a text result", () => {
    expect(isDraftResult(task({ prompt: "a cat --draft", status: "IN_PROGRESS" }))).toBe(false);
    expect(isDraftResult(task({ prompt: "a cat --draft", action: "SHORTEN" }))).toBe(false);
    expect(isDraftResult(task({ prompt: "a cat --draft", action: "DESCRIBE" }))).toBe(false);
  });
});

describe("knownSeed", () => {
  it("prefers the task's seed field, then the prompt's --seed", () => {
    expect(knownSeed(task({ prompt: "a cat --seed 7", seed: "123" }))).toBe("123");
    expect(knownSeed(task({ prompt: "a cat --seed 7" }))).toBe("7");
    expect(knownSeed(task({ prompt: "a cat" }))).toBeNull();
    expect(knownSeed(task({ prompt: "a cat", seed: "not a seed" }))).toBeNull();
  });
});

describe("enhancedPrompt", () => {
  it("drops --draft and adds the seed, leaving everything else as typed", () => {
    expect(enhancedPrompt(task({ prompt: "a cat --ar 16:9 --draft --v 7 --sref 123" }), "4242")).toBe(
      "a cat --ar 16:9 --v 7 --seed 4242 --sref 123",
    );
  });

  it("replaces a --seed the prompt had with the task's seed", () => {
    expect(enhancedPrompt(task({ prompt: "--draft a cat --seed 1" }), "99")).toBe("a cat --seed 99");
  });

  it("without a seed keeps the prompt's own --seed, or none", () => {
    expect(enhancedPrompt(task({ prompt: "a cat --draft --seed 5" }), null)).toBe("a cat --seed 5");
    expect(enhancedPrompt(task({ prompt: "a cat —draft --relax" }), null)).toBe("a cat --relax");
  });

  it("ignores a seed that is not a number", () => {
    expect(enhancedPrompt(task({ prompt: "a cat --draft" }), "seedError")).toBe("a cat");
  });

  it("falls back to the echo when the task kept no prompt", () => {
    expect(enhancedPrompt(task({ properties: { finalPrompt: "a cat --draft --v 7" } }), "1")).toBe(
      "a cat --v 7 --seed 1",
    );
  });
});

describe("enhanceRequest", () => {
  const image = "data:image/png;base64,iVBORw0KGgo=";

  it("keeps the image prompts sent inline and the bot of the request the app sent, with the new prompt", () => {
    const draft = task({ prompt: "a cat --draft", botType: "MID_JOURNEY" });
    const original = { prompt: "a cat --draft", base64Array: [image], botType: "NIJI_JOURNEY" as const };
    expect(enhanceRequest(draft, "a cat --seed 1", original)).toEqual({
      prompt: "a cat --seed 1",
      base64Array: [image],
      botType: "NIJI_JOURNEY",
    });
  });

  it("without a kept request sends the prompt and the task's bot", () => {
    expect(enhanceRequest(task({ botType: "NIJI_JOURNEY" }), "a cat", null)).toEqual({
      prompt: "a cat",
      botType: "NIJI_JOURNEY",
    });
    expect(enhanceRequest(task({ botType: "INSIGHT_FACE" }), "a cat", null)).toEqual({ prompt: "a cat" });
  });
});
