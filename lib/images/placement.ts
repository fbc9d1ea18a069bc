import type { Size } from "./downscale";
import type { Rect } from "./grid";

/**
 * The Editor's canvas (what replaced Zoom and Pan in V8): the image placed on a canvas of some
 * aspect ratio, moved and resized on it; whatever of the canvas it leaves uncovered is
 * transparent, and Midjourney paints it. Pure geometry, in fractions of the canvas, so the
 * on-screen stage and the exported PNG (different sizes) agree, and it is unit-tested.
 */

/** The canvas shapes offered: the image's own, or a preset width:height. */
export const CANVAS_ASPECTS = ["original", "1:1", "4:3", "3:2", "16:9", "3:4", "2:3", "9:16"] as const;
export type CanvasAspect = (typeof CANVAS_ASPECTS)[number];

/**
 * The image's size on the canvas, relative to the largest size at which all of it fits: below 1
 * the canvas shows more around it, above 1 it is cropped by the canvas edges.
 */
export const SCALE = { min: 0.25, max: 2, step: 0.05 } as const;

/** A keyboard nudge moves the image by this share of the canvas; with Shift, by the larger one. */
export const NUDGE = { small: 0.01, large: 0.1 } as const;

/** Where the image sits: its centre in fractions of the canvas, and its scale (see SCALE). */
export interface Placement {
  readonly x: number;
  readonly y: number;
  readonly scale: number;
}

/** The image exactly fitting the canvas, centred: an unchanged image when the aspect is its own. */
export const CENTERED: Placement = { x: 0.5, y: 0.5, scale: 1 };

/** The image's box on the canvas, in fractions of the canvas (it may reach past 0..1). */
export interface Box {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

/** Width over height of a canvas shape, for an image of `image`'s size. */
export function aspectRatio(aspect: CanvasAspect, image: Size): number {
  if (aspect === "original") return image.width / image.height;
  const [width = 1, height = 1] = aspect.split(":").map(Number);
  return width / height;
}

/** Rounded to a 10,000th, so repeated steps land on the values a slider shows instead of drifting. */
function tidy(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}

/** Keeps the image's centre on the canvas and its scale within SCALE. */
export function clampPlacement(placement: Placement): Placement {
  const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));
  return {
    x: tidy(clamp(placement.x, 0, 1)),
    y: tidy(clamp(placement.y, 0, 1)),
    scale: tidy(clamp(placement.scale, SCALE.min, SCALE.max)),
  };
}

export function movePlacement(placement: Placement, dx: number, dy: number): Placement {
  return clampPlacement({ ...placement, x: placement.x + dx, y: placement.y + dy });
}

/** A new scale around the image's centre, which stays where it is. */
export function scalePlacement(placement: Placement, scale: number): Placement {
  return clampPlacement({ ...placement, scale });
}

/** One step of the scale control or the + and − keys, landing on the step's multiples. */
export function stepScale(placement: Placement, direction: 1 | -1): Placement {
  const steps = Math.round(placement.scale / SCALE.step) + direction;
  return scalePlacement(placement, steps * SCALE.step);
}

/**
 * The image's box for image and canvas aspect ratios (width / height): at scale 1 it fills the
 * canvas in one direction and is centred in the other.
 */
export function imageBox(placement: Placement, imageAspect: number, canvasAspect: number): Box {
  const width = Math.min(1, imageAspect / canvasAspect) * placement.scale;
  const height = Math.min(1, canvasAspect / imageAspect) * placement.scale;
  return { left: placement.x - width / 2, top: placement.y - height / 2, width, height };
}

/** Whether the image leaves no part of the canvas uncovered (nothing there for Midjourney to fill). */
export function coversCanvas(box: Box): boolean {
  const EPSILON = 1e-6;
  return (
    box.left <= EPSILON &&
    box.top <= EPSILON &&
    box.left + box.width >= 1 - EPSILON &&
    box.top + box.height >= 1 - EPSILON
  );
}

/**
 * The canvas in pixels: as large as keeps the image at its own resolution, the long side at most
 * `maxSide`, whole pixels, the ratio as close as whole pixels allow.
 */
export function canvasPixels(image: Size, box: Box, canvasAspect: number, maxSide: number): Size {
  const width = image.width / box.width;
  const height = width / canvasAspect;
  const shrink = Math.min(1, maxSide / Math.max(width, height));
  return {
    width: Math.max(1, Math.round(width * shrink)),
    height: Math.max(1, Math.round(height * shrink)),
  };
}

/**
 * The image's box in canvas pixels. Edges are rounded (not the size), so the image starts and ends
 * on whole pixels: no half-covered pixel at its border is left half transparent.
 */
export function pixelRect(box: Box, canvas: Size): Rect {
  const x = Math.round(box.left * canvas.width);
  const y = Math.round(box.top * canvas.height);
  return {
    x,
    y,
    w: Math.max(1, Math.round((box.left + box.width) * canvas.width) - x),
    h: Math.max(1, Math.round((box.top + box.height) * canvas.height) - y),
  };
}

/**
 * The sizes to try, largest first, until the PNG fits the request limit: an erased photo compresses
 * badly, and a smaller canvas is better than a refused request.
 */
export function exportSizes(size: Size): Size[] {
  return [1, 0.75, 0.5, 0.35].map((factor) => ({
    width: Math.max(1, Math.round(size.width * factor)),
    height: Math.max(1, Math.round(size.height * factor)),
  }));
}
