/** Where another page ("Use prompt", "Use as reference" in the gallery) hands the composer its input. */
export const COMPOSER_PARAMS = { prompt: "prompt", reference: "ref" } as const;
