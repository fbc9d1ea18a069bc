"use client";

import { useEffect, useState } from "react";
import { cropQuadrant } from "@/lib/images/crop";
import type { Size } from "@/lib/images/downscale";

export type EditableImage =
  | { state: "loading" }
  /** `url` shows it (a cell's crop has its own blob: URL); `image` is drawn into the PNG. */
  | { state: "ready"; url: string; image: HTMLImageElement; size: Size }
  /** `foreign`: on another site, which the page's CSP does not let the browser load or read. */
  | { state: "error"; foreign: boolean };

function decode(url: string): Promise<HTMLImageElement> {
  const image = new Image();
  image.src = url;
  return image.decode().then(() => {
    if (!(image.naturalWidth > 0 && image.naturalHeight > 0)) throw new Error("the image has no pixel size");
    return image;
  });
}

function isForeign(url: string): boolean {
  return /^https?:\/\//i.test(url) && new URL(url).origin !== window.location.origin;
}

/**
 * The Editor's image, decoded so it can be drawn on a canvas, and for image `cell` of a grid that
 * image alone, cut out as a PNG (its blob: URL lives as long as the choice).
 */
export function useEditableImage(url: string, cell: number | null): EditableImage {
  const [loaded, setLoaded] = useState<{ key: string; image: EditableImage } | null>(null);
  const key = `${cell ?? "whole"}:${url}`;
  useEffect(() => {
    let live = true;
    let cropUrl: string | null = null;
    const settle = (image: EditableImage) => {
      if (live) setLoaded({ key, image });
    };
    (async () => {
      const whole = await decode(url);
      if (cell === null) {
        return settle({ state: "ready", url, image: whole, size: sizeOf(whole) });
      }
      const blobUrl = URL.createObjectURL(
        await cropQuadrant(whole, { width: whole.naturalWidth, height: whole.naturalHeight }, cell),
      );
      if (!live) return URL.revokeObjectURL(blobUrl);
      cropUrl = blobUrl;
      const image = await decode(blobUrl);
      settle({ state: "ready", url: blobUrl, image, size: sizeOf(image) });
    })().catch(() => settle({ state: "error", foreign: isForeign(url) }));
    return () => {
      live = false;
      if (cropUrl) URL.revokeObjectURL(cropUrl);
    };
  }, [key, url, cell]);
  return loaded?.key === key ? loaded.image : { state: "loading" };
}

function sizeOf(image: HTMLImageElement): Size {
  return { width: image.naturalWidth, height: image.naturalHeight };
}
