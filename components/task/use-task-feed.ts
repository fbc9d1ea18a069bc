"use client";

import { useInfiniteQuery, useQuery, useQueryClient, type InfiniteData } from "@tanstack/react-query";
import { useCallback, useMemo, useState } from "react";
import { feedQuery, taskPollQuery, type PollTracker, type TaskPageData } from "@/lib/api/queries";
import { isTerminalStatus, type Task } from "@/lib/mj/task";
import { isPollable } from "@/lib/mj/task-view";
import { useNow } from "./use-now";

/**
 * The Create feed: pages of the server's record, kept live by one batched poll whose results are
 * written into the same cache, so every card re-renders from one source of truth.
 */
export function useTaskFeed(onFinished: (tasks: Task[]) => void) {
  const queryClient = useQueryClient();
  const feed = useInfiniteQuery(feedQuery());
  const now = useNow(30_000);

  const tasks = useMemo(() => {
    const seen = new Set<string>();
    return (feed.data?.pages ?? []).flatMap((page) =>
      page.items.filter((task) => (seen.has(task.id) ? false : (seen.add(task.id), true))),
    );
  }, [feed.data]);

  const pendingIds = useMemo(
    () => tasks.filter((task) => isPollable(task, now)).map((task) => task.id).sort(),
    [tasks, now],
  );

  // One mutable tracker for the page's life: the poll's queryFn updates it between ticks.
  const [tracker] = useState<PollTracker>(() => ({ signature: "", unchanged: 0 }));

  const mergePolled = useCallback(
    (polled: Task[]) => {
      const byId = new Map(polled.map((task) => [task.id, task]));
      const finished: Task[] = [];
      queryClient.setQueryData<InfiniteData<TaskPageData>>(feedQuery().queryKey, (data) =>
        data
          ? {
              ...data,
              pages: data.pages.map((page) => ({
                ...page,
                items: page.items.map((task) => {
                  const next = byId.get(task.id);
                  if (!next) return task;
                  if (!isTerminalStatus(task.status) && isTerminalStatus(next.status)) finished.push(next);
                  return next;
                }),
              })),
            }
          : data,
      );
      if (finished.length > 0) onFinished(finished);
    },
    [queryClient, onFinished],
  );

  const poll = useQuery(taskPollQuery(pendingIds, tracker, mergePolled));

  /**
   * After a submit: the server recorded the task before answering, so re-reading the feed shows
   * it. A read already in flight started before the submit; React Query would hand back that
   * promise during the first load, so it is cancelled first and the feed read anew.
   */
  const refresh = useCallback(async () => {
    const { queryKey } = feedQuery();
    await queryClient.cancelQueries({ queryKey });
    await queryClient.invalidateQueries({ queryKey });
  }, [queryClient]);

  return { feed, tasks, pendingIds, pollError: poll.error, refresh };
}
