import {
  imagePromptUrls,
  parsePrompt,
  setImagePromptUrls,
  setParam,
  splitValues,
  type PromptParamKey,
  type PromptParams,
} from "@/lib/mj/prompt-params";

/**
 * What the composer's reference bins hold, read from and written to the prompt text, which stays
 * the single source of truth (as for the parameter controls): typed `--sref 123 --sw 300` fills the
 * style bin, and removing a chip removes the value from the text. Pure string work over
 * prompt-params, so it is unit-tested without a browser.
 */

export const REFERENCE_KINDS = ["image", "style", "omni", "character", "personalization"] as const;
export type ReferenceKind = (typeof REFERENCE_KINDS)[number];

/** The kinds an image can become, by file, drop, paste or URL. */
export type ImageReferenceKind = Exclude<ReferenceKind, "personalization">;

/** What "Use as …" on a finished image offers. */
export const USE_AS_KINDS = ["image", "style", "omni"] as const;
export type UseAsKind = (typeof USE_AS_KINDS)[number];

export function isUseAsKind(value: string | null): value is UseAsKind {
  return (USE_AS_KINDS as readonly (string | null)[]).includes(value);
}

/** The weights that tune a kind; they mean nothing without it, so they go with its last value. */
export const REFERENCE_WEIGHTS = {
  image: ["iw"],
  style: ["sw", "sv"],
  omni: ["ow"],
  character: ["cw"],
  personalization: [],
} as const satisfies Record<ReferenceKind, readonly PromptParamKey[]>;

export type ReferenceWeightKey = (typeof REFERENCE_WEIGHTS)[ReferenceKind][number];

/** Omni reference takes one image: a new one replaces it. */
const SINGLE: ReadonlySet<ReferenceKind> = new Set(["omni"]);

/**
 * The values a kind holds in the prompt, in order: URLs, style codes and `random`, personalization
 * codes. `params` is the prompt's parse when the caller already has it.
 */
export function referenceValues(
  text: string,
  kind: ReferenceKind,
  params: PromptParams = parsePrompt(text).params,
): string[] {
  switch (kind) {
    case "image":
      return imagePromptUrls(text);
    case "style":
      return splitValues(params.sref);
    case "omni":
      return splitValues(params.oref);
    case "character":
      return splitValues(params.cref);
    case "personalization":
      return splitValues(params.profile);
  }
}

function writeValues(text: string, kind: ReferenceKind, values: readonly string[]): string {
  const joined = values.join(" ");
  switch (kind) {
    case "image":
      return setImagePromptUrls(text, values);
    case "style":
      return setParam(text, "sref", joined || null);
    case "omni":
      return setParam(text, "oref", joined || null);
    case "character":
      return setParam(text, "cref", joined || null);
    case "personalization":
      // Removing the last code keeps personalization on (bare `--p`); the switch turns it off.
      return setParam(text, "profile", joined);
  }
}

/** Adds a value to a kind (replacing the omni image); a value already there changes nothing. */
export function addReference(text: string, kind: ReferenceKind, value: string): string {
  const values = referenceValues(text, kind);
  if (values.includes(value)) return text;
  return writeValues(text, kind, SINGLE.has(kind) ? [value] : [...values, value]);
}

/**
 * Removes the value at `index`. Removing a kind's last value also removes its weights, unless
 * `keepWeights` (image prompts sent inline still use `--iw`).
 */
export function removeReference(
  text: string,
  kind: ReferenceKind,
  index: number,
  { keepWeights = false }: { keepWeights?: boolean } = {},
): string {
  const values = referenceValues(text, kind).filter((_, i) => i !== index);
  let next = writeValues(text, kind, values);
  if (values.length === 0 && !keepWeights)
    for (const key of REFERENCE_WEIGHTS[kind]) next = setParam(next, key, null);
  return next;
}

/** Personalization on (bare `--p`, or the codes already there) or off (no `--p` at all). */
export function setPersonalization(text: string, on: boolean): string {
  if (!on) return setParam(text, "profile", null);
  return parsePrompt(text).params.profile === null ? setParam(text, "profile", "") : text;
}

/**
 * The pictures of hosted references (URL -> data URL, about 1 MB each) that the prompt still names;
 * the same map when none went, so a caller's state stays put.
 */
export function previewsInPrompt<T>(previews: ReadonlyMap<string, T>, text: string): ReadonlyMap<string, T> {
  const kept = [...previews].filter(([url]) => text.includes(url));
  return kept.length === previews.size ? previews : new Map(kept);
}

export function isHttpUrl(value: string): boolean {
  return /^https?:\/\//i.test(value) && URL.canParse(value);
}

/** One of the app's own paths ("/api/media/…"); "//host/x.png" is another host's, not ours. */
const APP_PATH = /^\/(?!\/)/;

/** A style code or `random`, weighted or not (`123::2`). */
const STYLE_CODE = /^(?:random|\d+)(?:::-?\d+(?:\.\d+)?)?$/i;

/**
 * A profile or moodboard code: letters and digits, with `-` and `_` after the first. Permissive,
 * but never a word the prompt would read as a parameter (`--no`, `—sref`) or a URL (`//host`).
 */
const PERSONALIZATION_CODE = /^[a-z0-9][\w-]*$/i;

/**
 * Whether a word typed into a bin's field may go into the prompt as a value of `kind`: an image
 * URL (http(s), or the app's own path, uploaded first), a style code or `random` for style, a code
 * for personalization.
 */
export function isReferenceValue(kind: ReferenceKind, value: string): boolean {
  const image = isHttpUrl(value) || APP_PATH.test(value);
  switch (kind) {
    case "personalization":
      return PERSONALIZATION_CODE.test(value);
    case "style":
      return image || STYLE_CODE.test(value);
    default:
      return image;
  }
}

/**
 * Whether an image location must be copied to the upstream before a prompt can name it: local
 * data, and the app's own media (same origin, or a relative path), which the upstream cannot reach.
 * Any other http(s) URL is public enough to go into the prompt as it is.
 */
export function needsHosting(value: string, origin: string): boolean {
  if (/^data:/i.test(value) || APP_PATH.test(value)) return true;
  return isHttpUrl(value) && new URL(value).origin === origin;
}
