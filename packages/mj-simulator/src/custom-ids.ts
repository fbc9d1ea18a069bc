import type { UpscalerFamily } from "./prompt";
import type { Motion } from "./render-video";

/**
 * The customIds this simulator puts on its buttons (docs/protocol.md §5), written and read back in
 * one place. It plays the server, so it only has to read the ids it issues itself: each id is one
 * template with the job's uuid in it, and reading an id looks its template up among every id the
 * simulator can issue, so the two directions cannot disagree.
 */

export type GridIndex = 1 | 2 | 3 | 4;
export type ShortenIndex = 1 | 2 | 3 | 4 | 5;
export type PanDirection = "left" | "right" | "up" | "down";

/** Upscale (Subtle/Creative) for v6 and later, Upscale (2x/4x) for v5 (§5.2). */
export type HdUpscale =
  | { upscaler: "v5"; mode: "2x" | "4x" }
  | { upscaler: Exclude<UpscalerFamily, "v5">; mode: "subtle" | "creative" };

/** What a button does, in the simulator's own terms. */
export type ButtonIntent =
  /** U1-U4 on a grid. */
  | { kind: "upscale"; index: GridIndex }
  | ({ kind: "upscale-hd" } & HdUpscale)
  /** U1-U4 on an animated grid: one mp4. */
  | { kind: "upscale-video"; index: GridIndex }
  /** V1-V4 on a grid. */
  | { kind: "vary"; index: GridIndex }
  /** Vary (Subtle/Strong) on a single image. */
  | { kind: "vary-image"; strength: "subtle" | "strong" }
  | { kind: "vary-region" }
  /** Zoom Out 2x (`Outpaint::50`) or 1.5x (`Outpaint::75`): Midjourney's labels, not 100/75. */
  | { kind: "zoom-out"; factor: 2 | 1.5 }
  | { kind: "make-square" }
  | { kind: "custom-zoom" }
  | { kind: "pan"; direction: PanDirection }
  | { kind: "reroll" }
  | { kind: "animate"; motion: Motion }
  /** Extend on a single video; `index` is the clip it came from (1 on an extension, §7). */
  | { kind: "extend"; motion: Motion; index: GridIndex }
  | { kind: "bookmark" }
  /** The 1️⃣-4️⃣ buttons under a describe: imagine that prompt. */
  | { kind: "describe-prompt"; index: GridIndex }
  | { kind: "imagine-all" }
  /** 🔄 under a describe. */
  | { kind: "describe-again" }
  /** 1️⃣-5️⃣ under a shorten: imagine that shortened prompt (§5.5). */
  | { kind: "shorten-prompt"; index: ShortenIndex }
  | { kind: "shorten-details" };

const JOB = "{job}";
const OUTPAINT_PERCENT = { 2: 50, 1.5: 75 } as const;

function template(intent: ButtonIntent): string {
  switch (intent.kind) {
    case "upscale":
      return `MJ::JOB::upsample::${intent.index}::${JOB}`;
    case "upscale-hd":
      return intent.upscaler === "v5"
        ? `MJ::JOB::upsample_v5_${intent.mode}::1::${JOB}::SOLO`
        : `MJ::JOB::upsample_${intent.upscaler}_2x_${intent.mode}::1::${JOB}::SOLO`;
    case "upscale-video":
      return `MJ::JOB::video_virtual_upscale::${intent.index}::${JOB}`;
    case "vary":
      return `MJ::JOB::variation::${intent.index}::${JOB}`;
    case "vary-image":
      return `MJ::JOB::${intent.strength === "subtle" ? "low" : "high"}_variation::1::${JOB}::SOLO`;
    case "vary-region":
      return `MJ::Inpaint::1::${JOB}::SOLO`;
    case "zoom-out":
      return `MJ::Outpaint::${OUTPAINT_PERCENT[intent.factor]}::1::${JOB}::SOLO`;
    case "make-square":
      return `MJ::Outpaint::100::1::${JOB}::SOLO`;
    case "custom-zoom":
      return `MJ::CustomZoom::${JOB}`;
    case "pan":
      return `MJ::JOB::pan_${intent.direction}::1::${JOB}::SOLO`;
    case "reroll":
      return `MJ::JOB::reroll::0::${JOB}::SOLO`;
    case "animate":
      return `MJ::JOB::animate_${intent.motion}::1::${JOB}::SOLO`;
    case "extend":
      return `MJ::JOB::animate_${intent.motion}_extend::${intent.index}::${JOB}`;
    case "bookmark":
      return `MJ::BOOKMARK::${JOB}`;
    case "describe-prompt":
      return `MJ::Job::PicReader::${intent.index}`;
    case "imagine-all":
      return "MJ::Job::PicReader::all";
    case "describe-again":
      return "MJ::Picread::Retry";
    case "shorten-prompt":
      return `MJ::Job::PromptAnalyzer::${JOB}::${intent.index}`;
    case "shorten-details":
      return `MJ::Job::PromptAnalyzer::${JOB}::show_details`;
  }
}

/** The customId of a button on the task whose job uuid is `job`. */
export function customIdOf(intent: ButtonIntent, job: string): string {
  return template(intent).replace(JOB, job);
}

const INDEXES: readonly GridIndex[] = [1, 2, 3, 4];
const MOTIONS: readonly Motion[] = ["high", "low"];

/** Every intent a button of this simulator can carry. */
export const ALL_INTENTS: readonly ButtonIntent[] = [
  ...INDEXES.flatMap((index): ButtonIntent[] => [
    { kind: "upscale", index },
    { kind: "upscale-video", index },
    { kind: "vary", index },
    { kind: "describe-prompt", index },
    ...MOTIONS.map((motion): ButtonIntent => ({ kind: "extend", motion, index })),
  ]),
  { kind: "upscale-hd", upscaler: "v5", mode: "2x" },
  { kind: "upscale-hd", upscaler: "v5", mode: "4x" },
  ...(["v6", "v6r1", "v7"] as const).flatMap((upscaler): ButtonIntent[] =>
    (["subtle", "creative"] as const).map((mode) => ({ kind: "upscale-hd", upscaler, mode })),
  ),
  { kind: "vary-image", strength: "subtle" },
  { kind: "vary-image", strength: "strong" },
  { kind: "vary-region" },
  { kind: "zoom-out", factor: 2 },
  { kind: "zoom-out", factor: 1.5 },
  { kind: "make-square" },
  { kind: "custom-zoom" },
  ...(["left", "right", "up", "down"] as const).map((direction): ButtonIntent => ({
    kind: "pan",
    direction,
  })),
  { kind: "reroll" },
  ...MOTIONS.map((motion): ButtonIntent => ({ kind: "animate", motion })),
  { kind: "bookmark" },
  { kind: "imagine-all" },
  { kind: "describe-again" },
  ...([1, 2, 3, 4, 5] as const).map((index): ButtonIntent => ({ kind: "shorten-prompt", index })),
  { kind: "shorten-details" },
];

const BY_TEMPLATE = new Map(ALL_INTENTS.map((intent) => [template(intent), intent]));

/** A job uuid as `randomUUID` writes them; any job's, so a known button on a wrong job still reads. */
const JOB_UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/**
 * What a customId asks for, read the way {@link customIdOf} wrote it; null for an id this
 * simulator never issues. Whether the task carries that button is the caller's check.
 */
export function readCustomId(customId: string): ButtonIntent | null {
  return BY_TEMPLATE.get(customId.replace(JOB_UUID, JOB)) ?? null;
}
