"use client";

import { Download, FastForward, Loader2 } from "lucide-react";
import { useTranslations } from "next-intl";
import { useId, useRef, type PointerEvent } from "react";
import type { ExtendTarget } from "@/components/create/video-request";
import { videoPosterUrl } from "@/lib/api/client";
import { cn } from "@/lib/cn";
import { atExtendCap, clipSeconds, extendSource, type VideoClip } from "@/lib/images/grid";
import { VIDEO_EXTEND_CAP_SECONDS } from "@/lib/mj/requests";
import type { Task } from "@/lib/mj/task";
import { useMediaDownload } from "./download";
import { ActionButton } from "./result-actions";

/**
 * A clip's poster still: the media cache's small WebP of that clip when the task lists it, else
 * the task's own thumbnail (a video upscale's is its clip's still).
 */
export function clipPoster(task: Task, clip: VideoClip): string | null {
  return clip.listed ? videoPosterUrl(task.id, clip.index) : task.thumbnailUrl;
}

/** Plays a muted clip without letting a refused play() (a pause came first) become an error. */
function play(video: HTMLVideoElement | null) {
  void video?.play().catch(() => undefined);
}

/**
 * One clip in a feed card: its poster until a pointer rests on it, then it plays, muted and
 * looping, as on midjourney.com. Keyboard focus plays it too; a click opens the large view. Touch
 * has no hover, so there the first tap plays it and the next one opens the large view.
 */
export function ClipTile({
  src,
  poster,
  label,
  openLabel,
  onOpen,
  onDuration,
}: {
  src: string;
  poster: string | null;
  label: string;
  openLabel: string;
  onOpen(): void;
  /** The clip's length once the browser has read it, in seconds. */
  onDuration?(seconds: number): void;
}) {
  const video = useRef<HTMLVideoElement>(null);
  const touched = useRef(false);
  const onMouse = (event: PointerEvent, start: boolean) => {
    if (event.pointerType !== "mouse") return;
    if (start) play(video.current);
    else video.current?.pause();
  };
  return (
    <div
      className="group relative h-full w-full min-w-0 overflow-hidden"
      onPointerEnter={(event) => onMouse(event, true)}
      onPointerLeave={(event) => onMouse(event, false)}
    >
      <video
        ref={video}
        src={src}
        poster={poster ?? undefined}
        aria-label={label}
        muted
        loop
        playsInline
        preload="metadata"
        onLoadedMetadata={(event) => onDuration?.(event.currentTarget.duration)}
        className="h-full w-full object-contain"
      />
      <button
        type="button"
        aria-label={openLabel}
        onPointerDown={(event) => (touched.current = event.pointerType !== "mouse")}
        onFocus={() => play(video.current)}
        onBlur={() => video.current?.pause()}
        onClick={() => {
          const first = touched.current && video.current?.paused;
          touched.current = false;
          if (first) play(video.current);
          else onOpen();
        }}
        className="absolute inset-0 cursor-zoom-in focus-visible:outline-offset-[-3px]"
      />
    </div>
  );
}

/**
 * What a person does with a task's clips: download each as an MP4 named after the prompt, and
 * extend it (the video composer, action extend) until Midjourney's cap, where the button says why
 * it is off. `measured` is a clip's length as the player read it; `parents` the task's lineage.
 */
export function ClipActions({
  task,
  clips,
  numbered,
  measured = null,
  parents,
  onExtend,
}: {
  task: Task;
  clips: VideoClip[];
  /** The task has several clips: each button says which. */
  numbered: boolean;
  measured?: number | null;
  parents?: readonly Task[];
  onExtend(target: ExtendTarget): void;
}) {
  const t = useTranslations("video");
  const reasonId = useId();
  const seconds = clipSeconds(task, { measured, parents });
  const capped = atExtendCap(seconds);
  return (
    <div role="group" aria-label={t("clipActions")} className="flex flex-wrap items-center gap-x-3 gap-y-1">
      {clips.map((clip) => {
        const source = extendSource(task, clip);
        return (
          <ClipButtons
            key={clip.index}
            task={task}
            clip={clip}
            numbered={numbered}
            capped={capped}
            reasonId={reasonId}
            onExtend={source && (() => onExtend({ ...source, poster: clipPoster(task, clip), seconds }))}
          />
        );
      })}
      {capped && (
        <p id={reasonId} className="w-full text-xs text-zinc-600 dark:text-zinc-400">
          {t("atCap", { max: VIDEO_EXTEND_CAP_SECONDS })}
        </p>
      )}
    </div>
  );
}

const ICON = "size-3.5";

function ClipButtons({
  task,
  clip,
  numbered,
  capped,
  reasonId,
  onExtend,
}: {
  task: Task;
  clip: VideoClip;
  numbered: boolean;
  capped: boolean;
  reasonId: string;
  /** Null when the clip's place in a VIDEO task is unknown: its own Extend buttons remain. */
  onExtend: (() => void) | null;
}) {
  const t = useTranslations("video");
  const n = clip.index + 1;
  const download = useMediaDownload(task, numbered ? `clip-${n}` : null, "mp4");
  return (
    <span className="inline-flex flex-wrap items-center gap-1">
      {numbered && (
        <span className="text-xs font-medium text-zinc-600 dark:text-zinc-400">{t("clipN", { n })}</span>
      )}
      <ActionButton
        icon={
          download.isPending ? (
            <Loader2 className={cn(ICON, "animate-spin")} aria-hidden />
          ) : (
            <Download className={ICON} aria-hidden />
          )
        }
        aria-label={numbered ? t("downloadClip", { n }) : undefined}
        disabled={download.isPending}
        aria-busy={download.isPending}
        onClick={() => download.mutate(clip.url)}
      >
        {numbered ? "MP4" : t("download")}
      </ActionButton>
      {onExtend && (
        <ActionButton
          icon={<FastForward className={ICON} aria-hidden />}
          aria-label={numbered ? t("extendClip", { n }) : undefined}
          disabled={capped}
          aria-describedby={capped ? reasonId : undefined}
          onClick={onExtend}
        >
          {numbered ? t("extendShort") : t("extend")}
        </ActionButton>
      )}
    </span>
  );
}
