"use client";

import { useQuery } from "@tanstack/react-query";
import { useSearchParams } from "next/navigation";
import { useEffect, useEffectEvent, useRef, useState, type RefObject } from "react";
import { taskDetailQuery } from "@/lib/api/queries";
import type { Task } from "@/lib/mj/task";
import { shortcutOf, successorOf, viewCount, viewFromSearch, viewHref, viewIndex } from "./viewer-state";

/**
 * Which task the viewer shows over a list (the Create feed, a gallery view) and how it moves. The
 * address is the state: opening pushes `?view=<id>&image=<n>` (so Back closes it and a reload or a
 * shared link reopens it), moving replaces it, closing goes back or drops the parameters. With a
 * null history state Next keeps useSearchParams in step, with no router round trip.
 *
 * A task not in the list (reached through its lineage, or a link) is shown from its own record
 * (the query TaskDetails reads). ← / → step through a job's images, then on to the neighbouring
 * job; with `hasMore`, stepping past the last loaded task asks for the next page and moves on by
 * itself once it arrives.
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
  const searchParams = useSearchParams();
  const view = viewFromSearch(new URLSearchParams(searchParams.toString()));
  // The task objects opened from a card or a lineage thumbnail, shown until their record loads.
  const [known, setKnown] = useState<Task | null>(null);
  // The task on view when "next" ran out of loaded tasks: the page that arrives moves on from it.
  const waiting = useRef<string | null>(null);
  // Whether this page pushed the entry on view: then closing is Back, else a replace.
  const pushed = useRef(false);
  const shown = view ? tasks.findIndex((task) => task.id === view.id) : -1;
  const record = useQuery({ ...taskDetailQuery(view?.id ?? ""), enabled: view !== null && shown < 0 });
  const task =
    (shown >= 0 ? tasks[shown] : (record.data?.task ?? (known?.id === view?.id ? known : null))) ?? null;
  const index = task ? viewIndex(task, view?.image ?? null) : null;

  /** Puts a task of the list (or the one already known) on view. */
  function go(next: Task, image: number | null) {
    const href = viewHref(window.location.href, { id: next.id, image: viewIndex(next, image) });
    waiting.current = null;
    if (view) window.history.replaceState(null, "", href);
    else {
      window.history.pushState(null, "", href);
      pushed.current = true;
    }
  }
  function close() {
    if (pushed.current) {
      pushed.current = false;
      window.history.back();
    } else window.history.replaceState(null, "", viewHref(window.location.href, null));
  }
  const step = (delta: 1 | -1) => {
    if (!task) return;
    const count = viewCount(task);
    const at = index ?? 1;
    if (at + delta >= 1 && at + delta <= count) return go(task, at + delta);
    const neighbour = tasks[shown + delta];
    if (neighbour) go(neighbour, delta === 1 ? 1 : viewCount(neighbour));
    else if (delta === 1) waiting.current = task.id;
    if (delta === 1 && shown + delta >= tasks.length - 2) loadMore?.();
  };
  const onLoaded = useEffectEvent(() => {
    const arrived = waiting.current === view?.id && shown >= 0 ? tasks[shown + 1] : undefined;
    if (arrived) go(arrived, 1);
  });
  useEffect(() => onLoaded(), [tasks.length]);

  // Back past the viewer's entry closes it; the next open pushes again.
  useEffect(() => {
    if (!view) pushed.current = false;
  }, [view]);

  const last = task !== null && (index ?? 1) >= viewCount(task);
  return {
    /** The task on view, null while the viewer is closed (or its record is loading). */
    task,
    /** The image of a grid or the clip on view (1-based); null for a job with one picture. */
    index,
    /** Opens a task of the list, or one of its lineage, at one image of a grid (default the first). */
    open: (next: Task, image: number | null = null) => {
      setKnown(next);
      go(next, image);
    },
    /** Shows another image of the task on view. */
    show: (image: number) => task && go(task, image),
    close,
    /** Moves off a job that is leaving the list (deleted, hidden): see successorOf; closes when none is left. */
    leave: (gone: Task) => {
      const successor = successorOf(tasks, gone.id);
      if (successor) go(successor, 1);
      else close();
    },
    /** Null at either end of the list. */
    prev: task && ((index ?? 1) > 1 || shown > 0) ? () => step(-1) : null,
    next: task && (!last || (shown >= 0 && (shown < tasks.length - 1 || hasMore))) ? () => step(1) : null,
  };
}

export type LightboxNavigation = ReturnType<typeof useLightboxNavigation>;

/**
 * The viewer's keys: ← and → turn the page; `onKey` may claim another key (its shortcut token, as
 * shortcutOf spells it) by returning true. Escape closes through the dialog itself. Listened to on
 * the document, since focus may be anywhere in the dialog; keys typed into text fields and video
 * controls are theirs.
 */
export function useLightboxKeys({
  scope,
  onPrev,
  onNext,
  onKey,
}: {
  /** Inside the viewer's dialog: keys pressed in another dialog over it (the ? sheet) are not its. */
  scope: RefObject<HTMLElement | null>;
  onPrev: (() => void) | null;
  onNext: (() => void) | null;
  onKey?: (key: string) => boolean;
}) {
  const onKeyDown = useEffectEvent((event: KeyboardEvent) => {
    if (event.defaultPrevented) return;
    if (
      event.target instanceof Element &&
      event.target.closest("input, textarea, select, video, [contenteditable]")
    )
      return;
    const dialog = event.target instanceof Element ? event.target.closest('[role="dialog"]') : null;
    if (dialog && scope.current && !dialog.contains(scope.current)) return;
    const key = shortcutOf(event);
    if (key === null) return;
    const go = key === "ArrowLeft" ? onPrev : key === "ArrowRight" ? onNext : null;
    if (go) {
      event.preventDefault();
      go();
    } else if (onKey?.(key)) {
      event.preventDefault();
    }
  });
  useEffect(() => {
    const listener = (event: KeyboardEvent) => onKeyDown(event);
    document.addEventListener("keydown", listener);
    return () => document.removeEventListener("keydown", listener);
  }, []);
}
