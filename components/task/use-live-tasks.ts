"use client";

import { useInfiniteQuery, useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useState } from "react";
import { mapListItems, mergeHead, newerCopy, type TaskListData } from "@/lib/api/list-cache";
import { createPollTracker } from "@/lib/api/polling";
import { taskKeys, taskListHeadQuery, taskPollQuery, type TaskListQuery } from "@/lib/api/queries";
import { subscribeTaskEvents } from "@/lib/api/task-events";
import type { HistoryPage } from "@/lib/mj/history-query";
import { isTerminalStatus, type Task } from "@/lib/mj/task";
import { isPollable } from "@/lib/mj/task-view";
import { useNow } from "./use-now";

/**
 * A paged list of the server's record (the Create feed, a gallery view), kept live by one batched
 * poll whose results are written into every cached list, so each card and tile re-renders from
 * one source of truth. With `followHead`, the view's first page is also read again every few
 * seconds while the page is visible, and jobs started elsewhere (another tab, an API client)
 * join it, and ones deleted or hidden elsewhere leave it, without a reload.
 */
export function useLiveTasks(
  options: TaskListQuery,
  onFinished: (tasks: Task[]) => void = () => {},
  { followHead = false }: { followHead?: boolean } = {},
) {
  const queryClient = useQueryClient();
  const list = useInfiniteQuery(options);

  const [, , params, pageSize] = options.queryKey;
  const listKey = options.queryKey;
  const mergeIntoList = useCallback(
    (head: HistoryPage) => queryClient.setQueryData<TaskListData>(listKey, (data) => mergeHead(data, head)),
    [queryClient, listKey],
  );
  useQuery(taskListHeadQuery(params, pageSize, mergeIntoList, followHead && list.isSuccess));
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

  // One tracker for the page's life: the poll's queryFn records each answer in it.
  const [tracker] = useState(createPollTracker);

  const mergePolled = useCallback(
    (polled: Task[]) => {
      const byId = new Map(polled.map((task) => [task.id, task]));
      const finished = new Map<string, Task>();
      queryClient.setQueriesData<TaskListData>({ queryKey: taskKeys.lists() }, (data) =>
        data
          ? mapListItems(data, (task) => {
              const next = byId.get(task.id);
              if (!next) return task;
              // A poll answered after a newer read changes nothing (newerCopy). The user's own
              // marks stay as listed: a copy recorded before a like or a hide, pushed after it,
              // must not undo it (the list read after the write brings the server's word).
              const merged = newerCopy(task, { ...next, favorite: task.favorite, hidden: task.hidden });
              if (!isTerminalStatus(task.status) && isTerminalStatus(merged.status))
                finished.set(merged.id, merged);
              return merged;
            })
          : data,
      );
      if (finished.size > 0) onFinished([...finished.values()]);
    },
    [queryClient, onFinished],
  );

  const poll = useQuery(taskPollQuery(pendingIds, tracker, mergePolled));
  // What the server's poller records is pushed at once through the tab's one stream; the poll
  // above is the fallback when the stream is down.
  useEffect(() => subscribeTaskEvents(mergePolled), [mergePolled]);

  return { list, tasks, pollError: poll.error };
}
