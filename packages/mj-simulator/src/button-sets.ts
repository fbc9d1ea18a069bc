import { customIdOf, type GridIndex } from "./custom-ids";
import { parseVersion } from "./prompt";
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

function upscalerButtons(record: TaskRecord, job: string): WireButton[] {
  const { upscaler } = parseVersion(record.prompt, record.botType);
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

function varyButtons(job: string): WireButton[] {
  return [
    button(customIdOf({ kind: "vary-image", strength: "subtle" }, job), "Vary (Subtle)", "🪄"),
    button(customIdOf({ kind: "vary-image", strength: "strong" }, job), "Vary (Strong)", "🪄"),
    button(customIdOf({ kind: "vary-region" }, job), "Vary (Region)", "🖌️"),
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

function imageButtons(record: TaskRecord, job: string, media: MediaInfo): WireButton[] {
  const square = media.width === media.height;
  return [
    ...upscalerButtons(record, job),
    ...varyButtons(job),
    ...zoomButtons(job),
    ...(square ? [] : [button(customIdOf({ kind: "make-square" }, job), "Make Square")]),
    ...PANS.map(([direction, emoji]) => button(customIdOf({ kind: "pan", direction }, job), "", emoji)),
    ...animateButtons(job),
    button(customIdOf({ kind: "bookmark" }, job), "", "❤️"),
    reroll(job),
  ];
}

/** trueai's synthetic set after Upscale (Subtle/Creative): no pan, no further upscale (§5.2). */
function hdButtons(job: string): WireButton[] {
  return [...varyButtons(job), ...zoomButtons(job), ...animateButtons(job), reroll(job)];
}

function videoGridButtons(job: string): WireButton[] {
  return [
    ...INDEXES.map((index) => button(customIdOf({ kind: "upscale-video", index }, job), `U${index}`)),
    reroll(job),
  ];
}

function videoButtons(job: string): WireButton[] {
  return [
    button(customIdOf({ kind: "extend", motion: "high" }, job), "Extend (High motion)", "🎞️"),
    button(customIdOf({ kind: "extend", motion: "low" }, job), "Extend (Low motion)", "🎞️"),
  ];
}

const NUMBER_EMOJI = ["1️⃣", "2️⃣", "3️⃣", "4️⃣"] as const;

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

/** The buttons of a finished task; `media` is its rendered result (Make Square needs its shape). */
export function buttonsFor(record: TaskRecord, media: MediaInfo): WireButton[] {
  const job = record.jobId;
  switch (record.output) {
    case "grid":
      return gridButtons(job);
    case "image":
      return imageButtons(record, job, media);
    case "image-hd":
      return hdButtons(job);
    case "video-grid":
      return videoGridButtons(job);
    case "video":
      return videoButtons(job);
    case "describe":
      return describeButtons();
  }
}
