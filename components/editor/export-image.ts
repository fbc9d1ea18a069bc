import { DOWNSCALE, readAsDataUrl, type Size } from "@/lib/images/downscale";
import type { Rect } from "@/lib/images/grid";
import { canvasPixels, exportSizes, imageBox, pixelRect, type Placement } from "@/lib/images/placement";
import type { MaskOp } from "@/lib/mask/mask-model";
import { coverage, maskToRgba, rasterizeMask } from "@/lib/mask/render-mask";
import { LIMITS } from "@/lib/mj/requests";

/**
 * The image the Editor sends: a PNG made on a canvas in the browser, the image placed on its
 * canvas and the erased pixels cut out, so what Midjourney should paint travels as transparency
 * (no upstream takes a mask on /submit/edits, §3.8). Every pixel kept is opaque exactly as the
 * image had it: the image is drawn on whole pixels and the mask cut with `destination-out` from a
 * bitmap of the same size, so nothing is resampled at the border between kept and erased.
 */

export interface EditLayout {
  /** The decoded image (a grid's cell already cut out). */
  image: CanvasImageSource;
  size: Size;
  /** The canvas's width over its height. */
  canvasAspect: number;
  placement: Placement;
  /** What is erased, in the image's own coordinates (lib/mask). */
  ops: readonly MaskOp[];
}

/** The upstream's limit, not ours, is what the PNG must fit; the canvas is never larger than this side. */
const MAX_SIDE = DOWNSCALE.maxLongSide;

export class ExportError extends Error {
  constructor(readonly code: "too-large" | "failed") {
    super(code === "too-large" ? "the image is too large even made smaller" : "the image could not be drawn");
    this.name = "ExportError";
  }
}

/** The layout as a PNG data URL within LIMITS.imageBytes, made smaller until it fits. */
export async function exportEditPng(layout: EditLayout): Promise<string> {
  const box = imageBox(layout.placement, layout.size.width / layout.size.height, layout.canvasAspect);
  const full = canvasPixels(layout.size, box, layout.canvasAspect, MAX_SIDE);
  for (const size of exportSizes(full)) {
    const png = await render(layout, pixelRect(box, size), size);
    if (png.size <= LIMITS.imageBytes) return readAsDataUrl(png);
  }
  throw new ExportError("too-large");
}

function render(layout: EditLayout, rect: Rect, size: Size): Promise<Blob> {
  const canvas = document.createElement("canvas");
  canvas.width = size.width;
  canvas.height = size.height;
  const context = canvas.getContext("2d");
  if (!context) return Promise.reject(new ExportError("failed"));
  context.imageSmoothingQuality = "high";
  context.drawImage(layout.image, rect.x, rect.y, rect.w, rect.h);
  const mask = layout.ops.length > 0 ? rasterizeMask(layout.ops, rect.w, rect.h) : null;
  if (mask && coverage(mask) > 0) {
    const cut = document.createElement("canvas");
    cut.width = rect.w;
    cut.height = rect.h;
    const cutContext = cut.getContext("2d");
    if (!cutContext) return Promise.reject(new ExportError("failed"));
    const pixels = cutContext.createImageData(rect.w, rect.h);
    maskToRgba(mask, pixels.data, [0, 0, 0, 255], [0, 0, 0, 0]);
    cutContext.putImageData(pixels, 0, 0);
    context.globalCompositeOperation = "destination-out";
    context.drawImage(cut, rect.x, rect.y);
  }
  return new Promise((resolve, reject) =>
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new ExportError("failed"))), "image/png"),
  );
}
