"use client";

import { ChevronLeft, ChevronRight, Download, LayoutGrid, Loader2 } from "lucide-react";
import { useQuery } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useEffect, useRef, useState, type PointerEvent, type ReactNode } from "react";
import type { UseAsKind } from "@/components/create/references";
import type { AnimateFrame, ExtendTarget } from "@/components/create/video-request";
import type { EditSource } from "@/components/editor/edit-source";
import type { TaskActions } from "@/components/task/use-task-actions";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { taskDetailQuery } from "@/lib/api/queries";
import { cn } from "@/lib/cn";
import { cropQuadrant } from "@/lib/images/crop";
import { PROMPT_PREVIEW_CHARS, promptOf, quadrantRect, resultMedia, truncateText } from "@/lib/images/grid";
import type { Task } from "@/lib/mj/task";
import { ClipActions, clipPoster } from "./clip-player";
import { mediaFileName, saveBlob } from "./download";
import { ActionButton, ResultActions } from "./result-actions";
import { TaskDetails } from "./task-details";
import { useLightboxKeys, type LightboxNavigation } from "./use-lightbox";

const TITLE_MAX = 90;
/**
 * Leaves room for the title, the view switcher and the actions inside the dialog's 92dvh. Tailwind
 * needs the class spelled out, so MEDIA repeats the value.
 */
const MEDIA_MAX_HEIGHT = "70dvh";
const MEDIA = "mx-auto block h-auto max-h-[70dvh] w-auto max-w-full object-contain";

/**
 * A large view of one result. For a 2x2 grid it shows the whole grid or one image of it; the image
 * is cut out in the browser, so looking at or downloading image 3 never spends an upscale.
 */
export function Lightbox({
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
  const { task, index, close: onClose, prev: onPrev, next: onNext } = navigation;
  const title = task
    ? truncateText(task.prompt || promptOf(task) || t("untitled"), TITLE_MAX)
    : t("untitled");
  return (
    <Dialog open={task !== null} onOpenChange={(open) => !open && onClose()} title={title} wide>
      {task && (
        // Keyed so opening another task, or the same one at another image, starts from that view;
        // polling updates of the open task keep the user's place.
        <LightboxBody
          key={`${task.id}:${index ?? "grid"}`}
          task={task}
          initialView={index}
          onPrev={onPrev}
          onNext={onNext}
          onUsePrompt={onUsePrompt}
          onUseAsReference={onUseAsReference}
          onAnimate={onAnimate}
          onExtend={onExtend}
          onEdit={onEdit}
        >
          <TaskDetails
            task={task}
            actions={actions}
            onOpenTask={(lineage) => navigation.open(lineage)}
            onDeleted={() => (onNext ?? onPrev ?? onClose)()}
            onModalOpened={onClose}
          />
        </LightboxBody>
      )}
    </Dialog>
  );
}

/** A horizontal swipe of at least this many pixels (and more across than down) turns the page. */
const SWIPE_PX = 50;

/** Digit keys pick a view of a grid (0 the whole grid, 1-4 one image), or a clip (1-4). */
const QUADRANT_KEYS: Record<string, number | null> = { "0": null, "1": 1, "2": 2, "3": 3, "4": 4 };

function LightboxBody({
  task,
  initialView,
  onPrev,
  onNext,
  onUsePrompt,
  onUseAsReference,
  onAnimate,
  onExtend,
  onEdit,
  children,
}: {
  task: Task;
  /** The image of a grid (1-4), or the clip (1-based), it opened at. */
  initialView: number | null;
  onPrev: (() => void) | null;
  onNext: (() => void) | null;
  onUsePrompt(prompt: string): void;
  onUseAsReference(kind: UseAsKind, imageUrl: string): void;
  onAnimate(frame: AnimateFrame): void;
  onExtend(target: ExtendTarget): void;
  onEdit(source: EditSource): void;
  children: ReactNode;
}) {
  const t = useTranslations("result");
  const tVideo = useTranslations("video");
  const media = resultMedia(task);
  const grid = media?.kind === "image" && media.grid ? media : null;
  const clips = media?.kind === "video" ? media.clips : [];
  const [view, setView] = useState<number | null>(
    clips.length > 0 ? Math.min(Math.max(initialView ?? 1, 1), clips.length) : grid ? initialView : null,
  );
  const [measured, setMeasured] = useState<number | null>(null);
  // The chain of extends says how long a clip is where nothing else does (TaskDetails reads it too).
  const lineage = useQuery({ ...taskDetailQuery(task.id), enabled: clips.length > 0 });
  const swipeStart = useRef<{ x: number; y: number } | null>(null);
  const image = useLoadedImage(grid?.src ?? null);
  const crop = useQuadrantCrop(grid && !grid.animated && image !== "error" ? image : null, view);
  const alt = truncateText(promptOf(task) || t("untitled"), PROMPT_PREVIEW_CHARS);
  const clip = clips.length > 0 ? clips[(view ?? 1) - 1] : undefined;

  useLightboxKeys({
    onPrev,
    onNext,
    onKey: (key) => {
      const picked = QUADRANT_KEYS[key];
      if (picked === undefined) return false;
      if (grid) setView(picked);
      else if (picked !== null && picked <= clips.length && clips.length > 1) setView(picked);
      else return false;
      return true;
    },
  });

  function onPointerUp(event: PointerEvent<HTMLDivElement>) {
    const start = swipeStart.current;
    swipeStart.current = null;
    if (!start || event.pointerType === "mouse") return;
    const dx = event.clientX - start.x;
    if (Math.abs(dx) < SWIPE_PX || Math.abs(dx) < Math.abs(event.clientY - start.y)) return;
    (dx > 0 ? onPrev : onNext)?.();
  }

  const failed = (
    <p className="py-16 text-center text-sm text-red-600 dark:text-red-400">{t("cropFailed")}</p>
  );
  const loading = (
    <div className="flex h-[40dvh] items-center justify-center" role="status">
      <Loader2 className="size-6 animate-spin text-zinc-400" aria-hidden />
      <span className="sr-only">{t("loading")}</span>
    </div>
  );
  let content;
  if (!media) {
    content = null;
  } else if (media.kind === "video") {
    content = clip ? (
      <VideoPlayer
        key={clip.url}
        src={clip.url}
        poster={clipPoster(task, clip)}
        label={clips.length > 1 ? tVideo("clipLabel", { n: clip.index + 1, prompt: alt }) : alt}
        onDuration={setMeasured}
      />
    ) : null;
  } else if (!grid || view === null) {
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
  } else if (grid.animated) {
    content =
      image === "error" ? (
        failed
      ) : image ? (
        <AnimatedQuadrant
          src={grid.src}
          image={image}
          index={view}
          alt={t("quadrantAlt", { n: view, prompt: alt })}
        />
      ) : (
        loading
      );
  } else if (image === "error" || crop === "error") {
    content = failed;
  } else if (image && crop) {
    const rect = quadrantRect(image.naturalWidth, image.naturalHeight, view);
    content = (
      // eslint-disable-next-line @next/next/no-img-element -- a blob: URL of the crop made here
      <img
        src={crop.url}
        alt={t("quadrantAlt", { n: view, prompt: alt })}
        width={rect.w}
        height={rect.h}
        className={MEDIA}
      />
    );
  } else {
    content = loading;
  }

  return (
    <div className="space-y-3">
      <div
        className="relative flex min-h-[30dvh] touch-pan-y items-center justify-center rounded-lg bg-zinc-100 dark:bg-zinc-950"
        onPointerDown={(event) => (swipeStart.current = { x: event.clientX, y: event.clientY })}
        onPointerUp={onPointerUp}
        onPointerCancel={() => (swipeStart.current = null)}
      >
        {content}
      </div>
      <div className="flex flex-wrap items-center gap-2">
        <Button onClick={() => onPrev?.()} disabled={!onPrev} aria-keyshortcuts="ArrowLeft">
          <ChevronLeft className="size-4" aria-hidden />
          {t("previous")}
        </Button>
        <Button onClick={() => onNext?.()} disabled={!onNext} aria-keyshortcuts="ArrowRight">
          {t("next")}
          <ChevronRight className="size-4" aria-hidden />
        </Button>
        {grid && (
          <>
            <div role="group" aria-label={t("views")} aria-keyshortcuts="0 1 2 3 4" className="flex gap-1">
              {[null, 1, 2, 3, 4].map((v) => (
                <button
                  key={v ?? "grid"}
                  type="button"
                  aria-pressed={view === v}
                  aria-label={v === null ? undefined : t("imageN", { n: v })}
                  onClick={() => setView(v)}
                  className={cn(
                    "inline-flex min-w-9 items-center justify-center gap-1 rounded-md border px-2 py-1.5 text-sm font-medium",
                    view === v
                      ? "border-sky-600 bg-sky-600 text-white"
                      : "border-zinc-300 hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800",
                  )}
                >
                  {v === null ? (
                    <>
                      <LayoutGrid className="size-4" aria-hidden />
                      {t("grid")}
                    </>
                  ) : (
                    v
                  )}
                </button>
              ))}
            </div>
            <span className="hidden text-xs text-zinc-500 sm:inline">{t("keysHint")}</span>
          </>
        )}
        {clips.length > 1 && (
          <div role="group" aria-label={tVideo("clips")} aria-keyshortcuts="1 2 3 4" className="flex gap-1">
            {clips.map((item) => (
              <button
                key={item.index}
                type="button"
                aria-pressed={clip === item}
                onClick={() => setView(item.index + 1)}
                className={cn(
                  "inline-flex min-w-9 items-center justify-center gap-1 rounded-md border px-2 py-1.5 text-sm font-medium",
                  clip === item
                    ? "border-sky-600 bg-sky-600 text-white"
                    : "border-zinc-300 hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800",
                )}
              >
                {tVideo("clipN", { n: item.index + 1 })}
              </button>
            ))}
          </div>
        )}
      </div>

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
        image={grid ? view : null}
        onEdit={onEdit}
        cell={view}
      >
        {view !== null && crop && crop !== "error" && (
          <ActionButton
            icon={<Download className="size-3.5" aria-hidden />}
            onClick={() => saveBlob(crop.blob, mediaFileName(task, String(view), crop.blob.type, "png"))}
          >
            {t("downloadImage", { n: view })}
          </ActionButton>
        )}
      </ResultActions>
      {children}
    </div>
  );
}

/** A clip with the browser's controls: it seeks, since the media route answers byte ranges. */
function VideoPlayer({
  src,
  poster,
  label,
  onDuration,
}: {
  src: string;
  poster: string | null;
  label: string;
  onDuration(seconds: number): void;
}) {
  return (
    <video
      src={src}
      poster={poster ?? undefined}
      aria-label={label}
      controls
      autoPlay
      muted
      loop
      playsInline
      onLoadedMetadata={(event) => onDuration(event.currentTarget.duration)}
      className="block max-h-[70dvh] w-full object-contain"
    />
  );
}

/**
 * One image of an animated grid, cut out with CSS: a canvas would keep only its first frame. The
 * window has the quadrant's exact pixel aspect, and the whole grid is scaled and shifted behind it.
 */
function AnimatedQuadrant({
  src,
  image,
  index,
  alt,
}: {
  src: string;
  image: HTMLImageElement;
  index: number;
  alt: string;
}) {
  const { naturalWidth: width, naturalHeight: height } = image;
  const rect = quadrantRect(width, height, index);
  return (
    <div
      className="relative mx-auto overflow-hidden"
      style={{
        aspectRatio: `${rect.w} / ${rect.h}`,
        width: `min(100%, calc(${MEDIA_MAX_HEIGHT} * ${rect.w / rect.h}))`,
      }}
    >
      {/* eslint-disable-next-line @next/next/no-img-element -- the app's media route serves and caches it */}
      <img
        src={src}
        alt={alt}
        className="absolute max-w-none"
        style={{
          width: `${(width / rect.w) * 100}%`,
          height: `${(height / rect.h) * 100}%`,
          left: `${(-rect.x / rect.w) * 100}%`,
          top: `${(-rect.y / rect.h) * 100}%`,
        }}
      />
    </div>
  );
}

/** The grid decoded once per lightbox: its natural size drives the crops, "error" if it fails. */
function useLoadedImage(src: string | null): HTMLImageElement | "error" | null {
  const [loaded, setLoaded] = useState<{ src: string; image: HTMLImageElement | null } | null>(null);
  useEffect(() => {
    if (!src) return;
    let live = true;
    const image = new Image();
    image.src = src;
    image.decode().then(
      () => {
        if (live) setLoaded({ src, image });
      },
      () => {
        if (live) setLoaded({ src, image: null });
      },
    );
    return () => {
      live = false;
    };
  }, [src]);
  if (!src || loaded?.src !== src) return null;
  return loaded.image ?? "error";
}

interface Crop {
  blob: Blob;
  url: string;
}

/** The crop of the image on view; its object URL lives exactly as long as that view. */
function useQuadrantCrop(image: HTMLImageElement | null, index: number | null): Crop | "error" | null {
  const [state, setState] = useState<{ image: HTMLImageElement; index: number; crop: Crop | "error" } | null>(
    null,
  );
  useEffect(() => {
    if (!image || index === null) return;
    let live = true;
    let url: string | null = null;
    cropQuadrant(image, { width: image.naturalWidth, height: image.naturalHeight }, index).then(
      (blob) => {
        if (!live) return;
        url = URL.createObjectURL(blob);
        setState({ image, index, crop: { blob, url } });
      },
      () => {
        if (live) setState({ image, index, crop: "error" });
      },
    );
    return () => {
      live = false;
      if (url) URL.revokeObjectURL(url);
    };
  }, [image, index]);
  return state && state.image === image && state.index === index ? state.crop : null;
}
