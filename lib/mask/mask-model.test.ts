import { describe, expect, it } from "vitest";
import {
  apply,
  canRedo,
  canUndo,
  EMPTY_HISTORY,
  isEmpty,
  redo,
  SELECT_ALL,
  undo,
  type MaskHistory,
  type MaskOp,
} from "./mask-model";

const stroke = (mode: "paint" | "erase" = "paint"): MaskOp => ({
  kind: "stroke",
  mode,
  size: 0.1,
  points: [
    { x: 0.2, y: 0.2 },
    { x: 0.8, y: 0.8 },
  ],
});
const leftHalf: MaskOp = { kind: "rect", mode: "paint", from: { x: 0, y: 0 }, to: { x: 0.5, y: 1 } };
const eraseAll: MaskOp = { kind: "rect", mode: "erase", from: { x: 1, y: 1 }, to: { x: 0, y: 0 } };

function build(...ops: MaskOp[]): MaskHistory {
  return ops.reduce(apply, EMPTY_HISTORY);
}

describe("mask history", () => {
  it("starts empty with nothing to undo or redo", () => {
    expect(EMPTY_HISTORY.ops).toEqual([]);
    expect(canUndo(EMPTY_HISTORY)).toBe(false);
    expect(canRedo(EMPTY_HISTORY)).toBe(false);
    expect(isEmpty(EMPTY_HISTORY)).toBe(true);
    expect(undo(EMPTY_HISTORY)).toBe(EMPTY_HISTORY);
    expect(redo(EMPTY_HISTORY)).toBe(EMPTY_HISTORY);
  });

  it("undoes and redoes in order", () => {
    const a = stroke();
    const b = leftHalf;
    const both = build(a, b);
    expect(both.ops).toEqual([a, b]);

    const one = undo(both);
    expect(one.ops).toEqual([a]);
    expect(canRedo(one)).toBe(true);

    const none = undo(one);
    expect(none.ops).toEqual([]);
    expect(canUndo(none)).toBe(false);

    const again = redo(redo(none));
    expect(again.ops).toEqual([a, b]);
    expect(canRedo(again)).toBe(false);
  });

  it("forgets the undone operations when a new one is applied", () => {
    const branched = apply(undo(build(stroke(), leftHalf)), { kind: "invert" });
    expect(branched.ops.map((op) => op.kind)).toEqual(["stroke", "invert"]);
    expect(canRedo(branched)).toBe(false);
  });

  it("never changes a history it was given", () => {
    const before = build(stroke());
    const snapshot = structuredClone(before);
    apply(before, leftHalf);
    undo(before);
    redo(undo(before));
    expect(before).toEqual(snapshot);
  });

  it("does not record operations that cannot change the mask", () => {
    const history = build(stroke());
    expect(apply(history, { kind: "stroke", mode: "paint", size: 0.1, points: [] })).toBe(history);
    expect(apply(history, { kind: "stroke", mode: "paint", size: 0, points: [{ x: 0.5, y: 0.5 }] })).toBe(
      history,
    );
    expect(
      apply(history, { kind: "rect", mode: "paint", from: { x: 0.3, y: 0.1 }, to: { x: 0.3, y: 0.9 } }),
    ).toBe(history);
    expect(apply(EMPTY_HISTORY, { kind: "clear" })).toBe(EMPTY_HISTORY);
  });

  it("clear is one undoable step that brings the previous mask back", () => {
    const painted = build(stroke(), leftHalf);
    const cleared = apply(painted, { kind: "clear" });
    expect(isEmpty(cleared)).toBe(true);
    expect(canUndo(cleared)).toBe(true);
    expect(undo(cleared)).toEqual({ ops: painted.ops, undone: [{ kind: "clear" }] });
    expect(isEmpty(undo(cleared))).toBe(false);
  });

  it("invert turns an empty mask into a full one and back", () => {
    const inverted = apply(EMPTY_HISTORY, { kind: "invert" });
    expect(isEmpty(inverted)).toBe(false);
    expect(isEmpty(apply(inverted, { kind: "invert" }))).toBe(true);
    expect(isEmpty(undo(inverted))).toBe(true);
  });

  it("knows when the mask is certainly empty", () => {
    expect(isEmpty(build(stroke()))).toBe(false);
    expect(isEmpty(build(stroke("erase")))).toBe(true);
    expect(isEmpty(build(SELECT_ALL))).toBe(false);
    expect(isEmpty(build(SELECT_ALL, eraseAll))).toBe(true);
    expect(isEmpty(build(stroke(), eraseAll))).toBe(true);
    expect(isEmpty(build(SELECT_ALL, { kind: "invert" }))).toBe(true);
    // Painting a full mask leaves it full; inverting it then empties it.
    expect(isEmpty(build(SELECT_ALL, stroke(), { kind: "invert" }))).toBe(true);
    // Erasing a stroke out of a full mask and inverting leaves that stroke white.
    expect(isEmpty(build(SELECT_ALL, stroke("erase"), { kind: "invert" }))).toBe(false);
    expect(isEmpty(build({ kind: "invert" }, stroke("erase"), { kind: "invert" }))).toBe(false);
  });
});
