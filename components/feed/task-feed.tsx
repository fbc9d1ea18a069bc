"use client";

import { useWindowVirtualizer, defaultRangeExtractor, type Range } from "@tanstack/react-virtual";
import { ArrowUp } from "lucide-react";
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
 * reader is looking at once they have scrolled into the feed. The row holding the focus stays
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

  // Once the reader has scrolled into the feed, rows coming or going above keep the row at the
  // viewport's top where it is (the virtualiser's anchoring, made for chats that grow upwards).
  // At the top of the feed they do not: new jobs show up there.
  const [inside, setInside] = useState(false);
  useEffect(() => {
    const update = () => setInside(window.scrollY > offset);
    update();
    window.addEventListener("scroll", update, { passive: true });
    return () => window.removeEventListener("scroll", update);
  }, [offset]);

  // The newest job the reader saw at the top of the feed: jobs that came in above it since they
  // scrolled down are counted on a button that takes them up (their view did not move for them).
  const newest = tasks[0]?.id ?? null;
  const [seenTop, setSeenTop] = useState(newest);
  if (!inside && seenTop !== newest) setSeenTop(newest);
  const newAbove = useMemo(
    () => (inside && seenTop !== null ? tasks.findIndex((task) => task.id === seenTop) : 0),
    [inside, seenTop, tasks],
  );

  const virtualizer = useWindowVirtualizer({
    count: rows.length,
    estimateSize: (index) => (rows[index]?.kind === "day" ? DAY_ESTIMATE_PX : TASK_ESTIMATE_PX),
    getItemKey: (index) => rows[index]?.key ?? index,
    overscan: OVERSCAN_ROWS,
    scrollMargin: offset,
    rangeExtractor,
    anchorTo: inside ? "end" : "start",
  });

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
      <div aria-live="polite" className="pointer-events-none sticky top-16 z-10 flex h-0 justify-center">
        {newAbove > 0 && (
          <button
            type="button"
            onClick={() => window.scrollTo({ top: Math.max(0, offset - 120), behavior: "smooth" })}
            className="pointer-events-auto mt-2 inline-flex items-center gap-1 rounded-full bg-sky-600 px-3 py-1.5 text-sm font-medium text-white shadow-lg hover:bg-sky-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-600"
          >
            <ArrowUp className="size-4" aria-hidden />
            {t("newJobs", { count: newAbove })}
          </button>
        )}
      </div>
      <div
        ref={listRef}
        className="relative w-full"
        // The virtualiser anchors (above); the browser's own anchoring would move the page a second time.
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
              // Each row's transform is a stacking context: the row with an open menu must sit above the rows after it.
              className="absolute top-0 left-0 w-full has-[[aria-expanded=true]]:z-10"
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
