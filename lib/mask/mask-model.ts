/**
 * The Vary (Region) mask as a list of editing operations rather than pixels: replaying the list
 * gives the same mask at any resolution (the on-screen overlay and the exported PNG differ in
 * size), and undo is just dropping the last operation.
 *
 * Coordinates are normalised to the image: (0, 0) is the top-left corner, (1, 1) the bottom-right,
 * so a stroke drawn on a 390 px phone lands on the same spot of a 1024 px mask.
 */

export interface MaskPoint {
  readonly x: number;
  readonly y: number;
}

/** Paint marks an area to regenerate (white); erase gives it back to the original (black). */
export type MaskMode = "paint" | "erase";

export type MaskOp =
  | {
      readonly kind: "stroke";
      readonly mode: MaskMode;
      /** Brush diameter as a fraction of the image width, so it scales with the image. */
      readonly size: number;
      readonly points: readonly MaskPoint[];
    }
  | { readonly kind: "rect"; readonly mode: MaskMode; readonly from: MaskPoint; readonly to: MaskPoint }
  | { readonly kind: "clear" }
  | { readonly kind: "invert" };

/** Brush diameter range (fractions of the image width) offered by the editor. */
export const BRUSH_SIZE = { min: 0.01, max: 0.3, step: 0.01, default: 0.06 } as const;

/** The rectangle the keyboard-only "Select all" paints: the whole image. */
export const SELECT_ALL: MaskOp = { kind: "rect", mode: "paint", from: { x: 0, y: 0 }, to: { x: 1, y: 1 } };

/** Immutable, so it can live in React state and every change is a new value. */
export interface MaskHistory {
  /** Applied operations, oldest first: replaying them draws the mask. */
  readonly ops: readonly MaskOp[];
  /** Undone operations, the most recently undone last: redo takes it back from here. */
  readonly undone: readonly MaskOp[];
}

export const EMPTY_HISTORY: MaskHistory = { ops: [], undone: [] };

/**
 * Records an operation and forgets what was undone (a new edit starts a new branch, as in every
 * editor). Operations that cannot change the mask are not recorded, so Undo never seems to do
 * nothing: a stroke without points, a rectangle without area, Clear on a mask known to be empty.
 */
export function apply(history: MaskHistory, op: MaskOp): MaskHistory {
  if (op.kind === "stroke" && (op.points.length === 0 || !(op.size > 0))) return history;
  if (op.kind === "rect" && (op.from.x === op.to.x || op.from.y === op.to.y)) return history;
  if (op.kind === "clear" && isEmpty(history)) return history;
  return { ops: [...history.ops, op], undone: [] };
}

export function undo(history: MaskHistory): MaskHistory {
  const last = history.ops.at(-1);
  if (!last) return history;
  return { ops: history.ops.slice(0, -1), undone: [...history.undone, last] };
}

export function redo(history: MaskHistory): MaskHistory {
  const next = history.undone.at(-1);
  if (!next) return history;
  return { ops: [...history.ops, next], undone: history.undone.slice(0, -1) };
}

export function canUndo(history: MaskHistory): boolean {
  return history.ops.length > 0;
}

export function canRedo(history: MaskHistory): boolean {
  return history.undone.length > 0;
}

/**
 * True when the mask is certainly all black, decided from the operations alone (no pixels).
 * False means "may hold paint": a stroke later erased exactly may still leave nothing, which only
 * rasterising can tell; that is why the editor counts pixels before it exports.
 */
export function isEmpty(history: MaskHistory): boolean {
  let state: "empty" | "full" | "partial" = "empty";
  for (const op of history.ops) {
    switch (op.kind) {
      case "clear":
        state = "empty";
        break;
      case "invert":
        state = state === "empty" ? "full" : state === "full" ? "empty" : "partial";
        break;
      case "rect":
      case "stroke": {
        const settled = op.mode === "paint" ? "full" : "empty";
        // Painting a full mask or erasing an empty one leaves it as it was; covering the whole
        // image settles it whatever it was before.
        if (state !== settled)
          state = op.kind === "rect" && coversImage(op.from, op.to) ? settled : "partial";
        break;
      }
    }
  }
  return state === "empty";
}

function coversImage(a: MaskPoint, b: MaskPoint): boolean {
  return (
    Math.min(a.x, b.x) <= 0 && Math.min(a.y, b.y) <= 0 && Math.max(a.x, b.x) >= 1 && Math.max(a.y, b.y) >= 1
  );
}
