"use client";

import { useQuery } from "@tanstack/react-query";
import { ChevronDown, ChevronLeft, ChevronRight, ChevronUp, Download, Loader2, X } from "lucide-react";
import { useTranslations } from "next-intl";
import { useEffect, useId, useRef, useState, type PointerEvent, type ReactNode } from "react";
import { Toaster } from "sonner";
import type { UseAsKind } from "@/components/create/references";
import type { AnimateFrame, ExtendTarget } from "@/components/create/video-request";
import type { EditSource } from "@/components/editor/edit-source";
import type { TaskActions } from "@/components/task/use-task-actions";
import { Dialog, DialogClose, DialogTitle } from "@/components/ui/dialog";
import { useMediaQuery } from "@/components/ui/use-media-query";
import { taskDetailQuery } from "@/lib/api/queries";
import { cn } from "@/lib/cn";
import { cropQuadrant } from "@/lib/images/crop";
import { PROMPT_PREVIEW_CHARS, promptOf, quadrantRect, resultMedia, truncateText } from "@/lib/images/grid";
import { jobImages } from "@/lib/images/job-images";
import { imagePromptUrls, parsePrompt, splitValues } from "@/lib/mj/prompt-params";
import type { Task } from "@/lib/mj/task";
import { ClipActions, clipPoster } from "./clip-player";
import { mediaFileName, saveBlob, useMediaDownload } from "./download";
import { ActionButton, ResultActions } from "./result-actions";
import { TaskDetails } from "./task-details";
import { useLightboxKeys, type LightboxNavigation } from "./use-lightbox";
import {
  NO_ZOOM,
  sheetHeightDuringDrag,
  sheetOpenAfterDrag,
  TAP_SCALE,
  VIEWER_TOASTER,
  zoomAbout,
  type Zoom,
} from "./viewer-state";

const TITLE_MAX = 90;
const TOAST_OFFSET = { top: 64 };

/**
 * The full-screen viewer of one result, as midjourney.com has it: the picture as large as the
 * viewport allows on black, one image of a grid at a time, and a side panel (a bottom sheet on a
 * phone) with the prompt, its parameters and references, the lineage and every action of the image
 * on view and of the job. Keys, swipes and pinches move and zoom; the address names what is on view.
 */
export function Viewer({
  navigation,
  actions,
  onUsePrompt,
  onUseAsReference,
  onAnimate,
  onExtend,
  onEdit,
}: {
  /** Which task is on view and how to move (useLightboxNavigation). */
  navigation: LightboxNavigation;
  actions: Pick<TaskActions, "busy" | "press">;
  onUsePrompt(prompt: string): void;
  onUseAsReference(kind: UseAsKind, imageUrl: string): void;
  onAnimate(frame: AnimateFrame): void;
  onExtend(target: ExtendTarget): void;
  onEdit(source: EditSource): void;
}) {
  const t = useTranslations("result");
  const { task, close } = navigation;
  const title = task
    ? truncateText(task.prompt || promptOf(task) || t("untitled"), TITLE_MAX)
    : t("untitled");
  return (
    <Dialog open={task !== null} onOpenChange={(open) => !open && close()} title={title} fullScreen>
      {task && (
        // Keyed by task, so another job starts with its own panel; polling updates and moving
        // between the images of one job keep the user's place.
        <ViewerBody
          key={task.id}
          task={task}
          title={title}
          navigation={navigation}
          onUsePrompt={onUsePrompt}
          onUseAsReference={onUseAsReference}
          onAnimate={onAnimate}
          onExtend={onExtend}
          onEdit={onEdit}
        >
          {(image) => (
            <TaskDetails
              task={task}
              image={image}
              actions={actions}
              onOpenTask={(lineage) => navigation.open(lineage)}
              onLeave={navigation.leave}
              onModalOpened={close}
            />
          )}
        </ViewerBody>
      )}
      {/* Inside the dialog, so its Undo can be reached; at the top, clear of a phone's bottom
          sheet, and below the close button, which a phone-wide toast would cover. */}
      <Toaster id={VIEWER_TOASTER} position="top-center" offset={TOAST_OFFSET} mobileOffset={TOAST_OFFSET} />
    </Dialog>
  );
}

function ViewerBody({
  task,
  title,
  navigation,
  onUsePrompt,
  onUseAsReference,
  onAnimate,
  onExtend,
  onEdit,
  children,
}: {
  task: Task;
  title: string;
  navigation: LightboxNavigation;
  onUsePrompt(prompt: string): void;
  onUseAsReference(kind: UseAsKind, imageUrl: string): void;
  onAnimate(frame: AnimateFrame): void;
  onExtend(target: ExtendTarget): void;
  onEdit(source: EditSource): void;
  children(image: number | null): ReactNode;
}) {
  const t = useTranslations("result");
  const tViewer = useTranslations("viewer");
  const tVideo = useTranslations("video");
  const root = useRef<HTMLDivElement>(null);
  const panelId = useId();
  const [sheetOpen, setSheetOpen] = useState(false);
  const {
    ref: sheetRef,
    height: dragHeight,
    draggable,
    handlers: dragHandlers,
  } = useSheetDrag(sheetOpen, setSheetOpen);
  const [measured, setMeasured] = useState<number | null>(null);
  const { index: view, prev, next } = navigation;
  const media = resultMedia(task);
  const grid = media?.kind === "image" && media.grid ? media : null;
  const clips = media?.kind === "video" ? media.clips : [];
  const clip = clips.length > 0 ? clips[(view ?? 1) - 1] : undefined;
  const images = jobImages(task);
  const cell = grid && view !== null ? images.find((image) => image.n === view) : undefined;
  // The chain of extends says how long a clip is where nothing else does (TaskDetails reads it too).
  const lineage = useQuery({ ...taskDetailQuery(task.id), enabled: clips.length > 0 });
  const alt = truncateText(promptOf(task) || t("untitled"), PROMPT_PREVIEW_CHARS);
  const image = grid ? view : null;

  useLightboxKeys({
    scope: root,
    onPrev: prev,
    onNext: next,
    // Every other key presses the control of the viewer that carries it (aria-keyshortcuts), so
    // a key does exactly what its button does, and only while that button is there.
    onKey: (key) => {
      // Escape is the dialog's own.
      if (key === "Escape") return false;
      const control = [...(root.current?.querySelectorAll<HTMLElement>("[aria-keyshortcuts]") ?? [])].find(
        (element) =>
          element.getAttribute("aria-keyshortcuts")?.split(" ").includes(key) &&
          !(element as HTMLButtonElement).disabled,
      );
      control?.click();
      return control !== undefined;
    },
  });

  let content: ReactNode = null;
  if (media?.kind === "video") {
    content = clip ? (
      <video
        key={clip.url}
        src={clip.url}
        poster={clipPoster(task, clip) ?? undefined}
        aria-label={clips.length > 1 ? tVideo("clipLabel", { n: clip.index + 1, prompt: alt }) : alt}
        controls
        autoPlay
        muted
        loop
        playsInline
        onLoadedMetadata={(event) => setMeasured(event.currentTarget.duration)}
        className={MEDIA}
      />
    ) : null;
  } else if (media && grid && view !== null) {
    content = grid.animated ? (
      <AnimatedQuadrant src={grid.src} index={view} alt={t("quadrantAlt", { n: view, prompt: alt })} />
    ) : (
      <GridImage
        key={view}
        gridSrc={grid.src}
        cellSrc={cell?.src ?? null}
        index={view}
        alt={t("quadrantAlt", { n: view, prompt: alt })}
      />
    );
  } else if (media) {
    content = (
      // eslint-disable-next-line @next/next/no-img-element -- the app's media route serves and caches it
      <img
        src={media.src}
        alt={alt}
        width={task.width ?? undefined}
        height={task.height ?? undefined}
        className={MEDIA}
      />
    );
  }

  const strip = grid
    ? [1, 2, 3, 4].map((n) => ({ n, label: t("imageN", { n }), thumb: images.find((i) => i.n === n)?.thumb }))
    : clips.length > 1
      ? clips.map((item) => ({
          n: item.index + 1,
          label: tVideo("clipN", { n: item.index + 1 }),
          thumb: undefined,
        }))
      : [];

  return (
    <div ref={root} className="flex h-full w-full flex-col md:flex-row">
      <div className="relative min-h-0 min-w-0 flex-1">
        <ZoomStage key={`${view ?? 0}`} onPrev={prev} onNext={next} zoomable={media?.kind === "image"}>
          {content}
        </ZoomStage>
        <DialogClose
          aria-label={tViewer("close")}
          aria-keyshortcuts="Escape"
          className="absolute top-3 left-3 rounded-full bg-black/60 p-2 text-white hover:bg-black/80"
        >
          <X className="size-5" aria-hidden />
        </DialogClose>
        <NavButton side="left" label={t("previous")} onClick={prev} />
        <NavButton side="right" label={t("next")} onClick={next} />
        {strip.length > 1 && (
          <div
            role="group"
            aria-label={grid ? t("views") : tVideo("clips")}
            className="absolute bottom-3 left-1/2 flex -translate-x-1/2 gap-1.5 rounded-lg bg-black/60 p-1.5"
          >
            {strip.map((item) => (
              <button
                key={item.n}
                type="button"
                aria-pressed={view === item.n}
                aria-label={item.label}
                title={item.label}
                onClick={() => navigation.show(item.n)}
                className={cn(
                  "relative flex size-11 items-center justify-center overflow-hidden rounded-md border-2 text-sm font-medium text-white",
                  view === item.n ? "border-white" : "border-transparent opacity-70 hover:opacity-100",
                )}
              >
                {item.thumb && (
                  // eslint-disable-next-line @next/next/no-img-element -- the app's media route serves and caches it
                  <img
                    src={item.thumb}
                    alt=""
                    className="absolute inset-0 size-full object-cover"
                    // No cell yet (an older server): the number alone.
                    onError={(event) => (event.currentTarget.hidden = true)}
                  />
                )}
                <span className="relative drop-shadow-[0_1px_2px_rgba(0,0,0,0.9)]">{item.n}</span>
              </button>
            ))}
          </div>
        )}
      </div>

      <aside
        ref={sheetRef}
        aria-label={tViewer("panel")}
        className={cn(
          "flex shrink-0 flex-col border-zinc-200 bg-white text-zinc-900 md:h-full md:w-[380px] md:border-l dark:border-zinc-800 dark:bg-zinc-900 dark:text-zinc-100",
          "rounded-t-xl border-t md:rounded-none md:border-t-0",
          sheetOpen ? "max-md:max-h-[65dvh]" : "max-md:max-h-[40dvh]",
        )}
        style={dragHeight === null ? undefined : { height: dragHeight, maxHeight: "none" }}
      >
        <div
          className={cn(
            "relative flex shrink-0 items-start gap-2 p-4 pb-2",
            draggable && "touch-none pt-5 select-none",
          )}
          data-sheet-handle={draggable ? "" : undefined}
          {...dragHandlers}
        >
          {draggable && (
            // The grab bar says the sheet can be dragged; the button beside the title does the same.
            <span
              aria-hidden
              className="absolute top-1.5 left-1/2 h-1 w-10 -translate-x-1/2 rounded-full bg-zinc-300 dark:bg-zinc-600"
            />
          )}
          <DialogTitle className="line-clamp-2 min-w-0 flex-1 text-base font-semibold break-words">
            {title}
          </DialogTitle>
          <button
            type="button"
            aria-expanded={sheetOpen}
            aria-controls={panelId}
            onClick={() => setSheetOpen((open) => !open)}
            className="rounded-md p-1 hover:bg-zinc-100 md:hidden dark:hover:bg-zinc-800"
          >
            {sheetOpen ? (
              <ChevronDown className="size-5" aria-hidden />
            ) : (
              <ChevronUp className="size-5" aria-hidden />
            )}
            <span className="sr-only">{tViewer("details")}</span>
          </button>
        </div>
        <div
          id={panelId}
          className={cn(
            "min-h-0 flex-1 space-y-4 overflow-y-auto px-4 pb-4",
            // While dragged up from folded, the details come into view under the finger.
            !sheetOpen && dragHeight === null && "max-md:hidden",
          )}
        >
          <References task={task} />
          {clip && (
            <ClipActions
              task={task}
              clips={[clip]}
              numbered={clips.length > 1}
              measured={measured}
              parents={lineage.data?.parents}
              onExtend={onExtend}
            />
          )}
          <ResultActions
            task={task}
            onUsePrompt={onUsePrompt}
            onUseAsReference={onUseAsReference}
            onAnimate={onAnimate}
            image={image}
            onEdit={onEdit}
            cell={image}
            shortcuts
          >
            {grid && !grid.animated && view !== null && (
              <CellDownload task={task} index={view} src={cell?.src ?? null} gridSrc={grid.src} />
            )}
          </ResultActions>
          {children(image)}
        </div>
      </aside>
    </div>
  );
}

/** Tailwind's `max-md`: where the panel is a bottom sheet rather than a side panel. */
const PHONE = "(width < 48rem)";

/**
 * The phone's bottom sheet follows a finger (or any pointer) dragged on its header, then snaps
 * open or folded (sheetOpenAfterDrag); a tap changes nothing, so the fold button in the header
 * keeps working, and stays the way for keyboards and screen readers. `height` is the sheet's
 * height while dragged, else null (its classes size it).
 */
function useSheetDrag(open: boolean, setOpen: (open: boolean) => void) {
  const enabled = useMediaQuery(PHONE, false);
  const ref = useRef<HTMLElement>(null);
  const drag = useRef<{ pointer: number; y: number; start: number; min: number; max: number } | null>(null);
  const [height, setHeight] = useState<number | null>(null);

  function end(event: PointerEvent<HTMLElement>, commit: boolean) {
    const began = drag.current;
    if (!began || began.pointer !== event.pointerId) return;
    drag.current = null;
    setHeight(null);
    if (commit) setOpen(sheetOpenAfterDrag(open, event.clientY - began.y));
  }

  const handlers = enabled
    ? {
        onPointerDown(event: PointerEvent<HTMLElement>) {
          const sheet = ref.current;
          // The header's buttons take their own pointers.
          if (!sheet || (event.target instanceof Element && event.target.closest("button"))) return;
          event.currentTarget.setPointerCapture(event.pointerId);
          const start = sheet.getBoundingClientRect().height;
          drag.current = {
            pointer: event.pointerId,
            y: event.clientY,
            start,
            // Folded it is the header alone; open, as tall as its open class lets it be.
            min: Math.min(event.currentTarget.getBoundingClientRect().height, start),
            max: Math.max(window.innerHeight * 0.65, start),
          };
        },
        onPointerMove(event: PointerEvent<HTMLElement>) {
          const began = drag.current;
          if (!began || began.pointer !== event.pointerId) return;
          setHeight(sheetHeightDuringDrag(began.start, event.clientY - began.y, began.min, began.max));
        },
        onPointerUp: (event: PointerEvent<HTMLElement>) => end(event, true),
        onPointerCancel: (event: PointerEvent<HTMLElement>) => end(event, false),
      }
    : {};
  return { draggable: enabled, ref, height, handlers };
}

/** The picture fills the stage, its aspect kept: the box is the stage, the pixels are contained. */
const MEDIA = "block h-full w-full object-contain";

function NavButton({
  side,
  label,
  onClick,
}: {
  side: "left" | "right";
  label: string;
  onClick: (() => void) | null;
}) {
  const Icon = side === "left" ? ChevronLeft : ChevronRight;
  return (
    <button
      type="button"
      aria-label={label}
      title={label}
      aria-keyshortcuts={side === "left" ? "ArrowLeft" : "ArrowRight"}
      disabled={!onClick}
      onClick={() => onClick?.()}
      className={cn(
        "absolute top-1/2 -translate-y-1/2 rounded-full bg-black/60 p-2 text-white hover:bg-black/80 disabled:opacity-0",
        side === "left" ? "left-3" : "right-3",
      )}
    >
      <Icon className="size-6" aria-hidden />
    </button>
  );
}

/** The image prompts and the style, omni and character references the prompt carries. */
function References({ task }: { task: Task }) {
  const t = useTranslations("viewer");
  const prompt = promptOf(task);
  const { params } = parsePrompt(prompt);
  const refs = [
    ...imagePromptUrls(prompt).map((url) => ({ kind: t("imagePrompt"), value: url })),
    ...splitValues(params.sref).map((value) => ({ kind: "--sref", value })),
    ...splitValues(params.oref).map((value) => ({ kind: "--oref", value })),
    ...splitValues(params.cref).map((value) => ({ kind: "--cref", value })),
  ];
  if (refs.length === 0) return null;
  return (
    <section aria-label={t("references")}>
      <h3 className="mb-1 text-xs font-medium tracking-wide text-zinc-500 uppercase">{t("references")}</h3>
      <ul className="flex flex-wrap gap-2">
        {refs.map((ref, i) => (
          <li key={i} className="flex min-w-0 items-center gap-1.5 text-xs">
            {/^https?:\/\//.test(ref.value) ? (
              // eslint-disable-next-line @next/next/no-img-element -- a reference the user gave, shown as given
              <img src={ref.value} alt={ref.kind} className="size-12 rounded object-cover" loading="lazy" />
            ) : (
              <span className="rounded bg-zinc-100 px-1.5 py-0.5 font-mono break-all dark:bg-zinc-800">
                {ref.kind} {ref.value}
              </span>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Downloads image n of a grid: its cell, or where the server has none, the crop made here. */
function CellDownload({
  task,
  index,
  src,
  gridSrc,
}: {
  task: Task;
  index: number;
  src: string | null;
  gridSrc: string;
}) {
  const t = useTranslations("result");
  const downloading = useMediaDownload(task, String(index), "png");
  async function save() {
    if (src && (await fetch(src, { method: "HEAD" })).ok) return downloading.mutate(src);
    const image = new Image();
    image.src = gridSrc;
    await image.decode();
    const blob = await cropQuadrant(image, { width: image.naturalWidth, height: image.naturalHeight }, index);
    saveBlob(blob, mediaFileName(task, String(index), blob.type, "png"));
  }
  return (
    <ActionButton
      icon={
        downloading.isPending ? (
          <Loader2 className="size-3.5 animate-spin" aria-hidden />
        ) : (
          <Download className="size-3.5" aria-hidden />
        )
      }
      aria-keyshortcuts="D"
      disabled={downloading.isPending}
      onClick={() => void save()}
    >
      {t("downloadImage", { n: index })}
    </ActionButton>
  );
}

/**
 * Image n of a grid: its own full-size cell from the media route; where the server cannot cut
 * one (an older server, a cell not made yet) it is cut out of the grid here.
 */
function GridImage({
  gridSrc,
  cellSrc,
  index,
  alt,
}: {
  gridSrc: string;
  cellSrc: string | null;
  index: number;
  alt: string;
}) {
  const t = useTranslations("result");
  const [cellFailed, setCellFailed] = useState(cellSrc === null);
  const crop = useQuadrantCrop(cellFailed ? gridSrc : null, index);
  if (!cellFailed && cellSrc)
    return (
      // eslint-disable-next-line @next/next/no-img-element -- the app's media route serves and caches it
      <img src={cellSrc} alt={alt} className={MEDIA} onError={() => setCellFailed(true)} />
    );
  if (crop === "error") return <p className="p-16 text-center text-sm text-red-400">{t("cropFailed")}</p>;
  if (!crop)
    return (
      <div className="flex h-full items-center justify-center" role="status">
        <Loader2 className="size-6 animate-spin text-zinc-400" aria-hidden />
        <span className="sr-only">{t("loading")}</span>
      </div>
    );
  // eslint-disable-next-line @next/next/no-img-element -- a blob: URL of the crop made here
  return <img src={crop} alt={alt} className={MEDIA} />;
}

/** The crop of image `index` of the grid at `src`; its object URL lives as long as the view. */
function useQuadrantCrop(src: string | null, index: number): string | "error" | null {
  const [state, setState] = useState<{ src: string; index: number; url: string | "error" } | null>(null);
  useEffect(() => {
    if (!src) return;
    let live = true;
    let url: string | null = null;
    const image = new Image();
    image.src = src;
    image
      .decode()
      .then(() => cropQuadrant(image, { width: image.naturalWidth, height: image.naturalHeight }, index))
      .then(
        (blob) => {
          if (!live) return;
          url = URL.createObjectURL(blob);
          setState({ src, index, url });
        },
        () => {
          if (live) setState({ src, index, url: "error" });
        },
      );
    return () => {
      live = false;
      if (url) URL.revokeObjectURL(url);
    };
  }, [src, index]);
  return state && state.src === src && state.index === index ? state.url : null;
}

/**
 * One image of an animated grid, cut out with CSS: a canvas would keep only its first frame. The
 * window has the quadrant's aspect, as large as the stage allows (container query units), and the
 * whole grid is scaled and shifted behind it.
 */
function AnimatedQuadrant({ src, index, alt }: { src: string; index: number; alt: string }) {
  const [size, setSize] = useState<{ width: number; height: number } | null>(null);
  const rect = size ? quadrantRect(size.width, size.height, index) : null;
  const ratio = rect ? rect.w / rect.h : 1;
  return (
    <div className="flex h-full w-full items-center justify-center" style={{ containerType: "size" }}>
      <div
        className="relative overflow-hidden"
        style={{ aspectRatio: String(ratio), width: `min(100cqw, ${100 * ratio}cqh)` }}
      >
        {/* eslint-disable-next-line @next/next/no-img-element -- the app's media route serves and caches it */}
        <img
          src={src}
          alt={alt}
          onLoad={(event) =>
            setSize({ width: event.currentTarget.naturalWidth, height: event.currentTarget.naturalHeight })
          }
          className="absolute max-w-none"
          style={
            size && rect
              ? {
                  width: `${(size.width / rect.w) * 100}%`,
                  height: `${(size.height / rect.h) * 100}%`,
                  left: `${(-rect.x / rect.w) * 100}%`,
                  top: `${(-rect.y / rect.h) * 100}%`,
                }
              : { opacity: 0 }
          }
        />
      </div>
    </div>
  );
}

/** A horizontal swipe of at least this many pixels (and more across than down) turns the page. */
const SWIPE_PX = 50;
/** Two taps closer together than this are a double tap. */
const DOUBLE_TAP_MS = 300;

/**
 * The picture's stage: a swipe turns the page; a pinch, a double tap or double click, or
 * Ctrl+wheel zooms about the pointer, and a drag pans while zoomed (never turning the page then).
 * Remounted for every picture, which resets the zoom.
 */
function ZoomStage({
  onPrev,
  onNext,
  zoomable,
  children,
}: {
  onPrev: (() => void) | null;
  onNext: (() => void) | null;
  zoomable: boolean;
  children: ReactNode;
}) {
  const stage = useRef<HTMLDivElement>(null);
  const [zoom, setZoom] = useState<Zoom>(NO_ZOOM);
  const pointers = useRef(new Map<number, { x: number; y: number }>());
  const gesture = useRef<{ x: number; y: number; pinched: boolean } | null>(null);
  const pinch = useRef<number | null>(null);
  const lastTap = useRef(0);
  // A double tap may also fire the browser's dblclick, which must not zoom back out.
  const lastTouch = useRef(0);

  /** A point relative to the stage's centre, where the picture's transform origin is. */
  function centred(x: number, y: number) {
    const box = stage.current?.getBoundingClientRect();
    return box ? { x: x - box.left - box.width / 2, y: y - box.top - box.height / 2 } : { x: 0, y: 0 };
  }
  function toggleZoom(x: number, y: number) {
    const at = centred(x, y);
    setZoom((z) => (z.scale > 1 ? NO_ZOOM : zoomAbout(z, TAP_SCALE, at.x, at.y)));
  }

  // Ctrl+wheel (and a trackpad's pinch) zooms the picture, not the page: a passive React
  // listener could not stop the browser's own zoom.
  useEffect(() => {
    const element = stage.current;
    if (!element || !zoomable) return;
    const onWheel = (event: WheelEvent) => {
      if (!event.ctrlKey) return;
      event.preventDefault();
      const at = centred(event.clientX, event.clientY);
      setZoom((z) => zoomAbout(z, Math.exp(-event.deltaY / 200), at.x, at.y));
    };
    element.addEventListener("wheel", onWheel, { passive: false });
    return () => element.removeEventListener("wheel", onWheel);
  }, [zoomable]);

  function onPointerDown(event: PointerEvent<HTMLDivElement>) {
    // A video's own controls take their pointers.
    if (event.target instanceof HTMLVideoElement) return;
    event.currentTarget.setPointerCapture(event.pointerId);
    pointers.current.set(event.pointerId, { x: event.clientX, y: event.clientY });
    if (pointers.current.size === 1) gesture.current = { x: event.clientX, y: event.clientY, pinched: false };
    else pinch.current = distance([...pointers.current.values()]);
  }

  function onPointerMove(event: PointerEvent<HTMLDivElement>) {
    const last = pointers.current.get(event.pointerId);
    if (!last) return;
    pointers.current.set(event.pointerId, { x: event.clientX, y: event.clientY });
    const points = [...pointers.current.values()];
    if (points.length >= 2 && zoomable && pinch.current) {
      const now = distance(points);
      const mid = centred((points[0]!.x + points[1]!.x) / 2, (points[0]!.y + points[1]!.y) / 2);
      const factor = now / pinch.current;
      pinch.current = now;
      if (gesture.current) gesture.current.pinched = true;
      setZoom((z) => zoomAbout(z, factor, mid.x, mid.y));
    } else if (points.length === 1 && zoom.scale > 1) {
      const dx = event.clientX - last.x;
      const dy = event.clientY - last.y;
      setZoom((z) => ({ ...z, x: z.x + dx, y: z.y + dy }));
    }
  }

  function onPointerUp(event: PointerEvent<HTMLDivElement>) {
    if (!pointers.current.delete(event.pointerId)) return;
    if (pointers.current.size > 0) return;
    pinch.current = null;
    const start = gesture.current;
    gesture.current = null;
    if (!start || start.pinched) return;
    const dx = event.clientX - start.x;
    const dy = event.clientY - start.y;
    if (event.pointerType !== "touch") {
      if (zoom.scale === 1 && event.pointerType === "pen") swipe(dx, dy);
      return;
    }
    lastTouch.current = event.timeStamp;
    if (zoomable && Math.abs(dx) < 10 && Math.abs(dy) < 10) {
      if (event.timeStamp - lastTap.current < DOUBLE_TAP_MS) {
        lastTap.current = 0;
        toggleZoom(event.clientX, event.clientY);
      } else lastTap.current = event.timeStamp;
    } else if (zoom.scale === 1) swipe(dx, dy);
  }

  /** A drag far enough across, and more across than down, turns the page. */
  function swipe(dx: number, dy: number) {
    if (Math.abs(dx) >= SWIPE_PX && Math.abs(dx) > Math.abs(dy)) (dx > 0 ? onPrev : onNext)?.();
  }

  return (
    <div
      ref={stage}
      data-zoom={zoom.scale.toFixed(2)}
      className="absolute inset-0 touch-none overflow-hidden p-2 select-none md:p-4"
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerCancel={(event) => {
        pointers.current.delete(event.pointerId);
        gesture.current = null;
        pinch.current = null;
      }}
      onDoubleClick={(event) => {
        if (zoomable && event.timeStamp - lastTouch.current > 500) toggleZoom(event.clientX, event.clientY);
      }}
      onDragStart={(event) => event.preventDefault()}
    >
      <div
        className="flex h-full w-full items-center justify-center"
        style={{ transform: `translate(${zoom.x}px, ${zoom.y}px) scale(${zoom.scale})` }}
      >
        {children}
      </div>
    </div>
  );
}

function distance(points: { x: number; y: number }[]): number {
  const [a, b] = points;
  return a && b ? Math.hypot(a.x - b.x, a.y - b.y) : 0;
}
