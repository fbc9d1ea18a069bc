"use client";

import { useTranslations } from "next-intl";
import {
  useId,
  useRef,
  type CSSProperties,
  type KeyboardEvent,
  type PointerEvent,
  type RefObject,
} from "react";
import { MaskCanvas, type MaskEditing } from "@/components/task/mask-editor";
import { cn } from "@/lib/cn";
import {
  CENTERED,
  imageBox,
  movePlacement,
  NUDGE,
  scalePlacement,
  stepScale,
  type Placement,
} from "@/lib/images/placement";

/** Leaves the tools above and the prompt below in view on a laptop; a phone is limited by its width. */
const STAGE_MAX_HEIGHT = "60dvh";

/** The usual picture of transparency: what Midjourney will paint. Squares of 8 CSS px, as the mask's. */
const CHECKERBOARD: CSSProperties = {
  backgroundImage: "repeating-conic-gradient(#d4d4d8 0 25%, #fafafa 0 50%)",
  backgroundSize: "16px 16px",
};

const CORNERS = [
  { x: 0, y: 0, cursor: "cursor-nwse-resize" },
  { x: 1, y: 0, cursor: "cursor-nesw-resize" },
  { x: 0, y: 1, cursor: "cursor-nesw-resize" },
  { x: 1, y: 1, cursor: "cursor-nwse-resize" },
] as const;

interface Point {
  x: number;
  y: number;
}

type Drag =
  | { kind: "move"; pointerId: number; from: Point; start: Placement }
  | { kind: "pinch"; distance: number; start: Placement }
  /** A corner handle: the scale follows the pointer's distance from the image's centre. */
  | { kind: "resize"; pointerId: number; centre: Point; distance: number; start: Placement };

const distance = (a: Point, b: Point) => Math.max(1, Math.hypot(a.x - b.x, a.y - b.y));

/**
 * The Editor's canvas on screen: the image placed on a checkerboard (what is transparent), with
 * the erasing painted over it. With the move tool the image follows a drag (one finger or the
 * mouse), two fingers pinch its size, its corners resize it; with the focus on the canvas, arrow
 * keys move it and + and − resize it. Without `editable` (Retexture) it is the image alone.
 */
export function EditorStage({
  imageUrl,
  imageAspect,
  canvasAspect,
  placement,
  onPlacementChange,
  editing,
  editable,
  focusRef,
  onCoverage,
}: {
  imageUrl: string;
  imageAspect: number;
  canvasAspect: number;
  placement: Placement;
  onPlacementChange(placement: Placement): void;
  editing: MaskEditing;
  editable: boolean;
  /** Where painting puts the focus, so the tool shortcuts work right after. */
  focusRef: RefObject<HTMLElement | null>;
  onCoverage(share: number): void;
}) {
  const t = useTranslations("editor");
  const helpId = useId();
  const stageRef = useRef<HTMLDivElement>(null);
  const pointers = useRef(new Map<number, Point>());
  const drag = useRef<Drag | null>(null);
  const aspect = editable ? canvasAspect : imageAspect;
  const box = imageBox(editable ? placement : CENTERED, imageAspect, aspect);
  const moving = editable && editing.tool === "move";

  /** One pointer drags, two pinch; a finger lifted hands the gesture to the one left. */
  function regroup() {
    const [first, second] = [...pointers.current.entries()];
    if (first && second)
      drag.current = { kind: "pinch", distance: distance(first[1], second[1]), start: placement };
    else if (first) drag.current = { kind: "move", pointerId: first[0], from: first[1], start: placement };
    else drag.current = null;
  }

  function onPointerDown(event: PointerEvent<HTMLDivElement>) {
    if (!moving || (event.pointerType === "mouse" && event.button !== 0)) return;
    event.preventDefault();
    event.currentTarget.setPointerCapture(event.pointerId);
    stageRef.current?.focus({ preventScroll: true });
    pointers.current.set(event.pointerId, { x: event.clientX, y: event.clientY });
    regroup();
  }

  function onPointerMove(event: PointerEvent<HTMLDivElement>) {
    const gesture = drag.current;
    const bounds = stageRef.current?.getBoundingClientRect();
    if (!gesture || !bounds) return;
    const point = { x: event.clientX, y: event.clientY };
    if (gesture.kind === "resize") {
      if (gesture.pointerId === event.pointerId)
        onPlacementChange(
          scalePlacement(
            gesture.start,
            (gesture.start.scale * distance(point, gesture.centre)) / gesture.distance,
          ),
        );
      return;
    }
    if (!pointers.current.has(event.pointerId)) return;
    pointers.current.set(event.pointerId, point);
    if (gesture.kind === "move" && gesture.pointerId === event.pointerId) {
      const dx = (point.x - gesture.from.x) / bounds.width;
      const dy = (point.y - gesture.from.y) / bounds.height;
      onPlacementChange(movePlacement(gesture.start, dx, dy));
    } else if (gesture.kind === "pinch") {
      const [a, b] = [...pointers.current.values()];
      if (a && b)
        onPlacementChange(
          scalePlacement(gesture.start, (gesture.start.scale * distance(a, b)) / gesture.distance),
        );
    }
  }

  function onPointerEnd(event: PointerEvent<HTMLDivElement>) {
    if (drag.current?.kind === "resize") {
      if (drag.current.pointerId === event.pointerId) drag.current = null;
      return;
    }
    if (pointers.current.delete(event.pointerId)) regroup();
  }

  function onHandleDown(event: PointerEvent<HTMLDivElement>) {
    const bounds = stageRef.current?.getBoundingClientRect();
    if (!bounds || (event.pointerType === "mouse" && event.button !== 0)) return;
    // The stage would otherwise start a move under the handle.
    event.preventDefault();
    event.stopPropagation();
    stageRef.current?.setPointerCapture(event.pointerId);
    stageRef.current?.focus({ preventScroll: true });
    const centre = {
      x: bounds.left + placement.x * bounds.width,
      y: bounds.top + placement.y * bounds.height,
    };
    drag.current = {
      kind: "resize",
      pointerId: event.pointerId,
      centre,
      distance: distance({ x: event.clientX, y: event.clientY }, centre),
      start: placement,
    };
  }

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    if (!editable || event.altKey || event.ctrlKey || event.metaKey) return;
    const step = event.shiftKey ? NUDGE.large : NUDGE.small;
    const moves: Record<string, [number, number]> = {
      ArrowLeft: [-step, 0],
      ArrowRight: [step, 0],
      ArrowUp: [0, -step],
      ArrowDown: [0, step],
    };
    const move = moves[event.key];
    let next: Placement | null = null;
    if (move) next = movePlacement(placement, move[0], move[1]);
    else if (event.key === "+" || event.key === "=") next = stepScale(placement, 1);
    else if (event.key === "-" || event.key === "_") next = stepScale(placement, -1);
    else if (event.key === "0") next = CENTERED;
    if (!next) return;
    event.preventDefault();
    onPlacementChange(next);
  }

  return (
    <>
      <div
        ref={stageRef}
        role={editable ? "application" : undefined}
        tabIndex={editable ? 0 : undefined}
        aria-label={editable ? t("stage") : undefined}
        aria-describedby={editable ? helpId : undefined}
        aria-keyshortcuts={editable ? "ArrowLeft ArrowRight ArrowUp ArrowDown + - 0" : undefined}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerEnd}
        onPointerCancel={onPointerEnd}
        onLostPointerCapture={onPointerEnd}
        onKeyDown={onKeyDown}
        className={cn(
          "relative mx-auto max-w-full overflow-hidden rounded-md outline-none select-none focus-visible:ring-2 focus-visible:ring-sky-500 focus-visible:ring-offset-2 dark:focus-visible:ring-offset-zinc-950",
          moving && "cursor-move touch-none",
        )}
        style={{
          aspectRatio: `${aspect}`,
          width: `min(100%, calc(${STAGE_MAX_HEIGHT} * ${aspect}))`,
          ...(editable ? CHECKERBOARD : {}),
        }}
      >
        <div
          className="absolute"
          style={{
            left: `${box.left * 100}%`,
            top: `${box.top * 100}%`,
            width: `${box.width * 100}%`,
            height: `${box.height * 100}%`,
          }}
        >
          {editable ? (
            <MaskCanvas
              editing={editing}
              imageUrl={imageUrl}
              focusRef={focusRef}
              onCoverage={onCoverage}
              words="editor.mask"
              transparency
              className="size-full"
            />
          ) : (
            // eslint-disable-next-line @next/next/no-img-element -- a local or same-origin image being edited
            <img src={imageUrl} alt={t("title")} draggable={false} className="size-full" />
          )}
          {moving && (
            <>
              <div
                aria-hidden
                className="pointer-events-none absolute inset-0 outline-2 outline-sky-500 outline-dashed"
              />
              {CORNERS.map((corner) => (
                <div
                  key={`${corner.x}-${corner.y}`}
                  aria-hidden
                  onPointerDown={onHandleDown}
                  className={cn(
                    "absolute size-5 -translate-x-1/2 -translate-y-1/2 touch-none rounded-sm border-2 border-white bg-sky-500 shadow",
                    corner.cursor,
                  )}
                  style={{ left: `${corner.x * 100}%`, top: `${corner.y * 100}%` }}
                />
              ))}
            </>
          )}
        </div>
      </div>
      {editable && (
        <p id={helpId} className="text-xs text-zinc-600 dark:text-zinc-400">
          {t("stageHelp")}
        </p>
      )}
    </>
  );
}
