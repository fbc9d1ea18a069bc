"use client";

import { useWindowVirtualizer, defaultRangeExtractor, type Range } from "@tanstack/react-virtual";
import { useLocale, useTranslations } from "next-intl";
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { useNow } from "@/components/task/use-now";
import type { Task } from "@/lib/mj/task";
import { dayHeading, dayOf, feedRows, type FeedRow } from "./day-groups";

/** First guesses until a row is measured: a job card, a day heading. */
const TASK_ESTIMATE_PX = 420;
const DAY_ESTIMATE_PX = 44;
/** Rows kept rendered beyond the viewport, and how close to the end the next page is asked for. */
const OVERSCAN_ROWS = 4;
const PREFETCH_ROWS = 6;

/**
 * The Create feed: one job per row, under a heading per day, newest first. Only the rows near the
 * viewport are in the DOM (window virtualisation, each row measured as it renders), so ten
 * thousand jobs scroll like ten; the next page is asked for before the end comes into view.
 *
 * Jobs arriving on top (this tab's, or another's through the head query) do not move what the
 * reader is looking at once they have scrolled into the feed: the first row on screen is the
 * anchor, and the page scrolls by what was inserted above it. The row holding the focus stays
 * rendered, so a keyboard user walking the feed with Tab never loses their place, and each Tab
 * into the rows below brings the next ones (and in the end the next page) in.
 */
export function TaskFeed({
  tasks,
  hasMore,
  loadingMore,
  loadMore,
  renderTask,
}: {
  tasks: Task[];
  hasMore: boolean;
  loadingMore: boolean;
  loadMore(): void;
  renderTask(task: Task): ReactNode;
}) {
  const t = useTranslations("feed");
  const locale = useLocale();
  // Before hydration there is no clock (0): the server renders no rows, so nothing disagrees.
  const now = useNow(60_000);
  const today = now > 0 ? dayOf(now) : "";
  const rows = useMemo(() => feedRows(tasks, today), [tasks, today]);
  const indexByKey = useMemo(() => new Map(rows.map((row, index) => [row.key, index])), [rows]);

  const listRef = useRef<HTMLDivElement>(null);
  const [offset, setOffset] = useState(0);
  // Where the list starts on the page: the composer above it grows and shrinks.
  useLayoutEffect(() => {
    const element = listRef.current;
    if (!element) return;
    const measure = () => setOffset(element.getBoundingClientRect().top + window.scrollY);
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(document.body);
    return () => observer.disconnect();
  }, []);

  const [focusedKey, setFocusedKey] = useState<string | null>(null);
  const focusedIndex = focusedKey === null ? undefined : indexByKey.get(focusedKey);
  const rangeExtractor = useCallback(
    (range: Range) => {
      const indexes = defaultRangeExtractor(range);
      return focusedIndex === undefined || indexes.includes(focusedIndex)
        ? indexes
        : [...indexes, focusedIndex].sort((a, b) => a - b);
    },
    [focusedIndex],
  );

  const virtualizer = useWindowVirtualizer({
    count: rows.length,
    estimateSize: (index) => (rows[index]?.kind === "day" ? DAY_ESTIMATE_PX : TASK_ESTIMATE_PX),
    getItemKey: (index) => rows[index]?.key ?? index,
    overscan: OVERSCAN_ROWS,
    scrollMargin: offset,
    rangeExtractor,
  });

  // The anchor: the first row on screen and how far its top is above the viewport's, while the
  // reader is inside the feed. At the top of the feed there is none: new jobs show up there.
  const anchor = useRef<{ key: string; delta: number } | null>(null);
  const remember = useCallback(() => {
    const top = window.scrollY;
    if (top <= virtualizer.options.scrollMargin) {
      anchor.current = null;
      return;
    }
    const items = virtualizer.measurementsCache;
    // Binary search: the first row whose bottom is below the viewport's top.
    let lo = 0;
    let hi = items.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((items[mid]?.end ?? 0) > top) hi = mid;
      else lo = mid + 1;
    }
    const first = items[lo];
    anchor.current = first ? { key: String(first.key), delta: first.start - top } : null;
  }, [virtualizer]);

  useEffect(() => {
    window.addEventListener("scroll", remember, { passive: true });
    return () => window.removeEventListener("scroll", remember);
  }, [remember]);

  // Rows came or went: put the anchor back where it was on screen, before the browser paints.
  useLayoutEffect(() => {
    const kept = anchor.current;
    const index = kept === null ? undefined : indexByKey.get(kept.key);
    const item = index === undefined ? undefined : virtualizer.measurementsCache[index];
    if (kept && item) {
      const top = item.start - kept.delta;
      if (Math.abs(top - window.scrollY) >= 1) window.scrollTo({ top, behavior: "instant" });
    }
    remember();
  }, [rows, indexByKey, virtualizer, remember]);

  const items = virtualizer.getVirtualItems();
  const lastIndex = items.at(-1)?.index ?? -1;
  useEffect(() => {
    if (hasMore && !loadingMore && lastIndex >= rows.length - PREFETCH_ROWS) loadMore();
  }, [hasMore, loadingMore, lastIndex, rows.length, loadMore]);

  const heading = (row: Extract<FeedRow, { kind: "day" }>) => {
    const said = dayHeading(row.day, today, locale);
    return "relative" in said ? t(said.relative) : said.date;
  };

  return (
    <>
      <div
        ref={listRef}
        className="relative w-full"
        // The anchor above does the browser's scroll anchoring here, which rows moved by transforms defeat.
        style={{ height: virtualizer.getTotalSize(), overflowAnchor: "none" }}
        onFocus={(event) => {
          const row = (event.target as HTMLElement).closest<HTMLElement>("[data-feed-key]");
          setFocusedKey(row?.dataset.feedKey ?? null);
        }}
        onBlur={(event) => {
          if (!event.currentTarget.contains(event.relatedTarget)) setFocusedKey(null);
        }}
      >
        {items.map((item) => {
          const row = rows[item.index];
          if (!row) return null;
          return (
            <div
              key={item.key}
              ref={virtualizer.measureElement}
              data-index={item.index}
              data-feed-key={row.key}
              className="absolute top-0 left-0 w-full"
              style={{ transform: `translateY(${item.start - virtualizer.options.scrollMargin}px)` }}
            >
              {row.kind === "day" ? (
                <h3 className="pt-2 pb-3 text-sm font-semibold text-zinc-600 dark:text-zinc-400">
                  {heading(row)}
                </h3>
              ) : (
                <div className="pb-4">{renderTask(row.task)}</div>
              )}
            </div>
          );
        })}
      </div>
      <p role="status" className="min-h-5 text-center text-sm text-zinc-500">
        {loadingMore ? t("loadingMore") : !hasMore && tasks.length > 0 ? t("end") : null}
      </p>
    </>
  );
}
