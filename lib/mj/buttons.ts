import type { Button } from "./task";

/**
 * The button catalogue (docs/protocol.md §5): what a customId does, how to present it, and whether
 * pressing it opens a modal. Ids are matched by prefix and read from `task.buttons`, never built.
 */

export type ButtonKind =
  | "upscale"
  | "vary"
  | "vary-region"
  | "zoom"
  | "custom-zoom"
  | "pan"
  | "reroll"
  | "animate"
  | "extend"
  | "describe-prompt"
  | "shorten-prompt"
  | "imagine-all"
  | "bookmark"
  | "unknown";

export type ButtonGroup = "upscale" | "vary" | "zoom" | "pan" | "video" | "other";

/** Names of lucide-react icons; the UI maps them to components. */
export type ButtonIcon =
  | "maximize"
  | "sparkles"
  | "wand"
  | "brush"
  | "zoom-out"
  | "search"
  | "square"
  | "arrow-left"
  | "arrow-right"
  | "arrow-up"
  | "arrow-down"
  | "refresh"
  | "film"
  | "clapperboard"
  | "type"
  | "heart"
  | "circle";

export type PanDirection = "left" | "right" | "up" | "down";

export interface ParsedCustomId {
  kind: ButtonKind;
  /** 1-based image index the button targets (U/V n, video U n, extend n, describe prompt n). */
  index: number | null;
  /** Midjourney job id embedded in the customId, when there is one. */
  jobId: string | null;
  /**
   * upscale: "grid" | "subtle" | "creative" | "2x" | "4x" | "video"; vary: "grid" | "subtle" |
   * "strong"; zoom: "out" | "square"; pan: the direction; animate/extend: "high" | "low";
   * reroll: "job" | "describe".
   */
  variant: string | null;
  /** Zoom Out factor: Outpaint::50 -> 2, ::75 -> 1.5 (Make Square, ::100, is 1). */
  zoomFactor: number | null;
  /** trueai answers code 21 whatever the settings (Custom Zoom, Vary Region, describe prompts). */
  alwaysModal: boolean;
  /** Opens the remix modal when remix is on or `enableRemix` is sent (§5.6). */
  remixable: boolean;
}

/**
 * The app's own name of a known button, as a message key (`task.buttons.<key>`) and its values,
 * so the UI words it in the user's language; the upstream's labels are Midjourney's English.
 */
export type ButtonNameKey =
  | "upscale"
  | "upscaleSubtle"
  | "upscaleCreative"
  | "upscale2x"
  | "upscale4x"
  | "vary"
  | "varySubtle"
  | "varyStrong"
  | "varyRegion"
  | "zoomOut"
  | "makeSquare"
  | "customZoom"
  | "panLeft"
  | "panRight"
  | "panUp"
  | "panDown"
  | "reroll"
  | "describeAgain"
  | "animateHigh"
  | "animateLow"
  | "extendHigh"
  | "extendLow"
  | "describePrompt"
  | "shortenPrompt"
  | "imagineAll"
  | "favorite";

export interface ButtonName {
  key: ButtonNameKey;
  values: Record<string, number>;
}

export interface ButtonInfo extends ParsedCustomId {
  customId: string;
  /** The upstream's own label (Midjourney's English), or its English name when the upstream sent none. */
  label: string;
  /** The app's name for a known button; null for one the catalogue does not know (show `label`). */
  name: ButtonName | null;
  icon: ButtonIcon;
  group: ButtonGroup;
}

const UUID = "([0-9a-fA-F-]{8,})";

interface Rule {
  pattern: RegExp;
  parse: (m: RegExpExecArray) => Omit<ParsedCustomId, "alwaysModal" | "remixable"> & {
    alwaysModal?: boolean;
    remixable?: boolean;
  };
}

const num = (s: string | undefined): number | null => (s === undefined ? null : Number(s));

const base = { index: null, jobId: null, variant: null, zoomFactor: null } as const;

/** `MJ::Outpaint::<n>` → the factor Midjourney's own label states (Zoom Out 2x / 1.5x / Make Square). */
const OUTPAINT_FACTOR: Record<number, number> = { 50: 2, 75: 1.5, 100: 1 };

/** Order matters: more specific prefixes first (`upsample_v7…` before `upsample::`). */
const RULES: Rule[] = [
  {
    pattern: new RegExp(`^MJ::JOB::upsample::(\\d)::${UUID}`),
    parse: (m) => ({ ...base, kind: "upscale", index: num(m[1]), jobId: m[2]!, variant: "grid" }),
  },
  {
    pattern: new RegExp(`^MJ::JOB::upsample_v\\w*?_(2x|4x)(?:_(subtle|creative))?::(\\d)::${UUID}`),
    parse: (m) => ({
      ...base,
      kind: "upscale",
      index: num(m[3]),
      jobId: m[4]!,
      variant: m[2] ?? m[1]!,
    }),
  },
  {
    pattern: new RegExp(`^MJ::JOB::video_virtual_upscale::(\\d)::${UUID}`),
    parse: (m) => ({ ...base, kind: "upscale", index: num(m[1]), jobId: m[2]!, variant: "video" }),
  },
  {
    pattern: new RegExp(`^MJ::JOB::variation::(\\d)::${UUID}`),
    parse: (m) => ({
      ...base,
      kind: "vary",
      index: num(m[1]),
      jobId: m[2]!,
      variant: "grid",
      remixable: true,
    }),
  },
  {
    pattern: new RegExp(`^MJ::JOB::(low|high)_variation::(\\d)::${UUID}`),
    parse: (m) => ({
      ...base,
      kind: "vary",
      index: num(m[2]),
      jobId: m[3]!,
      variant: m[1] === "low" ? "subtle" : "strong",
      remixable: true,
    }),
  },
  {
    pattern: new RegExp(`^MJ::Inpaint::(\\d)::${UUID}`),
    parse: (m) => ({
      ...base,
      kind: "vary-region",
      index: num(m[1]),
      jobId: m[2]!,
      alwaysModal: true,
    }),
  },
  {
    pattern: new RegExp(`^MJ::Outpaint::(\\d+)::(\\d)::${UUID}`),
    parse: (m) => {
      const percent = Number(m[1]);
      return {
        ...base,
        kind: "zoom",
        index: num(m[2]),
        jobId: m[3]!,
        variant: percent >= 100 ? "square" : "out",
        // Midjourney names ::75 "Zoom Out 1.5x" (not 100/75 = 1.33), so the known ones are a table.
        zoomFactor:
          OUTPAINT_FACTOR[percent] ?? (percent >= 100 ? 1 : Math.round((100 / percent) * 100) / 100),
      };
    },
  },
  {
    // trueai's synthetic form for partner/official accounts carries an index: `MJ::CustomZoom::1::<uuid>`.
    pattern: new RegExp(`^MJ::CustomZoom::(?:(\\d)::)?${UUID}`),
    parse: (m) => ({
      ...base,
      kind: "custom-zoom",
      index: num(m[1]) ?? 1,
      jobId: m[2]!,
      alwaysModal: true,
    }),
  },
  {
    pattern: new RegExp(`^MJ::JOB::pan_(left|right|up|down)::(\\d)::${UUID}`),
    parse: (m) => ({
      ...base,
      kind: "pan",
      index: num(m[2]),
      jobId: m[3]!,
      variant: m[1]!,
      remixable: true,
    }),
  },
  {
    pattern: new RegExp(`^MJ::JOB::reroll::\\d::${UUID}`),
    parse: (m) => ({ ...base, kind: "reroll", jobId: m[1]!, variant: "job", remixable: true }),
  },
  {
    pattern: new RegExp(`^MJ::JOB::animate_(high|low)_extend::(\\d)::${UUID}`),
    parse: (m) => ({
      ...base,
      kind: "extend",
      index: num(m[2]),
      jobId: m[3]!,
      variant: m[1]!,
      remixable: true,
    }),
  },
  {
    pattern: new RegExp(`^MJ::JOB::animate_(high|low)::(\\d)::${UUID}`),
    parse: (m) => ({
      ...base,
      kind: "animate",
      index: num(m[2]),
      jobId: m[3]!,
      variant: m[1]!,
      remixable: true,
    }),
  },
  {
    pattern: /^MJ::Job::PicReader::(\d)$/i,
    parse: (m) => ({ ...base, kind: "describe-prompt", index: num(m[1]), alwaysModal: true }),
  },
  {
    // §5.5: trueai only reads the last segment (and HEAD's controller rejects the id altogether).
    pattern: new RegExp(`^MJ::Job::PromptAnalyzer::(?:${UUID}::)?(\\d)$`, "i"),
    parse: (m) => ({
      ...base,
      kind: "shorten-prompt",
      index: num(m[2]),
      jobId: m[1] ?? null,
      alwaysModal: true,
    }),
  },
  {
    pattern: /^MJ::Job::PicReader::all$/i,
    parse: () => ({ ...base, kind: "imagine-all" }),
  },
  {
    pattern: /^MJ::Picread::Retry/i,
    parse: () => ({ ...base, kind: "reroll", variant: "describe" }),
  },
  {
    pattern: new RegExp(`^MJ::BOOKMARK::${UUID}`),
    parse: (m) => ({ ...base, kind: "bookmark", jobId: m[1]! }),
  },
];

export function parseCustomId(customId: string): ParsedCustomId {
  for (const rule of RULES) {
    const match = rule.pattern.exec(customId);
    if (match) {
      const { alwaysModal = false, remixable = false, ...rest } = rule.parse(match);
      return { ...rest, alwaysModal, remixable };
    }
  }
  return { ...base, kind: "unknown", alwaysModal: false, remixable: false };
}

const PAN_ICON: Record<string, ButtonIcon> = {
  left: "arrow-left",
  right: "arrow-right",
  up: "arrow-up",
  down: "arrow-down",
};

const UPSCALE_NAME: Record<string, ButtonNameKey> = {
  subtle: "upscaleSubtle",
  creative: "upscaleCreative",
  "2x": "upscale2x",
  "4x": "upscale4x",
};

const PAN_NAME: Record<string, ButtonNameKey> = {
  left: "panLeft",
  right: "panRight",
  up: "panUp",
  down: "panDown",
};

/** The app's name of a known button; null for an unknown one. */
function nameOf(p: ParsedCustomId): ButtonName | null {
  const n = p.index ?? 1;
  const named = (key: ButtonNameKey, values: Record<string, number> = {}): ButtonName => ({ key, values });
  switch (p.kind) {
    case "upscale":
      return named(UPSCALE_NAME[p.variant ?? ""] ?? "upscale", { n });
    case "vary":
      if (p.variant === "subtle") return named("varySubtle");
      if (p.variant === "strong") return named("varyStrong");
      return named("vary", { n });
    case "vary-region":
      return named("varyRegion");
    case "zoom":
      return p.variant === "square" ? named("makeSquare") : named("zoomOut", { factor: p.zoomFactor ?? 2 });
    case "custom-zoom":
      return named("customZoom");
    case "pan":
      return named(PAN_NAME[p.variant ?? ""] ?? "panLeft");
    case "reroll":
      return named(p.variant === "describe" ? "describeAgain" : "reroll");
    case "animate":
      return named(p.variant === "high" ? "animateHigh" : "animateLow");
    case "extend":
      return named(p.variant === "high" ? "extendHigh" : "extendLow");
    case "describe-prompt":
      return named("describePrompt", { n });
    case "shorten-prompt":
      return named("shortenPrompt", { n });
    case "imagine-all":
      return named("imagineAll");
    case "bookmark":
      return named("favorite");
    case "unknown":
      return null;
  }
}

/**
 * Midjourney's English name, for buttons whose upstream label is empty (emoji-only) or missing.
 * The same words as the English UI's `task.buttons` messages (messages/buttons.test.ts holds them
 * to it): they are what Midjourney calls them.
 */
export const ENGLISH_BUTTON_NAMES: Record<ButtonNameKey, (values: Record<string, number>) => string> = {
  upscale: ({ n }) => `U${n}`,
  upscaleSubtle: () => "Upscale (Subtle)",
  upscaleCreative: () => "Upscale (Creative)",
  upscale2x: () => "Upscale (2x)",
  upscale4x: () => "Upscale (4x)",
  vary: ({ n }) => `V${n}`,
  varySubtle: () => "Vary (Subtle)",
  varyStrong: () => "Vary (Strong)",
  varyRegion: () => "Vary (Region)",
  zoomOut: ({ factor }) => `Zoom Out ${factor}x`,
  makeSquare: () => "Make Square",
  customZoom: () => "Custom Zoom",
  panLeft: () => "Pan left",
  panRight: () => "Pan right",
  panUp: () => "Pan up",
  panDown: () => "Pan down",
  reroll: () => "Reroll",
  describeAgain: () => "Describe again",
  animateHigh: () => "Animate (High motion)",
  animateLow: () => "Animate (Low motion)",
  extendHigh: () => "Extend (High motion)",
  extendLow: () => "Extend (Low motion)",
  describePrompt: ({ n }) => `Imagine prompt ${n}`,
  shortenPrompt: ({ n }) => `Imagine shortened prompt ${n}`,
  imagineAll: () => "Imagine all",
  favorite: () => "Favourite",
};

function iconFor(p: ParsedCustomId): ButtonIcon {
  switch (p.kind) {
    case "upscale":
      return "maximize";
    case "vary":
      return p.variant === "grid" ? "sparkles" : "wand";
    case "vary-region":
      return "brush";
    case "zoom":
      return p.variant === "square" ? "square" : "zoom-out";
    case "custom-zoom":
      return "search";
    case "pan":
      return PAN_ICON[p.variant ?? ""] ?? "arrow-left";
    case "reroll":
      return "refresh";
    case "animate":
      return "film";
    case "extend":
      return "clapperboard";
    case "describe-prompt":
    case "shorten-prompt":
      return "type";
    case "imagine-all":
      return "sparkles";
    case "bookmark":
      return "heart";
    case "unknown":
      return "circle";
  }
}

function groupFor(p: ParsedCustomId): ButtonGroup {
  switch (p.kind) {
    case "upscale":
      return p.variant === "video" ? "video" : "upscale";
    case "vary":
    case "vary-region":
      return "vary";
    case "zoom":
    case "custom-zoom":
      return "zoom";
    case "pan":
      return "pan";
    case "animate":
    case "extend":
      return "video";
    default:
      return "other";
  }
}

/**
 * What the UI needs to render one upstream button. Known customIds get the app's own name (in
 * the user's language); the upstream's label is kept beside it, so people who know Midjourney
 * still see the words they expect. Unknown ones show their upstream label or emoji.
 */
export function describeButton(button: Pick<Button, "customId" | "label" | "emoji">): ButtonInfo {
  const parsed = parseCustomId(button.customId);
  const name = nameOf(parsed);
  const upstreamLabel = button.label.trim();
  const label =
    upstreamLabel || (name ? ENGLISH_BUTTON_NAMES[name.key](name.values) : button.emoji || "Action");
  return {
    ...parsed,
    customId: button.customId,
    label,
    name,
    icon: iconFor(parsed),
    group: groupFor(parsed),
  };
}

/**
 * What image n of a grid owns when the grid is shown as separate images: its U n and V n, in
 * whatever variants the model offers (Subtle/Creative upscales, Subtle/Strong variations). A video
 * grid's U n is a clip's, not an image's, and stays with the job.
 */
function ownedByImage(info: ButtonInfo): boolean {
  return info.index !== null && (info.kind === "upscale" || info.kind === "vary") && info.variant !== "video";
}

/** The buttons of image n (1-4) of a grid, in the upstream's order. */
export function imageButtons(infos: readonly ButtonInfo[], n: number): ButtonInfo[] {
  return infos.filter((info) => ownedByImage(info) && info.index === n);
}

/**
 * The buttons of the whole job: of a grid shown image by image, all but each image's own (reroll,
 * and whatever the upstream adds); of a single image, every one (its actions are its own).
 */
export function jobButtons(infos: readonly ButtonInfo[], perImage: boolean): ButtonInfo[] {
  return perImage ? infos.filter((info) => !ownedByImage(info)) : [...infos];
}
