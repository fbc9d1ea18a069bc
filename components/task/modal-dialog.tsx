"use client";

import { useTranslations } from "next-intl";
import { useId, useRef, useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Dialog } from "@/components/ui/dialog";
import { fieldClasses } from "@/components/ui/field";
import { useErrorText } from "@/lib/api/error-text";
import { useSubmitModal } from "@/lib/api/mutations";
import type { ButtonKind } from "@/lib/mj/buttons";
import { setParam } from "@/lib/mj/prompt-params";
import type { Task } from "@/lib/mj/task";
import { isValidZoom, readZoom, writeZoom, ZOOM_RANGE } from "@/lib/mj/zoom";
import { MaskEditor, type MaskEditorHandle } from "./mask-editor";

/** A MODAL task waiting for the user (code 21), and what the dialog needs to show. */
export interface PendingModal {
  taskId: string;
  kind: ButtonKind;
  finalPrompt: string;
  /** The image the button was pressed on: Vary (Region) paints over it. */
  parent: Task | null;
}

const ASPECTS = ["", "1:1", "4:3", "3:2", "16:9", "3:4", "2:3", "9:16"] as const;

/**
 * The dialog for a code-21 answer: remix prompt, Custom Zoom, Vary (Region) or a describe prompt.
 * Closing it without submitting leaves the task in MODAL; its card offers to reopen or dismiss it.
 */
export function ModalDialog({ pending, onClose }: { pending: PendingModal | null; onClose: () => void }) {
  if (!pending) return null;
  // Keyed by task so a reopened dialog starts from that task's prompt and an empty mask.
  return <ModalForm key={pending.taskId} pending={pending} onClose={onClose} />;
}

type FormError = { kind: "mask" } | { kind: "message"; message: string; detail: string | null };

function ModalForm({ pending, onClose }: { pending: PendingModal; onClose: () => void }) {
  const t = useTranslations("task.modal");
  const tc = useTranslations("common");
  const promptId = useId();
  const zoomId = useId();
  const aspectId = useId();
  const isZoom = pending.kind === "custom-zoom";
  const isRegion = pending.kind === "vary-region";
  const [prompt, setPrompt] = useState(() =>
    isZoom && readZoom(pending.finalPrompt) === null
      ? writeZoom(pending.finalPrompt, ZOOM_RANGE.default)
      : pending.finalPrompt,
  );
  const errorText = useErrorText();
  // The form's own checks; a refused or failed submit is the mutation's error.
  const [error, setError] = useState<FormError | null>(null);
  const submitting = useSubmitModal({ onSuccess: onClose });
  const shownError: FormError | null =
    error ?? (submitting.error ? { kind: "message", ...errorText(submitting.error) } : null);
  const [aspect, setAspect] = useState<(typeof ASPECTS)[number]>("");
  const [hasMask, setHasMask] = useState(false);
  const [confirmingClose, setConfirmingClose] = useState(false);
  const mask = useRef<MaskEditorHandle>(null);
  const zoom = readZoom(prompt);
  const zoomInvalid = isZoom && !isValidZoom(zoom);
  const title = isZoom
    ? t("customZoomTitle")
    : isRegion
      ? t("varyRegionTitle")
      : pending.kind === "describe-prompt"
        ? t("describeTitle")
        : t("remixTitle");

  /** Escape, the close button, a click outside and Cancel all come here: a painted mask is work. */
  function requestClose() {
    if (isRegion && hasMask) setConfirmingClose(true);
    else onClose();
  }

  function onMaskChange(painted: boolean) {
    setHasMask(painted);
    // "Paint first" no longer applies once something is painted.
    if (painted) setError((current) => (current?.kind === "mask" ? null : current));
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (zoomInvalid) return setError({ kind: "message", message: t("zoomInvalid"), detail: null });
    let maskBase64: string | undefined;
    if (isRegion) {
      maskBase64 = (await mask.current?.exportMask()) ?? undefined;
      if (!maskBase64) return setError({ kind: "mask" });
    }
    setError(null);
    submitting.mutate({ taskId: pending.taskId, prompt, ...(maskBase64 ? { maskBase64 } : {}) });
  }

  const imageUrl = pending.parent?.imageUrl;
  return (
    <Dialog
      open
      onOpenChange={(open) => !open && requestClose()}
      title={title}
      wide={isRegion}
      scroll={false}
    >
      {/* The fields scroll; the error and the buttons below them stay in view at any height. */}
      <form onSubmit={submit} className="flex min-h-0 flex-1 flex-col">
        <div className="-m-1 min-h-0 flex-1 space-y-3 overflow-y-auto p-1">
          {isRegion && imageUrl && (
            <MaskEditor
              imageUrl={imageUrl}
              imageWidth={pending.parent?.width}
              imageHeight={pending.parent?.height}
              onChange={onMaskChange}
              editorRef={mask}
            />
          )}
          <div className="space-y-1">
            <label htmlFor={promptId} className="text-sm font-medium">
              {isRegion ? t("regionPrompt") : t("prompt")}
            </label>
            <textarea
              id={promptId}
              value={prompt}
              onChange={(event) => setPrompt(event.target.value)}
              rows={isRegion ? 2 : 3}
              className={fieldClasses("w-full bg-transparent p-2 dark:bg-transparent")}
            />
          </div>
          {isZoom && (
            <div className="grid gap-3 sm:grid-cols-2">
              <div className="space-y-1">
                <label htmlFor={zoomId} className="text-sm font-medium">
                  {t("zoom", { value: zoom ?? "—" })}
                </label>
                <input
                  id={zoomId}
                  type="range"
                  min={ZOOM_RANGE.min}
                  max={ZOOM_RANGE.max}
                  step={ZOOM_RANGE.step}
                  value={isValidZoom(zoom) ? zoom : ZOOM_RANGE.default}
                  aria-invalid={zoomInvalid}
                  onChange={(event) => setPrompt((text) => writeZoom(text, Number(event.target.value)))}
                  className="w-full"
                />
              </div>
              <div className="space-y-1">
                <label htmlFor={aspectId} className="text-sm font-medium">
                  {t("aspect")}
                </label>
                <select
                  id={aspectId}
                  value={aspect}
                  onChange={(event) => {
                    const value = event.target.value as (typeof ASPECTS)[number];
                    setAspect(value);
                    setPrompt((text) => setParam(text, "aspect", value || null));
                  }}
                  className={fieldClasses("w-full bg-transparent p-1.5 dark:bg-transparent")}
                >
                  {ASPECTS.map((value) => (
                    <option key={value} value={value}>
                      {value || t("aspectKeep")}
                    </option>
                  ))}
                </select>
              </div>
            </div>
          )}
        </div>
        <div className="shrink-0 space-y-2 pt-2">
          <div role="alert" className="min-h-5 text-sm text-red-600 dark:text-red-400">
            {shownError?.kind === "mask" && t("maskEmpty")}
            {shownError?.kind === "message" && (
              <>
                {shownError.message}
                {shownError.detail && (
                  <span className="block text-xs text-zinc-500">{shownError.detail}</span>
                )}
              </>
            )}
          </div>
          <div className="flex justify-end gap-2">
            <Button onClick={requestClose}>{tc("cancel")}</Button>
            <Button type="submit" variant="primary" disabled={submitting.isPending || zoomInvalid}>
              {t("submit")}
            </Button>
          </div>
        </div>
      </form>
      <ConfirmDialog
        open={confirmingClose}
        title={t("discardTitle")}
        description={t("discardText")}
        confirmLabel={t("discard")}
        cancelLabel={t("keepEditing")}
        onConfirm={() => {
          setConfirmingClose(false);
          onClose();
        }}
        onCancel={() => setConfirmingClose(false)}
      />
    </Dialog>
  );
}
