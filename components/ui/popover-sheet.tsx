"use client";

import * as RadixDialog from "@radix-ui/react-dialog";
import { X } from "lucide-react";
import { useTranslations } from "next-intl";
import type { ReactNode } from "react";
import { cn } from "@/lib/cn";
import { useMediaQuery } from "./use-media-query";

/** Tailwind's `sm`: below it a popover would not fit beside anything, so it becomes a bottom sheet. */
const WIDE = "(min-width: 40rem)";

type Events = Pick<RadixDialog.DialogContentProps, "onOpenAutoFocus" | "onInteractOutside">;

/**
 * A labelled panel opened by a button: on a wide screen a non-modal popover laid out by the
 * caller's `popoverClassName` (positioned against the nearest positioned ancestor, so it can drop
 * below a bar rather than beside its button), on a phone a modal bottom sheet. Radix's dialog gives
 * both Escape, the label, and focus back on the button when it closes; the sheet also traps focus.
 */
export function PopoverSheet({
  open,
  onOpenChange,
  title,
  trigger,
  popoverClassName,
  children,
  ...events
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  title: string;
  /** The button that opens and closes it; it must take a ref and forward props (Radix's asChild). */
  trigger: ReactNode;
  popoverClassName?: string;
  children: ReactNode;
} & Events) {
  const t = useTranslations("common");
  const wide = useMediaQuery(WIDE, true);
  const body = (
    <>
      <div className="flex shrink-0 items-center gap-3 px-3 pt-2">
        <RadixDialog.Title className="min-w-0 flex-1 text-base font-semibold">{title}</RadixDialog.Title>
        <RadixDialog.Description className="sr-only">{title}</RadixDialog.Description>
        <RadixDialog.Close
          aria-label={t("close")}
          title={t("close")}
          className="rounded-md p-2 hover:bg-zinc-100 dark:hover:bg-zinc-800"
        >
          <X className="size-4" aria-hidden />
        </RadixDialog.Close>
      </div>
      <div className="min-h-0 flex-1 overflow-y-auto overscroll-contain p-3">{children}</div>
    </>
  );
  const frame =
    "flex flex-col border border-zinc-200 bg-white shadow-xl dark:border-zinc-800 dark:bg-zinc-900";
  return (
    <RadixDialog.Root open={open} onOpenChange={onOpenChange} modal={!wide}>
      <RadixDialog.Trigger asChild>{trigger}</RadixDialog.Trigger>
      {wide ? (
        <RadixDialog.Content {...events} className={cn(frame, "rounded-xl", popoverClassName)}>
          {body}
        </RadixDialog.Content>
      ) : (
        <RadixDialog.Portal>
          <RadixDialog.Overlay className="fixed inset-0 z-40 bg-black/50" />
          <RadixDialog.Content
            {...events}
            className={cn(
              frame,
              "fixed inset-x-0 bottom-0 z-50 max-h-[85dvh] rounded-t-2xl pb-[env(safe-area-inset-bottom)]",
            )}
          >
            {body}
          </RadixDialog.Content>
        </RadixDialog.Portal>
      )}
    </RadixDialog.Root>
  );
}
