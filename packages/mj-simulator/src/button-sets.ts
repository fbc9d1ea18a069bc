import { parseVersion } from "./prompt";
import type { MediaInfo, TaskRecord } from "./record";

/**
 * The buttons a finished task carries (docs/protocol.md §5), as Discord lays them out row by row and
 * trueai flattens them. Each customId embeds the task's own job uuid, as Midjourney's do.
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

const INDEXES = [1, 2, 3, 4] as const;

function reroll(job: string): WireButton {
  return button(`MJ::JOB::reroll::0::${job}::SOLO`, "", "🔄");
}

function gridButtons(job: string): WireButton[] {
  return [
    ...INDEXES.map((n) => button(`MJ::JOB::upsample::${n}::${job}`, `U${n}`)),
    reroll(job),
    ...INDEXES.map((n) => button(`MJ::JOB::variation::${n}::${job}`, `V${n}`)),
  ];
}

function upscalerButtons(record: TaskRecord, job: string): WireButton[] {
  const { upscaler } = parseVersion(record.prompt, record.botType);
  if (upscaler === "v5") {
    return (["2x", "4x"] as const).map((f) =>
      button(`MJ::JOB::upsample_v5_${f}::1::${job}::SOLO`, `Upscale (${f})`, "upscale_1"),
    );
  }
  return (["subtle", "creative"] as const).map((mode) =>
    button(
      `MJ::JOB::upsample_${upscaler}_2x_${mode}::1::${job}::SOLO`,
      `Upscale (${mode === "subtle" ? "Subtle" : "Creative"})`,
      "upscale_1",
    ),
  );
}

function varyButtons(job: string): WireButton[] {
  return [
    button(`MJ::JOB::low_variation::1::${job}::SOLO`, "Vary (Subtle)", "🪄"),
    button(`MJ::JOB::high_variation::1::${job}::SOLO`, "Vary (Strong)", "🪄"),
    button(`MJ::Inpaint::1::${job}::SOLO`, "Vary (Region)", "🖌️"),
  ];
}

function zoomButtons(job: string): WireButton[] {
  return [
    button(`MJ::Outpaint::50::1::${job}::SOLO`, "Zoom Out 2x", "🔍"),
    button(`MJ::Outpaint::75::1::${job}::SOLO`, "Zoom Out 1.5x", "🔍"),
    button(`MJ::CustomZoom::${job}`, "Custom Zoom", "🔍"),
  ];
}

function animateButtons(job: string): WireButton[] {
  return [
    button(`MJ::JOB::animate_high::1::${job}::SOLO`, "Animate (High motion)", "🎞️"),
    button(`MJ::JOB::animate_low::1::${job}::SOLO`, "Animate (Low motion)", "🎞️"),
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
    ...(square ? [] : [button(`MJ::Outpaint::100::1::${job}::SOLO`, "Make Square")]),
    ...PANS.map(([direction, emoji]) => button(`MJ::JOB::pan_${direction}::1::${job}::SOLO`, "", emoji)),
    ...animateButtons(job),
    button(`MJ::BOOKMARK::${job}`, "", "❤️"),
    reroll(job),
  ];
}

/** trueai's synthetic set after Upscale (Subtle/Creative): no pan, no further upscale (§5.2). */
function hdButtons(job: string): WireButton[] {
  return [...varyButtons(job), ...zoomButtons(job), ...animateButtons(job), reroll(job)];
}

function videoGridButtons(job: string): WireButton[] {
  return [
    ...INDEXES.map((n) => button(`MJ::JOB::video_virtual_upscale::${n}::${job}`, `U${n}`)),
    reroll(job),
  ];
}

function videoButtons(job: string): WireButton[] {
  return [
    button(`MJ::JOB::animate_high_extend::1::${job}`, "Extend (High motion)", "🎞️"),
    button(`MJ::JOB::animate_low_extend::1::${job}`, "Extend (Low motion)", "🎞️"),
  ];
}

const NUMBER_EMOJI = ["1️⃣", "2️⃣", "3️⃣", "4️⃣"] as const;

/** trueai clears the describe prompt buttons' labels; only the emoji remains (§5.4). */
function describeButtons(): WireButton[] {
  return [
    ...NUMBER_EMOJI.map((emoji, i) => button(`MJ::Job::PicReader::${i + 1}`, "", emoji)),
    button("MJ::Job::PicReader::all", "Imagine all", "🎉"),
    button("MJ::Picread::Retry", "", "🔄"),
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
