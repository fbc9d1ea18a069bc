/**
 * Where another page ("Use prompt", "Use as style", "Edit…" in the gallery) hands the composer its
 * input: `?prompt=…`, or `?ref=<image url>&as=image|style|omni` (no `as` is an image prompt), or
 * `?edit=<image url>&source=<task id>[&cell=1-4]` (the Editor, on image `cell` of a grid).
 */
export const COMPOSER_PARAMS = {
  prompt: "prompt",
  reference: "ref",
  referenceKind: "as",
  edit: "edit",
  source: "source",
  cell: "cell",
} as const;
