"use client";

import { Loader2, Sparkles } from "lucide-react";
import { useTranslations } from "next-intl";
import {
  useLayoutEffect,
  useState,
  type KeyboardEvent,
  type ReactNode,
  type Ref,
  type RefObject,
} from "react";
import { Button } from "@/components/ui/button";
import { AnalyzePromptButton } from "./analyze-prompt";
import { ImageDropZone, type ImageList } from "./reference-images";

/** The textarea grows with its text up to this height, then scrolls. */
const MAX_HEIGHT_PX = 320;

/**
 * The imagine bar: a growing textarea that submits on Enter, and beside it (below it on a phone)
 * the references and settings buttons, Remix and Imagine; one line tall until the prompt grows, so
 * the newest results stay above the fold. The reference bins, when open, sit above the text. While
 * an image is dragged over the bar, `dropZones` covers it (one zone per bin); dropped anywhere
 * else on the bar it becomes an image prompt. The bar is the positioned box the settings popover
 * drops below. It renders inside the composer's <form>, which owns submitting.
 */
export function PromptBar({
  value,
  onChange,
  textareaRef,
  dropTarget,
  dropZones,
  bins,
  tools,
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
  /** Where an image dropped on the bar, outside the zones, goes. */
  dropTarget: Pick<ImageList, "addFiles" | "addUrl">;
  dropZones: ReactNode;
  bins: ReactNode;
  /** The references toggle and the settings button (with its popover). */
  tools: ReactNode;
  invalid: boolean;
  /** The id of the issue list under the bar, read out with the field. */
  describedBy: string;
  submitting: boolean;
  canSubmit: boolean;
  remix: boolean;
  onRemixChange: (value: boolean) => void;
}) {
  const t = useTranslations("prompt.bar");
  const [dragging, setDragging] = useState(false);

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
      onDragChange={setDragging}
      className="relative space-y-2 rounded-xl border border-zinc-300 bg-white p-1.5 shadow-sm focus-within:border-sky-500 dark:border-zinc-700 dark:bg-zinc-900"
    >
      {bins}
      <div className="flex flex-wrap items-end gap-x-2 gap-y-1">
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
          rows={1}
          spellCheck
          className="block min-h-9 min-w-0 flex-[1_1_18rem] resize-none bg-transparent px-1.5 py-1.5 text-base leading-6 placeholder:text-zinc-400 focus:outline-none focus-visible:outline-none dark:placeholder:text-zinc-500"
        />
        <div className="flex max-w-full flex-[0_1_auto] flex-wrap items-center gap-1.5">
          {tools}
          <label
            className="inline-flex min-h-9 cursor-pointer items-center gap-2 rounded-md px-1.5 text-sm whitespace-nowrap select-none"
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
          <div className="ml-auto flex items-center gap-1.5">
            <AnalyzePromptButton prompt={value} disabled={submitting} />
            <Button
              type="submit"
              variant="primary"
              disabled={!canSubmit}
              className="min-h-9 whitespace-nowrap"
            >
              {submitting ? (
                <Loader2 className="size-4 animate-spin" aria-hidden />
              ) : (
                <Sparkles className="size-4" aria-hidden />
              )}
              {t("submit")}
            </Button>
          </div>
        </div>
      </div>
      {dragging && dropZones}
    </ImageDropZone>
  );
}
