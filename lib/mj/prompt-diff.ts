import { knownSeed } from "./enhance";
import { parsePrompt, setParam, type PromptParamKey, type PromptParams } from "./prompt-params";
import type { Task } from "./task";

/**
 * How the prompt Midjourney received differs from the one sent. Servers rewrite prompts on the way
 * (docs/protocol.md §8.4): trueai appends `--seed`, per-account Draft adds `--draft` and drops
 * `--v`, speed flags are added or removed, a relay's clear mode deletes them. The linter reads what
 * the user typed; this shows what changed after it.
 */
export interface PromptChanges {
  /** Parameters in the received prompt only, in canonical form (`--seed 42`). */
  added: string[];
  /** Parameters in the sent prompt only. */
  removed: string[];
  /** Whether the words (everything but the parameters) differ too. */
  textChanged: boolean;
}

/** `text` with one parameter set from `params` (left alone when absent there). Key and value stay paired. */
export function withParam<K extends PromptParamKey>(text: string, params: PromptParams, key: K): string {
  const value = params[key];
  return value === null || value === false ? text : setParam(text, key, value);
}

/** Every parameter of a prompt as canonical text, modelled ones first, then the rest verbatim. */
function paramWords(text: string): string[] {
  const { params, unknown } = parsePrompt(text);
  const modelled = (Object.keys(params) as PromptParamKey[])
    .map((key) => withParam("", params, key).trim())
    .filter((word) => word !== "");
  return [...modelled, ...unknown.map((raw) => raw.replace(/\s+/g, " "))];
}

/** Discord's echo wraps links in angle brackets (`<https://…>`); that is no change. */
const words = (text: string) =>
  parsePrompt(text)
    .text.replace(/<(https?:\/\/[^\s>]+)>/gi, "$1")
    .replace(/\s+/g, " ")
    .trim();

export function promptChanges(sent: string, received: string): PromptChanges {
  const before = paramWords(sent);
  const after = paramWords(received);
  const lower = (list: string[]) => new Set(list.map((word) => word.toLowerCase()));
  const had = lower(before);
  const has = lower(after);
  return {
    added: after.filter((word) => !had.has(word.toLowerCase())),
    removed: before.filter((word) => !has.has(word.toLowerCase())),
    textChanged: words(sent) !== words(received),
  };
}

/** Whether two prompts differ beyond spacing. */
export function samePrompt(a: string, b: string): boolean {
  return a.replace(/\s+/g, " ").trim() === b.replace(/\s+/g, " ").trim();
}

/** Tasks whose `promptEn` and `finalPrompt` hold results (describe's prompts, shorten's analysis), not prompts. */
const TEXT_RESULTS = new Set(["DESCRIBE", "SHORTEN"]);

/** The jobs trueai sends with its anti-collision seed when the prompt has none (docs/protocol.md §8.4). */
const SEEDED_ACTIONS = new Set(["IMAGINE", "BLEND", "VIDEO"]);

export interface ReceivedPrompts {
  /** What the user typed. */
  prompt: string;
  /** A relay's translation (`promptEn`), when it differs. */
  translated: string | null;
  /** What Midjourney was given and how it differs from what was sent. */
  received: { text: string; changes: PromptChanges } | null;
}

/**
 * What Midjourney was given, where it differs from what the user typed (docs/protocol.md §8.4): a
 * relay's translation (`promptEn`), and the upstream's echo (`properties.finalPrompt`) with the
 * parameters it added or dropped. trueai strips its own `--seed` from every prompt on success and
 * keeps it only in `seed`, so a seed the user did not type is put back here as added. Null when
 * everything says the same as the prompt.
 */
export function receivedPrompts(task: Task): ReceivedPrompts | null {
  const prompt = task.prompt?.trim() ?? "";
  const final = task.properties.finalPrompt;
  if (!prompt || TEXT_RESULTS.has(task.action ?? "")) return null;
  const en = task.promptEn?.trim() ?? "";
  const translated = en && !samePrompt(en, prompt) ? en : null;
  const sent = translated ?? prompt;
  const echo = typeof final === "string" ? final.trim() : "";
  // With no `--seed` typed, knownSeed is the task's `seed` field: the one trueai drew.
  const seed = parsePrompt(prompt).params.seed === null ? knownSeed(task) : null;
  const base = echo || sent;
  const text =
    seed !== null && SEEDED_ACTIONS.has(task.action ?? "") && parsePrompt(base).params.seed === null
      ? setParam(base, "seed", Number(seed))
      : base;
  const received = samePrompt(text, sent) ? null : { text, changes: promptChanges(sent, text) };
  return translated || received ? { prompt, translated, received } : null;
}
