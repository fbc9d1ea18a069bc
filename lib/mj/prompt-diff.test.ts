import { describe, expect, it } from "vitest";
import { promptChanges, samePrompt } from "./prompt-diff";

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
