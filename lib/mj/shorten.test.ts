import { describe, expect, it } from "vitest";
import { parseShortenAnalysis, shortenAnalysisOf, withAnalysedParams } from "./shorten";
import { taskSchema } from "./task";

/** The simulator's text for "a very beautiful cat in a garden at sunset" (the shared contract). */
const CONTRACT = [
  "**Important tokens**",
  "~~a~~ ~~very~~ beautiful (0.41) cat (1.00) ~~in~~ ~~a~~ garden (0.52) ~~at~~ sunset (0.33)",
  "",
  "**Shortened prompts**",
  "1️⃣ beautiful cat garden sunset",
  "2️⃣ beautiful cat garden",
  "3️⃣ cat garden sunset",
  "4️⃣ cat garden",
  "5️⃣ cat",
].join("\n");

describe("parseShortenAnalysis", () => {
  it("reads the contract's tokens, weights and prompts", () => {
    expect(parseShortenAnalysis(CONTRACT)).toEqual({
      tokens: [
        { text: "a", weight: 0 },
        { text: "very", weight: 0 },
        { text: "beautiful", weight: 0.41 },
        { text: "cat", weight: 1 },
        { text: "in", weight: 0 },
        { text: "a", weight: 0 },
        { text: "garden", weight: 0.52 },
        { text: "at", weight: 0 },
        { text: "sunset", weight: 0.33 },
      ],
      prompts: [
        "beautiful cat garden sunset",
        "beautiful cat garden",
        "cat garden sunset",
        "cat garden",
        "cat",
      ],
    });
  });

  it("reads Discord's wording: capital headers, bold kept tokens without weights, keycaps without FE0F", () => {
    const text = [
      "**IMPORTANT TOKENS**",
      "~~a~~ **beautiful** **cat** ~~in the~~ **garden**",
      "**SHORTENED PROMPTS**",
      "1\u20E3 beautiful cat garden",
      "2\u20E3 cat garden",
    ].join("\r\n");
    expect(parseShortenAnalysis(text)).toEqual({
      tokens: [
        { text: "a", weight: 0 },
        { text: "beautiful", weight: null },
        { text: "cat", weight: null },
        { text: "in the", weight: 0 },
        { text: "garden", weight: null },
      ],
      prompts: ["beautiful cat garden", "cat garden"],
    });
  });

  it("takes weights inside bold markers, glued to the word, and in short forms", () => {
    expect(
      parseShortenAnalysis("## Important tokens:\n**cat (1.00)** dog(0.5) owl ( .25 ) fox (1)").tokens,
    ).toEqual([
      { text: "cat", weight: 1 },
      { text: "dog", weight: 0.5 },
      { text: "owl", weight: 0.25 },
      { text: "fox", weight: 1 },
    ]);
  });

  it('reads prompts numbered "1." and "1)", with or without a header, and unwraps bold prompts', () => {
    expect(parseShortenAnalysis("Shortened prompts\n1. **cat garden**\n2) cat").prompts).toEqual([
      "cat garden",
      "cat",
    ]);
    expect(parseShortenAnalysis("1. cat garden\n2. cat").prompts).toEqual(["cat garden", "cat"]);
  });

  it("keeps a token section spread over several lines, and prompts out of it", () => {
    const text = "Important tokens\n~~a~~ cat (1.00)\ngarden (0.5)\n\nShortened prompts\n1️⃣ cat garden";
    expect(parseShortenAnalysis(text)).toEqual({
      tokens: [
        { text: "a", weight: 0 },
        { text: "cat", weight: 1 },
        { text: "garden", weight: 0.5 },
      ],
      prompts: ["cat garden"],
    });
  });

  it.each([
    ["an empty text", ""],
    ["the submit description", "/shorten a very beautiful cat"],
    ["prose", "Submit success"],
    ["unclosed markers", "**Important tokens\n~~a **b (0.4"],
    ["not a string", null],
    ["a number", 42],
  ])("gives empty lists for %s and never throws", (_, text) => {
    const parsed = parseShortenAnalysis(text);
    expect(parsed.prompts).toEqual([]);
    expect(Array.isArray(parsed.tokens)).toBe(true);
  });

  it("gives no tokens where there is no tokens section", () => {
    expect(parseShortenAnalysis("Shortened prompts\n1️⃣ cat").tokens).toEqual([]);
  });
});

describe("withAnalysedParams", () => {
  it("puts the analysed prompt's parameters back after the shortened words", () => {
    expect(
      withAnalysedParams("cat garden", "a very beautiful cat in a garden --ar 16:9 --v 7 --s 250 --relax"),
    ).toBe("cat garden --ar 16:9 --v 7 --s 250 --relax");
  });

  it("keeps reference, personalization and draft parameters, and unmodelled ones verbatim", () => {
    expect(withAnalysedParams("cat", "a cat --v 8.1 --sref 123 456 --draft --p --stop 80")).toBe(
      "cat --v 8.1 --sref 123 456 --p --draft --stop 80",
    );
  });

  it("never doubles a parameter the shortened text already has", () => {
    expect(withAnalysedParams("cat --ar 1:1 --sref 123", "a cat --ar 16:9 --sref 123")).toBe(
      "cat --ar 16:9 --sref 123",
    );
  });

  it("puts the analysed prompt's image prompts back in front, unless the shortened text has its own", () => {
    const analysed = "https://x.test/a.png https://x.test/b.png a cat in a garden --iw 2 --v 7";
    expect(withAnalysedParams("cat garden", analysed)).toBe(
      "https://x.test/a.png https://x.test/b.png cat garden --v 7 --iw 2",
    );
    expect(withAnalysedParams("https://x.test/c.png cat", analysed)).toBe(
      "https://x.test/c.png cat --v 7 --iw 2",
    );
  });

  it("leaves a prompt without parameters as the shortened words", () => {
    expect(withAnalysedParams("  cat garden ", "a cat in a garden")).toBe("cat garden");
  });
});

describe("shortenAnalysisOf", () => {
  const task = (fields: Record<string, unknown>) =>
    taskSchema.parse({ id: "1", action: "SHORTEN", status: "SUCCESS", ...fields });

  it("reads properties.finalPrompt, else the description", () => {
    expect(shortenAnalysisOf(task({ properties: { finalPrompt: CONTRACT } })).prompts).toHaveLength(5);
    expect(
      shortenAnalysisOf(task({ description: CONTRACT, properties: { finalPrompt: "" } })).prompts,
    ).toHaveLength(5);
    expect(
      shortenAnalysisOf(task({ description: CONTRACT, properties: { finalPrompt: "/shorten a cat" } })).text,
    ).toBe(CONTRACT);
  });

  it("hands back the text when nothing in it parses", () => {
    expect(shortenAnalysisOf(task({ description: "Submit success" }))).toEqual({
      tokens: [],
      prompts: [],
      text: "Submit success",
    });
    expect(shortenAnalysisOf(task({}))).toEqual({ tokens: [], prompts: [], text: "" });
  });
});
