/**
 * Where another page ("Use prompt", "Use as style", "Edit…" in the gallery) hands the composer its
 * input: `?prompt=…`, or `?ref=<image url>&as=image|style|omni` (no `as` is an image prompt), or
 * `?edit=<image url>&source=<task id>[&cell=1-4]` (the Editor, on image `cell` of a grid). "Animate…"
 * hands over a start frame, `?animate=<image url>&source=<task id>` (with `&image=1-4` for one image
 * of a grid), and "Extend…" a clip, `?extend=<VIDEO task id>&clip=<0-based index>`.
 */
export const COMPOSER_PARAMS = {
  prompt: "prompt",
  reference: "ref",
  referenceKind: "as",
  animate: "animate",
  source: "source",
  animateImage: "image",
  extend: "extend",
  extendClip: "clip",
  edit: "edit",
  cell: "cell",
} as const;
