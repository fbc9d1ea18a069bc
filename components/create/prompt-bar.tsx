"use client";

import { Loader2, Sparkles } from "lucide-react";
import { useTranslations } from "next-intl";
import { useLayoutEffect, type KeyboardEvent, type ReactNode, type Ref, type RefObject } from "react";
import { Button } from "@/components/ui/button";
import { AnalyzePromptButton } from "./analyze-prompt";
import { ImageDropZone, type ImageList } from "./reference-images";

/** The textarea grows with its text up to this height, then scrolls. */
const MAX_HEIGHT_PX = 320;

/**
 * The Imagine prompt: a growing textarea that submits on Enter, with the reference bins above it,
 * and their toggle, Remix and Imagine below. An image dragged over the bar opens the bins, so it
 * can be dropped on one; dropped anywhere else on the bar it becomes an image prompt.
 * It renders inside the composer's <form>, which owns submitting.
 */
export function PromptBar({
  value,
  onChange,
  textareaRef,
  dropTarget,
  onDragStart,
  bins,
  binsToggle,
  invalid,
  describedBy,
  submitting,
  canSubmit,
  remix,
  onRemixChange,
}: {
  value: string;
  onChange: (value: string) => void;
  textareaRef: RefObject<HTMLTextAreaElement | null> & Ref<HTMLTextAreaElement>;
  /** Where an image dropped on the bar, outside the bins, goes. */
  dropTarget: Pick<ImageList, "addFiles" | "addUrl">;
  onDragStart: () => void;
  bins: ReactNode;
  binsToggle: ReactNode;
  invalid: boolean;
  /** The id of the issue list under the bar, read out with the field. */
  describedBy: string;
  submitting: boolean;
  canSubmit: boolean;
  remix: boolean;
  onRemixChange: (value: boolean) => void;
}) {
  const t = useTranslations("prompt.bar");

  // Measured after every change (also programmatic ones: setPrompt, a moved slider).
  useLayoutEffect(() => {
    const textarea = textareaRef.current;
    if (!textarea) return;
    textarea.style.height = "auto";
    textarea.style.height = `${Math.min(textarea.scrollHeight, MAX_HEIGHT_PX)}px`;
  }, [value, textareaRef]);

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key !== "Enter" || event.shiftKey) return;
    // Enter also confirms an IME candidate (Chinese, Japanese input); that must not submit.
    // Safari reports the confirming keydown after compositionend, with keyCode 229 as the only trace.
    if (event.nativeEvent.isComposing || event.keyCode === 229) return;
    event.preventDefault();
    if (canSubmit) event.currentTarget.form?.requestSubmit();
  }

  return (
    <ImageDropZone
      list={dropTarget}
      onDragStart={onDragStart}
      className="space-y-2 rounded-xl border border-zinc-300 bg-white p-2 shadow-sm focus-within:border-sky-500 dark:border-zinc-700 dark:bg-zinc-900"
    >
      {bins}
      <textarea
        ref={textareaRef}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        onKeyDown={onKeyDown}
        aria-label={t("label")}
        aria-invalid={invalid}
        aria-describedby={describedBy}
        aria-keyshortcuts="/"
        placeholder={t("placeholder")}
        rows={2}
        spellCheck
        className="block w-full resize-none bg-transparent px-1 py-1 text-base leading-6 placeholder:text-zinc-400 focus:outline-none focus-visible:outline-none dark:placeholder:text-zinc-500"
      />
      <div className="flex flex-wrap items-center gap-2">
        {binsToggle}
        <label
          className="inline-flex min-h-9 cursor-pointer items-center gap-2 rounded-md px-2 text-sm select-none"
          title={t("remixHint")}
        >
          {/* The real checkbox lies invisibly over the drawn switch, so it is what gets clicked and focused. */}
          <span className="relative inline-flex">
            <input
              type="checkbox"
              role="switch"
              checked={remix}
              onChange={(event) => onRemixChange(event.target.checked)}
              className="peer absolute inset-0 z-10 m-0 cursor-pointer opacity-0"
            />
            <span
              aria-hidden
              className="relative h-5 w-9 rounded-full bg-zinc-300 transition-colors peer-checked:bg-sky-600 peer-focus-visible:outline-2 peer-focus-visible:outline-offset-2 peer-focus-visible:outline-sky-500 after:absolute after:top-0.5 after:left-0.5 after:size-4 after:rounded-full after:bg-white after:transition-transform peer-checked:after:translate-x-4 dark:bg-zinc-700"
            />
          </span>
          {t("remix")}
        </label>
        <div className="ml-auto flex flex-wrap items-center gap-2">
          <AnalyzePromptButton prompt={value} disabled={submitting} />
          <Button type="submit" variant="primary" disabled={!canSubmit} className="min-h-9">
            {submitting ? (
              <Loader2 className="size-4 animate-spin" aria-hidden />
            ) : (
              <Sparkles className="size-4" aria-hidden />
            )}
            {t("submit")}
          </Button>
        </div>
      </div>
    </ImageDropZone>
  );
}
