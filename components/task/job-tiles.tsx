"use client";

import {
  Clapperboard,
  Download,
  ImagePlus,
  Loader2,
  MoreHorizontal,
  Orbit,
  Palette,
  SquarePen,
} from "lucide-react";
import { useTranslations } from "next-intl";
import { useState, type ButtonHTMLAttributes, type ReactNode } from "react";
import { USE_AS_KINDS } from "@/components/create/references";
import { useMediaDownload } from "@/components/result/download";
import { cn } from "@/lib/cn";
import { PROMPT_PREVIEW_CHARS, promptOf, truncateText } from "@/lib/images/grid";
import type { JobImage } from "@/lib/images/job-images";
import { imageButtons, type ButtonInfo } from "@/lib/mj/buttons";
import type { Task } from "@/lib/mj/task";
import { aspectRatioOf } from "@/lib/mj/task-view";
import { BUTTON_ICONS } from "./button-icon";
import type { TaskCardHandlers } from "./task-card";
import { useTaskWords } from "./task-words";

const USE_AS_ICONS = { image: ImagePlus, style: Palette, omni: Orbit } as const;

/**
 * A finished job's images side by side, as midjourney.com shows them (four in a row where the card
 * is wide, 2x2 where it is narrow), each keeping the job's aspect ratio. A tile opens the large
 * view at its image; its actions (that image's U and V, Animate, Edit, reuse, Download) appear on
 * hover or keyboard focus, and on a touch screen behind a visible "…" button.
 */
export function JobTiles({
  task,
  images,
  infos,
  busy,
  handlers,
}: {
  task: Task;
  images: JobImage[];
  /** The job's buttons, described (a grid image's U n and V n are picked from these). */
  infos: ButtonInfo[];
  busy: string | null;
  handlers: TaskCardHandlers;
}) {
  const several = images.length > 1;
  return (
    <ul
      className={cn(
        "grid gap-0.5 bg-zinc-200 dark:bg-zinc-800",
        several ? "grid-cols-2 @sm:grid-cols-4" : "grid-cols-1",
      )}
    >
      {images.map((image) => (
        <li key={image.n ?? 0}>
          <Tile task={task} image={image} infos={infos} busy={busy} handlers={handlers} />
        </li>
      ))}
    </ul>
  );
}

const ACTION =
  "inline-flex size-8 items-center justify-center rounded-full bg-black/60 text-white shadow hover:bg-black/80 disabled:opacity-50 focus-visible:outline-2 focus-visible:outline-sky-400";

function TileAction({
  label,
  children,
  ...props
}: ButtonHTMLAttributes<HTMLButtonElement> & { label: string }) {
  return (
    <button type="button" aria-label={label} title={label} className={ACTION} {...props}>
      {children}
    </button>
  );
}

function Tile({
  task,
  image,
  infos,
  busy,
  handlers,
}: {
  task: Task;
  image: JobImage;
  infos: ButtonInfo[];
  busy: string | null;
  handlers: TaskCardHandlers;
}) {
  const t = useTranslations("task.tile");
  const tResult = useTranslations("result");
  const tReferences = useTranslations("references");
  const tVideo = useTranslations("video");
  const tEditor = useTranslations("editor");
  const words = useTaskWords();
  const { n } = image;
  // A tap on a touch screen cannot hover: the "…" button shows the actions until tapped again.
  const [revealed, setRevealed] = useState(false);
  const downloading = useMediaDownload(task, n === null ? null : String(n), "png");
  const prompt = truncateText(promptOf(task) || tResult("untitled"), PROMPT_PREVIEW_CHARS);
  const alt = n === null ? prompt : tResult("quadrantAlt", { n, prompt });
  const absolute = (src: string) => new URL(src, window.location.href).href;
  // Animate and the Editor take the grid and the image's number (they cut it out themselves).
  const whole = n === null ? image.src : (task.imageUrl ?? image.src);
  const icon = "size-4";

  const own = n === null ? [] : imageButtons(infos, n);
  const buttonLabel = (info: ButtonInfo): string => {
    if (info.variant === "grid") return t(info.kind === "upscale" ? "upscale" : "vary", { n: n ?? 1 });
    return t("variant", { name: words.button(info), n: n ?? 1 });
  };

  const actions: ReactNode[] = [
    ...own.map((info) => {
      const Icon = BUTTON_ICONS[info.icon];
      return (
        <TileAction
          key={info.customId}
          label={buttonLabel(info)}
          disabled={busy !== null}
          aria-busy={busy === info.customId}
          onClick={() => handlers.onPress(task, info)}
        >
          <Icon className={icon} aria-hidden />
        </TileAction>
      );
    }),
    <TileAction
      key="animate"
      label={n === null ? tVideo("animate") : t("animate", { n })}
      onClick={() => handlers.onAnimate({ url: whole, sourceTaskId: task.id, quadrant: n })}
    >
      <Clapperboard className={icon} aria-hidden />
    </TileAction>,
    <TileAction
      key="edit"
      label={n === null ? tEditor("open") : t("edit", { n })}
      onClick={() => handlers.onEdit({ url: whole, sourceTaskId: task.id, cell: n })}
    >
      <SquarePen className={icon} aria-hidden />
    </TileAction>,
    ...USE_AS_KINDS.map((kind) => {
      const Icon = USE_AS_ICONS[kind];
      return (
        <TileAction
          key={kind}
          label={n === null ? tReferences(`use.${kind}`) : t(`useAs.${kind}`, { n })}
          onClick={() => handlers.onUseAsReference(kind, absolute(image.src))}
        >
          <Icon className={icon} aria-hidden />
        </TileAction>
      );
    }),
    <TileAction
      key="download"
      label={n === null ? tResult("download") : t("download", { n })}
      disabled={downloading.isPending}
      aria-busy={downloading.isPending}
      onClick={() => downloading.mutate(image.src)}
    >
      {downloading.isPending ? (
        <Loader2 className={cn(icon, "animate-spin")} aria-hidden />
      ) : (
        <Download className={icon} aria-hidden />
      )}
    </TileAction>,
  ];

  return (
    <div
      role="group"
      aria-label={n === null ? prompt : t("image", { n })}
      className="group/tile relative w-full overflow-hidden bg-zinc-200 dark:bg-zinc-800"
      style={{ aspectRatio: String(aspectRatioOf(task)) }}
    >
      {/* eslint-disable-next-line @next/next/no-img-element -- the app's media route serves and caches it */}
      <img src={image.thumb} alt={alt} loading="lazy" className="h-full w-full object-cover" />
      {/* A sibling of the image, not its parent, so the image stays an img with its alt. */}
      <button
        type="button"
        onClick={() => handlers.onOpen(task, n)}
        aria-label={n === null ? t("openSingle") : t("open", { n })}
        className="absolute inset-0 cursor-zoom-in focus-visible:outline-offset-[-3px]"
      />
      <div
        role="toolbar"
        aria-label={n === null ? t("revealSingle") : t("reveal", { n })}
        className={cn(
          "absolute inset-x-0 bottom-0 flex flex-wrap justify-end gap-1 bg-gradient-to-t from-black/50 to-transparent p-1.5 pt-4 transition-opacity",
          "opacity-0 group-focus-within/tile:opacity-100 group-hover/tile:opacity-100",
          // Without hover, invisible buttons must not catch the taps that open the image.
          "[@media(hover:none)]:pointer-events-none",
          revealed && "opacity-100 [@media(hover:none)]:pointer-events-auto",
        )}
      >
        {actions}
      </div>
      <button
        type="button"
        aria-label={n === null ? t("revealSingle") : t("reveal", { n })}
        aria-expanded={revealed}
        onClick={() => setRevealed((shown) => !shown)}
        className={cn(ACTION, "absolute top-1.5 right-1.5 hidden [@media(hover:none)]:inline-flex")}
      >
        <MoreHorizontal className={icon} aria-hidden />
      </button>
    </div>
  );
}
