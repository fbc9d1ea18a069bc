"use client";

import { useWindowVirtualizer } from "@tanstack/react-virtual";
import { Eye, EyeOff, Film, Heart } from "lucide-react";
import { useTranslations } from "next-intl";
import { memo, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import { useTaskWords } from "@/components/task/task-words";
import { cn } from "@/lib/cn";
import { PROMPT_PREVIEW_CHARS, promptOf, truncateText, videoClips } from "@/lib/images/grid";
import { jobImages, type JobImage } from "@/lib/images/job-images";
import { justifyRows } from "@/lib/images/justify";
import { isTerminalStatus, progressPercent, TASK_STATUS, type Task } from "@/lib/mj/task";
import { aspectRatioOf, isFavorite, thumbnailOf } from "@/lib/mj/task-view";

const GAP_PX = 6;
/** Rows aim at this height on a wide page; narrower pages aim lower, so a phone shows about two. */
const ROW_HEIGHT_PX = 220;
const MIN_ROW_HEIGHT_PX = 140;
const ROW_HEIGHT_PER_WIDTH = 1 / 2.4;
/** Rows kept rendered beyond the viewport, and how close to the end the next page is asked for. */
const OVERSCAN_ROWS = 3;
const PREFETCH_ROWS = 4;

/** One picture of the gallery: an image of a job, or a job shown whole (upscale, video, running). */
interface GalleryTile {
  key: string;
  task: Task;
  /** The task's place in the view, which selection ranges count in. */
  taskIndex: number;
  /** Null: the job as one tile (its thumbnail, its poster, or its prompt while it has no picture). */
  image: JobImage | null;
  ratio: number;
}

function tilesOf(tasks: readonly Task[]): GalleryTile[] {
  return tasks.flatMap((task, taskIndex): GalleryTile[] => {
    const ratio = aspectRatioOf(task);
    const images = jobImages(task);
    return images.length > 0
      ? images.map((image) => ({ key: `${task.id}:${image.n ?? 0}`, task, taskIndex, image, ratio }))
      : [{ key: task.id, task, taskIndex, image: null, ratio }];
  });
}

/**
 * Every image of the view in justified rows, as midjourney.com's archive shows them: each image
 * of a grid is its own tile, every tile keeps its job's aspect ratio, and each row but the last
 * fills the width. Only the rows near the viewport are in the DOM (window virtualisation), so ten
 * thousand jobs scroll like sixty; the next page is fetched before the last row comes into view.
 */
export function GalleryGrid({
  tasks,
  hasMore,
  loadMore,
  selected,
  onToggle,
  onOpen,
  hiddenView,
  onFavorite,
  onHide,
}: {
  tasks: Task[];
  hasMore: boolean;
  loadMore(): void;
  /** Ids of selected tasks: selection, folders, hide and delete act on jobs, not on their images. */
  selected: ReadonlySet<string>;
  /** `index`: the task's place in `tasks`; `range`: shift-click, from the last clicked job to this one. */
  onToggle(index: number, range: boolean): void;
  /** `image`: the image of a grid (1-4) to open the viewer at; null for a job with one picture. */
  onOpen(task: Task, image: number | null): void;
  /** The Hidden view: a tile's hide action shows it again. */
  hiddenView: boolean;
  onFavorite(task: Task): void;
  onHide(task: Task): void;
}) {
  const t = useTranslations("gallery");
  const listRef = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  const [offset, setOffset] = useState(0);

  useLayoutEffect(() => {
    const element = listRef.current;
    if (!element) return;
    const measure = () => {
      setWidth(element.clientWidth);
      setOffset(element.getBoundingClientRect().top + window.scrollY);
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    // What sits above the list (the selection toolbar, a filter row that wraps) moves it down
    // without resizing it: the column around it does resize, and the rows' offset is measured again.
    if (element.parentElement) observer.observe(element.parentElement);
    return () => observer.disconnect();
  }, []);

  const tiles = useMemo(() => tilesOf(tasks), [tasks]);
  const rows = useMemo(
    () =>
      justifyRows(
        tiles.map((tile) => tile.ratio),
        {
          width,
          gap: GAP_PX,
          targetHeight: Math.min(ROW_HEIGHT_PX, Math.max(MIN_ROW_HEIGHT_PX, width * ROW_HEIGHT_PER_WIDTH)),
        },
      ),
    [tiles, width],
  );
  const virtualizer = useWindowVirtualizer({
    count: rows.length,
    estimateSize: (index) => (rows[index]?.height ?? ROW_HEIGHT_PX) + GAP_PX,
    overscan: OVERSCAN_ROWS,
    scrollMargin: offset,
  });

  // Row heights are known, not measured: a new page or a resize changes them, so lay out again.
  useEffect(() => virtualizer.measure(), [virtualizer, rows]);

  const visible = virtualizer.getVirtualItems();
  const lastRow = visible.at(-1)?.index ?? -1;
  useEffect(() => {
    if (hasMore && lastRow >= rows.length - PREFETCH_ROWS) loadMore();
  }, [hasMore, lastRow, rows.length, loadMore]);

  return (
    <div
      ref={listRef}
      role="list"
      aria-label={t("gridLabel")}
      className="relative w-full"
      style={{ height: virtualizer.getTotalSize() }}
    >
      {visible.map((virtualRow) => {
        const row = rows[virtualRow.index];
        if (!row) return null;
        return (
          <div
            key={virtualRow.key}
            className="absolute top-0 left-0 flex w-full"
            style={{
              transform: `translateY(${virtualRow.start - virtualizer.options.scrollMargin}px)`,
              gap: GAP_PX,
              height: row.height,
            }}
          >
            {tiles.slice(row.start, row.end).map((tile) => (
              <Tile
                key={tile.key}
                tile={tile}
                width={tile.ratio * row.height}
                selected={selected.has(tile.task.id)}
                onToggle={onToggle}
                onOpen={onOpen}
                hiddenView={hiddenView}
                onFavorite={onFavorite}
                onHide={onHide}
              />
            ))}
          </div>
        );
      })}
    </div>
  );
}

/** Memoised: scrolling re-renders the rows, not the tiles already on screen. */
const Tile = memo(function Tile({
  tile: { task, taskIndex, image },
  width,
  selected,
  onToggle,
  onOpen,
  hiddenView,
  onFavorite,
  onHide,
}: {
  tile: GalleryTile;
  width: number;
  selected: boolean;
  onToggle(index: number, range: boolean): void;
  onOpen(task: Task, image: number | null): void;
  hiddenView: boolean;
  onFavorite(task: Task): void;
  onHide(task: Task): void;
}) {
  const t = useTranslations("gallery");
  const words = useTaskWords();
  const statusLabel = words.status(task.status);
  const prompt = truncateText(
    promptOf(task) || (task.action ? words.action(task.action) : task.id),
    PROMPT_PREVIEW_CHARS,
  );
  const n = image?.n ?? null;
  // The job's own controls (select, hide, favourite) are named after the job; the picture and
  // its Open after the image, so a screen reader tells the four images of a grid apart.
  const label = n === null ? prompt : t("imageOf", { prompt, n });
  const done = task.status === TASK_STATUS.success;
  const thumb = image ? image.thumb : done ? thumbnailOf(task) : null;
  const clip = done && !image ? videoClips(task)[0] : undefined;
  // A video plays, muted and looping, while a pointer rests on its tile or the tile has the focus;
  // the player exists only then, so a page of thousands of tiles loads thumbnails alone.
  const [previewing, setPreviewing] = useState(false);
  const running = !isTerminalStatus(task.status);
  const percent = progressPercent(task.progress) ?? 0;
  const favorite = isFavorite(task);
  return (
    <article
      role="listitem"
      aria-label={label}
      data-task-id={task.id}
      data-status={task.status || "PENDING"}
      onPointerEnter={(event) => event.pointerType === "mouse" && setPreviewing(true)}
      onPointerLeave={() => setPreviewing(false)}
      onFocus={() => setPreviewing(true)}
      onBlur={(event) => {
        if (!event.currentTarget.contains(event.relatedTarget)) setPreviewing(false);
      }}
      // Its width at the row's height keeps the ratio; a row that rounds a pixel over shrinks.
      style={{ width }}
      className="group relative h-full min-w-0 overflow-hidden rounded-md bg-zinc-200 dark:bg-zinc-800"
    >
      {thumb ? (
        // eslint-disable-next-line @next/next/no-img-element -- a small WebP from the app's media cache
        <img src={thumb} alt={label} loading="lazy" decoding="async" className="h-full w-full object-cover" />
      ) : (
        <div className="flex h-full w-full items-center justify-center p-2 text-center text-xs text-zinc-600 dark:text-zinc-300">
          <span className="line-clamp-4">{prompt}</span>
        </div>
      )}
      {clip && previewing && (
        // The tile's picture (and its alt) stays under it; the preview itself says nothing new.
        <video
          src={clip.url}
          poster={thumb ?? undefined}
          aria-hidden
          muted
          loop
          playsInline
          autoPlay
          className="pointer-events-none absolute inset-0 h-full w-full object-cover"
        />
      )}
      {(clip || task.action === "VIDEO") && (
        <span className="pointer-events-none absolute bottom-1.5 left-1.5 rounded bg-black/60 p-1 text-white">
          <Film role="img" aria-label={t("video")} className="size-3.5" />
        </span>
      )}
      <button
        type="button"
        onClick={() => onOpen(task, n)}
        aria-label={n === null ? t("open", { prompt }) : t("openImage", { prompt, n })}
        className="absolute inset-0 cursor-zoom-in focus-visible:outline-offset-[-3px]"
      />
      {/* Every image of a selected job shows it: the job is what is selected. */}
      {selected && (
        <span
          aria-hidden
          className="pointer-events-none absolute inset-0 rounded-md bg-sky-500/15 ring-3 ring-sky-500 ring-inset"
        />
      )}
      <label
        className={cn(
          "absolute top-1.5 left-1.5 flex rounded bg-black/50 p-1",
          !selected &&
            "opacity-0 group-hover:opacity-100 focus-within:opacity-100 [@media(hover:none)]:opacity-100",
        )}
      >
        <input
          type="checkbox"
          checked={selected}
          onChange={() => undefined}
          onClick={(event) => onToggle(taskIndex, event.shiftKey)}
          aria-label={t("select", { prompt })}
          className="size-4 accent-sky-600"
        />
      </label>
      {/* The prompt, on hover and on focus. */}
      <div className="pointer-events-none absolute inset-x-0 bottom-0 bg-gradient-to-t from-black/75 to-transparent p-2 pt-6 text-xs text-white opacity-0 transition-opacity group-focus-within:opacity-100 group-hover:opacity-100">
        <p className="line-clamp-2 pr-5">{prompt}</p>
      </div>
      <div
        className={cn(
          "absolute top-1.5 right-1.5 flex gap-1",
          "opacity-0 group-focus-within:opacity-100 group-hover:opacity-100 [@media(hover:none)]:opacity-100",
        )}
      >
        <button
          type="button"
          onClick={() => onHide(task)}
          aria-label={t(hiddenView ? "unhide" : "hide", { prompt })}
          className="rounded bg-black/55 p-1 text-white hover:bg-black/75"
        >
          {hiddenView ? <Eye className="size-4" aria-hidden /> : <EyeOff className="size-4" aria-hidden />}
        </button>
        <button
          type="button"
          onClick={() => onFavorite(task)}
          aria-label={t(favorite ? "unfavoriteOne" : "favoriteOne", { prompt })}
          aria-pressed={favorite}
          className="rounded bg-black/55 p-1 text-white hover:bg-black/75"
        >
          <Heart className={cn("size-4", favorite && "fill-red-500 text-red-500")} aria-hidden />
        </button>
      </div>
      {favorite && (
        <Heart
          role="img"
          aria-label={t("favorite")}
          className="absolute right-2 bottom-2 size-4 fill-red-500 text-red-500 drop-shadow"
        />
      )}
      {task.status !== TASK_STATUS.success && (
        <span className="absolute right-1.5 bottom-1.5 rounded bg-black/60 px-1.5 py-0.5 text-[11px] text-white">
          {running ? `${statusLabel} ${percent}%` : statusLabel}
        </span>
      )}
    </article>
  );
});
