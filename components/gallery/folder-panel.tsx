"use client";

import { useQuery } from "@tanstack/react-query";
import { Check, Folder as FolderIcon, FolderOpen, Images, Pencil, Search, Trash2, X } from "lucide-react";
import { useTranslations } from "next-intl";
import { useState, type FormEvent, type ReactNode } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { fieldClasses } from "@/components/ui/field";
import { cn } from "@/lib/cn";
import {
  EMPTY_FILTERS,
  filtersFromSearch,
  filtersToSearch,
  type GalleryFilters,
} from "@/lib/api/gallery-filters";
import {
  useCreateFolder,
  useCreateSmartFolder,
  useDeleteFolder,
  useDeleteSmartFolder,
  useRenameFolder,
  useRenameSmartFolder,
} from "@/lib/api/mutations";
import { foldersQuery, smartFoldersQuery } from "@/lib/api/queries";
import { FOLDER_LIMITS } from "@/lib/mj/folders";

/**
 * The gallery's side bar (a disclosure on phones): all images, the folders with their counts, and
 * the saved searches. Opening one changes the view's URL as the filters do; "Save search" keeps
 * the current filters as a smart folder.
 */
export function FolderPanel({
  filters,
  onChange,
}: {
  filters: GalleryFilters;
  onChange(next: GalleryFilters): void;
}) {
  const t = useTranslations("gallery.folders");
  const [open, setOpen] = useState(false);
  const folders = useQuery(foldersQuery());
  const smart = useQuery(smartFoldersQuery());
  const createFolder = useCreateFolder({
    onSuccess: (folder) => toast.success(t("created", { name: folder.name })),
  });
  const renameFolder = useRenameFolder();
  const deleteFolder = useDeleteFolder();
  const createSmart = useCreateSmartFolder({
    onSuccess: (folder) => toast.success(t("saved", { name: folder.name })),
  });
  const renameSmart = useRenameSmartFolder();
  const deleteSmart = useDeleteSmartFolder();
  const current = filtersToSearch(filters);
  const viewSearch = filtersToSearch({ ...filters, folder: "" });

  return (
    <nav aria-label={t("label")} className="space-y-3 text-sm">
      <button
        type="button"
        aria-expanded={open}
        onClick={() => setOpen(!open)}
        className="flex w-full items-center gap-2 rounded-md border border-zinc-300 px-3 py-2 font-medium lg:hidden dark:border-zinc-700"
      >
        <FolderOpen className="size-4" aria-hidden />
        {t("toggle")}
      </button>
      <div className={cn("space-y-4", open ? "block" : "hidden", "lg:block")}>
        <EntryButton
          active={current === ""}
          label={t("all")}
          icon={<Images className="size-4" aria-hidden />}
          onClick={() => onChange(EMPTY_FILTERS)}
        />

        <section className="space-y-1">
          <h2 className="px-2 text-xs font-semibold tracking-wide text-zinc-500 uppercase">{t("folders")}</h2>
          {folders.data?.length === 0 && <p className="px-2 text-xs text-zinc-500">{t("empty")}</p>}
          <ul className="space-y-0.5">
            {folders.data?.map((folder) => (
              <Entry
                key={folder.id}
                name={folder.name}
                detail={t("count", { count: folder.count })}
                icon={<FolderIcon className="size-4" aria-hidden />}
                active={filters.folder === folder.id}
                onOpen={() => onChange({ ...filters, folder: folder.id })}
                onRename={(name) => renameFolder.mutate({ id: folder.id, name })}
                onDelete={() => {
                  if (!window.confirm(t("confirmDelete", { name: folder.name }))) return;
                  deleteFolder.mutate(folder.id, {
                    onSuccess: () => {
                      toast.success(t("deleted", { name: folder.name }));
                      if (filters.folder === folder.id) onChange({ ...filters, folder: "" });
                    },
                  });
                }}
              />
            ))}
          </ul>
          <NameForm
            label={t("name")}
            submit={t("create")}
            placeholder={t("new")}
            onSubmit={(name) => createFolder.mutate(name)}
          />
        </section>

        <section className="space-y-1">
          <h2 className="px-2 text-xs font-semibold tracking-wide text-zinc-500 uppercase">{t("smart")}</h2>
          {smart.data?.length === 0 && <p className="px-2 text-xs text-zinc-500">{t("emptySmart")}</p>}
          <ul className="space-y-0.5">
            {smart.data?.map((folder) => (
              <Entry
                key={folder.id}
                name={folder.name}
                icon={<Search className="size-4" aria-hidden />}
                active={folder.search === current && current !== ""}
                onOpen={() => onChange(filtersFromSearch(new URLSearchParams(folder.search)))}
                onRename={(name) => renameSmart.mutate({ id: folder.id, name })}
                onDelete={() =>
                  deleteSmart.mutate(folder.id, {
                    onSuccess: () => toast.success(t("deleted", { name: folder.name })),
                  })
                }
              />
            ))}
          </ul>
          {/* A saved search is the view's filters; the open folder is a place, not a filter. */}
          {viewSearch !== "" && (
            <NameForm
              label={t("searchName")}
              submit={t("saveSearch")}
              placeholder={t("saveSearch")}
              onSubmit={(name) => createSmart.mutate({ name, search: viewSearch })}
            />
          )}
        </section>
      </div>
    </nav>
  );
}

function EntryButton({
  active,
  label,
  detail,
  icon,
  onClick,
}: {
  active: boolean;
  label: string;
  detail?: string;
  icon: ReactNode;
  onClick(): void;
}) {
  return (
    <button
      type="button"
      aria-current={active ? "page" : undefined}
      onClick={onClick}
      className={cn(
        "flex min-w-0 flex-1 items-center gap-2 rounded-md px-2 py-1.5 text-left hover:bg-zinc-100 dark:hover:bg-zinc-800",
        active && "bg-sky-100 font-medium text-sky-900 dark:bg-sky-950 dark:text-sky-100",
      )}
    >
      {icon}
      <span className="min-w-0 flex-1 truncate">{label}</span>
      {detail && <span className="shrink-0 text-xs text-zinc-500">{detail}</span>}
    </button>
  );
}

/** A folder or a saved search: open it, rename it in place, delete it. */
function Entry({
  name,
  detail,
  icon,
  active,
  onOpen,
  onRename,
  onDelete,
}: {
  name: string;
  detail?: string;
  icon: ReactNode;
  active: boolean;
  onOpen(): void;
  onRename(name: string): void;
  onDelete(): void;
}) {
  const t = useTranslations("gallery.folders");
  const [renaming, setRenaming] = useState(false);
  if (renaming) {
    return (
      <li>
        <NameForm
          label={t("renameTo", { name })}
          submit={t("save")}
          initial={name}
          autoFocus
          onSubmit={(next) => {
            onRename(next);
            setRenaming(false);
          }}
          onCancel={() => setRenaming(false)}
        />
      </li>
    );
  }
  return (
    <li className="group flex items-center gap-0.5">
      <EntryButton active={active} label={name} detail={detail} icon={icon} onClick={onOpen} />
      <button
        type="button"
        aria-label={t("rename", { name })}
        onClick={() => setRenaming(true)}
        className="rounded p-1 text-zinc-500 hover:bg-zinc-100 hover:text-zinc-900 dark:hover:bg-zinc-800 dark:hover:text-zinc-100"
      >
        <Pencil className="size-3.5" aria-hidden />
      </button>
      <button
        type="button"
        aria-label={t("delete", { name })}
        onClick={onDelete}
        className="rounded p-1 text-zinc-500 hover:bg-zinc-100 hover:text-red-600 dark:hover:bg-zinc-800"
      >
        <Trash2 className="size-3.5" aria-hidden />
      </button>
    </li>
  );
}

function NameForm({
  label,
  submit,
  placeholder,
  initial = "",
  autoFocus,
  onSubmit,
  onCancel,
}: {
  label: string;
  submit: string;
  placeholder?: string;
  initial?: string;
  autoFocus?: boolean;
  onSubmit(name: string): void;
  onCancel?(): void;
}) {
  const t = useTranslations("gallery.folders");
  const [name, setName] = useState(initial);
  const send = (event: FormEvent) => {
    event.preventDefault();
    if (!name.trim()) return;
    onSubmit(name.trim());
    setName(initial);
  };
  return (
    <form onSubmit={send} className="flex items-center gap-1">
      <input
        value={name}
        onChange={(event) => setName(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === "Escape") onCancel?.();
        }}
        aria-label={label}
        placeholder={placeholder}
        maxLength={FOLDER_LIMITS.nameChars}
        // Renaming in place moves the focus into the field.
        autoFocus={autoFocus}
        className={fieldClasses("min-w-0 flex-1 py-1 text-sm")}
      />
      <Button size="sm" type="submit" aria-label={submit} disabled={!name.trim()}>
        <Check className="size-3.5" aria-hidden />
      </Button>
      {onCancel && (
        <Button size="sm" variant="ghost" aria-label={t("cancel")} onClick={onCancel}>
          <X className="size-3.5" aria-hidden />
        </Button>
      )}
    </form>
  );
}
