"use client";

import * as RadixDialog from "@radix-ui/react-dialog";
import { X } from "lucide-react";
import { useTranslations } from "next-intl";
import { useRef, type ReactNode } from "react";
import { cn } from "@/lib/cn";

/**
 * The app's one dialog: Radix handles focus trapping, Escape, aria-modal and labelling, so every
 * modal is keyboard and screen-reader usable the same way. It never grows past the viewport: the
 * title stays in view and the body scrolls, or, with `scroll={false}`, the children lay out the
 * height they are given themselves (a form whose buttons must stay in view).
 */
export function Dialog({
  open,
  onOpenChange,
  title,
  description,
  children,
  wide = false,
  scroll = true,
  fullScreen = false,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  title: string;
  description?: string;
  children: ReactNode;
  wide?: boolean;
  scroll?: boolean;
  /**
   * The whole viewport on a black backdrop, for the viewer: the children lay it out and render
   * the title (DialogTitle) and a close button (DialogClose) where they fit.
   */
  fullScreen?: boolean;
}) {
  const t = useTranslations("common");
  // What had focus when it opened: Radix returns focus only to a Dialog.Trigger, and the viewer
  // is opened by tiles and cards of their own.
  const opener = useRef<HTMLElement | null>(null);
  if (fullScreen)
    return (
      <RadixDialog.Root open={open} onOpenChange={onOpenChange}>
        <RadixDialog.Portal>
          <RadixDialog.Overlay className="fixed inset-0 z-40 bg-black" />
          <RadixDialog.Content
            onOpenAutoFocus={() => {
              opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
            }}
            onCloseAutoFocus={(event) => {
              if (!opener.current?.isConnected) return;
              event.preventDefault();
              opener.current.focus();
            }}
            className="fixed inset-0 z-50 flex h-dvh w-screen overflow-hidden bg-zinc-950 text-zinc-100"
          >
            <RadixDialog.Description className="sr-only">{description ?? title}</RadixDialog.Description>
            {children}
          </RadixDialog.Content>
        </RadixDialog.Portal>
      </RadixDialog.Root>
    );
  return (
    <RadixDialog.Root open={open} onOpenChange={onOpenChange}>
      <RadixDialog.Portal>
        <RadixDialog.Overlay className="fixed inset-0 z-40 bg-black/50" />
        <RadixDialog.Content
          className={cn(
            "fixed top-1/2 left-1/2 z-50 flex max-h-[92dvh] w-[calc(100vw-1.5rem)] -translate-x-1/2 -translate-y-1/2 flex-col rounded-xl border border-zinc-200 bg-white p-4 shadow-xl dark:border-zinc-800 dark:bg-zinc-900",
            wide ? "max-w-4xl" : "max-w-lg",
          )}
        >
          <div className="mb-3 flex shrink-0 items-start gap-3">
            <div className="min-w-0 flex-1">
              <RadixDialog.Title className="text-lg font-semibold">{title}</RadixDialog.Title>
              {description ? (
                <RadixDialog.Description className="text-sm text-zinc-600 dark:text-zinc-400">
                  {description}
                </RadixDialog.Description>
              ) : (
                <RadixDialog.Description className="sr-only">{title}</RadixDialog.Description>
              )}
            </div>
            <RadixDialog.Close
              aria-label={t("close")}
              className="rounded-md p-1 hover:bg-zinc-100 dark:hover:bg-zinc-800"
            >
              <X className="size-5" aria-hidden />
            </RadixDialog.Close>
          </div>
          {/* The padding keeps focus outlines inside the scrolling box's clip. */}
          <div className={cn("-m-1 min-h-0 flex-1 p-1", scroll ? "overflow-y-auto" : "flex flex-col")}>
            {children}
          </div>
        </RadixDialog.Content>
      </RadixDialog.Portal>
    </RadixDialog.Root>
  );
}

/** The title of a full-screen dialog, placed by its children. */
export const DialogTitle = RadixDialog.Title;
/** Closes the dialog it is in (a full-screen dialog places its own). */
export const DialogClose = RadixDialog.Close;
