import type { Button } from "./task";

/**
 * The button catalogue (mj-protocol.md §5): what a customId does, how to present it, and whether
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

export interface ButtonInfo extends ParsedCustomId {
  customId: string;
  /** Accessible, human label; contains the upstream label where there is one. */
  label: string;
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
        zoomFactor: OUTPAINT_FACTOR[percent] ?? (percent >= 100 ? 1 : Math.round((100 / percent) * 100) / 100),
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

const UPSCALE_LABEL: Record<string, string> = {
  subtle: "Upscale (Subtle)",
  creative: "Upscale (Creative)",
  "2x": "Upscale (2x)",
  "4x": "Upscale (4x)",
};

/** A label for buttons whose upstream label is empty (emoji-only) or missing. */
function fallbackLabel(p: ParsedCustomId): string {
  const i = p.index ?? 1;
  switch (p.kind) {
    case "upscale":
      return UPSCALE_LABEL[p.variant ?? ""] ?? `U${i}`;
    case "vary":
      if (p.variant === "subtle") return "Vary (Subtle)";
      if (p.variant === "strong") return "Vary (Strong)";
      return `V${i}`;
    case "vary-region":
      return "Vary (Region)";
    case "zoom":
      return p.variant === "square" ? "Make Square" : `Zoom Out ${p.zoomFactor}x`;
    case "custom-zoom":
      return "Custom Zoom";
    case "pan":
      return `Pan ${p.variant}`;
    case "reroll":
      return p.variant === "describe" ? "Describe again" : "Reroll";
    case "animate":
      return `Animate (${p.variant === "high" ? "High" : "Low"} motion)`;
    case "extend":
      return `Extend (${p.variant === "high" ? "High" : "Low"} motion)`;
    case "describe-prompt":
      return `Imagine prompt ${i}`;
    case "imagine-all":
      return "Imagine all";
    case "bookmark":
      return "Favourite";
    case "unknown":
      return "Action";
  }
}

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
 * What the UI needs to render one upstream button. Emoji-only buttons get a clear name; where
 * the upstream has a label ("U1", "Vary (Region)") the name contains it verbatim, so people who
 * know Midjourney find the button they expect.
 */
export function describeButton(button: Pick<Button, "customId" | "label" | "emoji">): ButtonInfo {
  const parsed = parseCustomId(button.customId);
  const upstreamLabel = button.label.trim();
  const label =
    parsed.kind === "unknown"
      ? upstreamLabel || button.emoji || fallbackLabel(parsed)
      : upstreamLabel || fallbackLabel(parsed);
  return {
    ...parsed,
    customId: button.customId,
    label,
    icon: iconFor(parsed),
    group: groupFor(parsed),
  };
}
