"use client";

import { toast } from "sonner";
import { buttonClasses } from "./button";

/** How long an Undo is offered: long enough to notice it and reach it, short enough not to linger. */
export const UNDO_MS = 8_000;

/**
 * Says that something was done and offers to take it back, for UNDO_MS, in the app's one toaster:
 * a status, read out politely and never taking focus, whose Undo is a real button (Tab reaches it,
 * and so does the toaster's Alt+T). Pressing Undo dismisses it.
 *
 * `toaster` names another Toaster to show it in: a modal dialog hides the page's one from screen
 * readers and pointers, so a dialog that offers Undo renders a Toaster of its own inside.
 */
export function toastUndo({
  message,
  undoLabel,
  onUndo,
  toaster,
}: {
  message: string;
  undoLabel: string;
  onUndo(): void;
  toaster?: string;
}): void {
  toast.custom(
    (id) => (
      <div
        role="status"
        className="flex w-[var(--width)] max-w-[calc(100vw-2rem)] items-center gap-3 rounded-lg border border-zinc-200 bg-white px-4 py-3 text-sm text-zinc-900 shadow-lg dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100"
      >
        <span className="min-w-0 flex-1">{message}</span>
        <button
          type="button"
          className={buttonClasses({ size: "sm" })}
          onClick={() => {
            toast.dismiss(id);
            onUndo();
          }}
        >
          {undoLabel}
        </button>
      </div>
    ),
    { duration: UNDO_MS, toasterId: toaster },
  );
}
