import type { Aspect } from "./render";

/**
 * What the simulator reads out of a Midjourney prompt. It is deliberately forgiving, as Midjourney
 * itself is about parameters it does not need: an unreadable `--ar` falls back to 1:1.
 */

/** Words that make a job fail (trueai) or be refused at submit (novicezk), matched as whole words. */
const BANNED_WORDS: readonly string[] = ["gore", "nsfw", "banned"];

export type SpeedMode = "FAST" | "RELAX" | "TURBO";

const MAX_RATIO = 14;

const BANNED_PATTERNS = BANNED_WORDS.map(
  (word) => [word, new RegExp(`(?<![\\p{L}\\p{N}])${word}(?![\\p{L}\\p{N}])`, "iu")] as const,
);

export function findBannedWord(prompt: string): string | null {
  return BANNED_PATTERNS.find(([, pattern]) => pattern.test(prompt))?.[0] ?? null;
}

function parameter(prompt: string, names: string, value: string): RegExpExecArray | null {
  return new RegExp(`(?:^|\\s)--(?:${names})\\s+${value}(?=\\s|$)`, "i").exec(prompt);
}

/** `--ar W:H` / `--aspect W:H`; ratios beyond 14:1 (V8.1 SD's limit, §11.2) are not something Midjourney renders. */
export function parseAspect(prompt: string): Aspect | null {
  const match = parameter(prompt, "ar|aspect", "(\\d{1,3})\\s*:\\s*(\\d{1,3})");
  if (!match) return null;
  const w = Number(match[1]);
  const h = Number(match[2]);
  if (w < 1 || h < 1 || w / h > MAX_RATIO || h / w > MAX_RATIO) return null;
  return { w, h };
}

/** `--seed N` within Midjourney's range 0..4294967295. */
export function parseSeed(prompt: string): number | null {
  const match = parameter(prompt, "seed|sameseed", "(\\d{1,10})");
  if (!match) return null;
  const seed = Number(match[1]);
  return seed <= 4294967295 ? seed : null;
}

/** `--zoom x` as Custom Zoom sends it; the caller checks the 1.0-2.0 range. */
export function parseZoom(prompt: string): number | null {
  const match = parameter(prompt, "zoom", "(\\d+(?:\\.\\d+)?)");
  return match ? Number(match[1]) : null;
}

/** The speed flag in a prompt, the lowest-priority source of a task's requested mode (§3). */
export function parseSpeed(prompt: string): SpeedMode | null {
  const match = /(?:^|\s)--(fast|relax|turbo)(?=\s|$)/i.exec(prompt);
  return match ? (match[1]!.toUpperCase() as SpeedMode) : null;
}

/** Which upscaler family the Upscale buttons of an image belong to (§5.2). */
export type UpscalerFamily = "v7" | "v6r1" | "v6" | "v5";

/** trueai's model when a prompt names none: 8.1 since 2026-07-07, 7 before (§5.2.1). */
export const DEFAULT_VERSION = "8.1";
/** A bare `--niji` is Niji 7 for trueai (§11.1). */
const BARE_NIJI = "7";
const NUMBER = "(\\d+(?:\\.\\d+)?)";

export interface ModelVersion {
  /** trueai's `version` field: `v 8.1`, `v 6.1`, `niji 7`. */
  label: string;
  niji: boolean;
  /** The number as written: `8.1`, `6.0`, `7`. */
  value: string;
}

/**
 * The model a prompt runs on, read as trueai reads it for its buttons (§5.2.1): `--version`/`--v`,
 * else `--niji <n>` (bare = 7), else the default; a Niji bot or any `--niji` makes it `niji …`.
 */
export function parseVersion(prompt: string, botType: string): ModelVersion {
  const niji = /(?:^|\s)--niji(?:\s+(\d+(?:\.\d+)?))?(?=\s|$)/i.exec(prompt);
  const value =
    parameter(prompt, "v|version", NUMBER)?.[1] ?? (niji ? (niji[1] ?? BARE_NIJI) : DEFAULT_VERSION);
  const isNiji = niji !== null || botType === "NIJI_JOURNEY";
  return { label: `${isNiji ? "niji" : "v"} ${value}`, niji: isNiji, value };
}

/** `--draft`: a faster, half-resolution draft job (V7 and later, §11.2). */
export function isDraft(prompt: string): boolean {
  return /(?:^|\s)--draft(?=\s|$)/i.test(prompt);
}

/**
 * The subject text without `--` parameters: what the renderer should draw. Parameters the
 * simulator understands travel in the recipe separately (aspect, seed), so `a cat --ar 16:9`
 * and `a cat --ar 16:9 --stylize 50` draw the same cat.
 */
export function subjectOf(prompt: string): string {
  const index = prompt.search(/(?:^|\s)--[a-z]/i);
  return (index === -1 ? prompt : prompt.slice(0, index)).trim();
}
