import { describe, expect, it } from "vitest";
import { describeButton, imageButtons, jobButtons } from "./buttons";
import { derivation } from "./derivation";
import { taskSchema } from "./task";

const JOB = "0b7c1f3e-5a4d-4c2b-9e8f-123456789abc";
const child = (customId: string | null, fields: Record<string, unknown> = {}) =>
  taskSchema.parse({
    id: "1700000000000002",
    status: "SUCCESS",
    parentId: "1700000000000001",
    properties: customId ? { custom_id: customId } : {},
    ...fields,
  });

describe("derivation", () => {
  it("names a grid's upscale and variation with the image they came from", () => {
    expect(derivation(child(`MJ::JOB::upsample::2::${JOB}`))).toEqual({
      name: { scope: "derived", key: "upscale" },
      image: 2,
    });
    expect(derivation(child(`MJ::JOB::upsample_v7_2x_subtle::2::${JOB}`), true)).toEqual({
      name: { scope: "buttons", key: "upscaleSubtle", values: {} },
      image: 2,
    });
    expect(derivation(child(`MJ::JOB::variation::3::${JOB}`))).toEqual({
      name: { scope: "derived", key: "vary" },
      image: 3,
    });
    expect(derivation(child(`MJ::JOB::high_variation::3::${JOB}`), true)).toEqual({
      name: { scope: "buttons", key: "varyStrong", values: {} },
      image: 3,
    });
  });

  it("names no image where the customId's index means nothing (Vary on an upscale, or an unknown source)", () => {
    expect(derivation(child(`MJ::JOB::low_variation::1::${JOB}`), false)?.image).toBeNull();
    expect(derivation(child(`MJ::JOB::low_variation::1::${JOB}`))?.image).toBeNull();
    expect(derivation(child(`MJ::Inpaint::1::${JOB}`))).toEqual({
      name: { scope: "buttons", key: "varyRegion", values: {} },
      image: null,
    });
  });

  it("names zooms, pans, rerolls and video buttons as their buttons say", () => {
    expect(derivation(child(`MJ::Outpaint::50::1::${JOB}::SOLO`))?.name).toEqual({
      scope: "buttons",
      key: "zoomOut",
      values: { factor: 2 },
    });
    expect(derivation(child(`MJ::Outpaint::100::1::${JOB}::SOLO`))?.name).toMatchObject({
      key: "makeSquare",
    });
    expect(derivation(child(`MJ::JOB::pan_left::1::${JOB}::SOLO`))?.name).toMatchObject({ key: "panLeft" });
    expect(derivation(child(`MJ::JOB::reroll::0::${JOB}::SOLO`))?.name).toMatchObject({ key: "reroll" });
    expect(derivation(child(`MJ::JOB::animate_high::1::${JOB}::SOLO`))?.name).toEqual({
      scope: "derived",
      key: "animate",
    });
    expect(derivation(child(`MJ::JOB::animate_low_extend::1::${JOB}`))?.name).toMatchObject({
      key: "extend",
    });
  });

  it("names jobs made by a request from their action, and leaves a fresh imagine unlabelled", () => {
    expect(derivation(child(null, { action: "EDIT" }))?.name).toEqual({ scope: "derived", key: "edit" });
    expect(derivation(child(null, { action: "RETEXTURE" }))?.name).toMatchObject({ key: "retexture" });
    expect(
      derivation(child(null, { action: "VIDEO", properties: { video_extend_index: 0 } }))?.name,
    ).toMatchObject({
      key: "extend",
    });
    expect(derivation(child(null, { action: "IMAGINE", parentId: null }))).toBeNull();
    expect(derivation(child(null, { action: "IMAGINE", properties: { remix: true } }))?.name).toMatchObject({
      key: "remix",
    });
  });
});

describe("imageButtons and jobButtons", () => {
  const grid = [
    `MJ::JOB::upsample::1::${JOB}`,
    `MJ::JOB::upsample::2::${JOB}`,
    `MJ::JOB::reroll::0::${JOB}::SOLO`,
    `MJ::JOB::variation::1::${JOB}`,
    `MJ::JOB::variation::2::${JOB}`,
    `MJ::JOB::upsample_v7_2x_subtle::2::${JOB}`,
    `MJ::JOB::video_virtual_upscale::2::${JOB}`,
  ].map((customId) => describeButton({ customId, label: "", emoji: "" }));

  it("gives image n its own U n and V n, variants included, and nothing of another image", () => {
    expect(imageButtons(grid, 2).map((info) => info.customId)).toEqual([
      `MJ::JOB::upsample::2::${JOB}`,
      `MJ::JOB::variation::2::${JOB}`,
      `MJ::JOB::upsample_v7_2x_subtle::2::${JOB}`,
    ]);
    expect(imageButtons(grid, 3)).toEqual([]);
  });

  it("leaves the job the rest of a grid's buttons (reroll, a video U), and all of a single image's", () => {
    expect(jobButtons(grid, true).map((info) => info.kind)).toEqual(["reroll", "upscale"]);
    expect(jobButtons(grid, true)[1]?.variant).toBe("video");
    expect(jobButtons(grid, false)).toHaveLength(grid.length);
  });
});
