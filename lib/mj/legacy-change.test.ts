import { describe, expect, it } from "vitest";
import { changeCustomId, changeLabel } from "./legacy-change";
import type { ChangeRequest } from "./requests";
import { taskSchema } from "./task";

const JOB = "0b2a8f7d-1c1e-4c6a-9d1f-5f3e2a1b0c9d";
/** A V7 grid's buttons as trueai lists them (§5), and an upscale's, which has no U n of its own. */
const grid = taskSchema.parse({
  id: "1",
  status: "SUCCESS",
  buttons: [
    ...[1, 2, 3, 4].map((n) => ({ customId: `MJ::JOB::upsample::${n}::${JOB}`, label: `U${n}` })),
    { customId: `MJ::JOB::reroll::0::${JOB}::SOLO`, label: "", emoji: "🔄" },
    ...[1, 2, 3, 4].map((n) => ({ customId: `MJ::JOB::variation::${n}::${JOB}`, label: `V${n}` })),
  ],
}).buttons;
const upscale = taskSchema.parse({
  id: "2",
  status: "SUCCESS",
  buttons: [
    { customId: `MJ::JOB::upsample_v7_2x_subtle::1::${JOB}::SOLO`, label: "Upscale (Subtle)" },
    { customId: `MJ::JOB::high_variation::1::${JOB}::SOLO`, label: "Vary (Strong)" },
  ],
}).buttons;

const change = (action: ChangeRequest["action"], index?: number): ChangeRequest =>
  index === undefined ? { taskId: "1", action } : { taskId: "1", action, index };

describe("legacy change → button (§3.10)", () => {
  it.each([
    { change: change("UPSCALE", 2), customId: `MJ::JOB::upsample::2::${JOB}`, label: "U2" },
    { change: change("VARIATION", 4), customId: `MJ::JOB::variation::4::${JOB}`, label: "V4" },
    { change: change("REROLL"), customId: `MJ::JOB::reroll::0::${JOB}::SOLO`, label: "R" },
  ])("$label is the grid's own button", ({ change, customId, label }) => {
    expect(changeCustomId(grid, change)).toBe(customId);
    expect(changeLabel(change)).toBe(label);
  });

  it("an upscale has no U n, V n or reroll of a grid: nothing to press", () => {
    expect(changeCustomId(upscale, change("UPSCALE", 1))).toBeNull();
    expect(changeCustomId(upscale, change("VARIATION", 1))).toBeNull();
    expect(changeCustomId(upscale, change("REROLL"))).toBeNull();
    expect(changeCustomId([], change("UPSCALE", 1))).toBeNull();
  });
});
