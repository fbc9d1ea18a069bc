/**
 * Midjourney `--` parameters inside prompt text. The Create page keeps its parameter controls and the
 * prompt textarea in sync both ways, so this module reads the parameters into control values, rewrites
 * one parameter without disturbing anything else the user typed, and explains the values Midjourney
 * would reject before a job is spent on them. Pure string work: it runs in the browser and the server.
 *
 * A parameter is a word starting with `--` (or `—`, which iOS autocorrect makes of `--`) after
 * whitespace or at the start, so `https://x/a--b.png` stays prompt text. Its value is the next word,
 * except `--no`, whose value runs to the next parameter. Parameters MJ Studio doesn't model keep every
 * word up to the next parameter, because their arity (`--p`, `--sref url url`) isn't known here.
 */

export const SPEEDS = ["relax", "fast", "turbo"] as const;
export type Speed = (typeof SPEEDS)[number];

/**
 * What validation knows, exported so the controls offer exactly the same choices. Midjourney is the
 * authority and ships a model every few months (docs/protocol.md §11.5): a version missing here, or a
 * ratio past `maxRatio`, is a warning that still submits, never an error.
 */
export const PARAM_LIMITS = {
  /** Widest width:height (and height:width) ratio every model renders; V8.1 SD goes to 14:1. */
  aspect: { maxRatio: 4 },
  version: ["1", "2", "3", "4", "5", "5.0", "5.1", "5.2", "6", "6.0", "6.1", "7", "8", "8.1", "8.2"],
  niji: ["4", "5", "6", "7"],
  stylize: { min: 0, max: 1000 },
  chaos: { min: 0, max: 100 },
  weird: { min: 0, max: 3000 },
  quality: [0.25, 0.5, 1, 2, 4],
  seed: { min: 0, max: 4_294_967_295 },
} as const;

/**
 * The modelled parameters; null / false means absent. A number that isn't a number reads as null
 * (and is reported); an out-of-range one is kept, so the control shows what was typed.
 */
export interface PromptParams {
  /** `--ar` / `--aspect`, as written: "16:9". */
  aspect: string | null;
  /** `--v` / `--version`: "7", "6.1". */
  version: string | null;
  /** `--niji 6` reads "6"; a bare `--niji` (Midjourney's current default Niji) reads "". */
  niji: string | null;
  /** `--s` / `--stylize`. */
  stylize: number | null;
  /** `--c` / `--chaos`. */
  chaos: number | null;
  /** `--w` / `--weird`. */
  weird: number | null;
  /** `--q` / `--quality`. */
  quality: number | null;
  seed: number | null;
  /** `--no cars, trees`: everything up to the next parameter, whitespace collapsed. */
  no: string | null;
  tile: boolean;
  /** `--style raw`, or its shorthand `--raw`. */
  raw: boolean;
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
  | "not_allowed"
  | "aspect_format"
  | "aspect_not_positive"
  | "aspect_range"
  | "version_unknown"
  | "model_unsupported"
  | "model_conflict"
  | "speed_conflict"
  | "duplicate"
  | "style_unsupported"
  | "stray_text";

export interface PromptIssue {
  /** The control to highlight; "prompt" for problems with the prompt text itself. */
  param: PromptParamKey | "prompt";
  code: PromptIssueCode;
  /** Errors make Midjourney reject the job; warnings are probably not what the user meant. */
  severity: "error" | "warning";
  /** English; translations key on `code`. */
  message: string;
  args: Record<string, string | number>;
}

export interface ParsedPrompt {
  /** The prompt without any parameters, trimmed. */
  text: string;
  params: PromptParams;
  /** Parameters MJ Studio doesn't model, verbatim and in order (`--sref 123`); they pass through untouched. */
  unknown: string[];
  issues: PromptIssue[];
}

/** A check's finding; its severity defaults to the one the caller gives its kind of check. */
type Problem = Pick<PromptIssue, "code" | "message" | "args"> & { severity?: PromptIssue["severity"] };

interface ParamSpec<V> {
  /** Lower case; the first is canonical and is what setParam writes. "style raw" matches `--style` only with that value. */
  names: readonly [string, ...string[]];
  label: string;
  /** How many words after the name are its value; "optional" takes the next word only if `takes` it. */
  arity: "none" | "one" | "optional" | "rest";
  takes?: (word: string) => boolean;
  /** Shown in "needs a value" messages. */
  example?: string;
  /** The value of one occurrence; `name` is the name as matched, lower case. */
  read: (token: string | undefined, name: string) => V;
  /** The canonical parameter text, or null when the value means "absent". */
  write: (value: V) => string | null;
  check?: (token: string) => Problem | null;
}

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)$/;
const VERSION_NUMBER = /^\d+(?:\.\d+)?$/;

const collapse = (value: string) => value.replace(/\s+/g, " ").trim();

function textParam(
  names: readonly [string, ...string[]],
  label: string,
  options: Pick<ParamSpec<string | null>, "takes" | "example" | "check"> & {
    arity?: "one" | "optional" | "rest";
  },
): ParamSpec<string | null> {
  const flag = `--${names[0]}`;
  const arity = options.arity ?? "one";
  return {
    ...options,
    names,
    label,
    arity,
    read: (token) => (token === undefined ? (arity === "optional" ? "" : null) : collapse(token)),
    write: (value) => {
      if (value === null) return null;
      // Whitespace inside a one-word value would push the rest of it out into the prompt text.
      const clean = arity === "rest" ? collapse(value) : value.replace(/\s+/g, "");
      if (clean === "") return arity === "optional" ? flag : null;
      return `${flag} ${clean}`;
    },
  };
}

/** Ranged numbers are all whole numbers in Midjourney; the others take one of a few values. */
function numberParam(
  names: readonly [string, ...string[]],
  label: string,
  rule: { min: number; max: number } | readonly number[],
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
    write: (value) => (value === null || !Number.isFinite(value) ? null : `${flag} ${String(value)}`),
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
      if (!("min" in rule)) {
        const allowed = rule.join(", ");
        if (rule.includes(value)) return null;
        const message = `${label} (${flag}) must be one of ${allowed}, not ${token}.`;
        return { code: "not_allowed", message, args: { ...args, allowed } };
      }
      if (!Number.isInteger(value)) {
        return {
          code: "not_integer",
          message: `${label} (${flag}) must be a whole number, not ${token}.`,
          args,
        };
      }
      if (value >= rule.min && value <= rule.max) return null;
      const message = `${label} (${flag}) must be between ${rule.min} and ${rule.max}, not ${token}.`;
      return { code: "out_of_range", message, args: { ...args, min: rule.min, max: rule.max } };
    },
  };
}

function flagParam(names: readonly [string, ...string[]], label: string): ParamSpec<boolean> {
  return { names, label, arity: "none", read: () => true, write: (on) => (on ? `--${names[0]}` : null) };
}

/** A version that isn't a number is a typo; a number MJ Studio doesn't know may be a newer model. */
function versionCheck(label: string, flag: string, allowed: readonly string[]) {
  return (token: string): Problem | null => {
    if (allowed.includes(token)) return null;
    if (!VERSION_NUMBER.test(token)) {
      const message = `${label} (${flag}) must be a number, not "${token}".`;
      return { code: "not_a_number", message, args: { flag, value: token } };
    }
    const list = allowed.join(", ");
    const message = `${label} ${token} isn't one MJ Studio knows (${list}); it is sent as typed for Midjourney to judge.`;
    return { code: "version_unknown", severity: "warning", message, args: { value: token, allowed: list } };
  };
}

function checkAspect(token: string): Problem | null {
  const args = { value: token };
  const match = /^(\d+):(\d+)$/.exec(token);
  if (!match) {
    const message = `Aspect ratio (--ar) must be two whole numbers like 16:9, not "${token}".`;
    return { code: "aspect_format", message, args };
  }
  const ratio = Number(match[1]) / Number(match[2]);
  if (!(ratio > 0 && Number.isFinite(ratio))) {
    const message = `Both sides of the aspect ratio (--ar) must be at least 1, not ${token}.`;
    return { code: "aspect_not_positive", message, args };
  }
  const { maxRatio } = PARAM_LIMITS.aspect;
  if (ratio <= maxRatio && ratio >= 1 / maxRatio) return null;
  const message = `Aspect ratio ${token} is wider than ${maxRatio}:1 (or 1:${maxRatio}); some models refuse or crop it.`;
  return { code: "aspect_range", severity: "warning", message, args: { ...args, max: maxRatio } };
}

/** Key order is the canonical order: setParam inserts a new parameter after those that precede it here. */
const SPECS: { [K in PromptParamKey]: ParamSpec<PromptParams[K]> } = {
  aspect: textParam(["ar", "aspect"], "Aspect ratio", { example: "16:9", check: checkAspect }),
  version: textParam(["v", "version"], "Model version", {
    example: "7",
    check: versionCheck("Model version", "--v", PARAM_LIMITS.version),
  }),
  niji: textParam(["niji"], "Niji version", {
    arity: "optional",
    // `--niji cat` is the default Niji followed by prompt text, not a version called "cat".
    takes: (word) => VERSION_NUMBER.test(word),
    check: versionCheck("Niji version", "--niji", PARAM_LIMITS.niji),
  }),
  stylize: numberParam(["s", "stylize"], "Stylize", PARAM_LIMITS.stylize, "250"),
  chaos: numberParam(["c", "chaos"], "Chaos", PARAM_LIMITS.chaos, "10"),
  weird: numberParam(["w", "weird"], "Weird", PARAM_LIMITS.weird, "100"),
  quality: numberParam(["q", "quality"], "Quality", PARAM_LIMITS.quality, "1"),
  seed: numberParam(["seed"], "Seed", PARAM_LIMITS.seed, "42"),
  no: textParam(["no"], "Excluded items", { arity: "rest", example: "cars, trees" }),
  tile: flagParam(["tile"], "Tile"),
  raw: flagParam(["style raw", "raw"], "Raw style"),
  speed: {
    names: SPEEDS,
    label: "Speed",
    arity: "none",
    read: (_token, name) => SPEEDS.find((speed) => speed === name) ?? null,
    write: (speed) => (speed === null ? null : `--${speed}`),
  },
};

const KEYS = Object.keys(SPECS) as PromptParamKey[];

const ABSENT: Readonly<PromptParams> = {
  aspect: null,
  version: null,
  niji: null,
  stylize: null,
  chaos: null,
  weird: null,
  quality: null,
  seed: null,
  no: null,
  tile: false,
  raw: false,
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
 * Parameters documented as unsupported on a model (docs/protocol.md §11.2, ✗ without a dispute).
 * Only a warning: the sources are second-hand and the server has the last word.
 */
const MODEL_UNSUPPORTED: Partial<Record<string, readonly PromptParamKey[]>> = { "8.1": ["quality"] };

/** Midjourney styles that only Niji 5 and 6 know; any other model takes only `--style raw`. */
const NIJI_STYLES = ["cute", "expressive", "original", "scenic"];
const NIJI_STYLE_VERSIONS = ["5", "6"];

interface Occurrence {
  /** null for a parameter MJ Studio doesn't model. */
  key: PromptParamKey | null;
  /** Lower case, without dashes. */
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
    return { end, param: { key: entry.key, name, token: end > from ? join(from, end) : undefined } };
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

function missingValue(label: string, flag: string, example: string): Problem {
  const message = `${label} (${flag}) needs a value, for example ${flag} ${example}.`;
  return { code: "missing_value", message, args: { flag, example } };
}

function checkValue(key: PromptParamKey, token: string | undefined): Problem | null {
  const spec = SPECS[key];
  if (token !== undefined) return spec.check?.(token) ?? null;
  const required = spec.arity === "one" || spec.arity === "rest";
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

function findIssues(doc: Doc, params: PromptParams): PromptIssue[] {
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
    }
  }

  for (const key of KEYS) {
    const found = doc.pieces.filter((piece) => piece.param?.key === key);
    const last = found.at(-1);
    if (found.length < 2 || last === undefined) continue;
    const names = [...new Set(found.map((piece) => `--${piece.param?.name ?? ""}`))];
    // Midjourney rejects two speed modes, but lets the last of a repeated value win.
    if (key === "speed" && names.length > 1) {
      const message = `Choose one speed: ${names.join(" and ")} can't be used together.`;
      add(key, "error", { code: "speed_conflict", message, args: { flags: names.join(", ") } });
    } else {
      const message = `${SPECS[key].label} is set ${found.length} times; only the last one (${last.raw}) counts.`;
      add(key, "warning", { code: "duplicate", message, args: { count: found.length, used: last.raw } });
    }
  }

  const present = (key: PromptParamKey) => doc.pieces.some((piece) => piece.param?.key === key);
  if (present("version") && present("niji")) {
    const message = "Use either --v or --niji, not both: they choose different models.";
    add("version", "error", { code: "model_conflict", message, args: {} });
  }
  const unsupported = params.version === null ? undefined : MODEL_UNSUPPORTED[params.version];
  for (const key of unsupported ?? []) {
    if (!present(key)) continue;
    const flag = `--${SPECS[key].names[0]}`;
    const model = `V${params.version ?? ""}`;
    const message = `${SPECS[key].label} (${flag}) isn't supported on ${model}; Midjourney may ignore or refuse it.`;
    add(key, "warning", { code: "model_unsupported", message, args: { flag, model } });
  }
  return issues;
}

export function parsePrompt(text: string): ParsedPrompt {
  const doc = splitPieces(text);
  const params = { ...ABSENT };
  const unknown: string[] = [];
  for (const { raw, param } of doc.pieces) {
    if (param?.key === null) unknown.push(raw);
    else if (param) readValue(params, param.key, param);
  }
  return {
    text: render(
      without(doc, (piece) => piece.param !== null),
      doc.tail,
    ).trim(),
    params,
    unknown,
    issues: findIssues(doc, params),
  };
}

export function validatePrompt(text: string): PromptIssue[] {
  return parsePrompt(text).issues;
}

/**
 * Rewrites one parameter and leaves every other character alone. An existing occurrence is replaced
 * in place in canonical form (`--ar`, `--style raw`); repeats before it, which it overrode anyway, go.
 * A new one is inserted before the first parameter that comes later in the canonical order
 * (`--ar --v --niji --s --c --w --q --seed --no --tile --style raw --fast`), else appended. null,
 * false, "" (except niji, where "" is a bare `--niji`) and non-finite numbers remove it.
 */
export function setParam<K extends PromptParamKey>(text: string, key: K, value: PromptParams[K]): string {
  const doc = splitPieces(text);
  const raw = SPECS[key].write(value);
  const own = (piece: Piece) => piece.param?.key === key;
  if (raw === null) return render(without(doc, own), doc.tail);

  const last = doc.pieces.findLastIndex(own);
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
