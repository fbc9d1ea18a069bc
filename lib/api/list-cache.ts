import { replaceEqualDeep, type InfiniteData } from "@tanstack/react-query";
import type { HistoryItem, HistoryPage } from "@/lib/mj/history-query";
import { statusRank, type Task } from "@/lib/mj/task";

/** What the browser caches of one paged view of the history (`taskListQuery`). */
export type TaskListData = InfiniteData<HistoryPage, string | null>;

/**
 * The copy of a task to keep when another one arrives. Reads overtake each other on the way back
 * (a head or a page read before a poll, answered after it), and the server's record only ever
 * moves forward (lib/tasks/merge.ts ranks copies the same way), so a copy whose status ranks
 * below the cached one is an older snapshot and changes nothing: a finished job never goes back
 * to "Queued". Otherwise the incoming fields win; app fields a poll does not carry (`favorite`,
 * `hidden`) stay as cached.
 */
export function newerCopy(cached: HistoryItem, incoming: Task): HistoryItem {
  return statusRank(incoming) < statusRank(cached) ? cached : { ...cached, ...incoming };
}

/**
 * The list query's structural sharing: a fresh read of the pages (after a write, on focus) says
 * which tasks the view holds and in what order, but each task keeps the newest copy seen, so a
 * read that started before a poll cannot undo it. Unchanged parts keep their identity, as with
 * React Query's default sharing, so rows that did not change do not re-render.
 */
export function keepNewestCopies(previous: unknown, next: unknown): unknown {
  const old = previous as TaskListData | undefined;
  const data = next as TaskListData;
  if (!old) return data;
  const seen = new Map(old.pages.flatMap((page) => page.items.map((item) => [item.id, item] as const)));
  return replaceEqualDeep(
    old,
    mapListItems(data, (item) => {
      const cached = seen.get(item.id);
      return cached ? newerCopy(cached, item) : item;
    }),
  );
}

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
 * a gap would show a list with tasks missing in the middle. A shared task keeps the newer of its
 * two copies (`newerCopy`): the head may have been read before a poll that is already applied.
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
  const cached = new Map(
    data.pages.slice(0, lastPage + 1).flatMap((page) => page.items.map((item) => [item.id, item] as const)),
  );
  const first: HistoryPage = {
    items: [
      ...head.items.map((item) => {
        const copy = cached.get(item.id);
        return copy ? newerCopy(copy, item) : item;
      }),
      ...shared.items.slice(lastIndex + 1),
    ],
    nextCursor: shared.nextCursor,
  };
  return {
    pages: [first, ...data.pages.slice(lastPage + 1)],
    pageParams: [null, ...data.pageParams.slice(lastPage + 1)],
  };
}
