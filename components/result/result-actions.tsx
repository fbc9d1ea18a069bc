"use client";

import { Check, Copy, Dices, Download, ImagePlus, Loader2, PenLine } from "lucide-react";
import { useTranslations } from "next-intl";
import { useState, type ButtonHTMLAttributes, type ReactNode } from "react";
import { toast } from "sonner";
import { fetchJson } from "@/lib/api/fetch-json";
import { apiErrorSchema } from "@/lib/http/errors";
import { downloadName, extensionFor, promptOf, resultMedia } from "@/lib/images/grid";
import { submitResultSchema, SUBMIT_CODE } from "@/lib/mj/envelope";
import type { Task } from "@/lib/mj/task";

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

/** Saves a blob under a name: `<a download>` only names files of the page's own origin or blobs. */
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  // Revoking at once can cancel the download in some browsers before it has read the blob.
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

/**
 * Downloads one of the task's media files through the app's own URL (never the upstream's, which
 * expires and would reveal where it came from), named after the prompt and typed by what arrived.
 */
export async function downloadMedia(
  task: Task,
  url: string,
  suffix: string | null,
  fallbackExt: string,
): Promise<void> {
  const response = await fetch(url);
  if (!response.ok) {
    const body: unknown = await response.json().catch(() => null);
    const parsed = apiErrorSchema.safeParse(body);
    throw new Error(parsed.success ? parsed.data.error.message : `HTTP ${response.status}`);
  }
  const blob = await response.blob();
  saveBlob(blob, downloadName(task, suffix, extensionFor(blob.type, fallbackExt)));
}

/** The row's look: small, labelled, wraps on a phone. */
export function ActionButton({
  icon,
  children,
  ...props
}: ButtonHTMLAttributes<HTMLButtonElement> & { icon: ReactNode }) {
  return (
    <button
      type="button"
      className="inline-flex items-center gap-1 rounded-md border border-zinc-300 px-2 py-1 text-xs font-medium hover:bg-zinc-100 disabled:opacity-60 dark:border-zinc-700 dark:hover:bg-zinc-800"
      {...props}
    >
      {icon}
      <span>{children}</span>
    </button>
  );
}

const ICON = "size-3.5";

/**
 * What a user does with a result besides pressing Midjourney's buttons: copy or reuse the prompt,
 * reuse the image as a reference, download it, and look up its seed. `children` lets the lightbox
 * add its per-image download to the same row.
 */
export function ResultActions({
  task,
  onUsePrompt,
  onUseAsReference,
  children,
}: {
  task: Task;
  onUsePrompt(prompt: string): void;
  onUseAsReference(imageUrl: string): void;
  children?: ReactNode;
}) {
  const t = useTranslations("result");
  const [downloading, setDownloading] = useState(false);
  const [seed, setSeed] = useState<string | null>(null);
  const [seedLoading, setSeedLoading] = useState(false);
  const prompt = promptOf(task);
  const media = resultMedia(task);
  // An animated grid or a video is no image prompt Midjourney accepts.
  const reference = media?.kind === "image" && !media.animated ? media.src : null;

  async function copy(text: string) {
    try {
      await copyText(text);
      toast.success(t("copied"));
    } catch {
      toast.error(t("copyFailed"));
    }
  }

  async function download() {
    if (!media) return;
    setDownloading(true);
    try {
      await downloadMedia(
        task,
        media.src,
        null,
        media.kind === "video" ? "mp4" : media.animated ? "webp" : "png",
      );
    } catch (error) {
      toast.error(t("downloadFailed", { message: error instanceof Error ? error.message : String(error) }));
    } finally {
      setDownloading(false);
    }
  }

  async function lookUpSeed() {
    // trueai remembers the seed on the task once anyone asked; no need to ask again.
    if (task.seed) {
      setSeed(task.seed);
      return;
    }
    setSeedLoading(true);
    try {
      const parsed = submitResultSchema.safeParse(
        await fetchJson(`/api/mj/task/${encodeURIComponent(task.id)}/image-seed`),
      );
      if (!parsed.success) toast.error(t("seedFailed"));
      else if (parsed.data.code !== SUBMIT_CODE.success || typeof parsed.data.result !== "string") {
        // The upstream's reason (`未找到 seed`, …) is its own words: a detail under the app's.
        const detail = parsed.data.description.trim();
        toast.error(t("seedFailed"), detail ? { description: detail } : undefined);
      } else setSeed(parsed.data.result);
    } catch (error) {
      toast.error(error instanceof Error ? error.message : t("seedFailed"));
    } finally {
      setSeedLoading(false);
    }
  }

  return (
    <div role="group" aria-label={t("actions")} className="flex flex-wrap items-center gap-1">
      {prompt && (
        <>
          <ActionButton icon={<Copy className={ICON} aria-hidden />} onClick={() => void copy(prompt)}>
            {t("copyPrompt")}
          </ActionButton>
          <ActionButton icon={<PenLine className={ICON} aria-hidden />} onClick={() => onUsePrompt(prompt)}>
            {t("usePrompt")}
          </ActionButton>
        </>
      )}
      {reference && (
        <ActionButton
          icon={<ImagePlus className={ICON} aria-hidden />}
          onClick={() => onUseAsReference(new URL(reference, window.location.href).href)}
        >
          {t("useAsReference")}
        </ActionButton>
      )}
      {media && (
        <ActionButton
          icon={
            downloading ? (
              <Loader2 className={`${ICON} animate-spin`} aria-hidden />
            ) : (
              <Download className={ICON} aria-hidden />
            )
          }
          disabled={downloading}
          aria-busy={downloading}
          onClick={() => void download()}
        >
          {t("download")}
        </ActionButton>
      )}
      {children}
      {seed === null ? (
        <ActionButton
          icon={
            seedLoading ? (
              <Loader2 className={`${ICON} animate-spin`} aria-hidden />
            ) : (
              <Dices className={ICON} aria-hidden />
            )
          }
          disabled={seedLoading}
          aria-busy={seedLoading}
          onClick={() => void lookUpSeed()}
        >
          {t("seed")}
        </ActionButton>
      ) : (
        <span role="status" className="inline-flex items-center gap-1 text-xs">
          <Check className={`${ICON} text-emerald-600`} aria-hidden />
          {t("seed")}
          <code className="rounded bg-zinc-100 px-1 py-0.5 font-mono select-all dark:bg-zinc-800">
            {seed}
          </code>
          <ActionButton icon={<Copy className={ICON} aria-hidden />} onClick={() => void copy(seed)}>
            {t("copySeed")}
          </ActionButton>
        </span>
      )}
    </div>
  );
}
