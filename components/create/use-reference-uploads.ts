"use client";

import { useTranslations } from "next-intl";
import { useCallback, useRef, useState } from "react";
import { fetchMedia, uploadImages } from "@/lib/api/client";
import { useErrorText } from "@/lib/api/error-text";
import { ApiError } from "@/lib/api/fetch-json";
import { downscaleImage, ImageFileError, type ImageErrorCode } from "@/lib/images/downscale";
import { previewsInPrompt, type ImageReferenceKind } from "./references";

/**
 * Local images on their way to becoming references. Midjourney takes references as public URLs in
 * the prompt, so a file, a pasted picture or one of the app's own images is downscaled and then
 * hosted by the upstream (`upload-discord-images`); the URL it answers goes into the prompt. Until
 * then the image waits here as a chip of its bin, and the composer holds the submit.
 */

export interface PendingReference {
  id: string;
  kind: ImageReferenceKind;
  name: string;
  /** The downscaled data URL once ready: the chip's picture, and what is uploaded. */
  dataUrl: string | null;
  state: "preparing" | "uploading" | "failed";
  /** Why it failed, in the user's language. */
  error: string | null;
  /** Whether trying again could help (not after "this upstream cannot host files"). */
  retryable: boolean;
}

export interface ReferencePreview {
  /** The downscaled data URL. */
  src: string;
  /** The file's name, for the chip's alt text (a hosted URL means nothing to a listener). */
  name: string;
}

export interface ReferenceUploads {
  pending: PendingReference[];
  /** Hosted URL -> the local picture it was made from and its name, so chips show the image, not a link. */
  previews: ReadonlyMap<string, ReferencePreview>;
  /** The upstream answered that it cannot host local files (ApiError `not_supported`). */
  unsupported: boolean;
  /** Some image is still being prepared or uploaded: the prompt is not final yet. */
  busy: boolean;
  addFiles(kind: ImageReferenceKind, files: readonly File[]): void;
  /** An image that must be hosted first: a data URL, or the app's own media URL. */
  addLocalUrl(kind: ImageReferenceKind, url: string): void;
  /** An image made on the way (one image cut out of a grid): downscaled and hosted like a file. */
  addBlob(kind: ImageReferenceKind, name: string, load: () => Promise<Blob>): void;
  retry(id: string): void;
  remove(id: string): void;
}

const FILE_ERROR_KEYS: Record<ImageErrorCode, "unsupportedType" | "unreadable" | "tooLarge"> = {
  "unsupported-type": "unsupportedType",
  unreadable: "unreadable",
  "too-large": "tooLarge",
};

let nextId = 0;

/** A data URL's bytes, decoded here: the page's CSP (connect-src 'self') refuses fetch("data:…"). */
function dataUrlBlob(url: string): Blob {
  const comma = url.indexOf(",");
  const type = /^data:([^;,]*)/.exec(url)?.[1] ?? "";
  const binary = atob(url.slice(comma + 1));
  return new Blob([Uint8Array.from(binary, (c) => c.charCodeAt(0))], { type });
}

export function useReferenceUploads({
  prompt,
  onHosted,
  onInline,
}: {
  /** The prompt the hosted URLs go into: a picture whose URL left it is dropped. */
  prompt: string;
  /** Writes a hosted URL into the prompt as a reference of `kind`. */
  onHosted(kind: ImageReferenceKind, url: string): void;
  /**
   * An image prompt the upstream cannot host: sent inline (base64) with the imagine instead.
   * Other kinds have no inline form; they stay here, failed, with the reason.
   */
  onInline(dataUrl: string, name: string): void;
}): ReferenceUploads {
  const t = useTranslations("references");
  const tImages = useTranslations("prompt.images");
  const errorText = useErrorText();
  const [pending, setPending] = useState<PendingReference[]>([]);
  const [previews, setPreviews] = useState<ReadonlyMap<string, ReferencePreview>>(new Map());
  // Edited or removed from the prompt, a URL's picture goes with it: the map is no larger than the prompt.
  const [prunedFor, setPrunedFor] = useState(prompt);
  if (prunedFor !== prompt) {
    setPrunedFor(prompt);
    setPreviews((current) => previewsInPrompt(current, prompt));
  }
  const [unsupported, setUnsupported] = useState(false);
  // Read inside async work, where the state of the render that started it is stale.
  const unsupportedNow = useRef(false);
  const loaders = useRef(new Map<string, () => Promise<string>>());

  const update = useCallback((id: string, change: Partial<PendingReference>) => {
    setPending((current) => current.map((item) => (item.id === id ? { ...item, ...change } : item)));
  }, []);

  const drop = useCallback((id: string) => {
    loaders.current.delete(id);
    setPending((current) => current.filter((item) => item.id !== id));
  }, []);

  const cannotHost = useCallback(
    (id: string, kind: ImageReferenceKind, dataUrl: string, name: string) => {
      if (kind === "image") {
        drop(id);
        onInline(dataUrl, name);
      } else {
        update(id, { state: "failed", error: t("notSupported"), retryable: false });
      }
    },
    [drop, onInline, t, update],
  );

  const run = useCallback(
    async (id: string, kind: ImageReferenceKind, name: string, known: string | null) => {
      let dataUrl = known;
      try {
        if (dataUrl === null) {
          update(id, { state: "preparing", error: null });
          const load = loaders.current.get(id);
          if (!load) return;
          dataUrl = await load();
        }
        // Removed (or replaced) meanwhile: nothing more to do.
        if (!loaders.current.has(id)) return;
        if (unsupportedNow.current) return cannotHost(id, kind, dataUrl, name);
        update(id, { dataUrl, state: "uploading", error: null });
        const [url] = await uploadImages([dataUrl]);
        if (!loaders.current.has(id)) return;
        if (!url) throw new Error(t("noUrl"));
        const preview = { src: dataUrl, name };
        setPreviews((current) => new Map(current).set(url, preview));
        drop(id);
        onHosted(kind, url);
      } catch (error) {
        if (error instanceof ApiError && error.code === "not_supported" && dataUrl !== null) {
          unsupportedNow.current = true;
          setUnsupported(true);
          // Removed while it was uploading: the user is done with it, even inline.
          if (!loaders.current.has(id)) return;
          return cannotHost(id, kind, dataUrl, name);
        }
        if (!loaders.current.has(id)) return;
        if (error instanceof ImageFileError) {
          const message = tImages(`errors.${FILE_ERROR_KEYS[error.code]}`, { name });
          return update(id, { state: "failed", error: message, retryable: false });
        }
        const { message, detail } = errorText(error);
        update(id, {
          dataUrl,
          state: "failed",
          error: detail ? `${message} ${detail}` : message,
          retryable: true,
        });
      }
    },
    [cannotHost, drop, errorText, onHosted, t, tImages, update],
  );

  const start = useCallback(
    (kind: ImageReferenceKind, sources: { name: string; load: () => Promise<string> }[]) => {
      const added = sources.map(({ name, load }) => {
        const id = `reference-${++nextId}`;
        loaders.current.set(id, load);
        return { id, kind, name, dataUrl: null, state: "preparing", error: null, retryable: true } as const;
      });
      // Omni reference is one image: a new pick replaces one still on its way.
      const replaces = (item: PendingReference) => kind === "omni" && item.kind === "omni";
      for (const item of pending) if (replaces(item)) loaders.current.delete(item.id);
      setPending((current) => [...current.filter((item) => !replaces(item)), ...added]);
      for (const { id, name } of added) void run(id, kind, name, null);
    },
    [pending, run],
  );

  const addFiles = useCallback(
    (kind: ImageReferenceKind, files: readonly File[]) =>
      start(
        kind,
        (kind === "omni" ? files.slice(0, 1) : files).map((file) => ({
          name: file.name,
          load: () => downscaleImage(file),
        })),
      ),
    [start],
  );

  const addLocalUrl = useCallback(
    (kind: ImageReferenceKind, url: string) => {
      const data = url.startsWith("data:");
      start(kind, [
        {
          name: (!data && url.split(/[?#]/)[0]?.split("/").pop()) || tImages("unnamed"),
          load: async () => downscaleImage(data ? dataUrlBlob(url) : await fetchMedia(url)),
        },
      ]);
    },
    [start, tImages],
  );

  const addBlob = useCallback(
    (kind: ImageReferenceKind, name: string, load: () => Promise<Blob>) =>
      start(kind, [{ name, load: async () => downscaleImage(await load()) }]),
    [start],
  );

  const retry = useCallback(
    (id: string) => {
      const item = pending.find((candidate) => candidate.id === id);
      if (item) void run(id, item.kind, item.name, item.dataUrl);
    },
    [pending, run],
  );

  return {
    pending,
    previews,
    unsupported,
    busy: pending.some((item) => item.state !== "failed"),
    addFiles,
    addLocalUrl,
    addBlob,
    retry,
    remove: drop,
  };
}
