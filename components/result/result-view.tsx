"use client";

import { Maximize2 } from "lucide-react";
import { useTranslations } from "next-intl";
import { cn } from "@/lib/cn";
import { PROMPT_PREVIEW_CHARS, promptOf, resultMedia, truncateText } from "@/lib/images/grid";
import type { Task } from "@/lib/mj/task";
import { ClipTile, clipPoster } from "./clip-player";

/** Controls over the media appear on hover or keyboard focus, so the result itself stays clean. */
const REVEAL = "opacity-0 transition-opacity group-hover:opacity-100 focus-visible:opacity-100";

const CHIP =
  "pointer-events-auto inline-flex items-center gap-1 rounded-full bg-black/60 px-2.5 py-1 text-xs font-semibold text-white shadow hover:bg-black/80";

/**
 * The finished media inside a task card. The card reserves the box (aspect ratio) from submit on,
 * so everything here is absolutely positioned and object-contain: nothing moves when it loads. A
 * video task's clips (1, 2 or 4) each get a player of their own, which plays on hover.
 */
export function ResultView({
  task,
  onOpen,
  onDuration,
}: {
  task: Task;
  /** Opens the large view at image or clip `index` (1-based), or at the whole result. */
  onOpen(index: number | null): void;
  /** A clip's length, once a player has read it. */
  onDuration?(seconds: number): void;
}) {
  const t = useTranslations("result");
  const tVideo = useTranslations("video");
  const media = resultMedia(task);
  if (!media) return null;
  const alt = truncateText(promptOf(task) || t("untitled"), PROMPT_PREVIEW_CHARS);

  if (media.kind === "video") {
    const { clips } = media;
    const several = clips.length > 1;
    return (
      <div
        className={cn(
          "absolute inset-0 grid gap-0.5",
          several && "grid-cols-2",
          clips.length > 2 && "grid-rows-2",
        )}
      >
        {clips.map((clip) => {
          const n = clip.index + 1;
          return (
            <ClipTile
              key={clip.index}
              src={clip.url}
              poster={clipPoster(task, clip)}
              label={several ? tVideo("clipLabel", { n, prompt: alt }) : alt}
              openLabel={several ? tVideo("openClip", { n }) : t("open")}
              onOpen={() => onOpen(several ? n : null)}
              onDuration={onDuration}
            />
          );
        })}
      </div>
    );
  }

  return (
    <div className="group absolute inset-0">
      {/* eslint-disable-next-line @next/next/no-img-element -- the app's media route serves and caches it */}
      <img src={media.src} alt={alt} className="h-full w-full object-contain" />
      {/* The image is a sibling, not a child, so it stays an img with its alt in the accessibility tree. */}
      <button
        type="button"
        onClick={() => onOpen(null)}
        aria-label={t("open")}
        className="absolute inset-0 cursor-zoom-in focus-visible:outline-offset-[-3px]"
      />
      {media.grid && (
        <div className="pointer-events-none absolute inset-0 grid grid-cols-2 grid-rows-2">
          {[1, 2, 3, 4].map((n) => (
            <div key={n} className="flex items-center justify-center">
              {/* Invisible chips must not catch taps on touch screens: a tap anywhere opens the
                  lightbox, whose tabs reach each image. */}
              <button
                type="button"
                onClick={() => onOpen(n)}
                aria-label={t("openImage", { n })}
                className={cn(CHIP, REVEAL, "[@media(hover:none)]:pointer-events-none")}
              >
                <Maximize2 className="size-3.5" aria-hidden />
                {n}
              </button>
            </div>
          ))}
        </div>
      )}
    </div>
  );
}
