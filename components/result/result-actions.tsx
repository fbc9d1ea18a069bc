"use client";

import {
  Check,
  Clapperboard,
  Copy,
  Dices,
  Download,
  ImagePlus,
  Loader2,
  Orbit,
  Palette,
  PenLine,
  SquarePen,
} from "lucide-react";
import { useTranslations } from "next-intl";
import { useState, type ButtonHTMLAttributes, type ReactNode } from "react";
import { toast } from "sonner";
import { USE_AS_KINDS, type UseAsKind } from "@/components/create/references";
import type { AnimateFrame } from "@/components/create/video-request";
import type { EditSource } from "@/components/editor/edit-source";
import { Button } from "@/components/ui/button";
import { useImageSeed } from "@/lib/api/mutations";
import { cn } from "@/lib/cn";
import { promptOf, resultMedia } from "@/lib/images/grid";
import type { Task } from "@/lib/mj/task";
import { useMediaDownload } from "./download";

/**
 * Copies text. `navigator.clipboard` exists only in secure contexts, and a self-hosted studio is
 * often opened over plain http on a LAN address, so the old selection-based copy is the fallback.
 */
export async function copyText(text: string): Promise<void> {
  if (navigator.clipboard && window.isSecureContext) {
    await navigator.clipboard.writeText(text);
    return;
  }
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.opacity = "0";
  document.body.append(area);
  area.select();
  const copied = document.execCommand("copy");
  area.remove();
  if (!copied) throw new Error("copy refused");
}

/** The row's look: small, labelled, wraps on a phone. */
export function ActionButton({
  icon,
  children,
  ...props
}: ButtonHTMLAttributes<HTMLButtonElement> & { icon: ReactNode }) {
  return (
    <Button size="sm" {...props}>
      {icon}
      <span>{children}</span>
    </Button>
  );
}

const ICON = "size-3.5";

/** Copies text and says whether it worked. */
export function useCopy() {
  const t = useTranslations("result");
  return async (text: string) => {
    try {
      await copyText(text);
      toast.success(t("copied"));
    } catch {
      toast.error(t("copyFailed"));
    }
  };
}

/** "Seed": asks the upstream for the task's seed, then shows it with a Copy button. */
export function SeedButton({ task }: { task: Task }) {
  const t = useTranslations("result");
  const copy = useCopy();
  const [seed, setSeed] = useState<string | null>(null);
  const seeking = useImageSeed({ onSuccess: setSeed });
  function lookUpSeed() {
    // trueai remembers the seed on the task once anyone asked; no need to ask again.
    if (task.seed) setSeed(task.seed);
    else seeking.mutate(task);
  }
  return seed === null ? (
    <ActionButton
      icon={
        seeking.isPending ? (
          <Loader2 className={cn(ICON, "animate-spin")} aria-hidden />
        ) : (
          <Dices className={ICON} aria-hidden />
        )
      }
      disabled={seeking.isPending}
      aria-busy={seeking.isPending}
      onClick={lookUpSeed}
    >
      {t("seed")}
    </ActionButton>
  ) : (
    <span role="status" className="inline-flex items-center gap-1 text-xs">
      <Check className={cn(ICON, "text-emerald-600")} aria-hidden />
      {t("seed")}
      <code className="rounded bg-zinc-100 px-1 py-0.5 font-mono select-all dark:bg-zinc-800">{seed}</code>
      <ActionButton icon={<Copy className={ICON} aria-hidden />} onClick={() => void copy(seed)}>
        {t("copySeed")}
      </ActionButton>
    </span>
  );
}

const USE_AS_ICONS = { image: ImagePlus, style: Palette, omni: Orbit } as const;

/**
 * What a user does with a result besides pressing Midjourney's buttons: copy or reuse the prompt,
 * reuse the image as an image prompt, a style or an omni reference, animate it, edit it in the
 * Editor, download it, and look up its seed. `children` lets the lightbox add its per-image download
 * to the same row; a video's clips have their own downloads (ClipActions).
 */
export function ResultActions({
  task,
  onUsePrompt,
  onUseAsReference,
  onAnimate,
  image = null,
  onEdit,
  cell = null,
  shortcuts = false,
  children,
}: {
  task: Task;
  onUsePrompt(prompt: string): void;
  onUseAsReference(kind: UseAsKind, imageUrl: string): void;
  /** Hands a still to the video composer as its start frame. */
  onAnimate(frame: AnimateFrame): void;
  /** The image of a grid on view (1-4), which Animate takes; null: the whole result. */
  image?: number | null;
  onEdit(source: EditSource): void;
  /** The image of a grid on view (the lightbox's): Edit… opens that one, else the first. */
  cell?: number | null;
  /** The viewer's single-key shortcuts are on: each button says its key (aria-keyshortcuts). */
  shortcuts?: boolean;
  children?: ReactNode;
}) {
  const t = useTranslations("result");
  const tEditor = useTranslations("editor");
  const tReferences = useTranslations("references");
  const tVideo = useTranslations("video");
  const media = resultMedia(task);
  const still = media?.kind === "image" ? media : null;
  const downloading = useMediaDownload(task, null, still?.animated ? "webp" : "png");
  const copy = useCopy();
  const prompt = promptOf(task);
  // An animated grid or a video is no image prompt Midjourney accepts, nor a start frame.
  const reference = still && !still.animated ? still.src : null;
  // Midjourney animates one image: a grid's is picked in the composer (the one on view, else the first).
  const quadrant = still?.grid ? (image ?? 1) : null;

  return (
    <div role="group" aria-label={t("actions")} className="flex flex-wrap items-center gap-1">
      {prompt && (
        <>
          <ActionButton
            icon={<Copy className={ICON} aria-hidden />}
            aria-keyshortcuts={shortcuts ? "C" : undefined}
            onClick={() => void copy(prompt)}
          >
            {t("copyPrompt")}
          </ActionButton>
          <ActionButton
            icon={<PenLine className={ICON} aria-hidden />}
            aria-keyshortcuts={shortcuts ? "P" : undefined}
            onClick={() => onUsePrompt(prompt)}
          >
            {t("usePrompt")}
          </ActionButton>
        </>
      )}
      {reference &&
        USE_AS_KINDS.map((kind) => {
          const Icon = USE_AS_ICONS[kind];
          return (
            <ActionButton
              key={kind}
              icon={<Icon className={ICON} aria-hidden />}
              onClick={() => onUseAsReference(kind, new URL(reference, window.location.href).href)}
            >
              {tReferences(`use.${kind}`)}
            </ActionButton>
          );
        })}
      {reference && (
        <ActionButton
          icon={<Clapperboard className={ICON} aria-hidden />}
          aria-keyshortcuts={shortcuts ? "A" : undefined}
          onClick={() => onAnimate({ url: reference, sourceTaskId: task.id, quadrant })}
        >
          {image !== null && still?.grid ? tVideo("animateImage", { n: image }) : tVideo("animate")}
        </ActionButton>
      )}
      {reference && media?.kind === "image" && (
        <ActionButton
          icon={<SquarePen className={ICON} aria-hidden />}
          aria-keyshortcuts={shortcuts ? "E" : undefined}
          onClick={() =>
            onEdit({ url: media.src, sourceTaskId: task.id, cell: media.grid ? (cell ?? 1) : null })
          }
        >
          {tEditor("open")}
        </ActionButton>
      )}
      {still && (
        <ActionButton
          icon={
            downloading.isPending ? (
              <Loader2 className={cn(ICON, "animate-spin")} aria-hidden />
            ) : (
              <Download className={ICON} aria-hidden />
            )
          }
          disabled={downloading.isPending}
          aria-busy={downloading.isPending}
          // On a grid the viewer's own "Download image n" takes D: the image on view.
          aria-keyshortcuts={shortcuts && !still.grid ? "D" : undefined}
          onClick={() => downloading.mutate(still.src)}
        >
          {t("download")}
        </ActionButton>
      )}
      {children}
      <SeedButton task={task} />
    </div>
  );
}
