import { describe, expect, it } from "vitest";
import {
  describeButton,
  parseCustomId,
  type ButtonGroup,
  type ButtonIcon,
  type ParsedCustomId,
} from "./buttons";

/** Realistic Midjourney job ids (the uuid embedded in a customId = the task's jobId). */
const JOB = "3f1c8a2e-5b7d-4e2a-9c1f-0a1b2c3d4e5f";
const VIDEO_JOB = "9b8e7d6c-1a2b-4c3d-8e9f-0123456789ab";

type Row = [customId: string, expected: ParsedCustomId];

const p = (over: Partial<ParsedCustomId> & Pick<ParsedCustomId, "kind">): ParsedCustomId => ({
  index: null,
  jobId: null,
  variant: null,
  zoomFactor: null,
  alwaysModal: false,
  remixable: false,
  ...over,
});

/** Every customId pattern of docs/protocol.md §5, with the full parse it must produce. */
const CATALOGUE: Row[] = [
  // 5.1 on a 4-image grid
  ...[1, 2, 3, 4].map((n): Row => [
    `MJ::JOB::upsample::${n}::${JOB}`,
    p({ kind: "upscale", index: n, jobId: JOB, variant: "grid" }),
  ]),
  [`MJ::JOB::reroll::0::${JOB}::SOLO`, p({ kind: "reroll", jobId: JOB, variant: "job", remixable: true })],
  ...[1, 2, 3, 4].map((n): Row => [
    `MJ::JOB::variation::${n}::${JOB}`,
    p({ kind: "vary", index: n, jobId: JOB, variant: "grid", remixable: true }),
  ]),

  // 5.2 on an upscaled single image
  [
    `MJ::JOB::upsample_v7_2x_subtle::1::${JOB}::SOLO`,
    p({ kind: "upscale", index: 1, jobId: JOB, variant: "subtle" }),
  ],
  [
    `MJ::JOB::upsample_v7_2x_creative::1::${JOB}::SOLO`,
    p({ kind: "upscale", index: 1, jobId: JOB, variant: "creative" }),
  ],
  [
    `MJ::JOB::upsample_v6r1_2x_subtle::1::${JOB}::SOLO`,
    p({ kind: "upscale", index: 1, jobId: JOB, variant: "subtle" }),
  ],
  [
    `MJ::JOB::upsample_v6r1_2x_creative::1::${JOB}::SOLO`,
    p({ kind: "upscale", index: 1, jobId: JOB, variant: "creative" }),
  ],
  [
    `MJ::JOB::upsample_v6_2x_subtle::1::${JOB}::SOLO`,
    p({ kind: "upscale", index: 1, jobId: JOB, variant: "subtle" }),
  ],
  [
    `MJ::JOB::upsample_v6_2x_creative::1::${JOB}::SOLO`,
    p({ kind: "upscale", index: 1, jobId: JOB, variant: "creative" }),
  ],
  [`MJ::JOB::upsample_v5_2x::1::${JOB}::SOLO`, p({ kind: "upscale", index: 1, jobId: JOB, variant: "2x" })],
  [`MJ::JOB::upsample_v5_4x::1::${JOB}::SOLO`, p({ kind: "upscale", index: 1, jobId: JOB, variant: "4x" })],
  [
    `MJ::JOB::low_variation::1::${JOB}::SOLO`,
    p({ kind: "vary", index: 1, jobId: JOB, variant: "subtle", remixable: true }),
  ],
  [
    `MJ::JOB::high_variation::1::${JOB}::SOLO`,
    p({ kind: "vary", index: 1, jobId: JOB, variant: "strong", remixable: true }),
  ],
  [`MJ::Inpaint::1::${JOB}::SOLO`, p({ kind: "vary-region", index: 1, jobId: JOB, alwaysModal: true })],
  [
    `MJ::Outpaint::50::1::${JOB}::SOLO`,
    p({ kind: "zoom", index: 1, jobId: JOB, variant: "out", zoomFactor: 2 }),
  ],
  [
    `MJ::Outpaint::75::1::${JOB}::SOLO`,
    p({ kind: "zoom", index: 1, jobId: JOB, variant: "out", zoomFactor: 1.5 }),
  ],
  [
    `MJ::Outpaint::100::1::${JOB}::SOLO`,
    p({ kind: "zoom", index: 1, jobId: JOB, variant: "square", zoomFactor: 1 }),
  ],
  [`MJ::CustomZoom::${JOB}`, p({ kind: "custom-zoom", index: 1, jobId: JOB, alwaysModal: true })],
  [`MJ::CustomZoom::1::${JOB}`, p({ kind: "custom-zoom", index: 1, jobId: JOB, alwaysModal: true })],
  ...(["left", "right", "up", "down"] as const).map((dir): Row => [
    `MJ::JOB::pan_${dir}::1::${JOB}::SOLO`,
    p({ kind: "pan", index: 1, jobId: JOB, variant: dir, remixable: true }),
  ]),
  [
    `MJ::JOB::animate_high::1::${JOB}::SOLO`,
    p({ kind: "animate", index: 1, jobId: JOB, variant: "high", remixable: true }),
  ],
  [
    `MJ::JOB::animate_low::1::${JOB}::SOLO`,
    p({ kind: "animate", index: 1, jobId: JOB, variant: "low", remixable: true }),
  ],
  [`MJ::BOOKMARK::${JOB}`, p({ kind: "bookmark", jobId: JOB })],

  // 5.3 video results
  ...[1, 2, 3, 4].map((n): Row => [
    `MJ::JOB::video_virtual_upscale::${n}::${VIDEO_JOB}`,
    p({ kind: "upscale", index: n, jobId: VIDEO_JOB, variant: "video" }),
  ]),
  [
    `MJ::JOB::animate_high_extend::1::${VIDEO_JOB}`,
    p({ kind: "extend", index: 1, jobId: VIDEO_JOB, variant: "high", remixable: true }),
  ],
  [
    `MJ::JOB::animate_low_extend::3::${VIDEO_JOB}`,
    p({ kind: "extend", index: 3, jobId: VIDEO_JOB, variant: "low", remixable: true }),
  ],

  // 5.4 after DESCRIBE (note `Job`, not `JOB`; no job id in the customId)
  ...[1, 2, 3, 4].map((n): Row => [
    `MJ::Job::PicReader::${n}`,
    p({ kind: "describe-prompt", index: n, alwaysModal: true }),
  ]),
  ["MJ::Job::PicReader::all", p({ kind: "imagine-all" })],
  // A new DESCRIBE on the same image: submitted directly (code 1/22), never a remix modal.
  ["MJ::Picread::Retry", p({ kind: "reroll", variant: "describe" })],

  // 5.5 after SHORTEN: known, though trueai's HEAD controller has no branch for it (the UI hides them)
  [
    `MJ::Job::PromptAnalyzer::${JOB}::1`,
    p({ kind: "shorten-prompt", index: 1, jobId: JOB, alwaysModal: true }),
  ],
  [
    `MJ::Job::PromptAnalyzer::${JOB}::5`,
    p({ kind: "shorten-prompt", index: 5, jobId: JOB, alwaysModal: true }),
  ],
  ["MJ::Job::PromptAnalyzer::3", p({ kind: "shorten-prompt", index: 3, alwaysModal: true })],

  // anything else
  [`MJ::JOB::something_new::1::${JOB}::SOLO`, p({ kind: "unknown" })],
  ["", p({ kind: "unknown" })],
];

describe("parseCustomId", () => {
  it.each(CATALOGUE)("%s", (customId, expected) => {
    expect(parseCustomId(customId)).toEqual(expected);
  });

  it("is modal-always exactly for Custom Zoom, Vary (Region), the describe and the shorten prompts", () => {
    const always = CATALOGUE.filter(([id]) => parseCustomId(id).alwaysModal).map(([id]) => id);
    expect(always).toEqual([
      `MJ::Inpaint::1::${JOB}::SOLO`,
      `MJ::CustomZoom::${JOB}`,
      `MJ::CustomZoom::1::${JOB}`,
      "MJ::Job::PicReader::1",
      "MJ::Job::PicReader::2",
      "MJ::Job::PicReader::3",
      "MJ::Job::PicReader::4",
      `MJ::Job::PromptAnalyzer::${JOB}::1`,
      `MJ::Job::PromptAnalyzer::${JOB}::5`,
      "MJ::Job::PromptAnalyzer::3",
    ]);
  });

  it("is remixable exactly for V, Vary (Subtle/Strong), pan, job reroll, animate and extend", () => {
    const kinds = CATALOGUE.filter(([id]) => parseCustomId(id).remixable).map(([id]) => {
      const parsed = parseCustomId(id);
      return `${parsed.kind}:${parsed.variant}`;
    });
    expect([...new Set(kinds)]).toEqual([
      "reroll:job",
      "vary:grid",
      "vary:subtle",
      "vary:strong",
      "pan:left",
      "pan:right",
      "pan:up",
      "pan:down",
      "animate:high",
      "animate:low",
      "extend:high",
      "extend:low",
    ]);
  });

  it("does not take a describe prompt for an upscale because of its digit", () => {
    expect(parseCustomId("MJ::Job::PicReader::12").kind).toBe("unknown");
  });
});

type LabelRow = [
  customId: string,
  label: string,
  emoji: string,
  expected: { label: string; icon: ButtonIcon; group: ButtonGroup },
];

/** Labels and emoji as Midjourney/trueai attach them (§4.6, §5). */
const PRESENTATION: LabelRow[] = [
  [`MJ::JOB::upsample::1::${JOB}`, "U1", "", { label: "U1", icon: "maximize", group: "upscale" }],
  [`MJ::JOB::upsample::4::${JOB}`, "U4", "", { label: "U4", icon: "maximize", group: "upscale" }],
  [`MJ::JOB::variation::3::${JOB}`, "V3", "", { label: "V3", icon: "sparkles", group: "vary" }],
  [`MJ::JOB::reroll::0::${JOB}::SOLO`, "", "🔄", { label: "Reroll", icon: "refresh", group: "other" }],
  [
    `MJ::JOB::upsample_v7_2x_subtle::1::${JOB}::SOLO`,
    "Upscale (Subtle)",
    "upscale_1",
    { label: "Upscale (Subtle)", icon: "maximize", group: "upscale" },
  ],
  [
    `MJ::JOB::upsample_v6r1_2x_creative::1::${JOB}::SOLO`,
    "Upscale (Creative)",
    "upscale_1",
    { label: "Upscale (Creative)", icon: "maximize", group: "upscale" },
  ],
  [
    `MJ::JOB::upsample_v5_4x::1::${JOB}::SOLO`,
    "Upscale (4x)",
    "",
    { label: "Upscale (4x)", icon: "maximize", group: "upscale" },
  ],
  [
    `MJ::JOB::low_variation::1::${JOB}::SOLO`,
    "Vary (Subtle)",
    "🪄",
    { label: "Vary (Subtle)", icon: "wand", group: "vary" },
  ],
  [
    `MJ::JOB::high_variation::1::${JOB}::SOLO`,
    "Vary (Strong)",
    "🪄",
    { label: "Vary (Strong)", icon: "wand", group: "vary" },
  ],
  [
    `MJ::Inpaint::1::${JOB}::SOLO`,
    "Vary (Region)",
    "🖌️",
    { label: "Vary (Region)", icon: "brush", group: "vary" },
  ],
  [
    `MJ::Outpaint::50::1::${JOB}::SOLO`,
    "Zoom Out 2x",
    "🔍",
    { label: "Zoom Out 2x", icon: "zoom-out", group: "zoom" },
  ],
  [
    `MJ::Outpaint::75::1::${JOB}::SOLO`,
    "Zoom Out 1.5x",
    "🔍",
    { label: "Zoom Out 1.5x", icon: "zoom-out", group: "zoom" },
  ],
  [
    `MJ::Outpaint::100::1::${JOB}::SOLO`,
    "Make Square",
    "",
    { label: "Make Square", icon: "square", group: "zoom" },
  ],
  [`MJ::CustomZoom::${JOB}`, "Custom Zoom", "🔍", { label: "Custom Zoom", icon: "search", group: "zoom" }],
  [`MJ::JOB::pan_left::1::${JOB}::SOLO`, "", "⬅️", { label: "Pan left", icon: "arrow-left", group: "pan" }],
  [
    `MJ::JOB::pan_right::1::${JOB}::SOLO`,
    "",
    "➡️",
    { label: "Pan right", icon: "arrow-right", group: "pan" },
  ],
  [`MJ::JOB::pan_up::1::${JOB}::SOLO`, "", "⬆️", { label: "Pan up", icon: "arrow-up", group: "pan" }],
  [`MJ::JOB::pan_down::1::${JOB}::SOLO`, "", "⬇️", { label: "Pan down", icon: "arrow-down", group: "pan" }],
  [
    `MJ::JOB::animate_high::1::${JOB}::SOLO`,
    "Animate (High motion)",
    "🎞️",
    { label: "Animate (High motion)", icon: "film", group: "video" },
  ],
  [
    `MJ::JOB::animate_low::1::${JOB}::SOLO`,
    "Animate (Low motion)",
    "🎞️",
    { label: "Animate (Low motion)", icon: "film", group: "video" },
  ],
  [`MJ::BOOKMARK::${JOB}`, "", "❤️", { label: "Favourite", icon: "heart", group: "other" }],
  [
    `MJ::JOB::video_virtual_upscale::2::${VIDEO_JOB}`,
    "U2",
    "",
    { label: "U2", icon: "maximize", group: "video" },
  ],
  [
    `MJ::JOB::animate_high_extend::1::${VIDEO_JOB}`,
    "Extend (High motion)",
    "🎞️",
    { label: "Extend (High motion)", icon: "clapperboard", group: "video" },
  ],
  [
    `MJ::JOB::animate_low_extend::1::${VIDEO_JOB}`,
    "Extend (Low motion)",
    "🎞️",
    { label: "Extend (Low motion)", icon: "clapperboard", group: "video" },
  ],
  ["MJ::Job::PicReader::2", "", "2️⃣", { label: "Imagine prompt 2", icon: "type", group: "other" }],
  ["MJ::Job::PicReader::all", "", "🎉", { label: "Imagine all", icon: "sparkles", group: "other" }],
  ["MJ::Picread::Retry", "", "🔄", { label: "Describe again", icon: "refresh", group: "other" }],
  [
    `MJ::Job::PromptAnalyzer::${JOB}::1`,
    "",
    "1️⃣",
    { label: "Imagine shortened prompt 1", icon: "type", group: "other" },
  ],
  // unknown ids keep what the upstream shows
  ["MJ::Job::ShowDetails", "Show Details", "", { label: "Show Details", icon: "circle", group: "other" }],
  ["MJ::Job::ShowDetails", "", "", { label: "Action", icon: "circle", group: "other" }],
];

describe("describeButton", () => {
  it.each(PRESENTATION)("%s (label %j, emoji %j)", (customId, label, emoji, expected) => {
    const info = describeButton({ customId, label, emoji });
    expect({ label: info.label, icon: info.icon, group: info.group }).toEqual(expected);
    expect(info.customId).toBe(customId);
    // The parse is carried along unchanged.
    expect({
      ...info,
      customId: undefined,
      label: undefined,
      name: undefined,
      icon: undefined,
      group: undefined,
    }).toEqual({
      ...parseCustomId(customId),
      customId: undefined,
      label: undefined,
      name: undefined,
      icon: undefined,
      group: undefined,
    });
  });

  it.each(PRESENTATION)(
    "%s: has the app's own name exactly when the catalogue knows it",
    (customId, _label, emoji) => {
      const info = describeButton({ customId, label: "", emoji });
      expect(info.name === null).toBe(info.kind === "unknown");
    },
  );

  it("keeps the upstream label verbatim inside the accessible label", () => {
    for (const [customId, label, emoji] of PRESENTATION) {
      if (label) expect(describeButton({ customId, label, emoji }).label).toContain(label);
    }
  });

  it("trims whitespace around an upstream label", () => {
    expect(
      describeButton({ customId: `MJ::JOB::upsample::1::${JOB}`, label: "  U1 ", emoji: "" }).label,
    ).toBe("U1");
  });

  it.each([
    [`MJ::JOB::upsample::3::${JOB}`, "U3"],
    [`MJ::JOB::variation::2::${JOB}`, "V2"],
    [`MJ::JOB::upsample_v7_2x_subtle::1::${JOB}::SOLO`, "Upscale (Subtle)"],
    [`MJ::JOB::upsample_v7_2x_creative::1::${JOB}::SOLO`, "Upscale (Creative)"],
    [`MJ::JOB::upsample_v5_2x::1::${JOB}::SOLO`, "Upscale (2x)"],
    [`MJ::JOB::low_variation::1::${JOB}::SOLO`, "Vary (Subtle)"],
    [`MJ::JOB::high_variation::1::${JOB}::SOLO`, "Vary (Strong)"],
    [`MJ::Inpaint::1::${JOB}::SOLO`, "Vary (Region)"],
    [`MJ::Outpaint::50::1::${JOB}::SOLO`, "Zoom Out 2x"],
    [`MJ::Outpaint::75::1::${JOB}::SOLO`, "Zoom Out 1.5x"],
    [`MJ::Outpaint::100::1::${JOB}::SOLO`, "Make Square"],
    [`MJ::CustomZoom::1::${JOB}`, "Custom Zoom"],
    [`MJ::JOB::animate_low::1::${JOB}::SOLO`, "Animate (Low motion)"],
    [`MJ::JOB::animate_high_extend::2::${VIDEO_JOB}`, "Extend (High motion)"],
    [`MJ::JOB::video_virtual_upscale::4::${VIDEO_JOB}`, "U4"],
    ["MJ::Job::PicReader::4", "Imagine prompt 4"],
    [`MJ::Job::PromptAnalyzer::${JOB}::2`, "Imagine shortened prompt 2"],
  ])("names %s %j when the upstream sends no label", (customId, label) => {
    expect(describeButton({ customId, label: "", emoji: "" }).label).toBe(label);
  });
});
