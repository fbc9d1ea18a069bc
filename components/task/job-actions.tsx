"use client";

import { Copy, EyeOff, Heart, MoreHorizontal, PenLine, Trash2 } from "lucide-react";
import { useTranslations } from "next-intl";
import { useEffect, useId, useRef, useState, type ComponentProps } from "react";
import { SeedButton, useCopy } from "@/components/result/result-actions";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { cn } from "@/lib/cn";
import { promptOf } from "@/lib/images/grid";
import { jobButtons, type ButtonInfo } from "@/lib/mj/buttons";
import { isDraftResult } from "@/lib/mj/enhance";
import type { Task } from "@/lib/mj/task";
import { isFavorite } from "@/lib/mj/task-view";
import { BUTTON_ICONS } from "./button-icon";
import { EnhanceButton } from "./enhance-button";
import type { TaskCardHandlers } from "./task-card";
import { useTaskWords } from "./task-words";

/** The buttons shown as icons in the row; every other one of the job's goes to "More". */
const COMMON_KINDS = new Set<ButtonInfo["kind"]>(["reroll", "upscale", "vary", "animate"]);

const ICON_BUTTON =
  "inline-flex size-8 shrink-0 items-center justify-center rounded-md text-zinc-700 hover:bg-zinc-100 disabled:opacity-50 dark:text-zinc-300 dark:hover:bg-zinc-800";

function IconAction({ label, className, ...props }: ComponentProps<"button"> & { label: string }) {
  return (
    <button
      type="button"
      aria-label={label}
      title={label}
      className={cn(ICON_BUTTON, className)}
      {...props}
    />
  );
}

const MENU_ITEM =
  "flex w-full items-center gap-2 rounded-md px-2 py-1.5 text-left text-sm hover:bg-zinc-100 disabled:opacity-50 dark:hover:bg-zinc-800";

/**
 * What applies to the whole job, in one compact row under its images: the common actions as icon
 * buttons with names and tooltips (favourite, reroll, a single image's upscale, vary and animate
 * variants, copy and reuse the prompt; a draft's Enhance), the rest (zoom, pan, Vary Region, video, seed, hide, delete) in a
 * "More" disclosure, reachable by keyboard and closed by Escape or a click elsewhere.
 */
export function JobActions({
  task,
  infos,
  perImage,
  busy,
  handlers,
}: {
  task: Task;
  infos: ButtonInfo[];
  /** The job's images are tiles with their own U and V (a grid): those are not the job's. */
  perImage: boolean;
  busy: string | null;
  handlers: TaskCardHandlers;
}) {
  const t = useTranslations("task.job");
  const tResult = useTranslations("result");
  const tGroups = useTranslations("task.groups");
  const words = useTaskWords();
  const copy = useCopy();
  const [open, setOpen] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const menuId = useId();
  const root = useRef<HTMLDivElement>(null);
  const toggle = useRef<HTMLButtonElement>(null);
  const favorite = isFavorite(task);
  const prompt = promptOf(task);
  // Midjourney's ❤️ is the app's favourite, which the heart below already is.
  const own = jobButtons(infos, perImage).filter((info) => info.kind !== "bookmark");
  const common = own.filter((info) => COMMON_KINDS.has(info.kind) && info.variant !== "video");
  const rest = own.filter((info) => !common.includes(info));

  useEffect(() => {
    if (!open) return;
    const onPointer = (event: PointerEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== "Escape") return;
      setOpen(false);
      toggle.current?.focus();
    };
    document.addEventListener("pointerdown", onPointer);
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("pointerdown", onPointer);
      document.removeEventListener("keydown", onKey);
    };
  }, [open]);

  const press = (info: ButtonInfo) => {
    setOpen(false);
    handlers.onPress(task, info);
  };
  const buttonIcon = (info: ButtonInfo) => {
    const Icon = BUTTON_ICONS[info.icon];
    return <Icon className="size-4" aria-hidden />;
  };

  return (
    <div
      ref={root}
      role="group"
      aria-label={t("actions")}
      className="relative flex flex-wrap items-center gap-0.5"
    >
      <IconAction
        label={t("favorite")}
        aria-pressed={favorite}
        onClick={() => handlers.onFavorite(task, !favorite)}
      >
        <Heart className={cn("size-4", favorite && "fill-red-500 text-red-500")} aria-hidden />
      </IconAction>
      {common.map((info) => (
        <IconAction
          key={info.customId}
          label={words.button(info)}
          disabled={busy !== null}
          aria-busy={busy === info.customId}
          onClick={() => press(info)}
        >
          {buttonIcon(info)}
        </IconAction>
      ))}
      {prompt && (
        <>
          <IconAction label={tResult("copyPrompt")} onClick={() => void copy(prompt)}>
            <Copy className="size-4" aria-hidden />
          </IconAction>
          <IconAction label={tResult("usePrompt")} onClick={() => handlers.onUsePrompt(prompt)}>
            <PenLine className="size-4" aria-hidden />
          </IconAction>
        </>
      )}
      {isDraftResult(task) && (
        // A draft's next step: the same prompt at full quality, in plain words beside the icons.
        <div role="group" aria-label={tGroups("draft")} className="mx-1">
          <EnhanceButton task={task} disabled={busy !== null} />
        </div>
      )}
      <IconAction
        ref={toggle}
        label={t("more")}
        aria-expanded={open}
        aria-controls={menuId}
        onClick={() => setOpen((shown) => !shown)}
      >
        <MoreHorizontal className="size-4" aria-hidden />
      </IconAction>
      {open && (
        <div
          id={menuId}
          className="absolute top-full right-0 z-20 mt-1 max-h-80 w-56 max-w-[calc(100vw-2rem)] space-y-0.5 overflow-y-auto rounded-lg border border-zinc-200 bg-white p-1 shadow-lg dark:border-zinc-700 dark:bg-zinc-900"
        >
          {rest.map((info) => (
            <button
              key={info.customId}
              type="button"
              className={MENU_ITEM}
              disabled={busy !== null}
              aria-busy={busy === info.customId}
              title={info.label}
              onClick={() => press(info)}
            >
              {buttonIcon(info)}
              {words.button(info)}
            </button>
          ))}
          <div className="px-1 py-0.5">
            <SeedButton task={task} />
          </div>
          <button
            type="button"
            className={MENU_ITEM}
            onClick={() => {
              setOpen(false);
              handlers.onHide(task);
            }}
          >
            <EyeOff className="size-4" aria-hidden />
            {t("hide")}
          </button>
          <button
            type="button"
            className={cn(MENU_ITEM, "text-red-700 dark:text-red-400")}
            onClick={() => {
              setOpen(false);
              setConfirming(true);
            }}
          >
            <Trash2 className="size-4" aria-hidden />
            {t("delete")}
          </button>
        </div>
      )}
      <ConfirmDialog
        open={confirming}
        title={t("deleteTitle")}
        description={t("deleteBody")}
        confirmLabel={t("deleteConfirm")}
        cancelLabel={t("keep")}
        onConfirm={() => {
          setConfirming(false);
          handlers.onDelete(task);
        }}
        onCancel={() => setConfirming(false)}
      />
    </div>
  );
}
