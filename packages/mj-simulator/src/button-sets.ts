import { customIdOf, type GridIndex, type ShortenIndex } from "./custom-ids";
import { parseVersion, type ModelVersion, type UpscalerFamily } from "./prompt";
import { clipCount } from "./media";
import type { MediaInfo, TaskRecord } from "./record";

/**
 * The buttons a finished task carries (docs/protocol.md §5), as Discord lays them out row by row and
 * trueai flattens them. Each customId embeds the task's own job uuid, as Midjourney's do
 * (custom-ids.ts writes them).
 */

export interface WireButton {
  customId: string;
  emoji: string;
  label: string;
  style: number;
  type: number;
}

/** Discord's grey "secondary" button, component type 2. */
function button(customId: string, label: string, emoji = ""): WireButton {
  return { customId, emoji, label, style: 2, type: 2 };
}

const INDEXES: readonly GridIndex[] = [1, 2, 3, 4];

function reroll(job: string): WireButton {
  return button(customIdOf({ kind: "reroll" }, job), "", "🔄");
}

function gridButtons(job: string): WireButton[] {
  return [
    ...INDEXES.map((index) => button(customIdOf({ kind: "upscale", index }, job), `U${index}`)),
    reroll(job),
    ...INDEXES.map((index) => button(customIdOf({ kind: "vary", index }, job), `V${index}`)),
  ];
}

/**
 * What trueai's synthetic set offers after U1-U4, by model version (§5.2.1): V8.x dropped the HD
 * upscale, zoom and pan ("done in edit"); V1-V4 had no region, zoom or pan. trueai guesses an
 * upscaler for an unknown version (`upsample_v9_2x_subtle`) that Midjourney may not know; the
 * simulator offers none there.
 */
interface ImageSet {
  upscaler: UpscalerFamily | null;
  region: boolean;
  /** Zoom Out, Custom Zoom, Make Square and Pan. */
  reframe: boolean;
}

const FULL = (upscaler: UpscalerFamily): ImageSet => ({ upscaler, region: true, reframe: true });
const LEGACY: ImageSet = { upscaler: null, region: false, reframe: false };
const NO_REFRAME: ImageSet = { upscaler: null, region: true, reframe: false };

function imageSetOf(version: ModelVersion): ImageSet {
  const n = Number(version.value);
  if (version.niji) {
    if (n === 7) return FULL("v7");
    if (n === 6) return FULL("v6");
    if (n === 5) return FULL("v5");
    return n === 4 ? LEGACY : NO_REFRAME;
  }
  if (n >= 1 && n < 5) return LEGACY;
  if (n >= 5 && n < 6) return FULL("v5");
  if (n === 6) return FULL("v6");
  if (n === 6.1) return FULL("v6r1");
  if (n >= 7 && n < 8) return FULL("v7");
  return NO_REFRAME;
}

function upscalerButtons(upscaler: UpscalerFamily, job: string): WireButton[] {
  if (upscaler === "v5") {
    return (["2x", "4x"] as const).map((mode) =>
      button(customIdOf({ kind: "upscale-hd", upscaler, mode }, job), `Upscale (${mode})`, "upscale_1"),
    );
  }
  return (["subtle", "creative"] as const).map((mode) =>
    button(
      customIdOf({ kind: "upscale-hd", upscaler, mode }, job),
      `Upscale (${mode === "subtle" ? "Subtle" : "Creative"})`,
      "upscale_1",
    ),
  );
}

function varyButtons(job: string, region = true): WireButton[] {
  return [
    button(customIdOf({ kind: "vary-image", strength: "subtle" }, job), "Vary (Subtle)", "🪄"),
    button(customIdOf({ kind: "vary-image", strength: "strong" }, job), "Vary (Strong)", "🪄"),
    ...(region ? [button(customIdOf({ kind: "vary-region" }, job), "Vary (Region)", "🖌️")] : []),
  ];
}

function zoomButtons(job: string): WireButton[] {
  return [
    button(customIdOf({ kind: "zoom-out", factor: 2 }, job), "Zoom Out 2x", "🔍"),
    button(customIdOf({ kind: "zoom-out", factor: 1.5 }, job), "Zoom Out 1.5x", "🔍"),
    button(customIdOf({ kind: "custom-zoom" }, job), "Custom Zoom", "🔍"),
  ];
}

function animateButtons(job: string): WireButton[] {
  return [
    button(customIdOf({ kind: "animate", motion: "high" }, job), "Animate (High motion)", "🎞️"),
    button(customIdOf({ kind: "animate", motion: "low" }, job), "Animate (Low motion)", "🎞️"),
  ];
}

const PANS = [
  ["left", "⬅️"],
  ["right", "➡️"],
  ["up", "⬆️"],
  ["down", "⬇️"],
] as const;

function imageButtons(record: TaskRecord, job: string, media: MediaInfo | null): WireButton[] {
  const set = imageSetOf(parseVersion(record.prompt, record.botType));
  const square = media !== null && media.width === media.height;
  return [
    ...(set.upscaler ? upscalerButtons(set.upscaler, job) : []),
    ...varyButtons(job, set.region),
    ...(set.reframe
      ? [
          ...zoomButtons(job),
          ...(square ? [] : [button(customIdOf({ kind: "make-square" }, job), "Make Square")]),
          ...PANS.map(([direction, emoji]) => button(customIdOf({ kind: "pan", direction }, job), "", emoji)),
        ]
      : []),
    ...animateButtons(job),
    button(customIdOf({ kind: "bookmark" }, job), "", "❤️"),
    reroll(job),
  ];
}

/** trueai's synthetic set after Upscale (Subtle/Creative): no pan, no further upscale (§5.2). */
function hdButtons(job: string): WireButton[] {
  return [...varyButtons(job), ...zoomButtons(job), ...animateButtons(job), reroll(job)];
}

/** U1..UN, one per clip the job made (`--bs`), and 🔄. */
function videoGridButtons(job: string, clips: number): WireButton[] {
  return [
    ...INDEXES.slice(0, clips).map((index) =>
      button(customIdOf({ kind: "upscale-video", index }, job), `U${index}`),
    ),
    reroll(job),
  ];
}

/** Extend on a single video carries the clip it came from: n after video Un, 1 on an extension (§7). */
function videoButtons(job: string, index: GridIndex): WireButton[] {
  return [
    button(customIdOf({ kind: "extend", motion: "high", index }, job), "Extend (High motion)", "🎞️"),
    button(customIdOf({ kind: "extend", motion: "low", index }, job), "Extend (Low motion)", "🎞️"),
  ];
}

function clipIndex(record: TaskRecord): GridIndex {
  const index = record.action === "UPSCALE" ? record.actionIndex : null;
  return INDEXES.find((i) => i === index) ?? 1;
}

const NUMBER_EMOJI = ["1️⃣", "2️⃣", "3️⃣", "4️⃣", "5️⃣"] as const;

/** trueai clears the describe prompt buttons' labels; only the emoji remains (§5.4). */
function describeButtons(): WireButton[] {
  return [
    ...INDEXES.map((index) =>
      button(customIdOf({ kind: "describe-prompt", index }, ""), "", NUMBER_EMOJI[index - 1]),
    ),
    button(customIdOf({ kind: "imagine-all" }, ""), "Imagine all", "🎉"),
    button(customIdOf({ kind: "describe-again" }, ""), "", "🔄"),
  ];
}

const SHORTEN_INDEXES: readonly ShortenIndex[] = [1, 2, 3, 4, 5];

/** One button per shortened prompt, and "Show Details" (§5.5; trueai HEAD refuses them all). */
function shortenButtons(job: string): WireButton[] {
  return [
    ...SHORTEN_INDEXES.map((index) =>
      button(customIdOf({ kind: "shorten-prompt", index }, job), "", NUMBER_EMOJI[index - 1]),
    ),
    button(customIdOf({ kind: "shorten-details" }, job), "Show Details"),
  ];
}

/**
 * The buttons of a finished task; `media` is its rendered result (Make Square needs its shape),
 * null for a task without media (SHORTEN).
 */
export function buttonsFor(record: TaskRecord, media: MediaInfo | null): WireButton[] {
  const job = record.jobId;
  switch (record.output) {
    case "grid":
      return gridButtons(job);
    case "image":
      return imageButtons(record, job, media);
    case "image-hd":
      return hdButtons(job);
    case "video-grid":
      return videoGridButtons(job, clipCount(record));
    case "video":
      return videoButtons(job, clipIndex(record));
    case "describe":
      return describeButtons();
    case "shorten":
      return shortenButtons(job);
  }
}
