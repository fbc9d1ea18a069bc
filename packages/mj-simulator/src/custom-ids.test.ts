import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { buttonsFor } from "./button-sets";
import { ALL_INTENTS, customIdOf, readCustomId } from "./custom-ids";
import type { MediaInfo, OutputKind, TaskRecord } from "./record";

const JOB = randomUUID();

function finished(output: OutputKind, prompt: string, actionIndex: number | null = null): TaskRecord {
  return {
    id: "1700000000000001",
    action: actionIndex === null ? "IMAGINE" : "UPSCALE",
    output,
    customId: null,
    actionIndex,
    parentId: null,
    prompt,
    description: "",
    state: "",
    botType: "MID_JOURNEY",
    requestMode: null,
    accountFilter: null,
    notifyHook: null,
    submitTime: 0,
    jobId: JOB,
    nonce: "1",
    seed: 1,
    seedRevealed: false,
    modal: null,
    schedule: null,
    bannedWord: null,
    cancelledAt: null,
    source: null,
    describePrompts: null,
    media: null,
  };
}

const OUTPUTS: readonly OutputKind[] = [
  "grid",
  "image",
  "image-hd",
  "video-grid",
  "video",
  "describe",
  "shorten",
];
/** One prompt per button set: the default (V8.1) and each upscaler family (v7, v6r1, v6, v5). */
const PROMPTS = ["a cat", "a cat --v 7", "a cat --v 6.1", "a cat --v 6", "a cat --v 5.2", "a cat --niji 6"];
/** A single video made by video U1-U4 carries its clip's number on its Extend buttons (§7). */
const VIDEO_UPSCALES = [1, 2, 3, 4].map((index) => finished("video", "a cat", index));
const SHAPES: MediaInfo[] = [
  { width: 1024, height: 1024, size: 1, contentType: "image/png" },
  { width: 1456, height: 816, size: 1, contentType: "image/png" },
];

describe("customIds: written and read in one place", () => {
  it("reads back every intent it can write, on any job", () => {
    for (const intent of ALL_INTENTS) {
      expect(readCustomId(customIdOf(intent, JOB))).toEqual(intent);
      expect(readCustomId(customIdOf(intent, randomUUID()))).toEqual(intent);
    }
    const ids = new Set(ALL_INTENTS.map((intent) => customIdOf(intent, JOB)));
    expect(ids.size).toBe(ALL_INTENTS.length);
  });

  it("reads every button it puts on a task, and writes it back to the same id", () => {
    const seen = new Set<string>();
    const records = [
      ...OUTPUTS.flatMap((output) => PROMPTS.map((prompt) => finished(output, prompt))),
      ...VIDEO_UPSCALES,
    ];
    for (const record of records) {
      for (const media of SHAPES) {
        for (const { customId } of buttonsFor(record, media)) {
          const intent = readCustomId(customId);
          expect(intent, customId).not.toBeNull();
          const job = customId.includes(JOB) ? JOB : "";
          expect(customIdOf(intent!, job)).toBe(customId);
          seen.add(customId);
        }
      }
    }
    // Every intent is on some task: none is written for nothing.
    expect(seen.size).toBe(ALL_INTENTS.length);
  });

  it("reads nothing from ids it never issues", () => {
    for (const id of [
      "",
      "MJ::JOB::dance::1",
      `MJ::JOB::upsample::5::${JOB}`,
      `MJ::JOB::upsample::1::${JOB}::SOLO`,
      `MJ::JOB::upsample_v7_2x_subtle::1::${JOB}`,
      `MJ::CustomZoom::1::${JOB}`,
      "MJ::JOB::upsample::1::6a5f2bd2-1a1b",
    ]) {
      expect(readCustomId(id), id).toBeNull();
    }
  });
});
