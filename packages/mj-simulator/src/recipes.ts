import type { Recipe } from "./render";
import { parseAspect, parseSeed, subjectOf } from "./prompt";

/** Transformations of recipes that button presses and modals need. */

/** The same job with another seed: what 🔄 does to a grid. Seedless recipes stay as they are. */
export function withSeed(recipe: Recipe, seed: number): Recipe {
  switch (recipe.kind) {
    case "upscale":
    case "upscale-hd":
    case "video":
    case "input":
      return recipe;
    default:
      return { ...recipe, seed };
  }
}

/**
 * The same job with the text a remix modal confirmed. An imagine re-reads `--ar`/`--seed` from the
 * new text, as Midjourney would; jobs whose look does not depend on the prompt (pan, animate)
 * only change the task's prompt, not the recipe.
 */
export function withPrompt(recipe: Recipe, prompt: string): Recipe {
  switch (recipe.kind) {
    case "imagine":
      return {
        ...recipe,
        prompt: subjectOf(prompt),
        aspect: parseAspect(prompt) ?? recipe.aspect,
        seed: parseSeed(prompt) ?? recipe.seed,
      };
    case "variation":
    case "region":
    case "edit":
    case "retexture":
      return { ...recipe, prompt: subjectOf(prompt) };
    default:
      return recipe;
  }
}

/** The job at the start of a chain (the imagine or blend every later step derives from). */
export function rootOf(recipe: Recipe): Recipe {
  return "parent" in recipe ? rootOf(recipe.parent) : recipe;
}
