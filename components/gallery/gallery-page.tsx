"use client";

import { useQuery } from "@tanstack/react-query";
import { Download, FileArchive, Heart, HeartOff, Loader2, Trash2, X } from "lucide-react";
import { useTranslations } from "next-intl";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useMemo, useState } from "react";
import { toast } from "sonner";
import { COMPOSER_PARAMS } from "@/components/create/composer-params";
import { Lightbox } from "@/components/result/lightbox";
import { useLiveTasks } from "@/components/task/use-live-tasks";
import { PollStatus } from "@/components/task/poll-status";
import { useTaskActions } from "@/components/task/use-task-actions";
import { Button } from "@/components/ui/button";
import { filtersFromSearch, filtersToSearch, type GalleryFilters } from "@/lib/api/gallery-filters";
import { galleryQuery, taskDetailQuery } from "@/lib/api/queries";
import { api } from "@/lib/api/tasks";
import type { Task } from "@/lib/mj/task";
import { FilterBar } from "./filter-bar";
import { GalleryGrid } from "./gallery-grid";
import { ImportExport } from "./import-export";

/** Ids travel in a query string for the streamed downloads; the API takes at most this many. */
const MAX_DOWNLOAD_IDS = 200;

const LINK_BUTTON =
  "inline-flex items-center gap-1.5 rounded-md border border-zinc-300 bg-white px-3 py-1.5 font-medium hover:bg-zinc-100 dark:border-zinc-700 dark:bg-zinc-900 dark:hover:bg-zinc-800";

/**
 * Everything ever made, newest first: a virtualised grid of thumbnails with search, filters and
 * sort kept in the URL, multi-select for bulk favourite / delete / download, and the lightbox
 * with every action of a task in place.
 */
export function GalleryPage() {
  const t = useTranslations("gallery");
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const filters = useMemo(
    () => filtersFromSearch(new URLSearchParams(searchParams.toString())),
    [searchParams],
  );
  const { list, tasks, pollError, refresh } = useLiveTasks(galleryQuery(filters));
  const actions = useTaskActions({ tasks, remix: false, refresh });
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [anchor, setAnchor] = useState<number | null>(null);
  const [open, setOpen] = useState<{ id: string; task: Task } | null>(null);
  const [bulkBusy, setBulkBusy] = useState(false);

  const setFilters = useCallback(
    (next: GalleryFilters) => {
      const search = filtersToSearch(next);
      router.replace(search ? `${pathname}?${search}` : pathname, { scroll: false });
      setSelected(new Set());
      setAnchor(null);
    },
    [pathname, router],
  );

  const { hasNextPage, isFetchingNextPage, fetchNextPage } = list;
  const loadMore = useCallback(() => {
    if (hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);

  function toggle(task: Task, index: number, range: boolean) {
    setSelected((current) => {
      const next = new Set(current);
      const on = !current.has(task.id);
      // Shift-click selects the run from the last clicked tile, like a file manager.
      const from = range && anchor !== null ? Math.min(anchor, index) : index;
      const to = range && anchor !== null ? Math.max(anchor, index) : index;
      for (const item of tasks.slice(from, to + 1)) {
        if (on) next.add(item.id);
        else next.delete(item.id);
      }
      return next;
    });
    setAnchor(index);
  }

  const selectedIds = [...selected];
  async function bulk(work: () => Promise<number>, done: (n: number) => string) {
    setBulkBusy(true);
    try {
      const n = await work();
      toast.success(done(n));
      await refresh();
    } catch (error) {
      toast.error(error instanceof Error ? error.message : String(error));
    } finally {
      setBulkBusy(false);
    }
  }

  // The lightbox shows a task of this view, or one reached through its lineage.
  const shown = open ? tasks.findIndex((task) => task.id === open.id) : -1;
  const lineageTask = useQuery({ ...taskDetailQuery(open?.id ?? ""), enabled: open !== null && shown < 0 });
  const current = (shown >= 0 ? tasks[shown] : (lineageTask.data?.task ?? open?.task)) ?? null;
  // "Next" on the last loaded tile waits for the next page, then moves on by itself.
  const [stepPending, setStepPending] = useState(false);
  const step = (delta: 1 | -1) => {
    const next = tasks[shown + delta];
    if (next) setOpen({ id: next.id, task: next });
    else if (delta === 1) setStepPending(true);
    if (delta === 1 && shown + delta >= tasks.length - 2) loadMore();
  };
  const arrived = stepPending && shown >= 0 ? tasks[shown + 1] : undefined;
  if (arrived) {
    setStepPending(false);
    setOpen({ id: arrived.id, task: arrived });
  }
  const handOver = (param: string, value: string) =>
    router.push(`/?${new URLSearchParams({ [param]: value })}`);
  const downloadIds = selectedIds.join(",");
  const tooManyToDownload = selected.size > MAX_DOWNLOAD_IDS;

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-2">
        <h1 className="text-xl font-semibold">{t("title")}</h1>
        <ImportExport onImported={refresh} />
      </div>
      <FilterBar filters={filters} onChange={setFilters} />

      {selected.size > 0 && (
        <div
          role="toolbar"
          aria-label={t("selection.label")}
          className="sticky top-14 z-10 flex flex-wrap items-center gap-2 rounded-lg border border-sky-300 bg-sky-50 p-2 text-sm dark:border-sky-800 dark:bg-sky-950"
        >
          <span className="font-medium" role="status">
            {t("selection.count", { count: selected.size })}
          </span>
          <Button
            disabled={bulkBusy}
            onClick={() =>
              void bulk(
                () => api.setFavoriteMany(selectedIds, true),
                (n) => t("selection.favorited", { count: n }),
              )
            }
          >
            <Heart className="size-4" aria-hidden />
            {t("selection.favorite")}
          </Button>
          <Button
            disabled={bulkBusy}
            onClick={() =>
              void bulk(
                () => api.setFavoriteMany(selectedIds, false),
                (n) => t("selection.unfavorited", { count: n }),
              )
            }
          >
            <HeartOff className="size-4" aria-hidden />
            {t("selection.unfavorite")}
          </Button>
          {tooManyToDownload ? (
            // The streamed downloads take their ids in the URL, at most MAX_DOWNLOAD_IDS of them.
            <span className="text-xs text-zinc-600 dark:text-zinc-400">
              {t("selection.tooMany", { max: MAX_DOWNLOAD_IDS })}
            </span>
          ) : (
            <>
              <a href={`/api/tasks/download?ids=${downloadIds}`} download className={LINK_BUTTON}>
                <Download className="size-4" aria-hidden />
                {t("selection.download")}
              </a>
              <a href={`/api/tasks/export?ids=${downloadIds}`} download className={LINK_BUTTON}>
                <FileArchive className="size-4" aria-hidden />
                {t("selection.export")}
              </a>
            </>
          )}
          <Button
            variant="danger"
            disabled={bulkBusy}
            onClick={() => {
              if (!window.confirm(t("selection.confirmDelete", { count: selected.size }))) return;
              void bulk(
                async () => {
                  const n = await api.removeMany(selectedIds);
                  setSelected(new Set());
                  return n;
                },
                (n) => t("selection.deleted", { count: n }),
              );
            }}
          >
            {bulkBusy ? (
              <Loader2 className="size-4 animate-spin" aria-hidden />
            ) : (
              <Trash2 className="size-4" aria-hidden />
            )}
            {t("selection.delete")}
          </Button>
          <Button variant="ghost" onClick={() => setSelected(new Set(tasks.map((task) => task.id)))}>
            {t("selection.all")}
          </Button>
          <Button variant="ghost" onClick={() => setSelected(new Set())}>
            <X className="size-4" aria-hidden />
            {t("selection.clear")}
          </Button>
        </div>
      )}

      <PollStatus error={pollError} />
      {list.isPending && <p className="text-sm text-zinc-500">{t("loading")}</p>}
      {list.error && (
        <p role="alert" className="text-sm text-red-600">
          {list.error.message}
        </p>
      )}
      {list.data && tasks.length === 0 && <p className="text-sm text-zinc-500">{t("empty")}</p>}

      <GalleryGrid
        tasks={tasks}
        hasMore={hasNextPage}
        loadMore={loadMore}
        selected={selected}
        onToggle={toggle}
        onOpen={(task) => setOpen({ id: task.id, task })}
      />
      {isFetchingNextPage && (
        <p role="status" className="flex items-center justify-center gap-2 text-sm text-zinc-500">
          <Loader2 className="size-4 animate-spin" aria-hidden />
          {t("loadingMore")}
        </p>
      )}

      {actions.dialog}
      <Lightbox
        task={current}
        index={null}
        onClose={() => setOpen(null)}
        onPrev={shown > 0 ? () => step(-1) : null}
        onNext={shown >= 0 && (shown < tasks.length - 1 || hasNextPage) ? () => step(1) : null}
        actions={actions}
        onOpenTask={(task) => setOpen({ id: task.id, task })}
        onUsePrompt={(prompt) => handOver(COMPOSER_PARAMS.prompt, prompt)}
        onUseAsReference={(url) => handOver(COMPOSER_PARAMS.reference, url)}
      />
    </div>
  );
}
