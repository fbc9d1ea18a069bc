import { quadrantRect } from "./grid";

/**
 * Cuts image `index` (1-4, as U1-U4) out of a decoded 2x2 grid as a PNG, at full detail: the
 * lightbox shows and saves one image of a grid this way, and the video composer animates one.
 * Needs a browser (canvas).
 */
export async function cropQuadrant(
  image: CanvasImageSource,
  size: { width: number; height: number },
  index: number,
): Promise<Blob> {
  const rect = quadrantRect(size.width, size.height, index);
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

/** Image `index` of a grid file (a blob already read), as a PNG. */
export async function cropQuadrantOf(grid: Blob, index: number): Promise<Blob> {
  const bitmap = await createImageBitmap(grid);
  try {
    return await cropQuadrant(bitmap, bitmap, index);
  } finally {
    bitmap.close();
  }
}
