import { infiniteQueryOptions, queryOptions } from "@tanstack/react-query";
import type { Task } from "@/lib/mj/task";
import { historyDetailSchema, historyPageSchema } from "@/lib/mj/history-query";
import { fetchJson } from "./fetch-json";
import { historySearch, type GalleryFilters } from "./gallery-filters";
import { nextPollDelay } from "./polling";
import { api } from "./tasks";

/** Query-option factories: each keeps its key and its fetcher together. */

/** Every list of recorded tasks lives under this key, so one invalidation refreshes them all. */
export const TASK_LISTS_KEY = ["tasks", "list"] as const;

/** Every task's detail (lineage) lives under this key. */
export const TASK_DETAIL_KEY = ["tasks", "detail"] as const;

/** The Create feed: the server's record, newest first, a page at a time. */
export function feedQuery(pageSize = 20) {
  return infiniteQueryOptions({
    queryKey: [...TASK_LISTS_KEY, "feed", pageSize],
    queryFn: async ({ pageParam }) =>
      historyPageSchema.parse(
        await fetchJson(
          `/api/tasks?limit=${pageSize}${pageParam ? `&cursor=${encodeURIComponent(pageParam)}` : ""}`,
        ),
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
}

/** The gallery: one view of the history (search, filters, sort), a page of tiles at a time. */
export function galleryQuery(filters: GalleryFilters, pageSize = 60) {
  return infiniteQueryOptions({
    queryKey: [...TASK_LISTS_KEY, "gallery", filters, pageSize],
    queryFn: async ({ pageParam }) =>
      historyPageSchema.parse(await fetchJson(`/api/tasks?${historySearch(filters, pageSize, pageParam)}`)),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
}

/** One task with its lineage: the chain of parents up to the original, and its children. */
export function taskDetailQuery(id: string) {
  return queryOptions({
    queryKey: [...TASK_DETAIL_KEY, id],
    queryFn: async () => historyDetailSchema.parse(await fetchJson(`/api/tasks/${encodeURIComponent(id)}`)),
  });
}

/** What the poll remembers between ticks to slow down while nothing changes. */
export interface PollTracker {
  signature: string;
  unchanged: number;
}

/**
 * The one batched poll for every unfinished task (never a timer per card). Its interval is a
 * function of the query: ~1 s while tasks move, slower while nothing changes, exponential
 * backoff on errors, and `false` (no requests at all) when nothing is left to watch.
 */
export function taskPollQuery(ids: string[], tracker: PollTracker, onTasks: (tasks: Task[]) => void) {
  return queryOptions({
    queryKey: ["tasks", "poll", ids],
    queryFn: async () => {
      const tasks = await api.listByIds(ids);
      const signature = tasks
        .map((t) => `${t.id}:${t.status}:${t.progress}:${t.imageUrl}`)
        .sort()
        .join("|");
      tracker.unchanged = signature === tracker.signature ? tracker.unchanged + 1 : 0;
      tracker.signature = signature;
      onTasks(tasks);
      return tasks;
    },
    enabled: ids.length > 0,
    retry: false,
    staleTime: 0,
    refetchIntervalInBackground: true,
    refetchInterval: (query) =>
      nextPollDelay({
        pending: ids.length,
        failures: query.state.fetchFailureCount,
        unchanged: tracker.unchanged,
      }),
  });
}
