"use client";

import * as RadixDialog from "@radix-ui/react-dialog";
import { Button } from "./button";

/**
 * "Are you sure?" over another dialog, in place of `window.confirm`: an alertdialog in the page's
 * own look and language. Focus starts on the safe choice, and Escape or a click outside means no.
 */
export function ConfirmDialog({
  open,
  title,
  description,
  confirmLabel,
  cancelLabel,
  onConfirm,
  onCancel,
}: {
  open: boolean;
  title: string;
  description: string;
  confirmLabel: string;
  cancelLabel: string;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  return (
    <RadixDialog.Root open={open} onOpenChange={(next) => !next && onCancel()}>
      <RadixDialog.Portal>
        <RadixDialog.Overlay className="fixed inset-0 z-[60] bg-black/30" />
        <RadixDialog.Content
          role="alertdialog"
          className="fixed top-1/2 left-1/2 z-[60] w-[calc(100vw-1.5rem)] max-w-sm -translate-x-1/2 -translate-y-1/2 space-y-3 rounded-xl border border-zinc-200 bg-white p-4 shadow-xl dark:border-zinc-800 dark:bg-zinc-900"
        >
          <RadixDialog.Title className="text-base font-semibold">{title}</RadixDialog.Title>
          <RadixDialog.Description className="text-sm text-zinc-600 dark:text-zinc-400">
            {description}
          </RadixDialog.Description>
          <div className="flex flex-wrap justify-end gap-2">
            {/* First, so it takes the focus when the dialog opens: Enter keeps the work. */}
            <Button onClick={onCancel}>{cancelLabel}</Button>
            <Button variant="danger" onClick={onConfirm}>
              {confirmLabel}
            </Button>
          </div>
        </RadixDialog.Content>
      </RadixDialog.Portal>
    </RadixDialog.Root>
  );
}
