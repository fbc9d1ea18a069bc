/**
 * Where another page ("Use prompt", "Use as style" in the gallery) hands the composer its input:
 * `?prompt=…`, or `?ref=<image url>&as=image|style|omni` (no `as` is an image prompt).
 */
export const COMPOSER_PARAMS = { prompt: "prompt", reference: "ref", referenceKind: "as" } as const;
