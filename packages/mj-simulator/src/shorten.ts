import { subjectOf } from "./prompt";
import { Rng, seedOf } from "./rng";

/**
 * What `/shorten` answers (§3.6): every word of the prompt with the weight Midjourney gives it,
 * filler words struck out, and five shorter prompts made of the heavier words. The weights are
 * drawn from the words with the seeded rng, so a prompt always analyses the same way. The text
 * is the format the app parses (parseShortenAnalysis in lib/mj/shorten.ts):
 *
 *     **Important tokens**
 *     ~~a~~ ~~very~~ beautiful (0.41) cat (1.00) ~~in~~ ~~a~~ garden (0.52) ~~at~~ sunset (0.33)
 *
 *     **Shortened prompts**
 *     1️⃣ beautiful cat garden sunset
 *     …
 *     5️⃣ cat
 */

const STOP_WORDS = new Set(
  (
    "a an the and or but of in on at to for from with by as into onto over under very really " +
    "quite so some is are was were be been being it its this that these those there here"
  ).split(" "),
);

const KEYCAPS = ["1️⃣", "2️⃣", "3️⃣", "4️⃣", "5️⃣"] as const;

interface Token {
  text: string;
  /** Null for a dropped filler word. */
  weight: number | null;
}

/** Words of the prompt without its parameters, trailing punctuation cut off. */
function words(prompt: string): string[] {
  return subjectOf(prompt)
    .split(/[\s,;]+/)
    .map((word) => word.replace(/[.!?:]+$/, ""))
    .filter(Boolean);
}

function tokensOf(prompt: string): Token[] {
  const all = words(prompt);
  const rng = new Rng(seedOf("shorten", all.join(" ").toLowerCase()));
  const drawn = all.map((text) => ({
    text,
    stop: STOP_WORDS.has(text.toLowerCase()),
    raw: rng.range(0.1, 1),
  }));
  // A prompt of filler words only still has something to keep.
  const keepAll = drawn.every((t) => t.stop);
  const kept = drawn.filter((t) => keepAll || !t.stop);
  const top = Math.max(...kept.map((t) => t.raw));
  return drawn.map((t) => ({
    text: t.text,
    // The heaviest word is 1.00 and the others relative to it, as Midjourney shows them.
    weight: keepAll || !t.stop ? Math.max(0.01, Math.round((t.raw / top) * 100) / 100) : null,
  }));
}

/**
 * Five prompts, longest first: all kept words, then without the lightest, without the
 * second-lightest, the heaviest half (at least two), the heaviest one. Words keep their order.
 */
function shortened(tokens: readonly Token[]): string[] {
  const kept = tokens.filter((t): t is Token & { weight: number } => t.weight !== null);
  const byWeight = [...kept].sort((a, b) => b.weight - a.weight);
  const n = kept.length;
  const without = (lightest: number) => new Set(byWeight.filter((_, i) => i !== n - lightest));
  const heaviest = (count: number) => new Set(byWeight.slice(0, Math.max(1, count)));
  const picks = [
    new Set(kept),
    n > 1 ? without(1) : new Set(kept),
    n > 2 ? without(2) : heaviest(n - 1),
    heaviest(Math.min(n - 1, Math.max(2, Math.ceil(n / 2)))),
    heaviest(1),
  ];
  return picks.map((pick) =>
    kept
      .filter((t) => pick.has(t))
      .map((t) => t.text)
      .join(" "),
  );
}

/** The analysis text, or null when the prompt has no words to analyse. */
export function analysePrompt(prompt: string): string | null {
  const tokens = tokensOf(prompt);
  if (tokens.length === 0) return null;
  const line = tokens
    .map((t) => (t.weight === null ? `~~${t.text}~~` : `${t.text} (${t.weight.toFixed(2)})`))
    .join(" ");
  return [
    "**Important tokens**",
    line,
    "",
    "**Shortened prompts**",
    ...shortened(tokens).map((p, i) => `${KEYCAPS[i]} ${p}`),
  ].join("\n");
}
