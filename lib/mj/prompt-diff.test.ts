import { describe, expect, it } from "vitest";
import { promptChanges, receivedPrompts, samePrompt } from "./prompt-diff";
import { taskSchema } from "./task";

const makeTask = (fields: Record<string, unknown>) => taskSchema.parse({ id: "1", ...fields });

describe("promptChanges", () => {
  it("lists what the upstream appended and dropped (trueai's seed, per-account Draft)", () => {
    expect(promptChanges("a cat --ar 16:9 --v 7", "a cat --ar 16:9 --seed 42 --draft")).toEqual({
      added: ["--seed 42", "--draft"],
      removed: ["--v 7"],
      textChanged: false,
    });
  });

  it("sees a speed flag removed by a relay or rewritten by the account", () => {
    expect(promptChanges("a cat --relax", "a cat")).toEqual({
      added: [],
      removed: ["--relax"],
      textChanged: false,
    });
    expect(promptChanges("a cat --turbo", "a cat --fast")).toEqual({
      added: ["--fast"],
      removed: ["--turbo"],
      textChanged: false,
    });
  });

  it("compares parameters by meaning, not spelling", () => {
    expect(
      promptChanges("a cat --aspect 2:3 --stylize 100 --SREF  123", "a cat --ar 2:3 --s 100 --sref 123"),
    ).toEqual({
      added: [],
      removed: [],
      textChanged: false,
    });
  });

  it("tells when the words changed (a translation), ignoring Discord's angle-bracketed links", () => {
    expect(promptChanges("一只猫 --v 7", "a cat --v 7").textChanged).toBe(true);
    expect(promptChanges("https://x.test/a.png a cat", "<https://x.test/a.png> a cat").textChanged).toBe(
      false,
    );
  });
});

describe("samePrompt", () => {
  it("ignores spacing only", () => {
    expect(samePrompt(" a  cat --v 7", "a cat --v 7 ")).toBe(true);
    expect(samePrompt("a cat --v 7", "a cat --v 7 --seed 1")).toBe(false);
  });
});

describe("receivedPrompts", () => {
  const done = { status: "SUCCESS", action: "IMAGINE" };

  it("shows trueai's seed as added though it stripped it from every prompt on success", () => {
    const task = makeTask({
      ...done,
      prompt: "a cat --v 7",
      seed: "123456",
      properties: { finalPrompt: "a cat --v 7" },
    });
    expect(receivedPrompts(task)).toEqual({
      prompt: "a cat --v 7",
      translated: null,
      received: {
        text: "a cat --v 7 --seed 123456",
        changes: { added: ["--seed 123456"], removed: [], textChanged: false },
      },
    });
    // No echo at all: the seed is still the one change.
    expect(
      receivedPrompts(makeTask({ ...done, prompt: "a cat", seed: "7" }))?.received?.changes.added,
    ).toEqual(["--seed 7"]);
  });

  it("adds it next to the upstream's other rewrites, once, and not when the echo still has it", () => {
    const rewritten = makeTask({
      ...done,
      prompt: "a cat --v 7",
      seed: "42",
      properties: { finalPrompt: "a cat --draft" },
    });
    expect(receivedPrompts(rewritten)?.received?.changes).toEqual({
      added: ["--seed 42", "--draft"],
      removed: ["--v 7"],
      textChanged: false,
    });
    const running = makeTask({
      status: "IN_PROGRESS",
      action: "IMAGINE",
      prompt: "a cat",
      seed: "42",
      properties: { finalPrompt: "a cat --seed 42" },
    });
    expect(receivedPrompts(running)?.received).toEqual({
      text: "a cat --seed 42",
      changes: { added: ["--seed 42"], removed: [], textChanged: false },
    });
  });

  it("says nothing of a seed the user typed, of tasks trueai seeds not, or of a task without one", () => {
    expect(receivedPrompts(makeTask({ ...done, prompt: "a cat --seed 42", seed: "42" }))).toBeNull();
    expect(receivedPrompts(makeTask({ ...done, action: "UPSCALE", prompt: "a cat", seed: "42" }))).toBeNull();
    expect(receivedPrompts(makeTask({ ...done, prompt: "a cat" }))).toBeNull();
    expect(
      receivedPrompts(makeTask({ ...done, action: "DESCRIBE", prompt: "x.png", seed: "42" })),
    ).toBeNull();
  });

  it("keeps a translation, with the seed added to what was sent", () => {
    const task = makeTask({ ...done, prompt: "一只猫", promptEn: "a cat", seed: "9" });
    expect(receivedPrompts(task)).toEqual({
      prompt: "一只猫",
      translated: "a cat",
      received: { text: "a cat --seed 9", changes: { added: ["--seed 9"], removed: [], textChanged: false } },
    });
  });
});
