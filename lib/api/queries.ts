import { infiniteQueryOptions, queryOptions, type QueryClient } from "@tanstack/react-query";
import type { HistoryPage } from "@/lib/mj/history-query";
import { keepNewestCopies } from "./list-cache";
import type { Task } from "@/lib/mj/task";
import {
  getTask,
  listFolders,
  listSmartFolders,
  listTasks,
  listTasksByIds,
  type TaskListParams,
} from "./client";
import { nextPollDelay, POLL, type PollTracker } from "./polling";

/**
 * The query keys of everything the browser caches, from one factory, so an invalidation names
 * exactly what it means: `taskKeys.lists()` is every list (the Create feed, each gallery view).
 */
export const taskKeys = {
  all: ["tasks"] as const,
  lists: () => [...taskKeys.all, "list"] as const,
  list: (params: TaskListParams, pageSize: number) => [...taskKeys.lists(), params, pageSize] as const,
  /** Not under `lists()`: a head is one page, not the paged data the list writers edit. */
  heads: () => [...taskKeys.all, "head"] as const,
  head: (params: TaskListParams, pageSize: number) => [...taskKeys.heads(), params, pageSize] as const,
  details: () => [...taskKeys.all, "detail"] as const,
  detail: (id: string) => [...taskKeys.details(), id] as const,
  poll: (ids: readonly string[]) => [...taskKeys.all, "poll", ids] as const,
};

/** Folders and smart folders: small lists, read whole. */
export const folderKeys = {
  all: ["folders"] as const,
  folders: () => [...folderKeys.all, "manual"] as const,
  smart: () => [...folderKeys.all, "smart"] as const,
};

/** Query-option factories: each keeps its key and its fetcher together. */

export function foldersQuery() {
  return queryOptions({ queryKey: folderKeys.folders(), queryFn: listFolders });
}

export function smartFoldersQuery() {
  return queryOptions({ queryKey: folderKeys.smart(), queryFn: listSmartFolders });
}

/**
 * A view of the server's record, a page at a time: the Create feed is the plain view (`{}`), a
 * gallery view adds search, filters and sort.
 */
export function taskListQuery(params: TaskListParams, pageSize: number) {
  return infiniteQueryOptions({
    queryKey: taskKeys.list(params, pageSize),
    queryFn: ({ pageParam }) => listTasks(params, pageSize, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    structuralSharing: keepNewestCopies,
  });
}

export type TaskListQuery = ReturnType<typeof taskListQuery>;

/**
 * The first page of a view read again every `POLL.headMs` while the page is visible: the light
 * way to learn of jobs started elsewhere. `onHead` folds each answer into the view's cached pages
 * (list-cache.ts `mergeHead`), so the list itself is never refetched page by page for it. A read
 * cancelled on the way (a write's optimistic edit cancels it) folds in nothing: it predates the
 * edit and would bring a hidden or deleted task back.
 */
export function taskListHeadQuery(
  params: TaskListParams,
  pageSize: number,
  onHead: (head: HistoryPage) => void,
  enabled: boolean,
) {
  return queryOptions({
    queryKey: taskKeys.head(params, pageSize),
    queryFn: async ({ signal }) => {
      const head = await listTasks(params, pageSize, null);
      if (!signal.aborted) onHead(head);
      return head;
    },
    enabled,
    retry: false,
    staleTime: POLL.headMs,
    refetchInterval: POLL.headMs,
    refetchIntervalInBackground: false,
  });
}

/** One task with its lineage: the chain of parents up to the original, and its children. */
export function taskDetailQuery(id: string) {
  return queryOptions({
    queryKey: taskKeys.detail(id),
    queryFn: () => getTask(id),
  });
}

/**
 * The one batched poll for every unfinished task (never a timer per card). Its interval is a
 * function of the query: ~1 s while tasks move, slower while nothing changes, exponential
 * backoff on errors, and `false` (no requests at all) when nothing is left to watch.
 */
export function taskPollQuery(ids: string[], tracker: PollTracker, onTasks: (tasks: Task[]) => void) {
  return queryOptions({
    queryKey: taskKeys.poll(ids),
    queryFn: async () => {
      const tasks = await listTasksByIds(ids);
      tracker.observe(tasks);
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

/**
 * After a write: the server recorded the change before answering, so re-reading the lists shows
 * it. A read already in flight started before the change; React Query would hand back that
 * promise during a first load, so it is cancelled first and every list read anew. Lineage shown
 * in a lightbox gains the new child too.
 */
export async function refreshTaskLists(queryClient: QueryClient): Promise<void> {
  await queryClient.cancelQueries({ queryKey: taskKeys.lists() });
  await Promise.all([
    queryClient.invalidateQueries({ queryKey: taskKeys.lists() }),
    queryClient.invalidateQueries({ queryKey: taskKeys.details() }),
  ]);
}
