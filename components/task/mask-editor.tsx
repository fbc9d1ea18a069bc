"use client";

import {
  Brush,
  Contrast,
  Eraser,
  Maximize,
  Move,
  Redo2,
  Square,
  Trash,
  Undo2,
  type LucideIcon,
} from "lucide-react";
import { useTranslations } from "next-intl";
import {
  useCallback,
  useEffect,
  useEffectEvent,
  useId,
  useImperativeHandle,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type CSSProperties,
  type Dispatch,
  type PointerEvent as ReactPointerEvent,
  type Ref,
  type RefObject,
  type SetStateAction,
} from "react";
import { Button } from "@/components/ui/button";
import { cn } from "@/lib/cn";
import {
  apply,
  BRUSH_SIZE,
  canRedo,
  canUndo,
  EMPTY_HISTORY,
  isEmpty,
  redo,
  SELECT_ALL,
  undo,
  type MaskHistory,
  type MaskMode,
  type MaskPoint,
} from "@/lib/mask/mask-model";
import {
  applyOp,
  coverage,
  exportMaskPng,
  maskToRgba,
  rasterizeMask,
  type MaskSize,
  type Rgba,
} from "@/lib/mask/render-mask";

/**
 * The mask editor in parts: the editing state and its shortcuts, the tool bar, and the canvas
 * painted over the image. Vary (Region) puts them together as `MaskEditor`; the Editor
 * (components/editor) uses the same parts to erase what Midjourney should repaint, adding a tool
 * that moves the image on its canvas.
 */

export interface MaskEditorHandle {
  /** The mask as a PNG data URL for `maskBase64`, or null when nothing is selected. */
  exportMask(): Promise<string | null>;
}

export type MaskTool = "brush" | "rectangle" | "eraser";
/** What the pointer does: paint with a mask tool, or (in the Editor) move the image. */
export type PointerTool = MaskTool | "move";

/** The words of the parts: Vary (Region)'s, or the Editor's, which speak of erasing. */
export type MaskWords = "maskEditor" | "editor.mask";

/** sky-500 at 50 %: the image stays readable under the selection in light and dark themes. */
const SELECTED: Rgba = [14, 165, 233, 128];
const UNSELECTED: Rgba = [0, 0, 0, 0];
/** The checkerboard that stands for transparency, in the Editor (zinc-50 and zinc-300). */
const CHECKER_LIGHT: Rgba = [250, 250, 250, 255];
const CHECKER_DARK: Rgba = [212, 212, 216, 255];
/** A checker square's side in CSS pixels, as the Editor's stage draws its own. */
const CHECKER_CSS_PX = 8;
/** The overlay is only a preview; more than 2 device pixels per CSS pixel costs time, not clarity. */
const MAX_PIXEL_RATIO = 2;
/** An image enlarged past its canvas must not make the overlay a huge bitmap redrawn per stroke. */
const MAX_OVERLAY_PIXELS = 4_000_000;
/** Pointer samples closer than this (CSS px) to the last kept one add nothing visible to a stroke. */
const MIN_STEP_PX = 1.5;
/** A rectangle smaller than this (CSS px) either way is a click, not a selection. */
const MIN_RECT_PX = 3;
/** Pens report their eraser end as button 5: it erases whatever tool is chosen. */
const PEN_ERASER_BUTTON = 5;
/**
 * The dialog's 92dvh less what surrounds the canvas (title, tools, brush size, notes, prompt,
 * buttons: about 25rem), never so small that painting is fiddly.
 */
const CANVAS_MAX_HEIGHT = "max(10rem, 92dvh - 25rem)";

/** The tool, the brush and the mask's history: what the parts share. */
export interface MaskEditing {
  tool: PointerTool;
  setTool: Dispatch<SetStateAction<PointerTool>>;
  brushSize: number;
  setBrushSize: Dispatch<SetStateAction<number>>;
  history: MaskHistory;
  setHistory: Dispatch<SetStateAction<MaskHistory>>;
}

export function useMaskEditing(): MaskEditing {
  const [tool, setTool] = useState<PointerTool>("brush");
  const [brushSize, setBrushSize] = useState<number>(BRUSH_SIZE.default);
  const [history, setHistory] = useState(EMPTY_HISTORY);
  return { tool, setTool, brushSize, setBrushSize, history, setHistory };
}

/**
 * Shortcuts work anywhere in the dialog holding the editor (focus starts on its close button), or
 * in the editor's own region elsewhere, but never while the user types in a text field such as
 * the prompt. `move` adds V for the move tool; `enabled` false (a hidden panel) turns them off.
 */
export function useMaskShortcuts(
  rootRef: RefObject<HTMLElement | null>,
  { setTool, setBrushSize, setHistory }: MaskEditing,
  { enabled = true, move = false }: { enabled?: boolean; move?: boolean } = {},
) {
  useEffect(() => {
    if (!enabled) return;
    function onKeyDown(event: KeyboardEvent) {
      const root = rootRef.current;
      if (!root || event.defaultPrevented || event.isComposing || isTyping(event.target)) return;
      const scope = root.closest('[role="dialog"]') ?? root;
      if (event.target !== document.body && !(event.target instanceof Node && scope.contains(event.target)))
        return;
      const action = shortcut(event);
      if (!action || (action === "move" && !move)) return;
      event.preventDefault();
      if (action === "undo") setHistory(undo);
      else if (action === "redo") setHistory(redo);
      else if (action === "smaller" || action === "larger") setBrushSize((size) => stepSize(size, action));
      else setTool(action);
    }
    document.addEventListener("keydown", onKeyDown);
    return () => document.removeEventListener("keydown", onKeyDown);
  }, [rootRef, setTool, setBrushSize, setHistory, enabled, move]);
}

/** The tool bar (tools, undo, redo, select all, invert, clear) and the brush size. */
export function MaskTools({
  editing,
  ready,
  words = "maskEditor",
  move = false,
}: {
  editing: MaskEditing;
  /** The image has loaded: whole-image operations can apply. */
  ready: boolean;
  words?: MaskWords;
  /** Offer the Editor's move tool first. */
  move?: boolean;
}) {
  const t = useTranslations(words);
  const sizeId = useId();
  const { tool, setTool, brushSize, setBrushSize, history, setHistory } = editing;
  const percent = Math.round(brushSize * 100);
  const tools: { id: PointerTool; icon: LucideIcon; key: string }[] = [
    ...(move ? [{ id: "move" as const, icon: Move, key: "V" }] : []),
    { id: "brush", icon: Brush, key: "B" },
    { id: "rectangle", icon: Square, key: "R" },
    { id: "eraser", icon: Eraser, key: "E" },
  ];

  return (
    <>
      <div className="flex flex-wrap items-center gap-1" role="group" aria-label={t("tools")}>
        {tools.map(({ id, icon: Icon, key }) => (
          <Button
            key={id}
            variant="ghost"
            aria-pressed={tool === id}
            aria-keyshortcuts={key}
            title={`${t(id)} (${key})`}
            onClick={() => setTool(id)}
            className="aria-pressed:bg-sky-100 aria-pressed:text-sky-800 dark:aria-pressed:bg-sky-900/60 dark:aria-pressed:text-sky-100"
          >
            <Icon className="size-4" aria-hidden />
            <span className="sr-only sm:not-sr-only">{t(id)}</span>
          </Button>
        ))}
        <span className="mx-1 h-6 w-px bg-zinc-300 dark:bg-zinc-700" aria-hidden />
        <IconButton
          icon={Undo2}
          label={t("undo")}
          keys="Ctrl/⌘+Z"
          ariaKeys="Control+Z Meta+Z"
          disabled={!canUndo(history)}
          onClick={() => setHistory(undo)}
        />
        <IconButton
          icon={Redo2}
          label={t("redo")}
          keys="Ctrl/⌘+Shift+Z"
          ariaKeys="Control+Shift+Z Meta+Shift+Z Control+Y"
          disabled={!canRedo(history)}
          onClick={() => setHistory(redo)}
        />
        <IconButton
          icon={Maximize}
          label={t("selectAll")}
          disabled={!ready}
          onClick={() => setHistory((current) => apply(current, SELECT_ALL))}
        />
        <IconButton
          icon={Contrast}
          label={t("invert")}
          disabled={!ready}
          onClick={() => setHistory((current) => apply(current, { kind: "invert" }))}
        />
        <IconButton
          icon={Trash}
          label={t("clear")}
          disabled={isEmpty(history)}
          onClick={() => setHistory((current) => apply(current, { kind: "clear" }))}
        />
      </div>

      <div className="flex items-center gap-2 text-sm">
        <label htmlFor={sizeId} className="shrink-0 font-medium">
          {t("brushSize")}
        </label>
        <input
          id={sizeId}
          type="range"
          min={Math.round(BRUSH_SIZE.min * 100)}
          max={Math.round(BRUSH_SIZE.max * 100)}
          step={Math.round(BRUSH_SIZE.step * 100)}
          value={percent}
          aria-valuetext={t("brushSizeValue", { percent })}
          aria-keyshortcuts="[ ]"
          title={`${t("brushSize")} ([ ])`}
          onChange={(event) => setBrushSize(Number(event.target.value) / 100)}
          className="min-w-0 flex-1"
        />
        <span className="w-10 shrink-0 text-right tabular-nums" aria-hidden>
          {percent}%
        </span>
      </div>
    </>
  );
}

interface Box {
  /** The displayed image in CSS pixels. */
  width: number;
  height: number;
  pixelRatio: number;
}

type Gesture =
  | {
      kind: "stroke";
      pointerId: number;
      bounds: DOMRect;
      mode: MaskMode;
      size: number;
      points: MaskPoint[];
      lastX: number;
      lastY: number;
      /** The committed overlay plus this stroke so far, drawn while the stroke is in progress;
       * its own size, since the canvas may be resized (a phone rotating) mid-stroke. */
      preview: Uint8Array;
      width: number;
      height: number;
    }
  | { kind: "rect"; pointerId: number; bounds: DOMRect; mode: MaskMode; from: MaskPoint; to: MaskPoint };

/**
 * The image with the mask painted over it: brush strokes, rectangles, the eraser. The operations
 * go into the editing state's history (lib/mask), so the mask is the same at any resolution.
 * Pointer Events only, so mouse, pen and touch behave the same. The frame fills what `className`
 * and `style` make it (the image is stretched to it: give it the image's aspect ratio). With the
 * move tool chosen the canvas paints nothing and leaves the pointer to whatever holds it.
 */
export function MaskCanvas({
  editing,
  imageUrl,
  focusRef,
  onImageSize,
  onCoverage,
  words = "maskEditor",
  transparency = false,
  className,
  style,
}: {
  editing: MaskEditing;
  imageUrl: string;
  /** Painting moves the focus here (out of the prompt field), so the shortcuts apply right after. */
  focusRef: RefObject<HTMLElement | null>;
  /** The loaded image's size, or null when it cannot be loaded (or has no pixel size). */
  onImageSize?(size: MaskSize | null): void;
  /** The selected share of the image, 0..1, as it changes. */
  onCoverage?(share: number): void;
  words?: MaskWords;
  /** Draw the selection as a checkerboard: it becomes transparent (the Editor's erasing). */
  transparency?: boolean;
  className?: string;
  style?: CSSProperties;
}) {
  const t = useTranslations(words);
  const { tool, brushSize, history, setHistory } = editing;
  const [natural, setNatural] = useState<MaskSize | null>(null);
  const [failed, setFailed] = useState(false);
  const [box, setBox] = useState<Box | null>(null);
  const [draft, setDraft] = useState<{ from: MaskPoint; to: MaskPoint; mode: MaskMode } | null>(null);
  const frameRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const cursorRef = useRef<HTMLDivElement>(null);
  const gestureRef = useRef<Gesture | null>(null);
  const imageDataRef = useRef<ImageData | null>(null);
  const animationRef = useRef(0);

  const ready = natural !== null && !failed;
  const painting = tool !== "move";
  const canvasWidth = box ? Math.max(1, Math.round(box.width * box.pixelRatio)) : 0;
  const canvasHeight = box ? Math.max(1, Math.round(box.height * box.pixelRatio)) : 0;

  const overlay = useMemo(
    () => (ready && canvasWidth ? rasterizeMask(history.ops, canvasWidth, canvasHeight) : null),
    [ready, history.ops, canvasWidth, canvasHeight],
  );
  const share = useMemo(() => (overlay ? coverage(overlay) : 0), [overlay]);

  const draw = useCallback(
    (mask: Uint8Array) => {
      const canvas = canvasRef.current;
      const context = canvas?.getContext("2d");
      if (!canvas || !context || mask.length !== canvas.width * canvas.height) return;
      let image = imageDataRef.current;
      if (!image || image.width !== canvas.width || image.height !== canvas.height) {
        image = context.createImageData(canvas.width, canvas.height);
        imageDataRef.current = image;
      }
      if (transparency) {
        const cell = Math.max(1, Math.round(CHECKER_CSS_PX * (box?.pixelRatio ?? 1)));
        maskToRgba(mask, image.data, CHECKER_LIGHT, UNSELECTED, {
          width: canvas.width,
          cell,
          alternate: CHECKER_DARK,
        });
      } else {
        maskToRgba(mask, image.data, SELECTED, UNSELECTED);
      }
      context.putImageData(image, 0, 0);
    },
    [transparency, box?.pixelRatio],
  );

  // Layout effect: a resized canvas is blank until redrawn, and this redraws it before paint.
  useLayoutEffect(() => {
    if (overlay) draw(overlay);
  }, [overlay, draw]);

  // Told on changes only, however often the parent re-creates its callbacks.
  const tellCoverage = useEffectEvent((value: number) => onCoverage?.(value));
  useEffect(() => tellCoverage(share), [share]);
  const tellSize = useEffectEvent((size: MaskSize | null) => onImageSize?.(size));
  useEffect(() => {
    if (natural || failed) tellSize(failed ? null : natural);
  }, [natural, failed]);

  useEffect(() => {
    const frame = frameRef.current;
    if (!frame) return;
    const observer = new ResizeObserver(([entry]) => {
      if (!entry) return;
      const { width, height } = entry.contentRect;
      const budget = Math.sqrt(MAX_OVERLAY_PIXELS / Math.max(1, width * height));
      setBox(
        width > 0 && height > 0
          ? { width, height, pixelRatio: Math.min(window.devicePixelRatio || 1, MAX_PIXEL_RATIO, budget) }
          : null,
      );
    });
    observer.observe(frame);
    return () => observer.disconnect();
  }, []);

  useEffect(() => () => cancelAnimationFrame(animationRef.current), []);

  const commit = useCallback(
    (gesture: Gesture) => {
      if (gesture.kind === "stroke") {
        const { mode, size, points } = gesture;
        setHistory((current) => apply(current, { kind: "stroke", mode, size, points }));
        return;
      }
      setDraft(null);
      const { from, to, bounds, mode } = gesture;
      const wide = Math.abs(to.x - from.x) * bounds.width >= MIN_RECT_PX;
      const tall = Math.abs(to.y - from.y) * bounds.height >= MIN_RECT_PX;
      if (wide && tall) setHistory((current) => apply(current, { kind: "rect", mode, from, to }));
    },
    [setHistory],
  );

  function onPointerDown(event: ReactPointerEvent<HTMLCanvasElement>) {
    const penEraser = event.pointerType === "pen" && event.button === PEN_ERASER_BUTTON;
    if (!painting || gestureRef.current || !overlay || (event.button !== 0 && !penEraser)) return;
    event.preventDefault();
    // Whoever holds the canvas (the Editor's stage) must not also start a gesture of its own.
    event.stopPropagation();
    event.currentTarget.setPointerCapture(event.pointerId);
    focusRef.current?.focus({ preventScroll: true });
    const bounds = event.currentTarget.getBoundingClientRect();
    const point = toPoint(event, bounds);
    const mode: MaskMode = tool === "eraser" || penEraser ? "erase" : "paint";
    if (tool === "rectangle") {
      const corner = clampPoint(point);
      gestureRef.current = {
        kind: "rect",
        pointerId: event.pointerId,
        bounds,
        mode,
        from: corner,
        to: corner,
      };
      setDraft({ from: corner, to: corner, mode });
      return;
    }
    const preview = overlay.slice();
    applyOp(preview, canvasWidth, canvasHeight, { kind: "stroke", mode, size: brushSize, points: [point] });
    gestureRef.current = {
      kind: "stroke",
      pointerId: event.pointerId,
      bounds,
      mode,
      size: brushSize,
      points: [point],
      lastX: event.clientX,
      lastY: event.clientY,
      preview,
      width: canvasWidth,
      height: canvasHeight,
    };
    draw(preview);
  }

  function onPointerMove(event: ReactPointerEvent<HTMLCanvasElement>) {
    moveCursor(event);
    const gesture = gestureRef.current;
    if (!gesture || gesture.pointerId !== event.pointerId) return;
    if (gesture.kind === "rect") {
      gesture.to = clampPoint(toPoint(event, gesture.bounds));
      setDraft({ from: gesture.from, to: gesture.to, mode: gesture.mode });
      return;
    }
    // Coalesced events carry every sample of a fast pen or finger, not one per frame.
    const native = event.nativeEvent;
    const samples = "getCoalescedEvents" in native ? native.getCoalescedEvents() : [];
    for (const sample of samples.length > 0 ? samples : [native]) {
      if (Math.hypot(sample.clientX - gesture.lastX, sample.clientY - gesture.lastY) < MIN_STEP_PX) continue;
      const previous = gesture.points[gesture.points.length - 1] ?? toPoint(sample, gesture.bounds);
      const point = toPoint(sample, gesture.bounds);
      gesture.points.push(point);
      gesture.lastX = sample.clientX;
      gesture.lastY = sample.clientY;
      applyOp(gesture.preview, gesture.width, gesture.height, {
        kind: "stroke",
        mode: gesture.mode,
        size: gesture.size,
        points: [previous, point],
      });
    }
    if (!animationRef.current) {
      animationRef.current = requestAnimationFrame(() => {
        animationRef.current = 0;
        const current = gestureRef.current;
        if (current?.kind === "stroke") draw(current.preview);
      });
    }
  }

  function onPointerUp(event: ReactPointerEvent<HTMLCanvasElement>) {
    const gesture = gestureRef.current;
    if (!gesture || gesture.pointerId !== event.pointerId) return;
    if (gesture.kind === "rect") gesture.to = clampPoint(toPoint(event, gesture.bounds));
    gestureRef.current = null;
    commit(gesture);
  }

  /** Capture lost without a pointerup (the canvas left the page, say): keep what was drawn. */
  function onLostPointerCapture(event: ReactPointerEvent<HTMLCanvasElement>) {
    const gesture = gestureRef.current;
    if (!gesture || gesture.pointerId !== event.pointerId) return;
    gestureRef.current = null;
    commit(gesture);
  }

  /** The browser took the pointer over (a system gesture): drop the unfinished stroke. */
  function onPointerCancel(event: ReactPointerEvent<HTMLCanvasElement>) {
    if (gestureRef.current?.pointerId !== event.pointerId) return;
    gestureRef.current = null;
    setDraft(null);
    if (overlay) draw(overlay);
  }

  /** The brush outline follows a mouse or hovering pen; a finger covers it anyway. */
  function moveCursor(event: ReactPointerEvent<HTMLCanvasElement>) {
    const cursor = cursorRef.current;
    if (!cursor) return;
    const visible = tool !== "rectangle" && painting && event.pointerType !== "touch";
    cursor.hidden = !visible;
    if (!visible) return;
    const bounds = event.currentTarget.getBoundingClientRect();
    cursor.style.left = `${event.clientX - bounds.left}px`;
    cursor.style.top = `${event.clientY - bounds.top}px`;
  }

  function hideCursor() {
    if (cursorRef.current) cursorRef.current.hidden = true;
  }

  return (
    <div
      ref={frameRef}
      className={cn("relative overflow-hidden bg-zinc-100 select-none dark:bg-zinc-800", className)}
      style={style}
    >
      {/* eslint-disable-next-line @next/next/no-img-element -- the app's media route or a local image, drawn under a canvas */}
      <img
        src={imageUrl}
        alt=""
        draggable={false}
        onLoad={(event) => {
          const { naturalWidth: width, naturalHeight: height } = event.currentTarget;
          // An image without pixel dimensions (an SVG without a viewBox) cannot be masked.
          setNatural(width > 0 && height > 0 ? { width, height } : null);
          setFailed(!(width > 0 && height > 0));
        }}
        onError={() => setFailed(true)}
        className={cn("absolute inset-0 size-full", !ready && "invisible")}
      />
      <canvas
        ref={canvasRef}
        width={canvasWidth}
        height={canvasHeight}
        role="img"
        aria-label={t("canvasLabel")}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={onPointerCancel}
        onLostPointerCapture={onLostPointerCapture}
        onPointerLeave={hideCursor}
        className={cn("absolute inset-0 size-full touch-none", painting ? "cursor-crosshair" : "cursor-move")}
      />
      {draft && (
        <div
          aria-hidden
          className={cn(
            "pointer-events-none absolute border-2 border-dashed",
            draft.mode === "paint" ? "border-sky-400 bg-sky-400/40" : "border-zinc-100 bg-zinc-900/40",
          )}
          style={{
            left: `${Math.min(draft.from.x, draft.to.x) * 100}%`,
            top: `${Math.min(draft.from.y, draft.to.y) * 100}%`,
            width: `${Math.abs(draft.to.x - draft.from.x) * 100}%`,
            height: `${Math.abs(draft.to.y - draft.from.y) * 100}%`,
          }}
        />
      )}
      <div
        ref={cursorRef}
        hidden
        aria-hidden
        className="pointer-events-none absolute -translate-x-1/2 -translate-y-1/2 rounded-full border border-white shadow-[0_0_0_1px_rgba(0,0,0,0.6)]"
        style={{ width: brushSize * (box?.width ?? 0), height: brushSize * (box?.width ?? 0) }}
      />
      {!ready && (
        <p className="absolute inset-0 flex items-center justify-center p-4 text-center text-sm text-zinc-600 dark:text-zinc-300">
          {failed ? t("loadError") : t("loading")}
        </p>
      )}
    </div>
  );
}

/**
 * The Vary (Region) editor: paint, drag rectangles or erase over the image; the mask is kept as
 * operations (lib/mask) and exported as a black-and-white PNG at the image's aspect ratio.
 */
export function MaskEditor({
  imageUrl,
  imageWidth,
  imageHeight,
  onChange,
  editorRef,
}: {
  imageUrl: string;
  imageWidth?: number | null;
  imageHeight?: number | null;
  onChange?(hasMask: boolean): void;
  editorRef?: Ref<MaskEditorHandle>;
}) {
  const t = useTranslations("maskEditor");
  const editing = useMaskEditing();
  const { history } = editing;
  const rootRef = useRef<HTMLDivElement>(null);
  const [natural, setNatural] = useState<MaskSize | null>(null);
  const [share, setShare] = useState(0);
  useMaskShortcuts(rootRef, editing);

  // The upstream's size is the truth for the export (the URL may serve a resized copy); the
  // loaded image's own size is the fallback.
  const given = imageWidth && imageWidth > 0 && imageHeight && imageHeight > 0;
  const exportWidth = given ? imageWidth : natural?.width;
  const exportHeight = given ? imageHeight : natural?.height;
  const aspect = exportWidth && exportHeight ? exportWidth / exportHeight : 1;
  const hasMask = share > 0;

  // Told on changes only, however often the parent re-creates its callback.
  const notify = useEffectEvent((value: boolean) => onChange?.(value));
  useEffect(() => notify(hasMask), [hasMask]);

  useImperativeHandle(
    editorRef,
    () => ({
      exportMask: async () =>
        hasMask && exportWidth && exportHeight ? exportMaskPng(history.ops, exportWidth, exportHeight) : null,
    }),
    [hasMask, history.ops, exportWidth, exportHeight],
  );

  return (
    <div ref={rootRef} tabIndex={-1} role="group" aria-label={t("title")} className="space-y-2 outline-none">
      <MaskTools editing={editing} ready={natural !== null} />

      {/* Sized from the image's aspect ratio before it loads (no layout shift); as wide as the
          dialog allows and as tall as the viewport leaves beside the dialog's title, tools,
          prompt and buttons (CANVAS_MAX_HEIGHT), so all of them stay in view. */}
      <MaskCanvas
        editing={editing}
        imageUrl={imageUrl}
        focusRef={rootRef}
        onImageSize={setNatural}
        onCoverage={setShare}
        className="mx-auto max-w-full rounded-md"
        style={{ aspectRatio: `${aspect}`, width: `min(100%, calc(${CANVAS_MAX_HEIGHT} * ${aspect}))` }}
      />

      <p aria-live="polite" className="text-sm font-medium">
        {hasMask ? t("coverage", { percent: Math.max(1, Math.round(share * 100)) }) : t("empty")}
      </p>
      <p className="text-xs text-zinc-600 dark:text-zinc-400">{t("hint")}</p>
    </div>
  );
}

function IconButton({
  icon: Icon,
  label,
  keys,
  ariaKeys,
  disabled,
  onClick,
}: {
  icon: LucideIcon;
  label: string;
  keys?: string;
  ariaKeys?: string;
  disabled: boolean;
  onClick: () => void;
}) {
  return (
    <Button
      variant="ghost"
      aria-label={label}
      aria-keyshortcuts={ariaKeys}
      title={keys ? `${label} (${keys})` : label}
      disabled={disabled}
      onClick={onClick}
      className="px-2"
    >
      <Icon className="size-4" aria-hidden />
    </Button>
  );
}

type Shortcut = PointerTool | "undo" | "redo" | "smaller" | "larger";

function shortcut(event: KeyboardEvent): Shortcut | null {
  const key = event.key.toLowerCase();
  // Brackets first: some layouts type them with AltGr, which reports Ctrl+Alt.
  if (key === "[") return "smaller";
  if (key === "]") return "larger";
  if (event.altKey) return null;
  if (event.ctrlKey || event.metaKey) {
    if (key === "z") return event.shiftKey ? "redo" : "undo";
    return key === "y" ? "redo" : null;
  }
  const tools: Record<string, PointerTool> = { b: "brush", r: "rectangle", e: "eraser", v: "move" };
  return tools[key] ?? null;
}

function stepSize(size: number, direction: "smaller" | "larger"): number {
  const next = size + (direction === "larger" ? BRUSH_SIZE.step : -BRUSH_SIZE.step);
  // Rounded to whole percent, so repeated steps do not drift off the slider's values.
  return Math.min(BRUSH_SIZE.max, Math.max(BRUSH_SIZE.min, Math.round(next * 100) / 100));
}

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (
    target.isContentEditable ||
    target instanceof HTMLTextAreaElement ||
    target instanceof HTMLSelectElement
  ) {
    return true;
  }
  return (
    target instanceof HTMLInputElement && !["range", "checkbox", "radio", "button"].includes(target.type)
  );
}

/** The pointer's position on the image, normalised; outside the image it goes past 0..1. */
function toPoint(event: { clientX: number; clientY: number }, bounds: DOMRect): MaskPoint {
  return { x: (event.clientX - bounds.left) / bounds.width, y: (event.clientY - bounds.top) / bounds.height };
}

function clampPoint(point: MaskPoint): MaskPoint {
  return { x: Math.min(1, Math.max(0, point.x)), y: Math.min(1, Math.max(0, point.y)) };
}
