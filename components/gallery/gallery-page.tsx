"use client";

import { useQuery } from "@tanstack/react-query";
import {
  Download,
  Eye,
  EyeOff,
  FileArchive,
  FolderMinus,
  Heart,
  HeartOff,
  Loader2,
  Trash2,
  X,
} from "lucide-react";
import { useTranslations } from "next-intl";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useMemo } from "react";
import { toast } from "sonner";
import { COMPOSER_PARAMS } from "@/components/create/composer-params";
import { editHandover } from "@/components/editor/edit-source";
import { Viewer } from "@/components/result/viewer";
import { useLightboxNavigation } from "@/components/result/use-lightbox";
import { ModalDialog } from "@/components/task/modal-dialog";
import { PollStatus } from "@/components/task/poll-status";
import { useLiveTasks } from "@/components/task/use-live-tasks";
import { useTaskActions } from "@/components/task/use-task-actions";
import { Button, buttonClasses } from "@/components/ui/button";
import { downloadUrl, exportUrl } from "@/lib/api/client";
import {
  filtersFromSearch,
  filtersToSearch,
  historyParams,
  type GalleryFilters,
} from "@/lib/api/gallery-filters";
import { fieldClasses } from "@/components/ui/field";
import {
  useAddToFolder,
  useDeleteTasks,
  useRemoveFromFolder,
  useSetFavoriteMany,
  useSetHidden,
} from "@/lib/api/mutations";
import { foldersQuery, taskListQuery } from "@/lib/api/queries";
import { isFavorite } from "@/lib/mj/task-view";
import { FilterBar } from "./filter-bar";
import { FolderPanel } from "./folder-panel";
import { GalleryGrid } from "./gallery-grid";
import { ImportExport } from "./import-export";
import { useSelection } from "./use-selection";

/** Ids travel in a query string for the streamed downloads; the API takes at most this many. */
const MAX_DOWNLOAD_IDS = 200;
const PAGE_SIZE = 60;

/**
 * Everything ever made, newest first: every image in virtualised justified rows, with search,
 * filters and sort kept in the URL, multi-select of jobs for bulk favourite / hide / folders /
 * delete / download, and the viewer, opened at the image clicked, with every action in place.
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
  const { list, tasks, pollError } = useLiveTasks(taskListQuery(historyParams(filters), PAGE_SIZE));
  const actions = useTaskActions({ tasks, remix: false });
  const selection = useSelection(tasks);
  const { clear: clearSelection } = selection;

  const setFilters = useCallback(
    (next: GalleryFilters) => {
      const search = filtersToSearch(next);
      router.replace(search ? `${pathname}?${search}` : pathname, { scroll: false });
      clearSelection();
    },
    [pathname, router, clearSelection],
  );

  const { hasNextPage, isFetchingNextPage, fetchNextPage } = list;
  const loadMore = useCallback(() => {
    if (hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);
  // The lightbox shows a task of this view, or one reached through its lineage; "Next" on the
  // last loaded tile waits for the next page.
  const lightbox = useLightboxNavigation({ tasks, hasMore: hasNextPage, loadMore });

  const favoriting = useSetFavoriteMany({
    onSuccess: (count, { favorite }) =>
      toast.success(t(favorite ? "selection.favorited" : "selection.unfavorited", { count })),
  });
  const deleting = useDeleteTasks({
    onSuccess: (count) => {
      clearSelection();
      toast.success(t("selection.deleted", { count }));
    },
  });
  const hiding = useSetHidden({
    onSuccess: (count, { hidden }) => {
      clearSelection();
      toast.success(t(hidden ? "selection.hidden" : "selection.unhidden", { count }));
    },
  });
  const folders = useQuery(foldersQuery());
  const folderName = (id: string) => folders.data?.find((folder) => folder.id === id)?.name ?? "";
  const adding = useAddToFolder({
    onSuccess: (_count, { id, from }) => {
      if (from) clearSelection();
      toast.success(t(from ? "selection.moved" : "selection.added", { name: folderName(id) }));
    },
  });
  const removing = useRemoveFromFolder({
    onSuccess: (count) => {
      clearSelection();
      toast.success(t("selection.removed", { count }));
    },
  });
  const bulkBusy =
    favoriting.isPending || deleting.isPending || hiding.isPending || adding.isPending || removing.isPending;
  const otherFolders = folders.data?.filter((folder) => folder.id !== filters.folder) ?? [];

  const handOver = (params: Record<string, string>) => router.push(`/?${new URLSearchParams(params)}`);
  const { selected, ids: selectedIds } = selection;
  const tooManyToDownload = selected.size > MAX_DOWNLOAD_IDS;

  return (
    <div className="gap-6 lg:grid lg:grid-cols-[13rem_minmax(0,1fr)]">
      <div className="mb-4 lg:sticky lg:top-16 lg:mb-0 lg:self-start">
        <FolderPanel filters={filters} onChange={setFilters} />
      </div>
      <div className="min-w-0 space-y-4">
        <div className="flex flex-wrap items-center gap-2">
          <h1 className="text-xl font-semibold">
            {filters.folder
              ? folderName(filters.folder) || t("title")
              : filters.hidden
                ? t("hidden")
                : t("title")}
          </h1>
          <ImportExport />
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
              onClick={() => favoriting.mutate({ ids: selectedIds, favorite: true })}
            >
              <Heart className="size-4" aria-hidden />
              {t("selection.favorite")}
            </Button>
            <Button
              disabled={bulkBusy}
              onClick={() => favoriting.mutate({ ids: selectedIds, favorite: false })}
            >
              <HeartOff className="size-4" aria-hidden />
              {t("selection.unfavorite")}
            </Button>
            <Button
              disabled={bulkBusy}
              onClick={() => hiding.mutate({ ids: selectedIds, hidden: !filters.hidden })}
            >
              {filters.hidden ? (
                <Eye className="size-4" aria-hidden />
              ) : (
                <EyeOff className="size-4" aria-hidden />
              )}
              {t(filters.hidden ? "selection.unhide" : "selection.hide")}
            </Button>
            {otherFolders.length > 0 && (
              <select
                aria-label={t("selection.addTo")}
                value=""
                disabled={bulkBusy}
                onChange={(event) => {
                  if (event.target.value) adding.mutate({ id: event.target.value, ids: selectedIds });
                }}
                className={fieldClasses("max-w-40")}
              >
                <option value="">{t("selection.addTo")}</option>
                {otherFolders.map((folder) => (
                  <option key={folder.id} value={folder.id}>
                    {folder.name}
                  </option>
                ))}
              </select>
            )}
            {filters.folder && otherFolders.length > 0 && (
              <select
                aria-label={t("selection.moveTo")}
                value=""
                disabled={bulkBusy}
                onChange={(event) => {
                  if (event.target.value)
                    adding.mutate({ id: event.target.value, ids: selectedIds, from: filters.folder });
                }}
                className={fieldClasses("max-w-40")}
              >
                <option value="">{t("selection.moveTo")}</option>
                {otherFolders.map((folder) => (
                  <option key={folder.id} value={folder.id}>
                    {folder.name}
                  </option>
                ))}
              </select>
            )}
            {filters.folder && (
              <Button
                disabled={bulkBusy}
                onClick={() => removing.mutate({ id: filters.folder, ids: selectedIds })}
              >
                <FolderMinus className="size-4" aria-hidden />
                {t("selection.removeFromFolder")}
              </Button>
            )}
            {tooManyToDownload ? (
              // The streamed downloads take their ids in the URL, at most MAX_DOWNLOAD_IDS of them.
              <span className="text-xs text-zinc-600 dark:text-zinc-400">
                {t("selection.tooMany", { max: MAX_DOWNLOAD_IDS })}
              </span>
            ) : (
              <>
                <a href={downloadUrl(selectedIds)} download className={buttonClasses()}>
                  <Download className="size-4" aria-hidden />
                  {t("selection.download")}
                </a>
                <a href={exportUrl(selectedIds)} download className={buttonClasses()}>
                  <FileArchive className="size-4" aria-hidden />
                  {t("selection.export")}
                </a>
              </>
            )}
            <Button
              variant="danger"
              disabled={bulkBusy}
              onClick={() => {
                if (window.confirm(t("selection.confirmDelete", { count: selected.size })))
                  deleting.mutate(selectedIds);
              }}
            >
              {bulkBusy ? (
                <Loader2 className="size-4 animate-spin" aria-hidden />
              ) : (
                <Trash2 className="size-4" aria-hidden />
              )}
              {t("selection.delete")}
            </Button>
            <Button variant="ghost" onClick={selection.selectAll}>
              {t("selection.all")}
            </Button>
            <Button variant="ghost" onClick={selection.clear}>
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
          onToggle={selection.toggle}
          onOpen={lightbox.open}
          hiddenView={filters.hidden}
          onFavorite={(task) => favoriting.mutate({ ids: [task.id], favorite: !isFavorite(task) })}
          onHide={(task) => hiding.mutate({ ids: [task.id], hidden: !filters.hidden })}
        />
        {isFetchingNextPage && (
          <p role="status" className="flex items-center justify-center gap-2 text-sm text-zinc-500">
            <Loader2 className="size-4 animate-spin" aria-hidden />
            {t("loadingMore")}
          </p>
        )}

        <ModalDialog pending={actions.pending} onClose={actions.closeModal} />
        <Viewer
          navigation={lightbox}
          actions={actions}
          onUsePrompt={(prompt) => handOver({ [COMPOSER_PARAMS.prompt]: prompt })}
          onUseAsReference={(kind, url) =>
            handOver({ [COMPOSER_PARAMS.reference]: url, [COMPOSER_PARAMS.referenceKind]: kind })
          }
          onAnimate={({ url, sourceTaskId, quadrant }) =>
            handOver({
              [COMPOSER_PARAMS.animate]: url,
              ...(sourceTaskId ? { [COMPOSER_PARAMS.source]: sourceTaskId } : {}),
              ...(quadrant ? { [COMPOSER_PARAMS.animateImage]: String(quadrant) } : {}),
            })
          }
          onExtend={({ taskId, index }) =>
            handOver({ [COMPOSER_PARAMS.extend]: taskId, [COMPOSER_PARAMS.extendClip]: String(index) })
          }
          onEdit={(source) => handOver(editHandover(source))}
        />
      </div>
    </div>
  );
}
