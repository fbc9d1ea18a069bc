"use client";

import {
  Fingerprint,
  ImageIcon,
  Images,
  Link2,
  Loader2,
  Orbit,
  Palette,
  Plus,
  RotateCw,
  UserRound,
  X,
  type LucideIcon,
} from "lucide-react";
import { useTranslations } from "next-intl";
import {
  useEffect,
  useId,
  useState,
  type ClipboardEvent,
  type KeyboardEvent,
  type ReactNode,
  type RefObject,
} from "react";
import { Button } from "@/components/ui/button";
import { fieldClasses } from "@/components/ui/field";
import { cn } from "@/lib/cn";
import { setParam, splitValues, type PromptParams } from "@/lib/mj/prompt-params";
import type { PromptUpdate } from "./parameter-controls";
import { ImageDropZone, ImagePickerButton, pastedImageFiles, type ImageList } from "./reference-images";
import {
  isHttpUrl,
  isReferenceValue,
  REFERENCE_KINDS,
  REFERENCE_WEIGHTS,
  referenceValues,
  removeReference,
  setPersonalization,
  type ImageReferenceKind,
  type ReferenceKind,
  type ReferenceWeightKey,
} from "./references";
import { referenceSupport, type SupportLevel } from "./reference-support";
import type { PendingReference, ReferenceUploads } from "./use-reference-uploads";

/**
 * The Imagine composer's reference bins: image prompts, style, omni and character references, and
 * personalization. Like the parameter controls they hold nothing of their own: every value is read
 * from the prompt text and written back to it, so `--sref 123 --sw 300` typed by hand shows here,
 * and removing a chip removes it from the text. Only images on their way to a public URL (uploads)
 * and image prompts sent inline live outside the text until they are done.
 */

const ICONS: Record<ReferenceKind, LucideIcon> = {
  image: ImageIcon,
  style: Palette,
  omni: Orbit,
  character: UserRound,
  personalization: Fingerprint,
};

/** The parameter a bin writes; image prompts are bare URLs at the start of the prompt. */
const FLAGS: Record<ReferenceKind, string | null> = {
  image: null,
  style: "--sref",
  omni: "--oref",
  character: "--cref",
  personalization: "--p",
};

/** Where a weight's field starts when the prompt does not set it: Midjourney's default. */
const WEIGHT_PLACEHOLDERS: Record<ReferenceWeightKey, string> = {
  iw: "1",
  sw: "100",
  sv: "4",
  ow: "100",
  cw: "100",
};

/**
 * What a bin's field holds but was not added yet: the values to add (empty when the field is),
 * or null when the text is not valid (the bin then says why). Taking it empties the field.
 */
export type TakeDraft = () => string[] | null;

/** Everything the bins read and write; built once by the composer. */
export interface ReferenceState {
  prompt: string;
  params: PromptParams;
  onPromptChange: PromptUpdate;
  uploads: ReferenceUploads;
  /** Image prompts sent inline (base64) because the upstream cannot host files. */
  inline: ImageList;
  /** Adds an image or code by its text: public URLs go straight into the prompt, local ones are uploaded. */
  addReference(kind: ReferenceKind, value: string): void;
  /** Each bin field's TakeDraft, so Imagine sends what was typed there rather than dropping it. */
  drafts: RefObject<Map<ReferenceKind, TakeDraft>>;
}

/**
 * How many things a kind holds, for the summary on the toggle; personalization counts as 1 while on.
 * A failed upload is not counted: it will not go with the job.
 */
export function referenceCounts(state: Pick<ReferenceState, "prompt" | "params" | "uploads" | "inline">) {
  return Object.fromEntries(
    REFERENCE_KINDS.map((kind) => {
      if (kind === "personalization") return [kind, state.params.profile === null ? 0 : 1];
      const values = referenceValues(state.prompt, kind, state.params).length;
      const pending = state.uploads.pending.filter(
        (item) => item.kind === kind && item.state !== "failed",
      ).length;
      return [kind, values + pending + (kind === "image" ? state.inline.images.length : 0)];
    }),
  ) as Record<ReferenceKind, number>;
}

/** The toolbar button that shows and hides the bins, with what they hold as small counts. */
export function ReferenceToggle({
  open,
  onToggle,
  controls,
  counts,
}: {
  open: boolean;
  onToggle(): void;
  controls: string;
  counts: Record<ReferenceKind, number>;
}) {
  const t = useTranslations("references");
  return (
    <Button
      aria-expanded={open}
      aria-controls={controls}
      onClick={onToggle}
      className="min-h-9 whitespace-nowrap"
    >
      <Images className="size-4 shrink-0" aria-hidden />
      {/* Icon only on a phone, where the bar has one row for its buttons; the word stays its name. */}
      <span className="max-sm:sr-only">{t("toggle")}</span>
      {REFERENCE_KINDS.filter((kind) => counts[kind] > 0).map((kind) => {
        const Icon = ICONS[kind];
        return (
          <span
            key={kind}
            className="inline-flex items-center gap-0.5 rounded-full bg-sky-100 px-1.5 text-xs text-sky-900 tabular-nums dark:bg-sky-900/60 dark:text-sky-100"
          >
            <Icon className="size-3" aria-hidden />
            <span aria-hidden>{kind === "personalization" ? "" : counts[kind]}</span>
            <span className="sr-only">{t(`kinds.${kind}.count`, { count: counts[kind] })}</span>
          </span>
        );
      })}
    </Button>
  );
}

/** The bins an image dropped on the bar can go to, as on midjourney.com's imagine bar. */
const DROP_KINDS = ["image", "style", "omni"] as const satisfies readonly ImageReferenceKind[];

/**
 * Shown over the prompt bar while an image is dragged over it: one zone per bin the model takes.
 * A drop adds the image to that bin without opening the bin editor; the References button counts it.
 */
export function ReferenceDropZones({
  state,
  add,
}: {
  state: Pick<ReferenceState, "params" | "uploads">;
  /** Adds a dropped link (a tile dragged from the feed) to the bin, as its field would. */
  add: (kind: ImageReferenceKind, url: string) => void;
}) {
  const t = useTranslations("references");
  const levels = referenceSupport(state.params).levels;
  const kinds = DROP_KINDS.filter((kind) => levels[kind] !== "unsupported");
  return (
    <div
      role="group"
      aria-label={t("dropZones")}
      className="absolute inset-0 z-10 grid auto-cols-fr grid-flow-col gap-2 rounded-xl bg-white/95 p-2 dark:bg-zinc-900/95"
    >
      {kinds.map((kind) => {
        const Icon = ICONS[kind];
        return (
          <ImageDropZone
            key={kind}
            list={{
              addFiles: (files) => state.uploads.addFiles(kind, files),
              addUrl: (url) => add(kind, url),
            }}
            className="flex min-w-0 items-center justify-center gap-2 rounded-lg border-2 border-dashed border-sky-400 px-2 text-sm font-medium text-sky-800 dark:border-sky-600 dark:text-sky-200"
          >
            <Icon className="size-4 shrink-0" aria-hidden />
            <span className="truncate">{t(`kinds.${kind}.title`)}</span>
          </ImageDropZone>
        );
      })}
    </div>
  );
}

/** The bins, one column on a phone, side by side where there is room. */
export function ReferenceBins({ id, hidden, state }: { id: string; hidden: boolean; state: ReferenceState }) {
  const t = useTranslations("references");
  const support = referenceSupport(state.params);
  const model = support.model ?? t("defaultModel");
  return (
    <div
      id={id}
      role="region"
      aria-label={t("panel")}
      hidden={hidden}
      className="grid grid-cols-1 gap-2 sm:grid-cols-2 xl:grid-cols-3"
    >
      {REFERENCE_KINDS.map((kind) =>
        kind === "personalization" ? (
          <PersonalizationBin key={kind} state={state} level={support.levels[kind]} model={model} />
        ) : (
          <ImageBin key={kind} kind={kind} state={state} level={support.levels[kind]} model={model} />
        ),
      )}
    </div>
  );
}

/** A bin's frame: a labelled group with its title, flag, and what the chosen model says about it. */
function Bin({
  kind,
  level,
  model,
  children,
}: {
  kind: ReferenceKind;
  level: SupportLevel;
  model: string;
  children: ReactNode;
}) {
  const t = useTranslations("references");
  const titleId = useId();
  const noteId = useId();
  const Icon = ICONS[kind];
  // Why, per level: "V8 takes no image prompts" explains V8's "not available", not V8.1's "not confirmed".
  const why = `kinds.${kind}.notes.${level}` as const;
  const hint = level !== "ok" && t.has(why) ? ` ${t(why)}` : "";
  return (
    <div
      role="group"
      aria-labelledby={titleId}
      aria-describedby={level === "ok" ? undefined : noteId}
      className="min-w-0 space-y-2"
    >
      <div className="flex min-h-6 items-center gap-1.5">
        <Icon className="size-4 shrink-0 text-zinc-500" aria-hidden />
        <span id={titleId} className="text-sm font-medium">
          {t(`kinds.${kind}.title`)}
        </span>
        {FLAGS[kind] && (
          <code className="ml-auto truncate text-xs text-zinc-500 dark:text-zinc-400">{FLAGS[kind]}</code>
        )}
      </div>
      {level !== "ok" && (
        <p
          id={noteId}
          className={cn(
            "text-xs",
            level === "flagged" ? "text-amber-700 dark:text-amber-400" : "text-zinc-600 dark:text-zinc-400",
          )}
        >
          {t(`support.${level}`, { model })}
          {hint}
        </p>
      )}
      {children}
    </div>
  );
}

const BIN_FRAME = "rounded-lg border border-zinc-200 bg-zinc-50 p-2 dark:border-zinc-800 dark:bg-zinc-950/40";

function ImageBin({
  kind,
  state,
  level,
  model,
}: {
  kind: ImageReferenceKind;
  state: ReferenceState;
  level: SupportLevel;
  model: string;
}) {
  const t = useTranslations("references");
  const { uploads, inline, onPromptChange } = state;
  const [notice, setNotice] = useState<string | null>(null);
  const values = referenceValues(state.prompt, kind, state.params);
  const pending = uploads.pending.filter((item) => item.kind === kind);
  const inlineImages = kind === "image" ? inline.images : [];
  const disabled = level === "unsupported";
  const removeLabel = (n: number) => t(`kinds.${kind}.remove`, { n });
  const addFiles = (files: readonly File[]) => {
    if (disabled) return;
    setNotice(null);
    uploads.addFiles(kind, files);
  };
  const addUrl = (url: string) => {
    if (disabled) return;
    setNotice(null);
    state.addReference(kind, url);
  };

  function onPaste(event: ClipboardEvent<HTMLDivElement>) {
    const files = pastedImageFiles(event.nativeEvent);
    if (files.length === 0) return;
    // Taken here, so the composer's page-wide paste (image prompts) leaves it alone.
    event.preventDefault();
    addFiles(files);
  }

  // "Cannot host local files" is said once for the bin, not again for each image it refused.
  const failures = pending.filter(
    (item) =>
      item.state === "failed" &&
      item.error &&
      !(uploads.unsupported && !item.retryable && item.error === t("notSupported")),
  );
  return (
    <ImageDropZone list={{ addFiles, addUrl }} className={BIN_FRAME}>
      <div onPaste={onPaste}>
        <Bin kind={kind} level={level} model={model}>
          {values.length + pending.length + inlineImages.length > 0 && (
            <ul className="flex flex-wrap gap-1.5">
              {values.map((value, index) => {
                const label = removeLabel(index + 1);
                const remove = () =>
                  onPromptChange((text) =>
                    removeReference(text, kind, index, { keepWeights: inlineImages.length > 0 }),
                  );
                const preview = uploads.previews.get(value);
                return (
                  <li key={`${index}:${value}`}>
                    {preview ? (
                      <ImageChip src={preview.src} alt={preview.name} removeLabel={label} onRemove={remove} />
                    ) : isHttpUrl(value) ? (
                      <LinkChip url={value} removeLabel={label} onRemove={remove} />
                    ) : (
                      <TextChip text={value} removeLabel={label} onRemove={remove} />
                    )}
                  </li>
                );
              })}
              {inlineImages.map((image, index) => (
                <li key={image.id}>
                  <ImageChip
                    src={image.src}
                    alt={image.name}
                    badge={t("inline")}
                    removeLabel={removeLabel(values.length + index + 1)}
                    onRemove={() => {
                      inline.remove(image.id);
                      // --iw goes with the last image prompt, inline or in the text.
                      if (inlineImages.length === 1 && values.length === 0)
                        onPromptChange((text) => setParam(text, "iw", null));
                    }}
                  />
                </li>
              ))}
              {pending.map((item, index) => (
                <li key={item.id}>
                  <PendingChip
                    item={item}
                    removeLabel={removeLabel(values.length + inlineImages.length + index + 1)}
                    uploads={uploads}
                  />
                </li>
              ))}
            </ul>
          )}
          <div className="flex flex-wrap items-center gap-1.5">
            <ImagePickerButton
              label={t("upload")}
              ariaLabel={t(`kinds.${kind}.upload`)}
              list={{ addFiles }}
              multiple={kind !== "omni"}
              disabled={disabled || (uploads.unsupported && kind !== "image")}
            />
            <UrlField
              kind={kind}
              disabled={disabled}
              drafts={state.drafts}
              onAdd={addUrl}
              onInvalid={setNotice}
            />
          </div>
          {/* File names and URLs have no spaces: they break anywhere rather than widen a phone's page. */}
          <div aria-live="polite" className="space-y-0.5 text-xs wrap-anywhere">
            {uploads.unsupported && kind !== "image" && (
              <p className="text-zinc-700 dark:text-zinc-300">{t("notSupported")}</p>
            )}
            {uploads.unsupported && kind === "image" && (
              <p className="text-zinc-600 dark:text-zinc-400">{t("inlineHint")}</p>
            )}
            {notice && <p className="text-red-600 dark:text-red-400">{notice}</p>}
            {failures.map((item) => (
              <p key={item.id} className="text-red-600 dark:text-red-400">
                {t("failed", { name: item.name, error: item.error ?? "" })}
              </p>
            ))}
          </div>
          {(values.length + inlineImages.length > 0 || REFERENCE_WEIGHTS[kind].some(isSet(state.params))) && (
            <div className="flex flex-wrap gap-x-3 gap-y-1.5">
              {REFERENCE_WEIGHTS[kind].map((key) => (
                <WeightField key={key} weight={key} state={state} />
              ))}
            </div>
          )}
        </Bin>
      </div>
    </ImageDropZone>
  );
}

const isSet = (params: PromptParams) => (key: ReferenceWeightKey) => params[key] !== null;

function PersonalizationBin({
  state,
  level,
  model,
}: {
  state: ReferenceState;
  level: SupportLevel;
  model: string;
}) {
  const t = useTranslations("references");
  const { params, onPromptChange } = state;
  const codes = splitValues(params.profile);
  const on = params.profile !== null;
  const disabled = level === "unsupported";
  const [notice, setNotice] = useState<string | null>(null);
  return (
    <div className={BIN_FRAME}>
      <Bin kind="personalization" level={level} model={model}>
        <label className="inline-flex min-h-8 cursor-pointer items-center gap-2 text-sm">
          <input
            type="checkbox"
            role="switch"
            checked={on}
            disabled={disabled && !on}
            onChange={(event) => onPromptChange((text) => setPersonalization(text, event.target.checked))}
            className="size-4 accent-sky-600"
          />
          {t("kinds.personalization.switch")}
        </label>
        {codes.length > 0 && (
          <ul className="flex flex-wrap gap-1.5">
            {codes.map((code, index) => (
              <li key={`${index}:${code}`}>
                <TextChip
                  text={code}
                  removeLabel={t("kinds.personalization.remove", { n: index + 1 })}
                  onRemove={() => onPromptChange((text) => removeReference(text, "personalization", index))}
                />
              </li>
            ))}
          </ul>
        )}
        <UrlField
          kind="personalization"
          disabled={disabled}
          drafts={state.drafts}
          onAdd={(code) => state.addReference("personalization", code)}
          onInvalid={setNotice}
        />
        <p aria-live="polite" className="text-xs wrap-anywhere text-red-600 empty:hidden dark:text-red-400">
          {notice}
        </p>
        {!on && <p className="text-xs text-zinc-600 dark:text-zinc-400">{t("kinds.personalization.hint")}</p>}
      </Bin>
    </div>
  );
}

/**
 * Where a URL (or a code, for style and personalization) is typed or pasted. Several values at once
 * (space separated) are added one by one; Enter adds, as the Add button does.
 */
function UrlField({
  kind,
  disabled,
  drafts,
  onAdd,
  onInvalid,
}: {
  kind: ReferenceKind;
  disabled: boolean;
  drafts: ReferenceState["drafts"];
  onAdd(value: string): void;
  onInvalid(message: string | null): void;
}) {
  const t = useTranslations("references");
  const id = useId();
  const [draft, setDraft] = useState("");
  const takesCodes = kind === "style" || kind === "personalization";
  const invalid = t.has(`kinds.${kind}.invalid`) ? t(`kinds.${kind}.invalid`) : t("urlInvalid");

  const take: TakeDraft = () => {
    const words = splitValues(draft);
    if (words.length === 0) return [];
    if (!words.every((word) => isReferenceValue(kind, word))) {
      onInvalid(invalid);
      return null;
    }
    onInvalid(null);
    setDraft("");
    return words;
  };
  // Re-registered after each render, so the composer's submit reads the draft as it is now.
  useEffect(() => {
    const map = drafts.current;
    map.set(kind, take);
    return () => {
      map.delete(kind);
    };
  });

  function add() {
    take()?.forEach(onAdd);
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key !== "Enter" || event.nativeEvent.isComposing || event.keyCode === 229) return;
    // The composer's form would otherwise swallow (or submit on) Enter.
    event.preventDefault();
    add();
  }

  return (
    <div className="flex min-w-32 flex-1 gap-1.5">
      <label htmlFor={id} className="sr-only">
        {t(`kinds.${kind}.field`)}
      </label>
      <input
        id={id}
        // Not type="url": inside the Imagine form the browser's own check of a half-typed URL would
        // silently block Imagine; this field says itself what is wrong.
        type="text"
        inputMode={takesCodes ? "text" : "url"}
        value={draft}
        disabled={disabled}
        onChange={(event) => setDraft(event.target.value)}
        onKeyDown={onKeyDown}
        placeholder={t(`kinds.${kind}.placeholder`)}
        autoComplete="off"
        spellCheck={false}
        className={fieldClasses("min-h-8 min-w-0 flex-1 py-0")}
      />
      <Button
        size="sm"
        onClick={add}
        disabled={disabled || draft.trim() === ""}
        aria-label={t(`kinds.${kind}.add`)}
        title={t(`kinds.${kind}.add`)}
      >
        <Plus className="size-3.5" aria-hidden />
        <span aria-hidden>{t("add")}</span>
      </Button>
    </div>
  );
}

/** A weight of the bin (`--sw 300`): a number field whose value lives in the prompt. */
function WeightField({ weight, state }: { weight: ReferenceWeightKey; state: ReferenceState }) {
  const t = useTranslations("references");
  const id = useId();
  // While focused it shows what was typed ("0." on the way to "0.5"); the prompt keeps the number.
  const [draft, setDraft] = useState<string | null>(null);
  const value = state.params[weight];
  return (
    <span className="inline-flex items-center gap-1.5">
      <label htmlFor={id} className="text-xs text-zinc-600 dark:text-zinc-400">
        {t(`weights.${weight}`)}
      </label>
      <input
        id={id}
        type="text"
        inputMode="decimal"
        value={draft ?? (value === null ? "" : String(value))}
        placeholder={WEIGHT_PLACEHOLDERS[weight]}
        onChange={(event) => {
          const text = event.target.value;
          setDraft(text);
          // An emptied or non-numeric field removes the weight (Midjourney's default) rather than writing garbage.
          state.onPromptChange((prompt) =>
            setParam(prompt, weight, text.trim() === "" ? null : Number(text)),
          );
        }}
        onBlur={() => setDraft(null)}
        autoComplete="off"
        className={fieldClasses("min-h-8 w-14 py-0 tabular-nums")}
      />
    </span>
  );
}

const CHIP = "relative inline-flex max-w-full items-center overflow-hidden rounded-md";

/**
 * Removing a chip unmounts the button that was pressed; focus would fall back to the page. It goes
 * to the chip that takes its place (or the one before it), else to the bin's own field, so a
 * keyboard user can go on removing or typing.
 */
function focusAfterRemoval(button: HTMLButtonElement): () => void {
  const bin = button.closest<HTMLElement>("[role='group']");
  const index = bin ? [...bin.querySelectorAll(`[${REMOVE_MARK}]`)].indexOf(button) : -1;
  return () => {
    if (!bin || !bin.isConnected || document.activeElement !== document.body) return;
    const left = [...bin.querySelectorAll<HTMLElement>(`[${REMOVE_MARK}]`)];
    const next =
      left[Math.min(index, left.length - 1)] ?? bin.querySelector<HTMLElement>("input[type='text']");
    next?.focus();
  };
}

const REMOVE_MARK = "data-chip-remove";

function RemoveButton({ label, onClick, overlay }: { label: string; onClick(): void; overlay?: boolean }) {
  return (
    <button
      type="button"
      {...{ [REMOVE_MARK]: "" }}
      onClick={(event) => {
        const refocus = focusAfterRemoval(event.currentTarget);
        onClick();
        // After React has committed the removal.
        requestAnimationFrame(refocus);
      }}
      aria-label={label}
      title={label}
      className={cn(
        "shrink-0 rounded-full p-1",
        overlay
          ? "absolute top-0.5 right-0.5 bg-black/60 text-white hover:bg-black/80"
          : "text-zinc-500 hover:bg-zinc-200 hover:text-zinc-900 dark:hover:bg-zinc-700 dark:hover:text-zinc-100",
      )}
    >
      <X className="size-3.5" aria-hidden />
    </button>
  );
}

/** A picture we have locally: an uploaded image, or an image prompt sent inline. */
function ImageChip({
  src,
  alt,
  badge,
  removeLabel,
  onRemove,
}: {
  src: string | null;
  alt: string;
  badge?: string;
  removeLabel: string;
  onRemove(): void;
}) {
  return (
    <span className={cn(CHIP, "size-14 bg-zinc-200 dark:bg-zinc-800")}>
      {src ? (
        // eslint-disable-next-line @next/next/no-img-element -- a local data URL, nothing for next/image to optimise
        <img src={src} alt={alt} className="h-full w-full object-cover" />
      ) : (
        <Loader2 className="m-auto size-5 animate-spin text-zinc-500" aria-hidden />
      )}
      {badge && (
        <span className="absolute inset-x-0 bottom-0 truncate bg-black/60 px-1 text-[10px] text-white">
          {badge}
        </span>
      )}
      <RemoveButton label={removeLabel} onClick={onRemove} overlay />
    </span>
  );
}

/** A URL we have no picture of: its host and file name, linked, so the user can check it. */
function LinkChip({ url, removeLabel, onRemove }: { url: string; removeLabel: string; onRemove(): void }) {
  const { hostname, pathname } = new URL(url);
  const file = pathname.split("/").pop() || hostname;
  return (
    <span
      className={cn(CHIP, "border border-zinc-300 bg-white pl-1.5 dark:border-zinc-700 dark:bg-zinc-900")}
    >
      <Link2 className="size-3.5 shrink-0 text-zinc-500" aria-hidden />
      <a
        href={url}
        target="_blank"
        rel="noreferrer"
        title={url}
        className="max-w-40 truncate px-1 text-xs underline-offset-2 hover:underline"
      >
        {file}
      </a>
      <RemoveButton label={removeLabel} onClick={onRemove} />
    </span>
  );
}

/** A style or personalization code, or `random`. */
function TextChip({ text, removeLabel, onRemove }: { text: string; removeLabel: string; onRemove(): void }) {
  return (
    <span className={cn(CHIP, "border border-zinc-300 bg-white pl-2 dark:border-zinc-700 dark:bg-zinc-900")}>
      <span className="max-w-40 truncate font-mono text-xs">{text}</span>
      <RemoveButton label={removeLabel} onClick={onRemove} />
    </span>
  );
}

/** An image on its way: its picture under a spinner, or, failed, a retry. */
function PendingChip({
  item,
  removeLabel,
  uploads,
}: {
  item: PendingReference;
  removeLabel: string;
  uploads: ReferenceUploads;
}) {
  const t = useTranslations("references");
  const failed = item.state === "failed";
  return (
    <span
      className={cn(CHIP, "size-14 bg-zinc-200 dark:bg-zinc-800", failed && "ring-2 ring-red-500")}
      aria-busy={!failed}
    >
      {item.dataUrl && (
        // eslint-disable-next-line @next/next/no-img-element -- a local data URL, nothing for next/image to optimise
        <img
          src={item.dataUrl}
          alt={item.name}
          className={cn("h-full w-full object-cover", !failed && "opacity-50")}
        />
      )}
      {!failed && (
        <span role="status" className="absolute inset-0 flex items-center justify-center">
          <Loader2 className="size-5 animate-spin text-zinc-700 dark:text-zinc-200" aria-hidden />
          <span className="sr-only">{t(item.state, { name: item.name })}</span>
        </span>
      )}
      {failed && item.retryable && (
        <button
          type="button"
          onClick={() => uploads.retry(item.id)}
          aria-label={t("retry", { name: item.name })}
          title={t("retry", { name: item.name })}
          className="absolute bottom-0.5 left-0.5 rounded-full bg-black/60 p-1 text-white hover:bg-black/80"
        >
          <RotateCw className="size-3.5" aria-hidden />
        </button>
      )}
      <RemoveButton label={removeLabel} onClick={() => uploads.remove(item.id)} overlay />
    </span>
  );
}
