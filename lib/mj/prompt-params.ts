/**
 * Midjourney `--` parameters inside prompt text. The Create page keeps its parameter controls and the
 * prompt textarea in sync both ways, so this module reads the parameters into control values, rewrites
 * one parameter without disturbing anything else the user typed, and explains the values Midjourney
 * would reject before a job is spent on them. Pure string work: it runs in the browser and the server.
 *
 * A parameter is a word starting with `--` (or `—`, which iOS autocorrect makes of `--`) after
 * whitespace or at the start, so `https://x/a--b.png` stays prompt text. Its value is the next word,
 * except for the list parameters (`--no`, `--sref`, `--cref`, `--p`), whose value runs to the next
 * parameter. Parameters MJ Studio doesn't model keep every word up to the next parameter too, since
 * their arity isn't known here.
 *
 * Midjourney is the authority (docs/protocol.md §11.5): errors are kept for values that are certainly
 * invalid on any model; what depends on the model (lib/mj/models.ts) or isn't known only warns.
 */

import {
  ALL_QUALITIES,
  DISPUTES,
  MODEL_PARAMS,
  modelCapabilities,
  PARAM_RANGES,
  type DisputeId,
  type ModelParam,
  type ModelResolution,
  type ModelSpec,
  type RangedParam,
  type Support,
} from "./models";

export const SPEEDS = ["relax", "fast", "turbo"] as const;
export type Speed = (typeof SPEEDS)[number];

export const RESOLUTIONS = ["hd", "sd"] as const;
export type Resolution = (typeof RESOLUTIONS)[number];

/**
 * The modelled parameters; null / false means absent. A number that isn't a number reads as null
 * (and is reported); an out-of-range one is kept, so the control shows what was typed.
 */
export interface PromptParams {
  /** `--ar` / `--aspect`, as written: "16:9". */
  aspect: string | null;
  /** `--v` / `--version`: "8.1", "6.1". */
  version: string | null;
  /** `--niji 6` reads "6"; a bare `--niji` (Midjourney's current default Niji) reads "". */
  niji: string | null;
  /** `--hd` / `--sd` (V8.x). */
  resolution: Resolution | null;
  /** `--s` / `--stylize`. */
  stylize: number | null;
  /** `--c` / `--chaos`. */
  chaos: number | null;
  /** `--w` / `--weird`. */
  weird: number | null;
  /** `--exp`. */
  exp: number | null;
  /** `--q` / `--quality`. */
  quality: number | null;
  seed: number | null;
  /** `--iw`: the weight of the image prompts (the leading URLs, see imagePromptUrls). */
  iw: number | null;
  /** `--sref`: URLs, numeric codes or `random`, space separated (see splitValues). */
  sref: string | null;
  /** `--sw`. */
  sw: number | null;
  /** `--sv`. */
  sv: number | null;
  /** `--oref`: one URL. */
  oref: string | null;
  /** `--ow`. */
  ow: number | null;
  /** `--cref`: URLs, space separated. */
  cref: string | null;
  /** `--cw`. */
  cw: number | null;
  /** `--p` / `--profile`: "" for a bare `--p` (the default profile), else profile and moodboard codes. */
  profile: string | null;
  /** `--no cars, trees`: everything up to the next parameter, whitespace collapsed. */
  no: string | null;
  tile: boolean;
  /** `--raw`, or `--style raw`; which one is written depends on the model (ModelSpec.rawFlag). */
  raw: boolean;
  /** `--draft`. */
  draft: boolean;
  /** `--relax` / `--fast` / `--turbo`. */
  speed: Speed | null;
}

export type PromptParamKey = keyof PromptParams;

/** Stable identifiers, so the UI can translate a message; `args` holds the values it interpolates. */
export type PromptIssueCode =
  | "missing_value"
  | "not_a_number"
  | "not_integer"
  | "out_of_range"
  | "range_warning"
  | "quality_unlisted"
  | "aspect_format"
  | "aspect_not_positive"
  | "aspect_range"
  | "aspect_hd"
  | "aspect_unverified"
  | "version_unknown"
  | "version_legacy"
  | "model_unsupported"
  | "model_unknown_support"
  | "model_disputed"
  | "model_conflict"
  | "speed_conflict"
  | "resolution_conflict"
  | "duplicate"
  | "style_unsupported"
  | "stray_text"
  | "unknown_param";

/** Identifies a fix for translation (`prompt.issues.fix.<code>`). */
export type PromptFixCode = "remove" | "use_raw" | "use_style_raw" | "use_oref" | "use_sd";

/** A rewrite the UI may offer as "Apply fix"; nothing applies it but the user. */
export interface PromptFix {
  code: PromptFixCode;
  /** English; translations key on `code`. */
  label: string;
  args: Record<string, string | number>;
  /** The prompt with the fix applied: it changes the one parameter and leaves every other byte alone. */
  apply: (text: string) => string;
}

export interface PromptIssue {
  /** The control to highlight; "prompt" for problems with the prompt text itself. */
  param: PromptParamKey | "prompt";
  code: PromptIssueCode;
  /** Errors hold the submit (the value is certainly invalid); warnings never do. */
  severity: "error" | "warning";
  /** English; translations key on `code`. */
  message: string;
  args: Record<string, string | number>;
  fix?: PromptFix;
}

export interface ParsedPrompt {
  /** The prompt without any parameters, trimmed. */
  text: string;
  params: PromptParams;
  /** Parameters MJ Studio doesn't model, verbatim and in order (`--zoom 2`); they pass through untouched. */
  unknown: string[];
  issues: PromptIssue[];
  /** The model whose rules the issues applied. */
  model: ModelResolution;
}

/** A check's finding; its severity defaults to the one the caller gives its kind of check. */
type Problem = Pick<PromptIssue, "code" | "message" | "args" | "fix"> & {
  severity?: PromptIssue["severity"];
};

interface ParamSpec<V> {
  /** Lower case; the first is canonical and is what a new parameter is written as. "style raw" matches `--style` only with that value. */
  names: readonly [string, ...string[]];
  label: string;
  /** How many words after the name are its value; "optional" takes the next word only if `takes` it. */
  arity: "none" | "one" | "optional" | "rest";
  takes?: (word: string) => boolean;
  /** A "rest" parameter that may stand alone (`--p`); it reads as "". */
  bare?: boolean;
  /** Shown in "needs a value" messages. */
  example?: string;
  /** The value of one occurrence; `name` is the name as matched, lower case. */
  read: (token: string | undefined, name: string) => V;
  /** The parameter text under the given name, or null when the value means "absent". */
  write: (value: V, name: string) => string | null;
  check?: (token: string) => Problem | null;
}

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)$/;
const VERSION_NUMBER = /^\d+(?:\.\d+)?$/;

const collapse = (value: string) => value.replace(/\s+/g, " ").trim();

function textParam(
  names: readonly [string, ...string[]],
  label: string,
  options: Pick<ParamSpec<string | null>, "takes" | "example" | "check" | "bare"> & {
    arity?: "one" | "optional" | "rest";
  },
): ParamSpec<string | null> {
  const arity = options.arity ?? "one";
  const bare = arity === "optional" || options.bare === true;
  return {
    ...options,
    names,
    label,
    arity,
    read: (token) => (token === undefined ? (bare ? "" : null) : collapse(token)),
    write: (value, name) => {
      if (value === null) return null;
      // Whitespace inside a one-word value would push the rest of it out into the prompt text.
      const clean = arity === "rest" ? collapse(value) : value.replace(/\s+/g, "");
      if (clean === "") return bare ? `--${name}` : null;
      return `--${name} ${clean}`;
    },
  };
}

/** A number, checked against the range that holds on every model (null: any number, as for `--q`). */
function numberParam(
  names: readonly [string, ...string[]],
  label: string,
  rule: { min: number; max: number; integer: boolean } | null,
  example: string,
): ParamSpec<number | null> {
  const flag = `--${names[0]}`;
  return {
    names,
    label,
    arity: "one",
    example,
    read: (token) => (token !== undefined && NUMBER.test(token) ? Number(token) : null),
    // NaN or Infinity can't be written as a Midjourney number: an emptied number field clears the parameter.
    write: (value, name) => (value === null || !Number.isFinite(value) ? null : `--${name} ${String(value)}`),
    check: (token) => {
      const args = { flag, value: token };
      if (!NUMBER.test(token)) {
        return {
          code: "not_a_number",
          message: `${label} (${flag}) must be a number, not "${token}".`,
          args,
        };
      }
      const value = Number(token);
      if (rule === null) return null;
      if (rule.integer && !Number.isInteger(value)) {
        return {
          code: "not_integer",
          message: `${label} (${flag}) must be a whole number, not ${token}.`,
          args,
        };
      }
      if (value >= rule.min && value <= rule.max) return null;
      return outOfRange(label, flag, token, rule);
    },
  };
}

function outOfRange(
  label: string,
  flag: string,
  value: string,
  range: { min: number; max: number },
): Problem {
  const message = `${label} (${flag}) must be between ${range.min} and ${range.max}, not ${value}.`;
  return { code: "out_of_range", message, args: { flag, value, min: range.min, max: range.max } };
}

function flagParam(names: readonly [string, ...string[]], label: string): ParamSpec<boolean> {
  return { names, label, arity: "none", read: () => true, write: (on, name) => (on ? `--${name}` : null) };
}

/** Parameters whose name is their value (`--fast`, `--hd`). */
function choiceParam<V extends string>(choices: readonly [V, ...V[]], label: string): ParamSpec<V | null> {
  return {
    names: choices,
    label,
    arity: "none",
    read: (_token, name) => choices.find((choice) => choice === name) ?? null,
    write: (value) => (value === null ? null : `--${value}`),
  };
}

/** A version that isn't a number is a typo; whether a number is a model MJ Studio knows is the model check's. */
function versionCheck(label: string, flag: string) {
  return (token: string): Problem | null => {
    if (VERSION_NUMBER.test(token)) return null;
    const message = `${label} (${flag}) must be a number, not "${token}".`;
    return { code: "not_a_number", message, args: { flag, value: token } };
  };
}

/** width / height, or null when `--ar` isn't two positive whole numbers. */
function aspectRatio(token: string): number | null {
  const match = /^(\d+):(\d+)$/.exec(token);
  const ratio = match ? Number(match[1]) / Number(match[2]) : Number.NaN;
  return ratio > 0 && Number.isFinite(ratio) ? ratio : null;
}

function checkAspect(token: string): Problem | null {
  const args = { value: token };
  if (!/^(\d+):(\d+)$/.test(token)) {
    const message = `Aspect ratio (--ar) must be two whole numbers like 16:9, not "${token}".`;
    return { code: "aspect_format", message, args };
  }
  if (aspectRatio(token) !== null) return null;
  const message = `Both sides of the aspect ratio (--ar) must be at least 1, not ${token}.`;
  return { code: "aspect_not_positive", message, args };
}

const URL_EXAMPLE = "https://example.com/a.png";

/** Key order is the canonical order: setParam inserts a new parameter after those that precede it here. */
const SPECS: { [K in PromptParamKey]: ParamSpec<PromptParams[K]> } = {
  aspect: textParam(["ar", "aspect"], "Aspect ratio", { example: "16:9", check: checkAspect }),
  version: textParam(["v", "version"], "Model version", {
    example: "8.1",
    check: versionCheck("Model version", "--v"),
  }),
  niji: textParam(["niji"], "Niji version", {
    arity: "optional",
    // `--niji cat` is the default Niji followed by prompt text, not a version called "cat".
    takes: (word) => VERSION_NUMBER.test(word),
    check: versionCheck("Niji version", "--niji"),
  }),
  resolution: choiceParam(RESOLUTIONS, "Resolution"),
  stylize: numberParam(["s", "stylize"], "Stylize", PARAM_RANGES.stylize, "250"),
  chaos: numberParam(["c", "chaos"], "Chaos", PARAM_RANGES.chaos, "10"),
  weird: numberParam(["w", "weird"], "Weird", PARAM_RANGES.weird, "100"),
  exp: numberParam(["exp"], "Experimental", PARAM_RANGES.exp, "25"),
  // The values have changed with almost every version: which are known is the model check's.
  quality: numberParam(["q", "quality"], "Quality", null, "1"),
  seed: numberParam(["seed"], "Seed", PARAM_RANGES.seed, "42"),
  iw: numberParam(["iw"], "Image weight", PARAM_RANGES.iw, "1.5"),
  sref: textParam(["sref"], "Style reference", { arity: "rest", example: "1234567" }),
  sw: numberParam(["sw"], "Style weight", PARAM_RANGES.sw, "100"),
  sv: numberParam(["sv"], "Style version", PARAM_RANGES.sv, "4"),
  oref: textParam(["oref"], "Omni reference", { example: URL_EXAMPLE }),
  ow: numberParam(["ow"], "Omni weight", PARAM_RANGES.ow, "100"),
  cref: textParam(["cref"], "Character reference", { arity: "rest", example: URL_EXAMPLE }),
  cw: numberParam(["cw"], "Character weight", PARAM_RANGES.cw, "100"),
  profile: textParam(["p", "profile", "personalize"], "Personalization", { arity: "rest", bare: true }),
  no: textParam(["no"], "Excluded items", { arity: "rest", example: "cars, trees" }),
  tile: flagParam(["tile"], "Tile"),
  raw: flagParam(["raw", "style raw"], "Raw style"),
  draft: flagParam(["draft"], "Draft"),
  speed: choiceParam(SPEEDS, "Speed"),
};

const KEYS = Object.keys(SPECS) as PromptParamKey[];

const ABSENT: Readonly<PromptParams> = {
  aspect: null,
  version: null,
  niji: null,
  resolution: null,
  stylize: null,
  chaos: null,
  weird: null,
  exp: null,
  quality: null,
  seed: null,
  iw: null,
  sref: null,
  sw: null,
  sv: null,
  oref: null,
  ow: null,
  cref: null,
  cw: null,
  profile: null,
  no: null,
  tile: false,
  raw: false,
  draft: false,
  speed: null,
};

const BY_NAME = new Map(
  KEYS.flatMap((key) =>
    SPECS[key].names.map((name) => {
      const [head = name, literal] = name.split(" ");
      return [head, { key, literal }] as const;
    }),
  ),
);

/**
 * Parameters Midjourney has that no control here sets (video, repeats, legacy upscalers...): they
 * pass through like unknown ones, but aren't reported as unknown.
 */
const KNOWN_UNMODELLED = new Set([
  "stop",
  "r",
  "repeat",
  "video",
  "motion",
  "loop",
  "end",
  "bs",
  "zoom",
  "style",
  "public",
  "stealth",
  "creative",
  "test",
  "testp",
  "upbeta",
  "uplight",
  "upanime",
]);

/** Midjourney styles that only Niji 5 and 6 know; any other model takes only raw. */
const NIJI_STYLES = ["cute", "expressive", "original", "scenic"];
const NIJI_STYLE_VERSIONS = ["5", "6"];

interface Occurrence {
  /** null for a parameter MJ Studio doesn't model. */
  key: PromptParamKey | null;
  /** Lower case, without dashes; "style raw" for that spelling of raw. */
  name: string;
  /** The value words, verbatim; undefined when there are none. */
  token: string | undefined;
}

/** A run of the text: prompt words or one parameter with its value. `lead` is the whitespace before it. */
interface Chunk {
  lead: string;
  raw: string;
}

interface Piece extends Chunk {
  param: Occurrence | null;
}

/** The text, losslessly: rendering the pieces and tail gives it back byte for byte. */
interface Doc {
  pieces: Piece[];
  tail: string;
}

interface Word {
  lead: string;
  word: string;
}

const MARKER = /^(?:--|—)([a-z][a-z0-9]*)$/i;

function markerName(word: Word | undefined): string | null {
  const match = word === undefined ? null : MARKER.exec(word.word);
  return match?.[1]?.toLowerCase() ?? null;
}

function splitPieces(text: string): Doc {
  const words: Word[] = [...text.matchAll(/(\s*)(\S+)/g)].map(([, lead = "", word = ""]) => ({ lead, word }));
  const join = (from: number, to: number) =>
    words
      .slice(from, to)
      .map((word, i) => (i === 0 ? word.word : word.lead + word.word))
      .join("");
  const nextMarker = (from: number) => {
    let i = from;
    while (i < words.length && markerName(words[i]) === null) i++;
    return i;
  };
  const valueLength = (spec: Pick<ParamSpec<unknown>, "arity" | "takes">, from: number) => {
    if (spec.arity === "none") return 0;
    if (spec.arity === "rest") return nextMarker(from) - from;
    const word = words[from];
    if (word === undefined || markerName(word) !== null) return 0;
    return spec.arity === "one" || spec.takes?.(word.word) ? 1 : 0;
  };
  const readParam = (name: string, at: number): { end: number; param: Occurrence } => {
    const next = words[at + 1];
    const entry = BY_NAME.get(name);
    if (entry === undefined || (entry.literal !== undefined && entry.literal !== next?.word.toLowerCase())) {
      const end = nextMarker(at + 1);
      return { end, param: { key: null, name, token: end > at + 1 ? join(at + 1, end) : undefined } };
    }
    const from = entry.literal === undefined ? at + 1 : at + 2;
    const end = from + valueLength(SPECS[entry.key], from);
    const matched = entry.literal === undefined ? name : `${name} ${entry.literal}`;
    return { end, param: { key: entry.key, name: matched, token: end > from ? join(from, end) : undefined } };
  };

  const pieces: Piece[] = [];
  let start = 0;
  while (start < words.length) {
    const name = markerName(words[start]);
    const { end, param } = name === null ? { end: nextMarker(start), param: null } : readParam(name, start);
    pieces.push({ lead: words[start]?.lead ?? "", raw: join(start, end), param });
    start = end;
  }
  const used = words.reduce((length, word) => length + word.lead.length + word.word.length, 0);
  return { pieces, tail: text.slice(used) };
}

function render(pieces: readonly Chunk[], tail: string): string {
  return pieces.map((piece) => piece.lead + piece.raw).join("") + tail;
}

/**
 * Drops pieces with the whitespace before them. A dropped first piece hands its lead (the text's
 * leading whitespace) to the new first piece, so removing reverses setParam's insertion exactly.
 */
function without(doc: Doc, drop: (piece: Piece, index: number) => boolean): Piece[] {
  const pieces: Piece[] = [];
  let lead: string | undefined;
  doc.pieces.forEach((piece, index) => {
    if (drop(piece, index)) {
      if (pieces.length === 0) lead ??= piece.lead;
    } else {
      pieces.push(pieces.length === 0 && lead !== undefined ? { ...piece, lead } : piece);
    }
  });
  return pieces;
}

function readValue<K extends PromptParamKey>(
  params: PromptParams,
  key: K,
  { token, name }: Occurrence,
): void {
  params[key] = SPECS[key].read(token, name);
}

function readParams(doc: Doc): { params: PromptParams; unknown: string[] } {
  const params = { ...ABSENT };
  const unknown: string[] = [];
  for (const { raw, param } of doc.pieces) {
    if (param?.key === null) unknown.push(raw);
    else if (param) readValue(params, param.key, param);
  }
  return { params, unknown };
}

function missingValue(label: string, flag: string, example: string): Problem {
  const message = `${label} (${flag}) needs a value, for example ${flag} ${example}.`;
  return { code: "missing_value", message, args: { flag, example } };
}

function checkValue(key: PromptParamKey, token: string | undefined): Problem | null {
  const spec = SPECS[key];
  if (token !== undefined) return spec.check?.(token) ?? null;
  const required = (spec.arity === "one" || spec.arity === "rest") && spec.bare !== true;
  return required ? missingValue(spec.label, `--${spec.names[0]}`, spec.example ?? "") : null;
}

/** `--style` values other than raw are passed through as unknown, but still worth a look. */
function checkStyle(token: string, niji: string | null): Problem | null {
  const value = token.toLowerCase();
  if (NIJI_STYLES.includes(value) && niji !== null && NIJI_STYLE_VERSIONS.includes(niji)) return null;
  const message = `--style ${token} only works with Niji 5 or 6 (${NIJI_STYLES.join(", ")}); other models take only --style raw.`;
  return { code: "style_unsupported", message, args: { value: token } };
}

/** Midjourney reads words after a parameter as its arguments, and rejects ("Unrecognized argument") what it can't use. */
function strayText(text: string): Problem {
  const message = `"${text}" sits among the parameters, where Midjourney doesn't expect prompt text; move it before the first --parameter.`;
  return { code: "stray_text", message, args: { text } };
}

function unknownParam(name: string): Problem {
  const flag = `--${name}`;
  const message = `${flag} isn't a parameter MJ Studio knows; it is kept and sent as typed for Midjourney to judge.`;
  return { code: "unknown_param", message, args: { flag } };
}

/** The flag as a message shows it: the canonical name, or the spelling of raw that was typed. */
function flagOf(key: PromptParamKey, name: string): string {
  return key === "raw" || key === "speed" || key === "resolution" ? `--${name}` : `--${SPECS[key].names[0]}`;
}

function removeFix(key: PromptParamKey, flag: string): PromptFix {
  return {
    code: "remove",
    label: `Remove ${flag}`,
    args: { flag },
    apply: (text) => setParam(text, key, ABSENT[key]),
  };
}

const RAW_FIXES = {
  "--raw": {
    code: "use_raw",
    label: "Write --raw",
    args: {},
    apply: (text) => writeParam(text, "raw", true, "raw"),
  },
  "--style raw": {
    code: "use_style_raw",
    label: "Write --style raw",
    args: {},
    apply: (text) => writeParam(text, "raw", true, "style raw"),
  },
} as const satisfies Record<ModelSpec["rawFlag"], PromptFix>;

/** The fix a model-support warning offers: another spelling or parameter where there is one, else removing it. */
function supportFix(key: PromptParamKey, modelParam: ModelParam, rules: ModelSpec, flag: string): PromptFix {
  if (modelParam === "raw" || modelParam === "styleRaw") {
    const typed = modelParam === "raw" ? "--raw" : "--style raw";
    if (typed !== rules.rawFlag) return RAW_FIXES[rules.rawFlag];
  }
  if (modelParam === "cref" && rules.params.oref.status === "supported") {
    return {
      code: "use_oref",
      label: "Use --oref instead",
      args: {},
      apply: (text) => {
        const [first = null] = splitValues(parsePrompt(text).params.cref);
        return setParam(setParam(text, "cref", null), "oref", first);
      },
    };
  }
  return removeFix(key, flag);
}

/** The model a parameter's support is looked up under, or null when it means the same on every model. */
function modelParamOf(key: PromptParamKey, name: string, params: PromptParams): ModelParam | null {
  if (key === "raw") return name === "style raw" ? "styleRaw" : "raw";
  if (key === "speed") return params.speed === "turbo" ? "turbo" : null;
  return (MODEL_PARAMS as readonly string[]).includes(key) ? (key as ModelParam) : null;
}

/**
 * The model a message names: its label for the English text, and its id so the UI can word the
 * server default ("Default") in the user's language.
 */
function modelArgs(rules: ModelSpec): { model: string; modelId: string } {
  return { model: rules.label, modelId: rules.id };
}

function supportProblem(
  support: Support,
  label: string,
  flag: string,
  rules: ModelSpec,
  fix: PromptFix,
): Problem | null {
  const args = { flag, ...modelArgs(rules) };
  const model = rules.label;
  switch (support.status) {
    case "supported":
      return null;
    case "unsupported":
      return {
        code: "model_unsupported",
        message: `${label} (${flag}) isn't supported on ${model}; Midjourney may ignore or refuse it.`,
        args,
        fix,
      };
    case "unknown":
      return {
        code: "model_unknown_support",
        message: `No source MJ Studio knows says whether ${model} takes ${label} (${flag}); it is sent for Midjourney to judge.`,
        args,
        ...(fix.code === "remove" ? {} : { fix }),
      };
    case "disputed": {
      const dispute: DisputeId = support.dispute ?? "D1";
      const note = DISPUTES[dispute];
      return {
        code: "model_disputed",
        message: `Sources disagree on ${label} (${flag}) for ${model}: ${note}`,
        args: { ...args, dispute, note },
        ...(fix.code === "remove" ? {} : { fix }),
      };
    }
  }
}

/** A number outside the model's range: certainly invalid when the range is undisputed and the model known. */
function rangeProblem(
  key: RangedParam,
  support: Support,
  label: string,
  flag: string,
  value: number,
  resolution: ModelResolution,
): Problem | null {
  const range = support.range;
  const within = (limits: { min: number; max: number }) => value >= limits.min && value <= limits.max;
  // Outside the range of every model, the value check has reported it already.
  if (support.status !== "supported" || range === undefined || within(range) || !within(PARAM_RANGES[key])) {
    return null;
  }
  if (support.dispute === undefined && resolution.kind === "known") {
    return outOfRange(label, flag, String(value), range);
  }
  const model = resolution.rules.label;
  const message = `${label} (${flag}) ${value} is outside ${range.min}–${range.max}, the range given for ${model}; it is sent for Midjourney to judge.`;
  return {
    code: "range_warning",
    severity: "warning",
    message,
    args: { flag, value, min: range.min, max: range.max, ...modelArgs(resolution.rules) },
  };
}

function qualityProblem(support: Support, value: number, rules: ModelSpec): Problem | null {
  const known = support.values ?? ALL_QUALITIES;
  if (support.status !== "supported" || known.includes(value)) return null;
  const allowed = known.join(", ");
  const message = `Quality ${value} isn't among the values known for ${rules.label} (${allowed}); Midjourney may refuse it.`;
  return { code: "quality_unlisted", message, args: { flag: "--q", value, ...modelArgs(rules), allowed } };
}

function aspectProblem(token: string, params: PromptParams, rules: ModelSpec): Problem | null {
  const ratio = aspectRatio(token);
  if (ratio === null || rules.aspect === "none stated") return null;
  const wide = Math.max(ratio, 1 / ratio);
  const model = rules.label;
  if (rules.aspect === "unknown") {
    if (wide <= 4) return null;
    const message = `Aspect ratio ${token} is wider than 4:1; how wide ${model} goes isn't documented, and some models refuse or crop it.`;
    return { code: "aspect_unverified", message, args: { value: token, max: 4, ...modelArgs(rules) } };
  }
  const { sd, hd } = rules.aspect;
  if (wide > sd) {
    const message = `Aspect ratio ${token} is wider than ${sd}:1 (or 1:${sd}), the widest ${model} is documented to take.`;
    return { code: "aspect_range", message, args: { value: token, max: sd, ...modelArgs(rules) } };
  }
  // Whether HD or SD is the default isn't documented, so only an explicit --sd is known to go wider.
  if (wide <= hd || params.resolution === "sd") return null;
  const message = `Aspect ratio ${token} is wider than ${hd}:1 (or 1:${hd}), the widest ${model} takes in HD, which may be the default; with --sd it goes up to ${sd}:1.`;
  const fix: PromptFix = {
    code: "use_sd",
    label: "Switch to --sd",
    args: {},
    apply: (text) => setParam(text, "resolution", "sd"),
  };
  return { code: "aspect_hd", message, args: { value: token, max: hd, sdMax: sd, ...modelArgs(rules) }, fix };
}

function versionProblem(resolution: ModelResolution, params: PromptParams): Problem | null {
  const value = params.version ?? params.niji ?? "";
  const label = params.version !== null ? "Model version" : "Niji version";
  if (resolution.kind === "guess") {
    const guess = resolution.rules.label;
    const message = `${label} ${value} isn't one MJ Studio knows; it is sent as typed, and checked as if it were ${guess} (the nearest older model), as a guess.`;
    return { code: "version_unknown", message, args: { value, guess } };
  }
  if (resolution.kind === "unmodelled" && VERSION_NUMBER.test(value)) {
    const message = `${label} ${value} is older than the models MJ Studio checks; it is sent as typed, with only the checks that hold on every model.`;
    return { code: "version_legacy", message, args: { value } };
  }
  return null;
}

function findIssues(doc: Doc, params: PromptParams, resolution: ModelResolution): PromptIssue[] {
  const issues: PromptIssue[] = [];
  const add = (param: PromptIssue["param"], severity: PromptIssue["severity"], problem: Problem | null) => {
    if (problem) issues.push({ param, ...problem, severity: problem.severity ?? severity });
  };

  let afterParams = false;
  for (const { raw, param } of doc.pieces) {
    if (param === null) {
      if (afterParams) add("prompt", "warning", strayText(raw));
      continue;
    }
    afterParams = true;
    if (param.key !== null) add(param.key, "error", checkValue(param.key, param.token));
    else if (param.name === "style") {
      if (param.token === undefined) add("raw", "error", missingValue("Style", "--style", "raw"));
      else add("raw", "warning", checkStyle(param.token, params.niji));
    } else if (!KNOWN_UNMODELLED.has(param.name)) add("prompt", "warning", unknownParam(param.name));
  }

  const lastOf = new Map<PromptParamKey, Piece>();
  for (const key of KEYS) {
    const found = doc.pieces.filter((piece) => piece.param?.key === key);
    const last = found.at(-1);
    if (last === undefined) continue;
    lastOf.set(key, last);
    if (found.length < 2) continue;
    const names = [...new Set(found.map((piece) => `--${piece.param?.name ?? ""}`))];
    // Midjourney rejects two speed modes, but lets the last of a repeated value win.
    if (key === "speed" && names.length > 1) {
      const message = `Choose one speed: ${names.join(" and ")} can't be used together.`;
      add(key, "error", { code: "speed_conflict", message, args: { flags: names.join(", ") } });
    } else if (key === "resolution" && names.length > 1) {
      const message = `Choose one resolution: ${names.join(" and ")} contradict each other; the last one is what counts here.`;
      add(key, "warning", { code: "resolution_conflict", message, args: { flags: names.join(", ") } });
    } else {
      const message = `${SPECS[key].label} is set ${found.length} times; only the last one (${last.raw}) counts.`;
      add(key, "warning", { code: "duplicate", message, args: { count: found.length, used: last.raw } });
    }
  }

  if (lastOf.has("version") && lastOf.has("niji")) {
    const message = "Use either --v or --niji, not both: they choose different models.";
    add("version", "error", { code: "model_conflict", message, args: {} });
  }
  add(params.version !== null ? "version" : "niji", "warning", versionProblem(resolution, params));

  const { rules } = resolution;
  for (const [key, piece] of lastOf) {
    const name = piece.param?.name ?? "";
    if (key === "aspect") {
      if (piece.param?.token !== undefined)
        add(key, "warning", aspectProblem(piece.param.token, params, rules));
      continue;
    }
    const modelParam = modelParamOf(key, name, params);
    if (modelParam === null) continue;
    const support = rules.params[modelParam];
    const label = modelParam === "turbo" ? "Turbo" : SPECS[key].label;
    const flag = flagOf(key, name);
    add(
      key,
      "warning",
      supportProblem(support, label, flag, rules, supportFix(key, modelParam, rules, flag)),
    );
    const value = params[key];
    if (typeof value !== "number") continue;
    if (key === "quality") add(key, "warning", qualityProblem(support, value, rules));
    else if (key in PARAM_RANGES) {
      add(key, "error", rangeProblem(key as RangedParam, support, label, flag, value, resolution));
    }
  }
  return issues;
}

export function parsePrompt(text: string): ParsedPrompt {
  const doc = splitPieces(text);
  const { params, unknown } = readParams(doc);
  const model = modelCapabilities(params).resolution;
  return {
    text: render(
      without(doc, (piece) => piece.param !== null),
      doc.tail,
    ).trim(),
    params,
    unknown,
    issues: findIssues(doc, params, model),
    model,
  };
}

export function validatePrompt(text: string): PromptIssue[] {
  return parsePrompt(text).issues;
}

/**
 * Writes one parameter under `name` (or, when null, the name of its last occurrence, else the
 * canonical one) and leaves every other character alone.
 */
function writeParam<K extends PromptParamKey>(
  text: string,
  key: K,
  value: PromptParams[K],
  name: string | null,
): string {
  const doc = splitPieces(text);
  const own = (piece: Piece) => piece.param?.key === key;
  const last = doc.pieces.findLastIndex(own);
  const raw = SPECS[key].write(value, name ?? doc.pieces[last]?.param?.name ?? canonicalName(key, doc));
  if (raw === null) return render(without(doc, own), doc.tail);

  if (last !== -1) {
    const rewritten = {
      ...doc,
      pieces: doc.pieces.map((piece, i) => (i === last ? { ...piece, raw } : piece)),
    };
    return render(
      without(rewritten, (piece, i) => own(piece) && i !== last),
      doc.tail,
    );
  }

  const rank = KEYS.indexOf(key);
  const later = doc.pieces.findIndex(
    (piece) => piece.param?.key != null && KEYS.indexOf(piece.param.key) > rank,
  );
  const at = later === -1 ? doc.pieces.length : later;
  const pieces: Chunk[] = [...doc.pieces];
  const next = pieces[at];
  if (next === undefined) pieces.push({ lead: at === 0 ? "" : " ", raw });
  // Takes over the separator of the parameter it goes before, and the text's leading whitespace if first.
  else pieces.splice(at, 1, { lead: next.lead, raw }, { ...next, lead: at === 0 ? " " : next.lead });
  return render(pieces, doc.tail);
}

/** How a parameter the text doesn't have yet is written: raw as the prompt's model spells it. */
function canonicalName(key: PromptParamKey, doc: Doc): string {
  if (key !== "raw") return SPECS[key].names[0];
  return modelCapabilities(readParams(doc).params).rawFlag === "--raw" ? "raw" : "style raw";
}

/**
 * Rewrites one parameter and leaves every other character alone. An existing occurrence is replaced
 * in place under the name the user typed (`--chaos` stays `--chaos`, `--style raw` stays); repeats
 * before it, which it overrode anyway, go. A new one is written in canonical form (raw as the
 * prompt's model spells it) before the first parameter that comes later in the canonical order
 * (`--ar --v --niji --hd --s --c --w --exp --q --seed --iw --sref --sw --sv --oref --ow --cref --cw
 * --p --no --tile --raw --draft --fast`), else appended. null, false, "" (except niji and profile,
 * where "" is the bare flag) and non-finite numbers remove it.
 */
export function setParam<K extends PromptParamKey>(text: string, key: K, value: PromptParams[K]): string {
  return writeParam(text, key, value, null);
}

/** The words of a list parameter (`--sref 123 https://x/a.png`): [] for null or "". */
export function splitValues(value: string | null): string[] {
  return value === null ? [] : value.split(/\s+/).filter((word) => word !== "");
}

const URL_WORD = /^https?:\/\/\S+$/i;

/** The leading run of URL words, with the whitespace before it and where it ends. */
function leadingUrls(text: string): { lead: string; urls: string[]; end: number } {
  const lead = /^\s*/.exec(text)?.[0] ?? "";
  const urls: string[] = [];
  let end = lead.length;
  for (const match of text.slice(lead.length).matchAll(/(\s*)(\S+)/g)) {
    const [, space = "", word = ""] = match;
    if (!URL_WORD.test(word)) break;
    urls.push(word);
    end += space.length + word.length;
  }
  return { lead, urls, end };
}

/** The image prompts: the http(s) URLs the prompt starts with, where Midjourney reads them. */
export function imagePromptUrls(text: string): string[] {
  return leadingUrls(text).urls;
}

/**
 * Replaces the image prompts (the leading URLs) and nothing else. An emptied run takes the
 * whitespace after it along, so adding then removing URLs gives the text back.
 */
export function setImagePromptUrls(text: string, urls: readonly string[]): string {
  const { lead, urls: current, end } = leadingUrls(text);
  const rest = text.slice(end);
  if (urls.length === 0) return current.length === 0 ? text : lead + rest.trimStart();
  const run = urls.join(" ");
  if (current.length > 0) return lead + run + rest;
  return rest === "" ? lead + run : `${lead}${run} ${rest}`;
}
