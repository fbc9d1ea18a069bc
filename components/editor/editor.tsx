"use client";

import { ImageIcon, Loader2, Minus, Plus, RotateCcw, Send, Shuffle } from "lucide-react";
import { useTranslations } from "next-intl";
import { useEffect, useId, useMemo, useRef, useState, type FormEvent } from "react";
import {
  ImageDropZone,
  ImageNotice,
  ImagePickerButton,
  useImageList,
  usePastedImages,
} from "@/components/create/reference-images";
import { MaskTools, useMaskEditing, useMaskShortcuts } from "@/components/task/mask-editor";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { fieldClasses } from "@/components/ui/field";
import { SegmentedRadio } from "@/components/ui/segmented-radio";
import type { SubmitRequest } from "@/lib/api/client";
import { useErrorText } from "@/lib/api/error-text";
import { ApiError } from "@/lib/api/fetch-json";
import {
  aspectRatio,
  CANVAS_ASPECTS,
  CENTERED,
  coversCanvas,
  imageBox,
  SCALE,
  scalePlacement,
  stepScale,
  type CanvasAspect,
} from "@/lib/images/placement";
import { isEmpty } from "@/lib/mask/mask-model";
import type { EditSource } from "./edit-source";
import { EditorStage } from "./editor-stage";
import { exportEditPng, ExportError } from "./export-image";
import { useEditableImage } from "./use-editable-image";

type EditKind = "edits" | "retexture";
const KINDS: readonly EditKind[] = ["edits", "retexture"];
const CELLS = [1, 2, 3, 4] as const;

/** What the Editor tells the page to send; resolves to the failure (shown in place), null when it went. */
export type SubmitEdit = (request: SubmitRequest) => Promise<unknown>;

/**
 * The composer's Edit mode: an image to start from (an upload: file, drop, paste or URL; or a
 * gallery image handed over by "Edit…"), then the Editor on it.
 */
export function EditorPanel({
  active,
  source,
  onSourceChange,
  submitting,
  onSubmit,
}: {
  /** The panel is on view: paste and the shortcuts apply to it. */
  active: boolean;
  source: EditSource | null;
  onSourceChange(source: EditSource | null): void;
  submitting: boolean;
  onSubmit: SubmitEdit;
}) {
  // "Change image" unmounts the button pressed: the focus goes on to the picker that replaces it.
  const [changed, setChanged] = useState(false);
  if (!source) return <SourcePicker active={active} focusOnMount={changed} onPick={onSourceChange} />;
  // Keyed by the image, so another image starts from a clean slate (nothing erased, centred).
  return (
    <Editor
      key={`${source.sourceTaskId ?? ""}:${source.url}`}
      source={source}
      active={active}
      submitting={submitting}
      onSubmit={onSubmit}
      onClose={() => {
        setChanged(true);
        onSourceChange(null);
      }}
    />
  );
}

function isHttpUrl(value: string): boolean {
  return URL.canParse(value) && /^https?:$/.test(new URL(value).protocol);
}

function SourcePicker({
  active,
  focusOnMount,
  onPick,
}: {
  active: boolean;
  focusOnMount: boolean;
  onPick(source: EditSource): void;
}) {
  const t = useTranslations("editor.pick");
  const rootRef = useRef<HTMLDivElement>(null);
  const urlId = useId();
  const urlErrorId = useId();
  const list = useImageList(1);
  const [url, setUrl] = useState("");
  const [urlInvalid, setUrlInvalid] = useState(false);
  usePastedImages(active, list);

  useEffect(() => {
    if (focusOnMount) rootRef.current?.focus();
  }, [focusOnMount]);

  const picked = list.images[0];
  useEffect(() => {
    if (picked?.src) onPick({ url: picked.src, sourceTaskId: null, cell: null });
  }, [picked?.src, onPick]);

  function openUrl(event: FormEvent) {
    event.preventDefault();
    const value = url.trim();
    if (!isHttpUrl(value)) return setUrlInvalid(true);
    // Read through the image list: an image of this site becomes bytes to edit; another site's
    // stays a URL the Editor can only retexture.
    list.addUrl(value);
  }

  return (
    <div ref={rootRef} tabIndex={-1} className="space-y-3 outline-none">
      <ImageDropZone
        list={list}
        className="flex flex-col items-center gap-3 rounded-xl border-2 border-dashed border-zinc-300 bg-white p-6 text-center dark:border-zinc-700 dark:bg-zinc-900"
      >
        {picked && !picked.src ? (
          <p role="status" className="flex items-center gap-2 text-sm">
            <Loader2 className="size-5 animate-spin" aria-hidden />
            {t("processing")}
          </p>
        ) : (
          <ImageIcon className="size-6 text-zinc-500" aria-hidden />
        )}
        <p className="max-w-prose text-sm text-zinc-600 dark:text-zinc-400">{t("dropHint")}</p>
        <ImagePickerButton label={t("file")} list={list} multiple={false} />
      </ImageDropZone>
      <ImageNotice notice={list.notice} />
      <form noValidate onSubmit={openUrl} className="space-y-1">
        <label htmlFor={urlId} className="text-sm font-medium">
          {t("url")}
        </label>
        <div className="flex gap-2">
          <input
            id={urlId}
            type="text"
            inputMode="url"
            placeholder="https://…"
            value={url}
            aria-invalid={urlInvalid}
            aria-describedby={urlErrorId}
            onChange={(event) => {
              setUrl(event.target.value);
              setUrlInvalid(false);
            }}
            className={fieldClasses("min-w-0 flex-1")}
          />
          <Button type="submit">{t("open")}</Button>
        </div>
        <p id={urlErrorId} aria-live="polite" className="min-h-5 text-sm text-red-600 dark:text-red-400">
          {urlInvalid ? t("urlInvalid") : null}
        </p>
      </form>
    </div>
  );
}

/**
 * The Editor (midjourney.com's, which replaced Zoom and Pan in V8). Edit: erase what Midjourney
 * should repaint (the mask editor's brush, rectangle and restore, undo, touch) and move or resize
 * the image on a canvas of another shape or size; the PNG sent carries both as transparency.
 * Retexture: the whole image restyled by the prompt. Either way the result is an ordinary task
 * whose parent is the source image's task.
 */
function Editor({
  source,
  active,
  submitting,
  onSubmit,
  onClose,
}: {
  source: EditSource;
  active: boolean;
  submitting: boolean;
  onSubmit: SubmitEdit;
  onClose(): void;
}) {
  const t = useTranslations("editor");
  const errorText = useErrorText();
  const promptId = useId();
  const promptErrorId = useId();
  const rootRef = useRef<HTMLElement>(null);
  const [cell, setCell] = useState(source.cell);
  const loaded = useEditableImage(source.url, cell);
  const foreign = loaded.state === "error" && loaded.foreign;
  const [chosenKind, setKind] = useState<EditKind>("edits");
  // Another site's image can only travel as its URL, which only Retexture takes as it is.
  const kind: EditKind = foreign ? "retexture" : chosenKind;
  const editing = useMaskEditing();
  const { history, setHistory } = editing;
  const [aspect, setAspect] = useState<CanvasAspect>("original");
  const [placement, setPlacement] = useState(CENTERED);
  const [erased, setErased] = useState(0);
  const [prompt, setPrompt] = useState("");
  const [promptMissing, setPromptMissing] = useState(false);
  const [preparing, setPreparing] = useState(false);
  const [failure, setFailure] = useState<{ message: string; detail: string | null } | null>(null);
  const [confirmingClose, setConfirmingClose] = useState(false);
  const ready = loaded.state === "ready";
  const editable = ready && kind === "edits";
  useMaskShortcuts(rootRef, editing, { enabled: active && editable, move: true });
  // Opened by Edit… on a result or by an upload (whose picker is gone): the focus comes along.
  useEffect(() => rootRef.current?.focus({ preventScroll: true }), []);

  const imageAspect = ready ? loaded.size.width / loaded.size.height : 1;
  const canvasAspect = ready ? aspectRatio(aspect, loaded.size) : 1;
  const expanded = useMemo(
    () => !coversCanvas(imageBox(placement, imageAspect, canvasAspect)),
    [placement, imageAspect, canvasAspect],
  );
  const worked = !isEmpty(history) || placement !== CENTERED || aspect !== "original";
  const busy = submitting || preparing;
  const scalePercent = Math.round(placement.scale * 100);

  function chooseCell(value: number) {
    // Another image of the grid: what was erased on this one does not fit it.
    setCell(value);
    setHistory({ ops: [], undone: [] });
    setPlacement(CENTERED);
  }

  function requestClose() {
    if (worked) setConfirmingClose(true);
    else onClose();
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    const text = prompt.trim();
    if (!text) return setPromptMissing(true);
    if (busy || (!ready && !foreign)) return;
    setFailure(null);
    let image: string;
    if (loaded.state === "ready") {
      setPreparing(true);
      try {
        image = await exportEditPng({
          image: loaded.image,
          size: loaded.size,
          canvasAspect: kind === "edits" ? canvasAspect : imageAspect,
          placement: kind === "edits" ? placement : CENTERED,
          ops: kind === "edits" ? history.ops : [],
        });
      } catch (error) {
        const tooLarge = error instanceof ExportError && error.code === "too-large";
        return setFailure({ message: t(tooLarge ? "tooLarge" : "exportFailed"), detail: null });
      } finally {
        setPreparing(false);
      }
    } else image = source.url;
    const failed = await onSubmit({
      kind,
      body: { prompt: text, image, ...(source.sourceTaskId ? { sourceTaskId: source.sourceTaskId } : {}) },
    });
    if (!failed) return;
    const words = errorText(failed);
    // The upstream has no such route (new-api has no /submit/retexture): say so in our words.
    const unsupported = failed instanceof ApiError && failed.code === "not_supported";
    setFailure(unsupported ? { message: t(`notSupported.${kind}`), detail: words.detail } : words);
  }

  return (
    <section ref={rootRef} tabIndex={-1} aria-label={t("title")} className="space-y-3 outline-none">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <SegmentedRadio
          legend={t("kind.label")}
          options={KINDS.filter((value) => !foreign || value === "retexture").map((value) => ({
            value,
            label: t(`kind.${value}`),
          }))}
          value={kind}
          onChange={setKind}
        />
        <Button onClick={requestClose}>
          <Shuffle className="size-4" aria-hidden />
          {t("change")}
        </Button>
      </div>
      <p className="text-sm text-zinc-600 dark:text-zinc-400">{t(`kindHint.${kind}`)}</p>

      {source.cell !== null && !foreign && (
        <SegmentedRadio
          legend={t("cell")}
          options={CELLS.map((value) => ({ value: String(value), label: t("cellN", { n: value }) }))}
          value={cell === null ? null : String(cell)}
          onChange={(value) => chooseCell(Number(value))}
        />
      )}

      {editable && (
        <div className="space-y-3">
          <MaskTools editing={editing} ready move words="editor.mask" />
          <div className="flex flex-wrap items-end gap-x-6 gap-y-3">
            <SegmentedRadio
              legend={t("canvas")}
              options={CANVAS_ASPECTS.map((value) => ({
                value,
                label: value === "original" ? t("aspectOriginal") : value,
              }))}
              value={aspect}
              onChange={setAspect}
            />
            <ScaleControl
              percent={scalePercent}
              onStep={(direction) => setPlacement((current) => stepScale(current, direction))}
              onChange={(percent) => setPlacement((current) => scalePlacement(current, percent / 100))}
              onReset={() => setPlacement(CENTERED)}
            />
          </div>
        </div>
      )}

      {loaded.state === "ready" ? (
        <EditorStage
          imageUrl={loaded.url}
          imageAspect={imageAspect}
          canvasAspect={canvasAspect}
          placement={placement}
          onPlacementChange={setPlacement}
          editing={editing}
          editable={editable}
          focusRef={rootRef}
          onCoverage={setErased}
        />
      ) : (
        <div className="flex min-h-40 flex-col items-center justify-center gap-2 rounded-md bg-zinc-100 p-4 text-center text-sm dark:bg-zinc-800">
          {loaded.state === "loading" ? (
            <p role="status" className="flex items-center gap-2">
              <Loader2 className="size-5 animate-spin" aria-hidden />
              {t("loading")}
            </p>
          ) : foreign ? (
            <>
              <p className="font-medium">{t("noPreview")}</p>
              <p className="break-all text-zinc-600 dark:text-zinc-400">{source.url}</p>
            </>
          ) : (
            <p role="alert" className="text-red-600 dark:text-red-400">
              {t("loadError")}
            </p>
          )}
        </div>
      )}
      {foreign && <p className="text-sm text-amber-700 dark:text-amber-400">{t("foreign")}</p>}

      {editable && (
        <>
          <p aria-live="polite" className="text-sm font-medium">
            {erased > 0 || expanded
              ? [
                  erased > 0 ? t("erased", { percent: Math.max(1, Math.round(erased * 100)) }) : null,
                  expanded ? t("expanded") : null,
                  t("fills"),
                ]
                  .filter(Boolean)
                  .join(" ")
              : t("nothing")}
          </p>
          <p className="text-xs text-zinc-600 dark:text-zinc-400">{t("hint")}</p>
        </>
      )}

      <form noValidate onSubmit={submit} className="space-y-2">
        <label htmlFor={promptId} className="text-sm font-medium">
          {t(`prompt.${kind}`)}
        </label>
        <textarea
          id={promptId}
          value={prompt}
          rows={2}
          aria-invalid={promptMissing}
          aria-describedby={promptErrorId}
          onChange={(event) => {
            setPrompt(event.target.value);
            setPromptMissing(false);
          }}
          onKeyDown={(event) => {
            // Enter sends, Shift+Enter is a new line, as in the Imagine bar.
            if (event.key !== "Enter" || event.shiftKey || event.nativeEvent.isComposing) return;
            event.preventDefault();
            event.currentTarget.form?.requestSubmit();
          }}
          className={fieldClasses("w-full bg-transparent p-2 dark:bg-transparent")}
        />
        <p id={promptErrorId} aria-live="polite" className="min-h-5 text-sm text-red-600 dark:text-red-400">
          {promptMissing ? t("promptEmpty") : null}
        </p>
        <div className="flex flex-wrap items-start justify-between gap-2">
          <div role="alert" className="min-w-0 flex-1 text-sm text-red-600 dark:text-red-400">
            {failure && (
              <>
                {failure.message}
                {failure.detail && (
                  <span className="block text-xs break-words text-zinc-500">{failure.detail}</span>
                )}
              </>
            )}
          </div>
          <Button type="submit" variant="primary" disabled={busy || (!ready && !foreign)} aria-busy={busy}>
            {busy ? (
              <Loader2 className="size-4 animate-spin" aria-hidden />
            ) : (
              <Send className="size-4" aria-hidden />
            )}
            {preparing ? t("preparing") : t(`submit.${kind}`)}
          </Button>
        </div>
      </form>

      <ConfirmDialog
        open={confirmingClose}
        title={t("discardTitle")}
        description={t("discardText")}
        confirmLabel={t("change")}
        cancelLabel={t("keepEditing")}
        onConfirm={() => {
          setConfirmingClose(false);
          onClose();
        }}
        onCancel={() => setConfirmingClose(false)}
      />
    </section>
  );
}

function ScaleControl({
  percent,
  onStep,
  onChange,
  onReset,
}: {
  percent: number;
  onStep(direction: 1 | -1): void;
  onChange(percent: number): void;
  onReset(): void;
}) {
  const t = useTranslations("editor");
  const scaleId = useId();
  return (
    <div className="min-w-0 flex-1 basis-64 space-y-1.5">
      <label htmlFor={scaleId} className="block text-sm font-medium">
        {t("scale")}
      </label>
      <div className="flex items-center gap-1">
        <Button
          variant="ghost"
          className="px-2"
          aria-label={t("smaller")}
          title={`${t("smaller")} (−)`}
          disabled={percent <= SCALE.min * 100}
          onClick={() => onStep(-1)}
        >
          <Minus className="size-4" aria-hidden />
        </Button>
        <input
          id={scaleId}
          type="range"
          min={SCALE.min * 100}
          max={SCALE.max * 100}
          step={SCALE.step * 100}
          value={percent}
          aria-valuetext={t("scaleValue", { percent })}
          onChange={(event) => onChange(Number(event.target.value))}
          className="min-w-0 flex-1"
        />
        <Button
          variant="ghost"
          className="px-2"
          aria-label={t("larger")}
          title={`${t("larger")} (+)`}
          disabled={percent >= SCALE.max * 100}
          onClick={() => onStep(1)}
        >
          <Plus className="size-4" aria-hidden />
        </Button>
        <span className="w-12 shrink-0 text-right text-sm tabular-nums" aria-hidden>
          {percent}%
        </span>
        <Button variant="ghost" className="px-2" aria-label={t("reset")} title={t("reset")} onClick={onReset}>
          <RotateCcw className="size-4" aria-hidden />
        </Button>
      </div>
    </div>
  );
}
