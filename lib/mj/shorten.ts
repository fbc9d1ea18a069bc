import { imagePromptUrls, parsePrompt, setImagePromptUrls, type PromptParamKey } from "./prompt-params";
import { withParam } from "./prompt-diff";
import type { Task } from "./task";

/**
 * The analysis a finished SHORTEN task carries (docs/protocol.md §3.6) in `properties.finalPrompt`
 * and `description`: an "Important tokens" line, where `~~word~~` is a token Midjourney would drop
 * and `word (0.41)` one it weighs, then a "Shortened prompts" list numbered 1️⃣ … 5️⃣. Midjourney's
 * own Discord wording varies (headers in capitals, `**word**` for the kept tokens, weights only
 * after "Show Details", "1." numbering), so the parser reads what it recognises and never throws.
 */

export interface ShortenToken {
  text: string;
  /** 0 for a dropped token; null when the text gives no weight. */
  weight: number | null;
}

export interface ShortenAnalysis {
  tokens: ShortenToken[];
  prompts: string[];
}

/** A header line, however it is dressed: `**Important tokens**`, `## SHORTENED PROMPTS:`. */
const HEADER_DRESS = /[*_#:\s]/g;
const TOKENS_HEADER = /^importanttokens?$/i;
const PROMPTS_HEADER = /^shortenedprompts?$/i;

/** `1️⃣ text` (keycap, with or without the variation selector), `1. text`, `1) text`. */
const NUMBERED = /^\s*(?:[1-9]\uFE0F?\u20E3|\d{1,2}[.)])\s*(.*)$/u;

/** A weight as Midjourney prints it: `(0.41)`, `(1.00)`, `(1)`, `(.5)`. */
const WEIGHT = String.raw`\(\s*(\d*\.?\d+)\s*\)`;
/** One token of the tokens section: struck, bold, a bare weight (of the token before it), or a word. */
const TOKEN = new RegExp(String.raw`~~(.+?)~~|\*\*(.+?)\*\*|${WEIGHT}|([^\s]+?)(?=\s*${WEIGHT}|\s|$)`, "gu");
/** A weight inside the markers: `**cat (1.00)**`. */
const TRAILING_WEIGHT = new RegExp(String.raw`^(.*?)\s*${WEIGHT}$`, "u");

function headerOf(line: string): "tokens" | "prompts" | null {
  const bare = line.replace(HEADER_DRESS, "");
  if (TOKENS_HEADER.test(bare)) return "tokens";
  if (PROMPTS_HEADER.test(bare)) return "prompts";
  return null;
}

function weightOf(value: string): number | null {
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

/** A marked token's text and the weight written inside its markers, if any. */
function marked(inner: string, dropped: boolean): ShortenToken {
  const match = TRAILING_WEIGHT.exec(inner.trim());
  const text = (match?.[1] ?? inner).trim();
  const weight = dropped ? 0 : match?.[2] !== undefined ? weightOf(match[2]) : null;
  return { text, weight };
}

function parseTokens(text: string): ShortenToken[] {
  const tokens: ShortenToken[] = [];
  for (const [, struck, bold, weight, word] of text.matchAll(TOKEN)) {
    if (struck !== undefined) tokens.push(marked(struck, true));
    else if (bold !== undefined) tokens.push(marked(bold, false));
    else if (word !== undefined) tokens.push({ text: word, weight: null });
    else if (weight !== undefined) {
      const last = tokens.at(-1);
      if (last && last.weight === null) last.weight = weightOf(weight);
    }
  }
  return tokens.filter((token) => token.text !== "");
}

/** A prompt line without its numbering and without Markdown bold around all of it. */
function promptText(line: string): string {
  const text = line.trim();
  const bold = /^\*\*(.+)\*\*$/u.exec(text);
  return (bold?.[1] ?? text).trim();
}

export function parseShortenAnalysis(text: unknown): ShortenAnalysis {
  if (typeof text !== "string") return { tokens: [], prompts: [] };
  const lines = text.split(/\r?\n/);
  const hasPromptsHeader = lines.some((line) => headerOf(line) === "prompts");
  let section: "tokens" | "prompts" | null = null;
  const tokenLines: string[] = [];
  const prompts: string[] = [];
  for (const line of lines) {
    const header = headerOf(line);
    if (header) {
      section = header;
      continue;
    }
    const numbered = NUMBERED.exec(line);
    // Without a "Shortened prompts" header, numbered lines outside the tokens are the prompts.
    if (numbered && (section === "prompts" || (!hasPromptsHeader && section !== "tokens"))) {
      const prompt = promptText(numbered[1] ?? "");
      if (prompt) prompts.push(prompt);
    } else if (section === "tokens") {
      tokenLines.push(line);
    }
  }
  return { tokens: parseTokens(tokenLines.join(" ")), prompts };
}

/**
 * A finished SHORTEN task's analysis and the text it was read from: `properties.finalPrompt`, else
 * `description` (relays may keep only one of them). `text` is shown as it is when nothing parses.
 */
export function shortenAnalysisOf(task: Pick<Task, "properties" | "description">): ShortenAnalysis & {
  text: string;
} {
  const candidates = [task.properties.finalPrompt, task.description].filter(
    (value): value is string => typeof value === "string" && value.trim() !== "",
  );
  for (const text of candidates) {
    const analysis = parseShortenAnalysis(text);
    if (analysis.tokens.length > 0 || analysis.prompts.length > 0) return { ...analysis, text };
  }
  return { tokens: [], prompts: [], text: candidates[0] ?? "" };
}

/** `--sref 123 456` → `--sref`. */
const flagOf = (raw: string) => raw.split(/\s/, 1)[0]?.toLowerCase() ?? "";

/**
 * A shortened prompt ready to imagine: Midjourney shortens the words only, so the image prompts
 * (leading URLs) and `--parameters` of the prompt it analysed (aspect, version, style references…)
 * are put back. A parameter the shortened text already has is never doubled (a modelled one takes
 * the analysed prompt's value); image prompts are put back only when the shortened text has none.
 */
export function withAnalysedParams(shortened: string, analysed: string): string {
  const { params, unknown } = parsePrompt(analysed);
  let text = shortened.trim();
  const urls = imagePromptUrls(analysed);
  if (urls.length > 0 && imagePromptUrls(text).length === 0) text = setImagePromptUrls(text, urls);
  for (const key of Object.keys(params) as PromptParamKey[]) text = withParam(text, params, key);
  const present = new Set(parsePrompt(text).unknown.map(flagOf));
  for (const raw of unknown) if (!present.has(flagOf(raw))) text = `${text} ${raw}`;
  return text;
}
