import type { InfiniteData } from "@tanstack/react-query";
import type { HistoryItem, HistoryPage } from "@/lib/mj/history-query";

/** What the browser caches of one paged view of the history (`taskListQuery`). */
export type TaskListData = InfiniteData<HistoryPage, string | null>;

/** The cached view with each item replaced by what `edit` makes of it (the same object: unchanged). */
export function mapListItems(data: TaskListData, edit: (item: HistoryItem) => HistoryItem): TaskListData {
  return { ...data, pages: data.pages.map((page) => ({ ...page, items: page.items.map(edit) })) };
}

/** The cached view without the given tasks (deleted or hidden a moment ago). */
export function withoutTasks(data: TaskListData, ids: readonly string[]): TaskListData {
  const gone = new Set(ids);
  return {
    ...data,
    pages: data.pages.map((page) => ({ ...page, items: page.items.filter((item) => !gone.has(item.id)) })),
  };
}

/** The cached view with the user's own flags of some tasks changed (a favourite flipped). */
export function patchTasks(
  data: TaskListData,
  ids: readonly string[],
  patch: Partial<Pick<HistoryItem, "favorite" | "hidden">>,
): TaskListData {
  const changed = new Set(ids);
  return mapListItems(data, (item) => (changed.has(item.id) ? { ...item, ...patch } : item));
}

/**
 * Folds a fresh read of a view's first page (the "head", read again every few seconds) into the
 * cached pages of the same view, so jobs started elsewhere (another tab, an API client) show up
 * without refetching every page loaded so far.
 *
 * The head is the truth from the top of the view down to the last task it shares with the cache:
 * a cached task above that point that the head no longer lists was deleted or hidden, and goes;
 * tasks the head lists that the cache lacks are new, and come in where the head puts them. What
 * the cache holds below that point stays as it is, and so do its pages' cursors (keyset cursors
 * point after a page's last item, which does not change). When nothing is shared (the cache was
 * empty, or more jobs arrived than a page holds) the head alone becomes the view: merging across
 * a gap would show a list with tasks missing in the middle.
 */
export function mergeHead(data: TaskListData | undefined, head: HistoryPage): TaskListData | undefined {
  if (!data) return data;
  const headIds = new Set(head.items.map((item) => item.id));
  let lastPage = -1;
  let lastIndex = -1;
  data.pages.forEach((page, p) =>
    page.items.forEach((item, i) => {
      if (headIds.has(item.id)) {
        lastPage = p;
        lastIndex = i;
      }
    }),
  );
  const shared = data.pages[lastPage];
  if (!shared) return { pages: [head], pageParams: [null] };
  const first: HistoryPage = {
    items: [...head.items, ...shared.items.slice(lastIndex + 1)],
    nextCursor: shared.nextCursor,
  };
  return {
    pages: [first, ...data.pages.slice(lastPage + 1)],
    pageParams: [null, ...data.pageParams.slice(lastPage + 1)],
  };
}
