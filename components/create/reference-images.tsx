"use client";

import { ImagePlus, Loader2, X } from "lucide-react";
import { useTranslations } from "next-intl";
import { useCallback, useEffect, useRef, useState, type DragEvent, type ReactNode } from "react";
import { buttonClasses } from "@/components/ui/button";
import { cn } from "@/lib/cn";
import { downscaleImage, IMAGE_ACCEPT, ImageFileError, type ImageErrorCode } from "@/lib/images/downscale";

/**
 * Image picking shared by the three modes (reference images, Describe, Blend): one list hook, one
 * picker, one drop zone, one paste listener, one thumbnail strip. Every image goes through
 * `downscaleImage`, so whatever the source, the request carries a small data URL.
 */

export interface PickedImage {
  id: string;
  /** What is sent and shown: a data URL, or an http(s) URL the browser could not read (CORS). */
  src: string | null;
  name: string;
}

export interface ImageList {
  images: PickedImage[];
  max: number;
  /** Every image is ready (none still being downscaled). */
  ready: boolean;
  /** The latest problem (unreadable file, too many images), shown next to the picker. */
  notice: string | null;
  addFiles(files: readonly File[]): void;
  /** A URL from elsewhere in the app (same-origin media), a data URL or any http(s) URL. */
  addUrl(url: string): void;
  remove(id: string): void;
}

const ERROR_KEYS: Record<ImageErrorCode, "unsupportedType" | "unreadable" | "tooLarge"> = {
  "unsupported-type": "unsupportedType",
  unreadable: "unreadable",
  "too-large": "tooLarge",
};

let nextId = 0;

/**
 * A bounded list of picked images. With `max` 1 a new pick replaces the current one (Describe);
 * otherwise picks beyond `max` are left out with a notice rather than silently dropped.
 */
export function useImageList(max: number): ImageList {
  const t = useTranslations("prompt.images");
  const [images, setImages] = useState<PickedImage[]>([]);
  const [notice, setNotice] = useState<string | null>(null);
  // Picks can arrive faster than renders (a paste right after a drop): count against the latest list.
  const count = useRef(0);
  useEffect(() => {
    count.current = images.length;
  }, [images]);

  const start = useCallback(
    (sources: { name: string; load: () => Promise<string> }[]) => {
      const replace = max === 1;
      const free = replace ? 1 : Math.max(0, max - count.current);
      const taken = sources.slice(0, free).map((source) => ({ ...source, id: `image-${++nextId}` }));
      const left = sources.length - taken.length;
      setNotice(left > 0 ? t("errors.tooMany", { max, count: left }) : null);
      if (taken.length === 0) return;
      count.current = replace ? 1 : count.current + taken.length;
      const placeholders = taken.map(({ id, name }) => ({ id, name, src: null }));
      setImages((current) => (replace ? placeholders : [...current, ...placeholders]));
      for (const { id, name, load } of taken) {
        load().then(
          (src) =>
            setImages((current) => current.map((image) => (image.id === id ? { ...image, src } : image))),
          (error: unknown) => {
            setImages((current) => current.filter((image) => image.id !== id));
            const key = error instanceof ImageFileError ? ERROR_KEYS[error.code] : "unreadable";
            setNotice(t(`errors.${key}`, { name }));
          },
        );
      }
    },
    [max, t],
  );

  const addFiles = useCallback(
    (files: readonly File[]) =>
      start(files.map((file) => ({ name: file.name, load: () => downscaleImage(file) }))),
    [start],
  );

  const addUrl = useCallback(
    (url: string) =>
      start([
        {
          name: (!url.startsWith("data:") && url.split(/[?#]/)[0]?.split("/").pop()) || t("unnamed"),
          load: async () => {
            // Bytes already (an image prompt the upstream could not host, downscaled on the way);
            // the page's CSP (connect-src 'self') would refuse to fetch it anyway.
            if (url.startsWith("data:")) return url;
            try {
              const response = await fetch(url);
              if (!response.ok) throw new Error(`HTTP ${response.status}`);
              return await downscaleImage(await response.blob());
            } catch (error) {
              if (error instanceof ImageFileError) throw error;
              // A foreign image the browser may not read (CORS) is still one the upstream can fetch.
              const absolute = new URL(url, window.location.href);
              if (/^https?:$/.test(absolute.protocol) && absolute.origin !== window.location.origin)
                return url;
              throw error;
            }
          },
        },
      ]),
    [start, t],
  );

  const remove = useCallback((id: string) => {
    setImages((current) => current.filter((image) => image.id !== id));
    setNotice(null);
  }, []);

  return {
    images,
    max,
    ready: images.every((image) => image.src !== null),
    notice,
    addFiles,
    addUrl,
    remove,
  };
}

/** Every file a drop or paste carries: non-images are passed on too, so the user is told why they fail. */
function filesOf(data: DataTransfer | null): File[] {
  return data ? Array.from(data.files) : [];
}

function carriesFiles(data: DataTransfer | null): boolean {
  return !!data && Array.from(data.types).includes("Files");
}

/**
 * The images a paste carries, or none when text should win: inside text fields, since copying
 * from a word processor puts both text and a picture of it on the clipboard.
 */
export function pastedImageFiles(event: Pick<ClipboardEvent, "clipboardData" | "target">): File[] {
  const files = filesOf(event.clipboardData);
  if (files.length === 0) return [];
  const target = event.target instanceof HTMLElement ? event.target : null;
  const inTextField = !!target?.closest("input, textarea, [contenteditable='true']");
  return inTextField && event.clipboardData?.types.includes("text/plain") ? [] : files;
}

/**
 * Pasting an image anywhere on the page adds it to the active mode's list, unless something nearer
 * the target took the paste (a reference bin with the focus) and said so with preventDefault.
 */
export function usePastedImages(active: boolean, list: Pick<ImageList, "addFiles">) {
  const { addFiles } = list;
  useEffect(() => {
    if (!active) return;
    function onPaste(event: ClipboardEvent) {
      if (event.defaultPrevented) return;
      const files = pastedImageFiles(event);
      if (files.length === 0) return;
      event.preventDefault();
      addFiles(files);
    }
    document.addEventListener("paste", onPaste);
    return () => document.removeEventListener("paste", onPaste);
  }, [active, addFiles]);
}

/**
 * Accepts dropped files, and images dragged from the app's own feed (those carry a URL, not a file).
 * The highlight counts enter/leave pairs, since moving over a child fires leave on the parent. A
 * drop that a zone inside this one took (preventDefault) is left to it.
 */
export function ImageDropZone({
  list,
  onDragChange,
  className,
  children,
}: {
  list: Pick<ImageList, "addFiles" | "addUrl">;
  /** A drag of something droppable entered the zone (true), or left it or was dropped (false). */
  onDragChange?: (over: boolean) => void;
  className?: string;
  children: ReactNode;
}) {
  const [depth, setDepth] = useState(0);
  const acceptsDrag = (event: DragEvent) =>
    carriesFiles(event.dataTransfer) || event.dataTransfer.types.includes("text/uri-list");

  return (
    <div
      className={cn(className, depth > 0 && "ring-2 ring-sky-500 ring-offset-2 dark:ring-offset-zinc-950")}
      onDragEnter={(event) => {
        if (!acceptsDrag(event)) return;
        event.preventDefault();
        if (depth === 0) onDragChange?.(true);
        setDepth((value) => value + 1);
      }}
      onDragOver={(event) => {
        if (!acceptsDrag(event)) return;
        event.preventDefault();
        event.dataTransfer.dropEffect = "copy";
      }}
      onDragLeave={(event) => {
        if (!acceptsDrag(event)) return;
        if (depth === 1) onDragChange?.(false);
        setDepth((value) => Math.max(0, value - 1));
      }}
      onDrop={(event) => {
        if (depth > 0) onDragChange?.(false);
        setDepth(0);
        if (event.defaultPrevented || !acceptsDrag(event)) return;
        event.preventDefault();
        const files = filesOf(event.dataTransfer);
        if (files.length > 0) return list.addFiles(files);
        const url = event.dataTransfer
          .getData("text/uri-list")
          .split(/\r?\n/)
          .find((line) => line && !line.startsWith("#"));
        if (url) list.addUrl(url);
      }}
    >
      {children}
    </div>
  );
}

/**
 * A file picker with a visible label. The input stays in the tab order (visually hidden, not
 * `display:none`), so keyboard users reach it and the label shows its focus ring.
 */
export function ImagePickerButton({
  label,
  ariaLabel,
  list,
  multiple = true,
  disabled = false,
}: {
  label: string;
  /** The picker's name where several share one visible label; it should begin with that label. */
  ariaLabel?: string;
  list: Pick<ImageList, "addFiles">;
  multiple?: boolean;
  disabled?: boolean;
}) {
  return (
    <label
      className={buttonClasses({
        className: [
          "min-h-9 cursor-pointer has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-offset-2 has-[:focus-visible]:outline-sky-500",
          disabled && "cursor-not-allowed opacity-60",
        ],
      })}
    >
      <ImagePlus className="size-4 shrink-0" aria-hidden />
      <span>{label}</span>
      <input
        type="file"
        accept={IMAGE_ACCEPT}
        multiple={multiple}
        disabled={disabled}
        aria-label={ariaLabel}
        className="sr-only"
        onChange={(event) => {
          list.addFiles(Array.from(event.target.files ?? []));
          // Cleared so picking the same file again (after removing it) fires change again.
          event.target.value = "";
        }}
      />
    </label>
  );
}

/** Removable thumbnails; a placeholder spins while an image is being downscaled. */
export function ImageThumbnails({
  list,
  removeLabel,
  size = "size-16",
}: {
  list: Pick<ImageList, "images" | "remove">;
  removeLabel: (n: number) => string;
  size?: string;
}) {
  const t = useTranslations("prompt.images");
  if (list.images.length === 0) return null;
  return (
    <ul className="flex flex-wrap gap-2">
      {list.images.map((image, index) => (
        <li
          key={image.id}
          className={cn("relative shrink-0 overflow-hidden rounded-md bg-zinc-200 dark:bg-zinc-800", size)}
        >
          {image.src ? (
            // eslint-disable-next-line @next/next/no-img-element -- a local data URL, nothing for next/image to optimise
            <img src={image.src} alt={image.name} className="h-full w-full object-cover" />
          ) : (
            <span className="flex h-full w-full items-center justify-center">
              <Loader2 className="size-5 animate-spin text-zinc-500" aria-hidden />
              <span className="sr-only">{t("processing", { name: image.name })}</span>
            </span>
          )}
          <button
            type="button"
            onClick={() => list.remove(image.id)}
            aria-label={removeLabel(index + 1)}
            title={removeLabel(index + 1)}
            className="absolute top-0.5 right-0.5 rounded-full bg-black/60 p-1 text-white hover:bg-black/80"
          >
            <X className="size-3.5" aria-hidden />
          </button>
        </li>
      ))}
    </ul>
  );
}

/** Where an image list's notice is read out; the line is reserved so a notice moves nothing. */
export function ImageNotice({ notice }: { notice: string | null }) {
  return (
    <p aria-live="polite" className="min-h-5 text-sm text-red-600 dark:text-red-400">
      {notice}
    </p>
  );
}
