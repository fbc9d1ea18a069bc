/**
 * The Midjourney models MJ Studio knows and how each takes the model-dependent parameters, as
 * docs/protocol.md §11.2 lays them out. Midjourney is the authority and ships a model every few
 * months (§11.5 rule 1): this table only decides what the composer warns about and which controls
 * it offers, never what may be sent. A new model is one more entry in MODELS; a version the table
 * doesn't have is sent untouched and hinted with the rules of the nearest older model.
 */

/** Parameter ranges that hold on every model that takes the parameter: outside them a value is certainly invalid. */
export const PARAM_RANGES = {
  stylize: { min: 0, max: 1000, integer: true },
  chaos: { min: 0, max: 100, integer: true },
  seed: { min: 0, max: 4_294_967_295, integer: true },
  weird: { min: 0, max: 3000, integer: true },
  exp: { min: 0, max: 100, integer: true },
  iw: { min: 0, max: 3, integer: false },
  sw: { min: 0, max: 1000, integer: true },
  // 1–4 [MJ, T-PP] or 1–6 [EVO] (D5): only what no source accepts is certainly wrong.
  sv: { min: 1, max: 6, integer: true },
  // 1–1000 [MJ, EVO] or 0–1000 [T-PP] (D6).
  ow: { min: 0, max: 1000, integer: true },
  cw: { min: 0, max: 100, integer: true },
} as const;

export type RangedParam = keyof typeof PARAM_RANGES;

/** Every `--q` value any source gives for any model; what the composer offers when the model is unknown. */
export const ALL_QUALITIES = [0.25, 0.5, 1, 2, 4] as const;

/** The parameters whose support depends on the model. `raw` is the `--raw` spelling, `styleRaw` is `--style raw`. */
export const MODEL_PARAMS = [
  "quality",
  "weird",
  "exp",
  "iw",
  "sref",
  "sw",
  "sv",
  "oref",
  "ow",
  "cref",
  "cw",
  "profile",
  "draft",
  "resolution",
  "raw",
  "styleRaw",
  "tile",
  "turbo",
] as const;

export type ModelParam = (typeof MODEL_PARAMS)[number];

/** The rows of §11.4, in one line each: what the sources say where they disagree. */
export const DISPUTES = {
  D1: "--q has changed with almost every version: the sources give different values for V6.1, V7 and V8.2, and one says V8.2 has none.",
  D2: "One source says V8.1 takes --weird, another lists a weird control, a third leaves it out.",
  D3: "One guide gives --exp 0–100 on V8.1; the others say nothing or V7 only.",
  D4: "Image prompts came back in V8.1 and two guides accept --iw there; another client hides image weight on V8.x.",
  D5: "--sv 4 selects the old style-reference system per some sources; another gives 1–6 with 4 as the default.",
  D6: "The omni weight starts at 1 per Midjourney's post, at 0 per another source (which advises at most 400).",
  D7: "One source says omni reference is a V7-only feature, one that Edit replaced it; a V8.1 guide lists --oref and --ow.",
  D8: "Draft is website-only on V8.x per one article and unavailable per the version table; through Discord assume it is unavailable.",
  D9: "Sources differ on whether raw is written --raw or --style raw on this model.",
  D10: "Multi-prompt :: weights: officially up to V6.1 and Niji 6; some guides say V7 only changed their effect.",
  D11: "Turbo: not for V8.1 images per two sources, none on V8 per another, any model from V5 per a third.",
  D12: "--bs takes 1, 2 or 4 (default 4) per Midjourney; another table says 1–4, default 1.",
} as const;

export type DisputeId = keyof typeof DISPUTES;

/**
 * How one model takes one parameter. `status` is its availability (✓ supported, ✗ unsupported,
 * ? unknown, Dn disputed). A `dispute` on a supported parameter marks its range as disputed: a value
 * outside it only warns.
 */
export interface Support {
  status: "supported" | "unsupported" | "unknown" | "disputed";
  range?: { min: number; max: number; fallback?: number };
  /** The values of a few-valued parameter (`--q`). */
  values?: readonly number[];
  dispute?: DisputeId;
}

/** The widest `--ar`: a documented limit per resolution, none documented, or not known. */
export type AspectLimit = { sd: number; hd: number } | "none stated" | "unknown";

export interface ModelSpec {
  /** Stable identifier: "v8.1", "niji7", "default". */
  id: string;
  /** The prompt flag that selects it; null for the server's default model. */
  flag: "v" | "niji" | null;
  /** What follows the flag: "8.1". */
  version: string;
  label: string;
  /** Place in the model picker, lowest first; null: offered only when the prompt already has it. */
  pick: number | null;
  /** How this model's raw style is written. */
  rawFlag: "--raw" | "--style raw";
  aspect: AspectLimit;
  params: Readonly<Record<ModelParam, Support>>;
}

const Y: Support = { status: "supported" };
const N: Support = { status: "unsupported" };
const U: Support = { status: "unknown" };
const range = (min: number, max: number, fallback?: number, dispute?: DisputeId): Support => ({
  status: "supported",
  range: { min, max, ...(fallback === undefined ? {} : { fallback }) },
  ...(dispute === undefined ? {} : { dispute }),
});
const values = (list: readonly number[], dispute?: DisputeId): Support => ({
  status: dispute === undefined ? "supported" : "disputed",
  values: list,
  ...(dispute === undefined ? {} : { dispute }),
});
const disputed = (dispute: DisputeId, extra: Pick<Support, "range"> = {}): Support => ({
  status: "disputed",
  dispute,
  ...extra,
});

/** The V6 and Niji 6 columns of §11.2 are the same; V6.1 differs in two rows. */
const V6_PARAMS: Readonly<Record<ModelParam, Support>> = {
  quality: values([0.25, 0.5, 1]),
  weird: range(0, 3000, 0),
  exp: N,
  iw: range(0, 3, 1),
  sref: Y,
  sw: range(0, 1000, 100),
  sv: range(1, 4, 4),
  oref: N,
  ow: N,
  cref: Y,
  cw: range(0, 100, 100),
  profile: Y,
  draft: N,
  resolution: N,
  raw: disputed("D9"),
  styleRaw: Y,
  tile: Y,
  turbo: Y,
};

/** One entry per model, newest first; the cells follow §11.2 column by column. */
export const MODELS: readonly ModelSpec[] = [
  {
    id: "v8.2",
    flag: "v",
    version: "8.2",
    label: "V8.2",
    pick: 0,
    rawFlag: "--raw",
    aspect: "unknown",
    params: {
      quality: values([1, 2], "D1"),
      weird: U,
      exp: U,
      iw: disputed("D4", { range: { min: 0, max: 3, fallback: 1 } }),
      sref: U,
      sw: U,
      sv: U,
      oref: U,
      ow: U,
      cref: U,
      cw: U,
      profile: U,
      draft: disputed("D8"),
      resolution: Y,
      raw: U,
      styleRaw: U,
      tile: U,
      turbo: disputed("D11"),
    },
  },
  {
    id: "v8.1",
    flag: "v",
    version: "8.1",
    label: "V8.1",
    pick: 1,
    rawFlag: "--raw",
    aspect: { sd: 14, hd: 4 },
    params: {
      quality: N,
      weird: disputed("D2"),
      exp: disputed("D3", { range: { min: 0, max: 100, fallback: 0 } }),
      iw: disputed("D4", { range: { min: 0, max: 3, fallback: 1 } }),
      sref: Y,
      sw: range(0, 1000, 100),
      sv: U,
      oref: disputed("D7"),
      ow: disputed("D7", { range: { min: 1, max: 1000, fallback: 100 } }),
      cref: N,
      cw: N,
      profile: Y,
      draft: disputed("D8"),
      resolution: Y,
      raw: Y,
      styleRaw: N,
      tile: Y,
      turbo: N,
    },
  },
  {
    id: "v8",
    flag: "v",
    version: "8",
    label: "V8",
    pick: null,
    rawFlag: "--raw",
    aspect: "unknown",
    params: {
      quality: values([1, 4]),
      weird: U,
      exp: U,
      // V8.0 has no image prompts at all.
      iw: N,
      sref: U,
      sw: U,
      sv: U,
      oref: U,
      ow: U,
      cref: U,
      cw: U,
      profile: U,
      draft: U,
      resolution: Y,
      raw: U,
      styleRaw: U,
      tile: U,
      turbo: disputed("D11"),
    },
  },
  {
    id: "v7",
    flag: "v",
    version: "7",
    label: "V7",
    pick: 2,
    rawFlag: "--style raw",
    aspect: "none stated",
    params: {
      quality: values(ALL_QUALITIES, "D1"),
      weird: range(0, 3000, 0),
      exp: range(0, 100, 0),
      iw: range(0, 3, 1),
      sref: Y,
      sw: range(0, 1000, 100),
      sv: range(1, 4, 4, "D5"),
      oref: Y,
      ow: range(1, 1000, 100, "D6"),
      cref: N,
      cw: N,
      profile: Y,
      draft: Y,
      resolution: N,
      raw: disputed("D9"),
      styleRaw: Y,
      tile: Y,
      turbo: Y,
    },
  },
  {
    id: "v6.1",
    flag: "v",
    version: "6.1",
    label: "V6.1",
    pick: 3,
    rawFlag: "--style raw",
    aspect: "none stated",
    // V6's column but for quality (D1) and character reference, which the sources document for V6 only.
    params: { ...V6_PARAMS, quality: values([0.25, 0.5, 1, 2], "D1"), cref: U, cw: U },
  },
  {
    id: "v6",
    flag: "v",
    version: "6",
    label: "V6",
    pick: 4,
    rawFlag: "--style raw",
    aspect: "none stated",
    params: V6_PARAMS,
  },
  {
    id: "niji7",
    flag: "niji",
    version: "7",
    label: "Niji 7",
    pick: 5,
    rawFlag: "--style raw",
    aspect: "unknown",
    params: {
      quality: U,
      weird: U,
      exp: U,
      iw: U,
      sref: U,
      sw: U,
      sv: U,
      oref: U,
      ow: U,
      cref: U,
      cw: U,
      profile: Y,
      draft: U,
      resolution: U,
      raw: U,
      styleRaw: U,
      tile: U,
      turbo: U,
    },
  },
  {
    id: "niji6",
    flag: "niji",
    version: "6",
    label: "Niji 6",
    pick: 6,
    rawFlag: "--style raw",
    aspect: "none stated",
    params: V6_PARAMS,
  },
];

/**
 * No `--v` / `--niji`: the account's setting picks the model (§11.4), so only the checks that hold
 * on every model apply and every control is offered.
 */
export const DEFAULT_MODEL: ModelSpec = {
  id: "default",
  flag: null,
  version: "",
  label: "Default",
  pick: null,
  rawFlag: "--raw",
  aspect: "none stated",
  params: {
    ...(Object.fromEntries(MODEL_PARAMS.map((param) => [param, Y])) as Record<ModelParam, Support>),
    quality: values(ALL_QUALITIES),
  },
};

/** The picker's models in picker order. */
export const PICKER_MODELS: readonly ModelSpec[] = MODELS.filter((model) => model.pick !== null).toSorted(
  (a, b) => (a.pick ?? 0) - (b.pick ?? 0),
);

/**
 * What a prompt's `--v` / `--niji` selects. "known": a model of the table; "guess": a version the
 * table lacks (`--v 8.3`, `--v 9`, `--niji 8`), checked with the rules of the nearest older one as a
 * guess; "unmodelled": older than every entry (`--v 5.2`) or unreadable, checked like the server default.
 */
export interface ModelResolution {
  kind: "default" | "known" | "guess" | "unmodelled";
  /** The rules the checks and controls use. */
  rules: ModelSpec;
  /** The model as written in the prompt ("V8.3", "Niji"); the rules' label for the default. */
  label: string;
}

const VERSION = /^(\d+)(?:\.(\d+))?$/;

function versionParts(version: string): [number, number] | null {
  const match = VERSION.exec(version);
  return match ? [Number(match[1]), Number(match[2] ?? 0)] : null;
}

function compareParts(a: readonly [number, number], b: readonly [number, number]): number {
  return a[0] - b[0] || a[1] - b[1];
}

/** Which model the prompt selects; `--v` wins when both are given (the linter reports that conflict). */
export function resolveModel(selection: { version: string | null; niji: string | null }): ModelResolution {
  const flag = selection.version !== null ? "v" : selection.niji !== null ? "niji" : null;
  if (flag === null) return { kind: "default", rules: DEFAULT_MODEL, label: DEFAULT_MODEL.label };
  const typed = (flag === "v" ? selection.version : selection.niji) ?? "";
  const label = flag === "v" ? `V${typed}` : `Niji ${typed}`.trim();
  // A bare `--niji` is the current Niji, 7 for trueai (§11.1).
  const parts = versionParts(flag === "niji" && typed === "" ? "7" : typed);
  if (parts === null) return { kind: "unmodelled", rules: DEFAULT_MODEL, label };
  const family = MODELS.filter((model) => model.flag === flag);
  const partsOf = (model: ModelSpec) => versionParts(model.version) ?? [0, 0];
  const exact = family.find((model) => compareParts(partsOf(model), parts) === 0);
  if (exact) return { kind: "known", rules: exact, label };
  const older = family
    .filter((model) => compareParts(partsOf(model), parts) < 0)
    .toSorted((a, b) => compareParts(partsOf(b), partsOf(a)))[0];
  return older ? { kind: "guess", rules: older, label } : { kind: "unmodelled", rules: DEFAULT_MODEL, label };
}

/** Why a control is off or flagged, for the UI to word: messages `prompt.params.reasons.<code>`. */
export interface CapabilityReason {
  code: "unsupported" | "unknown" | "disputed";
  /** The label of the model whose rules apply ("V8.2" for a prompt's `--v 8.3`). */
  model: string;
  dispute?: DisputeId;
}

/** "available": offer it; "flagged": offer it with the reason; "unavailable": disable or hide it with the reason. */
export interface Capability {
  state: "available" | "flagged" | "unavailable";
  support: Support;
  reason: CapabilityReason | null;
}

export interface ModelCapabilities {
  resolution: ModelResolution;
  params: Readonly<Record<ModelParam, Capability>>;
  /** The `--q` values to offer; empty when the model has no quality setting. */
  qualities: readonly number[];
  /** How raw style is written for this prompt: `--raw` on V8.x and when the model isn't known. */
  rawFlag: "--raw" | "--style raw";
}

function capability(support: Support, model: string): Capability {
  switch (support.status) {
    case "supported":
      return { state: "available", support, reason: null };
    case "unsupported":
      return { state: "unavailable", support, reason: { code: "unsupported", model } };
    case "unknown":
      return { state: "flagged", support, reason: { code: "unknown", model } };
    case "disputed":
      return {
        state: "flagged",
        support,
        reason: { code: "disputed", model, ...(support.dispute ? { dispute: support.dispute } : {}) },
      };
  }
}

/**
 * What the selected model offers, for the controls and the reference bins: e.g.
 * `modelCapabilities(params).params.oref` is unavailable on V6 with the reason to show.
 */
export function modelCapabilities(selection: {
  version: string | null;
  niji: string | null;
}): ModelCapabilities {
  const resolution = resolveModel(selection);
  const { rules } = resolution;
  const params = Object.fromEntries(
    MODEL_PARAMS.map((param) => [param, capability(rules.params[param], rules.label)]),
  ) as Record<ModelParam, Capability>;
  const quality = rules.params.quality;
  return {
    resolution,
    params,
    qualities: quality.status === "unsupported" ? [] : (quality.values ?? ALL_QUALITIES),
    rawFlag: resolution.kind === "known" ? rules.rawFlag : "--raw",
  };
}
