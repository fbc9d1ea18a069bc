"use client";

import { useQuery } from "@tanstack/react-query";
import { useEffect, useEffectEvent, useState } from "react";
import { taskDetailQuery } from "@/lib/api/queries";
import type { Task } from "@/lib/mj/task";

/**
 * Which task the lightbox shows over a list (the Create feed, a gallery view) and how it moves:
 * open, close, previous and next. A task reached through its lineage may not be in the list; then
 * its own record is shown (the same query TaskDetails reads). With `hasMore`, "next" on the last
 * loaded task asks for the next page and moves on by itself once it arrives.
 */
export function useLightboxNavigation({
  tasks,
  hasMore = false,
  loadMore,
}: {
  tasks: Task[];
  hasMore?: boolean;
  loadMore?: () => void;
}) {
  const [open, setOpen] = useState<{ id: string; index: number | null; task: Task } | null>(null);
  const [stepPending, setStepPending] = useState(false);
  const shown = open ? tasks.findIndex((task) => task.id === open.id) : -1;
  const lineageTask = useQuery({ ...taskDetailQuery(open?.id ?? ""), enabled: open !== null && shown < 0 });
  const task = (shown >= 0 ? tasks[shown] : (lineageTask.data?.task ?? open?.task)) ?? null;

  const show = (next: Task, index: number | null = null) => setOpen({ id: next.id, index, task: next });
  const step = (delta: 1 | -1) => {
    const next = tasks[shown + delta];
    if (next) show(next);
    else if (delta === 1) setStepPending(true);
    if (delta === 1 && shown + delta >= tasks.length - 2) loadMore?.();
  };
  const arrived = stepPending && shown >= 0 ? tasks[shown + 1] : undefined;
  if (arrived) {
    setStepPending(false);
    show(arrived);
  }

  return {
    /** The task on view, null while the lightbox is closed. */
    task,
    /** The image of a grid it opened at (null: the whole grid). */
    index: open?.index ?? null,
    /** Opens a task of the list, or one of its lineage, at one image of a grid or the whole. */
    open: show,
    close: () => setOpen(null),
    /** Null at either end of the list. */
    prev: shown > 0 ? () => step(-1) : null,
    next: shown >= 0 && (shown < tasks.length - 1 || hasMore) ? () => step(1) : null,
  };
}

export type LightboxNavigation = ReturnType<typeof useLightboxNavigation>;

/**
 * The lightbox's keys: ← and → turn the page; `onKey` may claim another key (a grid's 0-4) by
 * returning true. Escape closes through the dialog itself. Listened to on the document, since
 * focus starts on the dialog's close button; keys typed into text fields and video controls are
 * theirs, and modified keys belong to the browser.
 */
export function useLightboxKeys({
  onPrev,
  onNext,
  onKey,
}: {
  onPrev: (() => void) | null;
  onNext: (() => void) | null;
  onKey?: (key: string) => boolean;
}) {
  const onKeyDown = useEffectEvent((event: KeyboardEvent) => {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    if (
      event.target instanceof Element &&
      event.target.closest("input, textarea, select, video, [contenteditable]")
    )
      return;
    const go = event.key === "ArrowLeft" ? onPrev : event.key === "ArrowRight" ? onNext : null;
    if (go) {
      event.preventDefault();
      go();
    } else if (onKey?.(event.key)) {
      event.preventDefault();
    }
  });
  useEffect(() => {
    const listener = (event: KeyboardEvent) => onKeyDown(event);
    document.addEventListener("keydown", listener);
    return () => document.removeEventListener("keydown", listener);
  }, []);
}
