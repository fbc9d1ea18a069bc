import { parseVersion, type SpeedMode } from "./prompt";

/**
 * Which parameters each model refuses, as Midjourney answers them: the job is accepted by the
 * proxy and then fails with `[Invalid parameter] …` (§11, §4.4). Only what §11.2 states for
 * certain fails here: a ✗, or a range without a disputed (D) mark. Disputed and unknown things
 * pass, as they may on the real server. An unknown version (`--v 9`, `--niji 8`) runs, checked
 * only against the rules every model shares, so a new model does not need a new simulator.
 */

/** The models §11.2 has a column for, by trueai's version string (§5.2.1). */
type Model = "v 6" | "v 6.1" | "v 7" | "v 8" | "v 8.1" | "v 8.2" | "niji 6" | "niji 7";

/** A value range, the allowed values, or "not on this model". */
type Rule = { min: number; max: number } | { oneOf: readonly number[] } | "unsupported";

const range = (min: number, max: number): Rule => ({ min, max });

/** Parameter names as Midjourney spells them in its messages, keyed by every alias. */
const CANONICAL: Record<string, string> = {
  s: "stylize",
  stylize: "stylize",
  c: "chaos",
  chaos: "chaos",
  w: "weird",
  weird: "weird",
  q: "quality",
  quality: "quality",
  v: "version",
  version: "version",
  ar: "aspect",
  aspect: "aspect",
  r: "repeat",
  repeat: "repeat",
  seed: "seed",
  sameseed: "seed",
};

const canonical = (name: string): string => CANONICAL[name] ?? name;

/** Parameters that take one number (`--niji` may also stand alone). */
const NUMERIC = new Set([
  "stylize",
  "chaos",
  "weird",
  "quality",
  "version",
  "seed",
  "repeat",
  "stop",
  "exp",
  "iw",
  "sw",
  "sv",
  "ow",
  "cw",
  "niji",
]);

/** §11.2, first row: the same on every model. */
const UNIVERSAL: Record<string, Rule> = {
  stylize: range(0, 1000),
  chaos: range(0, 100),
  seed: range(0, 4294967295),
};

const LEGACY_V6 = ["v 6", "v 6.1", "niji 6"] as const;

/** §11.2 by parameter and model; a model not listed accepts the parameter (✓, ? or disputed). */
const BY_MODEL: Record<string, Partial<Record<Model, Rule>>> = {
  quality: {
    "v 6": { oneOf: [0.25, 0.5, 1] },
    "niji 6": { oneOf: [0.25, 0.5, 1] },
    "v 8": { oneOf: [1, 4] },
    "v 8.1": "unsupported",
  },
  weird: forModels([...LEGACY_V6, "v 7"], range(0, 3000)),
  exp: { ...forModels(LEGACY_V6, "unsupported"), "v 7": range(0, 100) },
  iw: { ...forModels([...LEGACY_V6, "v 7"], range(0, 3)), "v 8": "unsupported" },
  sw: forModels([...LEGACY_V6, "v 7", "v 8.1"], range(0, 1000)),
  sv: forModels(LEGACY_V6, range(1, 4)),
  oref: forModels(LEGACY_V6, "unsupported"),
  ow: forModels(LEGACY_V6, "unsupported"),
  cref: forModels(["v 7", "v 8.1"], "unsupported"),
  cw: { "v 6": range(0, 100), "niji 6": range(0, 100), "v 7": "unsupported", "v 8.1": "unsupported" },
  draft: forModels(LEGACY_V6, "unsupported"),
  hd: forModels([...LEGACY_V6, "v 7"], "unsupported"),
  sd: forModels([...LEGACY_V6, "v 7"], "unsupported"),
  // V8.1 takes `--raw` only, never `--style raw`.
  style: { "v 8.1": "unsupported" },
  stop: forModels([...LEGACY_V6, "v 7"], range(10, 100)),
  repeat: forModels([...LEGACY_V6, "v 7"], range(1, 40)),
};

function forModels(models: readonly Model[], rule: Rule): Partial<Record<Model, Rule>> {
  return Object.fromEntries(models.map((model) => [model, rule]));
}

/** V8.1's aspect limits by resolution (§11.2); without `--hd`/`--sd` the default is not documented. */
const ASPECT_LIMITS: Partial<Record<Model, { hd: number; sd: number }>> = { "v 8.1": { hd: 4, sd: 14 } };

/**
 * Models whose Turbo is documented as unavailable. Checked on the job's mode, not the flag: a
 * prefix or filter asking for another speed replaces a `--turbo` in the prompt (§8.4).
 */
const NO_TURBO: ReadonlySet<Model> = new Set(["v 8.1"]);

interface Parameter {
  name: string;
  /** As typed, for messages: `--q`. */
  written: string;
  values: string[];
}

/** The `--name value…` parameters of a prompt, in order; a value runs up to the next parameter. */
function readParameters(prompt: string): Parameter[] {
  const parameters: Parameter[] = [];
  for (const token of prompt.trim().split(/\s+/)) {
    const flag = /^--([a-z][a-z0-9]*)$/i.exec(token);
    if (flag) parameters.push({ name: canonical(flag[1]!.toLowerCase()), written: token, values: [] });
    else parameters.at(-1)?.values.push(token);
  }
  return parameters;
}

/** trueai's version string normalised to a §11.2 column: `v 6.0` is V6, `v 8.0` is V8. */
function modelOf(label: string): Model | null {
  const [kind, number] = label.split(" ");
  const n = Number(number);
  const name = `${kind} ${Number.isInteger(n) ? String(n) : number}`;
  const known: readonly Model[] = ["v 6", "v 6.1", "v 7", "v 8", "v 8.1", "v 8.2", "niji 6", "niji 7"];
  return (known as readonly string[]).includes(name) ? (name as Model) : null;
}

/** How Midjourney names a model in its messages: `--version 8.1`, `--niji 6`. */
function modelName(model: Model): string {
  const [kind, number] = model.split(" ");
  return kind === "niji" ? `--niji ${number}` : `--version ${number}`;
}

const invalid = (text: string) => `[Invalid parameter] ${text}`;

function checkRule(
  parameter: Parameter,
  rule: Rule,
  model: Model | null,
  value: number | null,
): string | null {
  const name = `--${parameter.name}`;
  if (rule === "unsupported") return invalid(`${name} is not compatible with ${modelName(model!)}`);
  if (value === null) return null;
  if ("oneOf" in rule) {
    if (rule.oneOf.includes(value)) return null;
    const allowed = rule.oneOf.join(", ");
    return invalid(
      `${name} ${value} is not accepted${model ? ` on ${modelName(model)}` : ""}: use ${allowed}`,
    );
  }
  return value < rule.min || value > rule.max
    ? invalid(`${name} must be between ${rule.min} and ${rule.max}, got ${value}`)
    : null;
}

/** `--ar W:H` takes positive whole numbers on every model (§11.1); V8.1 caps them by resolution. */
function checkAspect(
  parameter: Parameter,
  model: Model | null,
  resolution: "hd" | "sd" | null,
): string | null {
  const text = parameter.values[0];
  const match = text ? /^(\d+):(\d+)$/.exec(text) : null;
  const w = Number(match?.[1]);
  const h = Number(match?.[2]);
  if (!match || w < 1 || h < 1) {
    return invalid(`Invalid aspect ratio ${text ?? "(none)"}: use two whole numbers, like --ar 3:2`);
  }
  const limits = model ? ASPECT_LIMITS[model] : undefined;
  if (!limits || !resolution) return null;
  const max = limits[resolution];
  return Math.max(w / h, h / w) > max
    ? invalid(`Aspect ratio ${w}:${h} exceeds the maximum of ${max}:1 for --${resolution}`)
    : null;
}

function checkParameter(
  parameter: Parameter,
  model: Model | null,
  resolution: "hd" | "sd" | null,
): string | null {
  if (parameter.name === "aspect") return checkAspect(parameter, model, resolution);
  let value: number | null = null;
  if (NUMERIC.has(parameter.name)) {
    const text = parameter.values[0];
    if (text === undefined) {
      // A bare `--niji` is Niji 7; every other number needs its value.
      if (parameter.name !== "niji") return invalid(`${parameter.written} needs a value`);
    } else if (!/^(\d+(\.\d*)?|\.\d+)$/.test(text)) {
      return invalid(`${parameter.written} expects a number, got "${text}"`);
    } else {
      value = Number(text);
    }
  }
  const rules = [UNIVERSAL[parameter.name], model ? BY_MODEL[parameter.name]?.[model] : undefined];
  for (const rule of rules) {
    const problem = rule ? checkRule(parameter, rule, model, value) : null;
    if (problem) return problem;
  }
  return null;
}

/**
 * Midjourney's answer to the parameters of a prompt on the model it names (or the default), or
 * null when it runs. `mode` is the speed the job asked for, by prefix, filter or flag.
 */
export function rejectionOf(prompt: string, botType: string, mode: SpeedMode | null): string | null {
  const version = parseVersion(prompt, botType);
  const model = modelOf(version.label);
  const parameters = readParameters(prompt);
  const resolution = parameters.some((p) => p.name === "hd")
    ? "hd"
    : parameters.some((p) => p.name === "sd")
      ? "sd"
      : null;
  for (const parameter of parameters) {
    const problem = checkParameter(parameter, model, resolution);
    if (problem) return problem;
  }
  if (mode === "TURBO" && model && NO_TURBO.has(model)) {
    return invalid(`Turbo mode is not available for ${modelName(model)}`);
  }
  return null;
}
