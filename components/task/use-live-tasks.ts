"use client";

import { useInfiniteQuery, useQuery, useQueryClient, type InfiniteData } from "@tanstack/react-query";
import { useCallback, useMemo, useState } from "react";
import {
  taskPollQuery,
  TASK_DETAIL_KEY,
  TASK_LISTS_KEY,
  type feedQuery,
  type galleryQuery,
  type PollTracker,
} from "@/lib/api/queries";
import { isTerminalStatus, type Task } from "@/lib/mj/task";
import type { HistoryPage } from "@/lib/mj/history-query";
import { isPollable } from "@/lib/mj/task-view";
import { useNow } from "./use-now";

type TaskListOptions = ReturnType<typeof feedQuery> | ReturnType<typeof galleryQuery>;

/**
 * After a submit or an edit: the server recorded the change before answering, so re-reading the
 * lists shows it. A read already in flight started before the change; React Query would hand
 * back that promise during a first load, so it is cancelled first and every list read anew.
 */
export function useRefreshTaskLists() {
  const queryClient = useQueryClient();
  return useCallback(async () => {
    await queryClient.cancelQueries({ queryKey: TASK_LISTS_KEY });
    // Lineage shown in a lightbox gains the new child too.
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: TASK_LISTS_KEY }),
      queryClient.invalidateQueries({ queryKey: TASK_DETAIL_KEY }),
    ]);
  }, [queryClient]);
}

/**
 * A paged list of the server's record (the Create feed, a gallery view), kept live by one batched
 * poll whose results are written into every cached list, so each card and tile re-renders from
 * one source of truth.
 */
export function useLiveTasks(options: TaskListOptions, onFinished: (tasks: Task[]) => void = () => {}) {
  const queryClient = useQueryClient();
  const list = useInfiniteQuery(options as ReturnType<typeof feedQuery>);
  const now = useNow(30_000);

  const tasks = useMemo(() => {
    const seen = new Set<string>();
    return (list.data?.pages ?? []).flatMap((page) =>
      page.items.filter((task) => (seen.has(task.id) ? false : (seen.add(task.id), true))),
    );
  }, [list.data]);

  const pendingIds = useMemo(
    () =>
      tasks
        .filter((task) => isPollable(task, now))
        .map((task) => task.id)
        .sort(),
    [tasks, now],
  );

  // One mutable tracker for the page's life: the poll's queryFn updates it between ticks.
  const [tracker] = useState<PollTracker>(() => ({ signature: "", unchanged: 0 }));

  const mergePolled = useCallback(
    (polled: Task[]) => {
      const byId = new Map(polled.map((task) => [task.id, task]));
      const finished = new Map<string, Task>();
      queryClient.setQueriesData<InfiniteData<HistoryPage>>({ queryKey: TASK_LISTS_KEY }, (data) =>
        data
          ? {
              ...data,
              pages: data.pages.map((page) => ({
                ...page,
                items: page.items.map((task) => {
                  const next = byId.get(task.id);
                  if (!next) return task;
                  if (!isTerminalStatus(task.status) && isTerminalStatus(next.status))
                    finished.set(next.id, next);
                  // The poll answers protocol tasks; app fields such as `favorite` stay as listed.
                  return { ...task, ...next };
                }),
              })),
            }
          : data,
      );
      if (finished.size > 0) onFinished([...finished.values()]);
    },
    [queryClient, onFinished],
  );

  const poll = useQuery(taskPollQuery(pendingIds, tracker, mergePolled));
  const refresh = useRefreshTaskLists();

  return { list, tasks, pendingIds, pollError: poll.error, refresh };
}
