"use client";

import { useWindowVirtualizer } from "@tanstack/react-virtual";
import { Eye, EyeOff, Film, Heart } from "lucide-react";
import { useTranslations } from "next-intl";
import { useEffect, useLayoutEffect, useRef, useState } from "react";
import { useTaskWords } from "@/components/task/task-words";
import { cn } from "@/lib/cn";
import { PROMPT_PREVIEW_CHARS, promptOf, truncateText, videoClips } from "@/lib/images/grid";
import { isTerminalStatus, progressPercent, TASK_STATUS, type Task } from "@/lib/mj/task";
import { isFavorite, thumbnailOf } from "@/lib/mj/task-view";

const MIN_TILE_PX = 180;
const GAP_PX = 8;
/** Rows kept rendered beyond the viewport, and how close to the end the next page is asked for. */
const OVERSCAN_ROWS = 3;
const PREFETCH_ROWS = 4;

/**
 * Every task of the view as square thumbnails. Only the rows near the viewport are in the DOM
 * (window virtualisation), so ten thousand tasks scroll like sixty; the next page is fetched
 * before the last row comes into view.
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
  selected: ReadonlySet<string>;
  /** `range`: shift-click, from the last clicked tile to this one. */
  onToggle(index: number, range: boolean): void;
  onOpen(task: Task): void;
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
    return () => observer.disconnect();
  }, []);

  const columns = Math.max(2, Math.floor((width + GAP_PX) / (MIN_TILE_PX + GAP_PX)));
  const tile = width > 0 ? (width - GAP_PX * (columns - 1)) / columns : MIN_TILE_PX;
  const rows = Math.ceil(tasks.length / columns);
  const virtualizer = useWindowVirtualizer({
    count: rows,
    estimateSize: () => tile + GAP_PX,
    overscan: OVERSCAN_ROWS,
    scrollMargin: offset,
  });

  // Tiles are squares of the column width: a resize changes every row's height.
  useEffect(() => virtualizer.measure(), [virtualizer, tile]);

  const visible = virtualizer.getVirtualItems();
  const lastRow = visible.at(-1)?.index ?? -1;
  useEffect(() => {
    if (hasMore && lastRow >= rows - PREFETCH_ROWS) loadMore();
  }, [hasMore, lastRow, rows, loadMore]);

  return (
    <div
      ref={listRef}
      role="list"
      aria-label={t("gridLabel")}
      className="relative w-full"
      style={{ height: virtualizer.getTotalSize() }}
    >
      {visible.map((row) => (
        <div
          key={row.key}
          className="absolute top-0 left-0 grid w-full"
          style={{
            transform: `translateY(${row.start - virtualizer.options.scrollMargin}px)`,
            gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))`,
            gap: GAP_PX,
            height: tile,
          }}
        >
          {tasks.slice(row.index * columns, (row.index + 1) * columns).map((task, i) => (
            <Tile
              key={task.id}
              task={task}
              selected={selected.has(task.id)}
              onToggle={(range) => onToggle(row.index * columns + i, range)}
              onOpen={() => onOpen(task)}
              hiddenView={hiddenView}
              onFavorite={() => onFavorite(task)}
              onHide={() => onHide(task)}
            />
          ))}
        </div>
      ))}
    </div>
  );
}

function Tile({
  task,
  selected,
  onToggle,
  onOpen,
  hiddenView,
  onFavorite,
  onHide,
}: {
  task: Task;
  selected: boolean;
  onToggle(range: boolean): void;
  onOpen(): void;
  hiddenView: boolean;
  onFavorite(): void;
  onHide(): void;
}) {
  const t = useTranslations("gallery");
  const words = useTaskWords();
  const statusLabel = words.status(task.status);
  const prompt = truncateText(
    promptOf(task) || (task.action ? words.action(task.action) : task.id),
    PROMPT_PREVIEW_CHARS,
  );
  const done = task.status === TASK_STATUS.success;
  const thumb = done ? thumbnailOf(task) : null;
  const clip = done ? videoClips(task)[0] : undefined;
  // A video plays, muted and looping, while a pointer rests on its tile or the tile has the focus;
  // the player exists only then, so a page of thousands of tiles loads thumbnails alone.
  const [previewing, setPreviewing] = useState(false);
  const running = !isTerminalStatus(task.status);
  const percent = progressPercent(task.progress) ?? 0;
  return (
    <article
      role="listitem"
      aria-label={prompt}
      data-task-id={task.id}
      data-status={task.status || "PENDING"}
      onPointerEnter={(event) => event.pointerType === "mouse" && setPreviewing(true)}
      onPointerLeave={() => setPreviewing(false)}
      onFocus={() => setPreviewing(true)}
      onBlur={(event) => {
        if (!event.currentTarget.contains(event.relatedTarget)) setPreviewing(false);
      }}
      className={cn(
        "group relative overflow-hidden rounded-lg bg-zinc-200 dark:bg-zinc-800",
        selected && "ring-3 ring-sky-500",
      )}
    >
      {thumb ? (
        // eslint-disable-next-line @next/next/no-img-element -- a small WebP from the app's media cache
        <img
          src={thumb}
          alt={prompt}
          loading="lazy"
          decoding="async"
          className="h-full w-full object-cover"
        />
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
        onClick={onOpen}
        aria-label={t("open", { prompt })}
        className="absolute inset-0 cursor-zoom-in focus-visible:outline-offset-[-3px]"
      />
      <label
        className={cn(
          "absolute top-1.5 left-1.5 rounded bg-black/50 p-1",
          !selected &&
            "opacity-0 group-hover:opacity-100 focus-within:opacity-100 [@media(hover:none)]:opacity-100",
        )}
      >
        <input
          type="checkbox"
          checked={selected}
          onChange={() => undefined}
          onClick={(event) => onToggle(event.shiftKey)}
          aria-label={t("select", { prompt })}
          className="size-4 accent-sky-600"
        />
      </label>
      {/* The prompt and the tile's own actions, on hover and on focus (always on touch screens). */}
      <div className="pointer-events-none absolute inset-x-0 bottom-0 bg-gradient-to-t from-black/75 to-transparent p-2 pt-6 text-xs text-white opacity-0 group-focus-within:opacity-100 group-hover:opacity-100">
        <p className="line-clamp-2">{prompt}</p>
      </div>
      <div
        className={cn(
          "absolute top-1.5 right-1.5 flex gap-1",
          "opacity-0 group-focus-within:opacity-100 group-hover:opacity-100 [@media(hover:none)]:opacity-100",
        )}
      >
        <button
          type="button"
          onClick={onHide}
          aria-label={t(hiddenView ? "unhide" : "hide", { prompt })}
          className="rounded bg-black/55 p-1 text-white hover:bg-black/75"
        >
          {hiddenView ? <Eye className="size-4" aria-hidden /> : <EyeOff className="size-4" aria-hidden />}
        </button>
        <button
          type="button"
          onClick={onFavorite}
          aria-label={t(isFavorite(task) ? "unfavoriteOne" : "favoriteOne", { prompt })}
          aria-pressed={isFavorite(task)}
          className="rounded bg-black/55 p-1 text-white hover:bg-black/75"
        >
          <Heart className={cn("size-4", isFavorite(task) && "fill-red-500 text-red-500")} aria-hidden />
        </button>
      </div>
      {isFavorite(task) && (
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
}
