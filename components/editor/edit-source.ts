import { COMPOSER_PARAMS } from "@/components/create/composer-params";
import { taskIdSchema } from "@/lib/mj/requests";

/** The image the Editor works on, and where it comes from. */
export interface EditSource {
  /** The app's media URL (a gallery image), a data URL (an upload) or an http(s) URL. */
  url: string;
  /** The task whose image it is: the edit's parent in the history (lineage). */
  sourceTaskId: string | null;
  /** Which image of a 2x2 grid (1-4) to edit; null for a single image. */
  cell: number | null;
}

/** The address parameters that hand an image to the Editor from another page. */
export function editHandover(source: EditSource): Record<string, string> {
  return {
    [COMPOSER_PARAMS.edit]: source.url,
    ...(source.sourceTaskId ? { [COMPOSER_PARAMS.source]: source.sourceTaskId } : {}),
    ...(source.cell !== null ? { [COMPOSER_PARAMS.cell]: String(source.cell) } : {}),
  };
}

/**
 * The Editor's image from address parameters anyone can write: the app's own path, an http(s)
 * URL or an image data URL; a task id and a cell only when they are valid, null when the image is
 * none of those.
 */
export function editSourceFrom(
  url: string,
  sourceTaskId: string | null,
  cell: string | null,
): EditSource | null {
  const own = url.startsWith("/") && !url.startsWith("//");
  const usable = own || /^https?:\/\//i.test(url) || /^data:image\//i.test(url);
  if (!usable || !URL.canParse(url, "http://localhost")) return null;
  const index = cell === null ? Number.NaN : Number(cell);
  return {
    url,
    sourceTaskId: sourceTaskId !== null && taskIdSchema.safeParse(sourceTaskId).success ? sourceTaskId : null,
    cell: Number.isInteger(index) && index >= 1 && index <= 4 ? index : null,
  };
}
