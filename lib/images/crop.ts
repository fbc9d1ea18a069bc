import { quadrantRect } from "./grid";

/**
 * Cuts quadrant `index` (1-4) out of a decoded grid as a PNG, in the browser: looking at, saving
 * or editing image 3 of a grid never spends an upscale.
 */
export async function cropQuadrantPng(image: HTMLImageElement, index: number): Promise<Blob> {
  const rect = quadrantRect(image.naturalWidth, image.naturalHeight, index);
  const canvas = document.createElement("canvas");
  canvas.width = rect.w;
  canvas.height = rect.h;
  const context = canvas.getContext("2d");
  if (!context) throw new Error("Canvas 2D is unavailable.");
  context.drawImage(image, rect.x, rect.y, rect.w, rect.h, 0, 0, rect.w, rect.h);
  return new Promise((resolve, reject) =>
    canvas.toBlob(
      (blob) => (blob ? resolve(blob) : reject(new Error("The crop could not be encoded."))),
      "image/png",
    ),
  );
}
