import { parsePrompt, setParam, type PromptParamKey, type PromptParams } from "@/lib/mj/prompt-params";

/**
 * The user's sticky settings, as midjourney.com keeps them: what was chosen in the Settings panel
 * goes with every next prompt (and survives visits) unless the prompt sets that parameter itself.
 * They are kept as parameter text ("--ar 16:9 --s 250"), so what is stored is read back by the
 * same parser as the prompt and anything stale or hand-edited is simply dropped.
 *
 * Only the look-and-run settings are sticky: a seed, an exclusion, tiling or a reference's weight
 * belongs to one prompt. The model goes first, since how `--raw` is written depends on it.
 */
export const STICKY_KEYS = [
  "version",
  "niji",
  "aspect",
  "resolution",
  "stylize",
  "chaos",
  "weird",
  "exp",
  "quality",
  "raw",
  "draft",
  "speed",
] as const satisfies readonly PromptParamKey[];

type StickyKey = (typeof STICKY_KEYS)[number];

function isSet(params: PromptParams, key: StickyKey): boolean {
  const value = params[key];
  return value !== null && value !== false;
}

/** A prompt that names a model (`--v` or `--niji`) keeps it: a default of the other kind would contradict it. */
function promptSets(params: PromptParams, key: StickyKey): boolean {
  if (key === "version" || key === "niji") return isSet(params, "version") || isSet(params, "niji");
  return isSet(params, key);
}

function copy(text: string, params: PromptParams, key: StickyKey): string {
  // A per-key call keeps setParam's key/value pairing typed.
  return setParam(text, key, params[key]);
}

/** Stored text reduced to the sticky parameters, in canonical form ("" when none). */
export function cleanDefaults(text: string): string {
  const params = parsePrompt(text).params;
  return STICKY_KEYS.reduce((out, key) => (isSet(params, key) ? copy(out, params, key) : out), "").trim();
}

/** The defaults the prompt does not override, each as it would be written ("--ar 16:9"). */
export function pendingDefaults(prompt: string, defaults: string): string[] {
  const own = parsePrompt(prompt).params;
  const params = parsePrompt(defaults).params;
  return STICKY_KEYS.filter((key) => isSet(params, key) && !promptSets(own, key)).map((key) =>
    copy("", params, key).trim(),
  );
}

/** The prompt as it is sent: the defaults it does not set itself appended to it. */
export function withDefaults(prompt: string, defaults: string): string {
  const own = parsePrompt(prompt).params;
  const params = parsePrompt(defaults).params;
  return STICKY_KEYS.reduce(
    (text, key) => (isSet(params, key) && !promptSets(own, key) ? copy(text, params, key) : text),
    prompt,
  );
}

/** The prompt without any sticky parameter: what "Reset to defaults" leaves of it. */
export function withoutSettings(prompt: string): string {
  return STICKY_KEYS.reduce(
    (text, key) => setParam(text, key, key === "raw" || key === "draft" ? false : null),
    prompt,
  );
}
