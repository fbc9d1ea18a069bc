"use client";

import { ImageIcon, Loader2, ScanText, X } from "lucide-react";
import { useTranslations } from "next-intl";
import { useId, useMemo, useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { fieldClasses } from "@/components/ui/field";
import type { DescribeRequest } from "@/lib/mj/requests";
import {
  ImageDropZone,
  ImageNotice,
  ImagePickerButton,
  useImageList,
  usePastedImages,
} from "./reference-images";

function isHttpUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  return /^https?:$/.test(new URL(value).protocol);
}

/**
 * Describe: one image, uploaded (picker, drop, paste) or given by URL. Whichever the user supplied
 * last is the one described, so the form never has to ask which of two images was meant.
 */
export function DescribeForm({
  active,
  submitting,
  onSubmit,
}: {
  active: boolean;
  submitting: boolean;
  /** The composer validates, submits and reports failures. */
  onSubmit: (body: DescribeRequest) => void;
}) {
  const t = useTranslations("prompt.describe");
  const urlId = useId();
  const urlErrorId = useId();
  const list = useImageList(1);
  const [url, setUrl] = useState("");
  const [brokenPreview, setBrokenPreview] = useState<string | null>(null);
  const { addFiles, addUrl } = list;
  // A new upload replaces a typed URL (and typing a URL removes the upload, below).
  const pick = useMemo(
    () => ({
      addFiles: (files: readonly File[]) => {
        setUrl("");
        addFiles(files);
      },
      addUrl: (dropped: string) => {
        setUrl("");
        addUrl(dropped);
      },
    }),
    [addFiles, addUrl],
  );
  usePastedImages(active, pick);

  const image = list.images[0];
  const trimmedUrl = url.trim();
  const urlInvalid = trimmedUrl !== "" && !isHttpUrl(trimmedUrl);
  const source = image?.src ?? (trimmedUrl && !urlInvalid ? trimmedUrl : null);
  const canSubmit = !submitting && source !== null && list.ready;

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!canSubmit || !source) return;
    onSubmit(source.startsWith("data:") ? { base64: source } : { link: source });
  }

  return (
    <form onSubmit={submit} className="space-y-3">
      <ImageDropZone
        list={pick}
        className="flex flex-col items-center gap-3 rounded-xl border-2 border-dashed border-zinc-300 bg-white p-4 dark:border-zinc-700 dark:bg-zinc-900"
      >
        {/* A fixed box: the preview appearing or changing never moves the fields below. */}
        <div className="relative flex h-48 w-full items-center justify-center overflow-hidden rounded-md bg-zinc-100 sm:h-64 dark:bg-zinc-800">
          {image && !image.src ? (
            <>
              <Loader2 className="size-6 animate-spin text-zinc-500" aria-hidden />
              <span className="sr-only">{t("processing")}</span>
            </>
          ) : source && brokenPreview !== source ? (
            // eslint-disable-next-line @next/next/no-img-element -- a local data URL or a foreign URL next/image is not configured for
            <img
              src={source}
              alt={t("preview")}
              onError={() => setBrokenPreview(source)}
              className="h-full w-full object-contain"
            />
          ) : (
            <p className="flex flex-col items-center gap-2 px-4 text-center text-sm text-zinc-500 dark:text-zinc-400">
              <ImageIcon className="size-6" aria-hidden />
              {source ? t("previewUnavailable") : t("dropHint")}
            </p>
          )}
          {image && (
            <button
              type="button"
              onClick={() => list.remove(image.id)}
              aria-label={t("remove")}
              title={t("remove")}
              className="absolute top-1 right-1 rounded-full bg-black/60 p-1.5 text-white hover:bg-black/80"
            >
              <X className="size-4" aria-hidden />
            </button>
          )}
        </div>
        <ImagePickerButton label={t("file")} list={pick} multiple={false} />
      </ImageDropZone>
      <ImageNotice notice={list.notice} />

      <div className="space-y-1">
        <label htmlFor={urlId} className="text-sm font-medium">
          {t("url")}
        </label>
        <input
          id={urlId}
          type="url"
          inputMode="url"
          placeholder="https://…"
          value={url}
          aria-invalid={urlInvalid}
          aria-describedby={urlErrorId}
          onChange={(event) => {
            setUrl(event.target.value);
            if (image) list.remove(image.id);
          }}
          className={fieldClasses("w-full")}
        />
        <p id={urlErrorId} aria-live="polite" className="min-h-5 text-sm text-red-600 dark:text-red-400">
          {urlInvalid ? t("urlInvalid") : null}
        </p>
      </div>

      <div className="flex justify-end">
        <Button type="submit" variant="primary" disabled={!canSubmit}>
          {submitting ? (
            <Loader2 className="size-4 animate-spin" aria-hidden />
          ) : (
            <ScanText className="size-4" aria-hidden />
          )}
          {t("submit")}
        </Button>
      </div>
    </form>
  );
}
