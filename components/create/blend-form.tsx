"use client";

import { Combine, Loader2 } from "lucide-react";
import { useTranslations } from "next-intl";
import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { SegmentedRadio } from "@/components/ui/segmented-radio";
import { BLEND_DIMENSIONS, type BlendRequest } from "@/lib/mj/requests";
import {
  ImageDropZone,
  ImageNotice,
  ImagePickerButton,
  ImageThumbnails,
  useImageList,
  usePastedImages,
} from "./reference-images";

const BLEND_RANGE = { min: 2, max: 5 } as const;

type Dimensions = (typeof BLEND_DIMENSIONS)[number];

/** Blend: 2-5 images (picker, drop, paste) and the output shape. */
export function BlendForm({
  active,
  submitting,
  onSubmit,
}: {
  active: boolean;
  submitting: boolean;
  /** The composer validates, submits and reports failures. */
  onSubmit: (body: BlendRequest) => void;
}) {
  const t = useTranslations("prompt.blend");
  const list = useImageList(BLEND_RANGE.max);
  const [dimensions, setDimensions] = useState<Dimensions>("SQUARE");
  usePastedImages(active, list);

  const count = list.images.length;
  const tooFew = count < BLEND_RANGE.min;
  const canSubmit = !submitting && !tooFew && list.ready;

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!canSubmit) return;
    onSubmit({ base64Array: list.images.flatMap((image) => (image.src ? [image.src] : [])), dimensions });
  }

  return (
    <form onSubmit={submit} className="space-y-3">
      <ImageDropZone
        list={list}
        className="space-y-3 rounded-xl border-2 border-dashed border-zinc-300 bg-white p-3 dark:border-zinc-700 dark:bg-zinc-900"
      >
        <ImageThumbnails list={list} size="size-20 sm:size-24" removeLabel={(n) => t("remove", { n })} />
        <div className="flex flex-wrap items-center gap-x-3 gap-y-2">
          <ImagePickerButton label={t("add")} list={list} disabled={count >= BLEND_RANGE.max} />
          <span className="text-sm text-zinc-600 tabular-nums dark:text-zinc-400">
            {t("count", { count, max: BLEND_RANGE.max })}
          </span>
          <span className="text-sm text-zinc-500 dark:text-zinc-400">{t("dropHint")}</span>
        </div>
      </ImageDropZone>
      {/* The hook's notice (e.g. a sixth image left out) wins over the standing "too few" text. */}
      <ImageNotice notice={list.notice ?? (tooFew ? t("tooFew", { min: BLEND_RANGE.min }) : null)} />

      <SegmentedRadio
        legend={t("dimensions")}
        options={BLEND_DIMENSIONS.map((value) => ({ value, label: t(`dimension.${value}`) }))}
        value={dimensions}
        onChange={setDimensions}
      />

      <div className="flex justify-end">
        <Button type="submit" variant="primary" disabled={!canSubmit}>
          {submitting ? (
            <Loader2 className="size-4 animate-spin" aria-hidden />
          ) : (
            <Combine className="size-4" aria-hidden />
          )}
          {t("submit")}
        </Button>
      </div>
    </form>
  );
}
