"use client";

import { Maximize2 } from "lucide-react";
import { useTranslations } from "next-intl";
import { cn } from "@/lib/cn";
import { PROMPT_PREVIEW_CHARS, promptOf, resultMedia, truncateText } from "@/lib/images/grid";
import type { Task } from "@/lib/mj/task";

/** Controls over the media appear on hover or keyboard focus, so the result itself stays clean. */
const REVEAL = "opacity-0 transition-opacity group-hover:opacity-100 focus-visible:opacity-100";

const CHIP =
  "pointer-events-auto inline-flex items-center gap-1 rounded-full bg-black/60 px-2.5 py-1 text-xs font-semibold text-white shadow hover:bg-black/80";

/**
 * The finished media inside a task card. The card reserves the box (aspect ratio) from submit on,
 * so everything here is absolutely positioned and object-contain: nothing moves when it loads.
 */
export function ResultView({ task, onOpen }: { task: Task; onOpen(index: number | null): void }) {
  const t = useTranslations("result");
  const media = resultMedia(task);
  if (!media) return null;
  const alt = truncateText(promptOf(task) || t("untitled"), PROMPT_PREVIEW_CHARS);

  if (media.kind === "video") {
    return (
      <div className="group absolute inset-0">
        <video
          src={media.src}
          poster={media.poster ?? undefined}
          aria-label={alt}
          muted
          loop
          playsInline
          controls
          autoPlay
          className="h-full w-full object-contain"
        />
        {/* A corner button, not an overlay: the video's own controls must stay clickable. Touch
            screens have no hover to reveal it and no other way in, so there it always shows. */}
        <button
          type="button"
          onClick={() => onOpen(null)}
          aria-label={t("open")}
          className={cn("absolute top-2 right-2", CHIP, REVEAL, "[@media(hover:none)]:opacity-100")}
        >
          <Maximize2 className="size-3.5" aria-hidden />
        </button>
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
