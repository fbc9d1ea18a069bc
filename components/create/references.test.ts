import { describe, expect, it } from "vitest";
import {
  addReference,
  isReferenceValue,
  isUseAsKind,
  needsHosting,
  previewsInPrompt,
  referenceValues,
  removeReference,
  setPersonalization,
} from "./references";

const A = "https://cdn.example/a.png";
const B = "https://cdn.example/b.png";

describe("referenceValues", () => {
  it("reads every kind from typed text", () => {
    const text = `${A} ${B} a cat --sref 1234567 random ${A} --sw 300 --oref ${B} --cref ${A} --p abc m7x9`;
    expect(referenceValues(text, "image")).toEqual([A, B]);
    expect(referenceValues(text, "style")).toEqual(["1234567", "random", A]);
    expect(referenceValues(text, "omni")).toEqual([B]);
    expect(referenceValues(text, "character")).toEqual([A]);
    expect(referenceValues(text, "personalization")).toEqual(["abc", "m7x9"]);
  });

  it("is empty for a kind the prompt does not use, and for a bare --p", () => {
    expect(referenceValues("a cat --p", "style")).toEqual([]);
    expect(referenceValues("a cat --p", "personalization")).toEqual([]);
    expect(referenceValues("a cat", "image")).toEqual([]);
  });
});

describe("addReference", () => {
  it("puts image prompts at the start of the prompt", () => {
    expect(addReference("a cat --v 7", "image", A)).toBe(`${A} a cat --v 7`);
    expect(addReference(`${A} a cat`, "image", B)).toBe(`${A} ${B} a cat`);
  });

  it("adds style values after those already there", () => {
    const once = addReference("a cat --v 8.1", "style", A);
    expect(referenceValues(once, "style")).toEqual([A]);
    const twice = addReference(once, "style", "1234567");
    expect(referenceValues(twice, "style")).toEqual([A, "1234567"]);
    expect(twice).toContain("--v 8.1");
    expect(twice.startsWith("a cat")).toBe(true);
  });

  it("replaces the omni image, which is one", () => {
    const text = addReference(addReference("a cat --v 7", "omni", A), "omni", B);
    expect(referenceValues(text, "omni")).toEqual([B]);
    expect(text.match(/--oref/g)).toHaveLength(1);
  });

  it("leaves the text alone for a value already there", () => {
    const text = `a cat --sref ${A}`;
    expect(addReference(text, "style", A)).toBe(text);
  });

  it("turns personalization on with a code", () => {
    expect(referenceValues(addReference("a cat", "personalization", "m7x9"), "personalization")).toEqual([
      "m7x9",
    ]);
  });
});

describe("removeReference", () => {
  it("removes one value and keeps the others in order", () => {
    const text = `a cat --sref 1 2 3 --sw 300`;
    const next = removeReference(text, "style", 1);
    expect(referenceValues(next, "style")).toEqual(["1", "3"]);
    expect(next).toContain("--sw 300");
  });

  it("takes a kind's weights with its last value", () => {
    expect(removeReference("a cat --sref 1234567 --sw 300 --sv 4", "style", 0).trim()).toBe("a cat");
    expect(removeReference(`${A} a cat --iw 2`, "image", 0).trim()).toBe("a cat");
    expect(removeReference(`a cat --v 7 --oref ${A} --ow 200`, "omni", 0).trim()).toBe("a cat --v 7");
    expect(removeReference(`a cat --cref ${A} --cw 50`, "character", 0).trim()).toBe("a cat");
  });

  it("keeps --iw when inline image prompts still use it", () => {
    expect(removeReference(`${A} a cat --iw 2`, "image", 0, { keepWeights: true }).trim()).toBe(
      "a cat --iw 2",
    );
  });

  it("keeps personalization on when its last code goes", () => {
    const next = removeReference("a cat --p m7x9", "personalization", 0);
    expect(next.trim()).toBe("a cat --p");
  });

  it("round-trips with addReference", () => {
    const text = "a cat --v 8.1 --hd";
    expect(removeReference(addReference(text, "style", "1234567"), "style", 0)).toBe(text);
    expect(removeReference(addReference(text, "image", A), "image", 0)).toBe(text);
  });
});

describe("setPersonalization", () => {
  it("turns a bare --p on and off, and keeps codes while on", () => {
    const on = setPersonalization("a cat", true);
    expect(on).toBe("a cat --p");
    expect(setPersonalization(on, false)).toBe("a cat");
    expect(setPersonalization("a cat --p m7x9", true)).toBe("a cat --p m7x9");
    expect(setPersonalization("a cat --p m7x9", false)).toBe("a cat");
  });
});

describe("needsHosting", () => {
  const origin = "http://studio.local:3000";
  it("is true for local data and the app's own media", () => {
    expect(needsHosting("data:image/png;base64,AAAA", origin)).toBe(true);
    expect(needsHosting("/api/media/1/grid", origin)).toBe(true);
    expect(needsHosting(`${origin}/api/media/1/grid`, origin)).toBe(true);
  });

  it("is false for public URLs and for codes", () => {
    expect(needsHosting(A, origin)).toBe(false);
    expect(needsHosting("//cdn.example/a.png", origin)).toBe(false);
    expect(needsHosting("1234567", origin)).toBe(false);
    expect(needsHosting("random", origin)).toBe(false);
  });
});

describe("isReferenceValue", () => {
  const accepts = (kind: Parameters<typeof isReferenceValue>[0], words: string[]) =>
    words.filter((word) => isReferenceValue(kind, word));

  it("takes image URLs and the app's own paths in the image, omni and character bins", () => {
    const words = [
      A,
      "http://x.example/a.png",
      "/api/media/t1/0",
      "//evil.example/x.png",
      "--no",
      "1234",
      "ftp://x/a",
    ];
    for (const kind of ["image", "omni", "character"] as const)
      expect(accepts(kind, words)).toEqual([A, "http://x.example/a.png", "/api/media/t1/0"]);
  });

  it("takes style codes, random and URLs as style, weighted or not, and no parameter", () => {
    const words = [
      "1234567",
      "random",
      "RANDOM",
      "123::2",
      A,
      "/api/media/t1/0",
      "--no",
      "—sref",
      "--sref",
      "//host/x.png",
      "abc",
      "12a",
    ];
    expect(accepts("style", words)).toEqual(["1234567", "random", "RANDOM", "123::2", A, "/api/media/t1/0"]);
  });

  it("takes personalization codes of letters, digits, - and _, never a parameter or a URL", () => {
    const words = ["abc", "m7x9", "mood_board-1", "12345", "--no", "-x", "—p", "//host", A, "a.b", "_x"];
    expect(accepts("personalization", words)).toEqual(["abc", "m7x9", "mood_board-1", "12345"]);
  });
});

describe("isUseAsKind", () => {
  it("knows the three hand-over kinds", () => {
    expect(["image", "style", "omni", "character", null, "x"].map(isUseAsKind)).toEqual([
      true,
      true,
      true,
      false,
      false,
      false,
    ]);
  });
});

describe("previewsInPrompt", () => {
  const previews = new Map([
    [A, "data:image/webp;base64,AAAA"],
    [B, "data:image/webp;base64,BBBB"],
  ]);

  it("drops the pictures of URLs the prompt no longer names, whatever kind held them", () => {
    expect([...previewsInPrompt(previews, `${A} a cat --v 7`).keys()]).toEqual([A]);
    expect([...previewsInPrompt(previews, `a cat --sref ${B}`).keys()]).toEqual([B]);
    expect(previewsInPrompt(previews, "a cat").size).toBe(0);
  });

  it("keeps the same map when every URL is still there", () => {
    expect(previewsInPrompt(previews, `${A} a cat --oref ${B}`)).toBe(previews);
  });
});
