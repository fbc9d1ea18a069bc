import type { ButtonIntent } from "./custom-ids";
import { subjectOf } from "./prompt";
import { rootOf, withSeed } from "./recipes";
import type { OutputKind, PendingModal, TaskAction, TaskRecord } from "./record";
import type { Recipe } from "./render";

/** What pressing a button on a finished task does (docs/protocol.md §5, §6). */

interface ChildShape {
  action: TaskAction;
  output: OutputKind;
  actionIndex: number | null;
}

export type Press =
  /** A new job that can start right away; `remixable` ones open the remix modal on request. */
  | ({ type: "direct"; recipe: Recipe; remixable: boolean } & ChildShape)
  /** A child that waits in MODAL for `/mj/submit/modal`. */
  | ({ type: "modal"; modal: PendingModal } & ChildShape)
  | { type: "imagine-all" }
  | { type: "describe-again" }
  /** trueai has no branch for it: code 4 `未知的 Action 类型`. */
  | { type: "rejected" };

const REJECTED: Press = { type: "rejected" };

/**
 * 🔄 repeats the job with a new seed, keeping its action; on a single image it re-runs the prompt
 * as a new IMAGINE (§9.17), or the blend, edit or retexture the image came from.
 */
/** What 🔄 on a single image re-runs, by the job its chain started from; anything else is an imagine. */
const REROLL_ACTIONS: Partial<Record<Recipe["kind"], TaskAction>> = {
  blend: "BLEND",
  edit: "EDIT",
  retexture: "RETEXTURE",
};

function reroll(parent: TaskRecord, recipe: Recipe, seed: number): Press {
  if (parent.output === "image" || parent.output === "image-hd") {
    const root = rootOf(recipe);
    return {
      type: "direct",
      action: REROLL_ACTIONS[root.kind] ?? "IMAGINE",
      output: "grid",
      actionIndex: null,
      remixable: true,
      recipe: withSeed(root, seed),
    };
  }
  return {
    type: "direct",
    action: parent.action,
    output: parent.output,
    actionIndex: null,
    remixable: true,
    recipe: withSeed(recipe, seed),
  };
}

export function planPress(
  intent: ButtonIntent,
  parent: TaskRecord,
  seed: number,
  options: { strong: boolean | null },
): Press {
  if (intent.kind === "imagine-all") return { type: "imagine-all" };
  if (intent.kind === "describe-again") return { type: "describe-again" };
  // trueai HEAD's controller has no branch for the PromptAnalyzer buttons (§5.5).
  if (intent.kind === "shorten-prompt" || intent.kind === "shorten-details") return REJECTED;
  if (intent.kind === "describe-prompt") {
    const prompt = parent.describePrompts?.[intent.index - 1];
    if (prompt === undefined) return REJECTED;
    return {
      type: "modal",
      action: "IMAGINE",
      output: "grid",
      actionIndex: intent.index,
      modal: { kind: "describe-prompt", suggestedPrompt: prompt },
    };
  }
  const recipe = parent.source?.type === "recipe" ? parent.source.recipe : null;
  if (!recipe) return REJECTED;
  const prompt = subjectOf(parent.prompt);
  switch (intent.kind) {
    case "upscale":
      return {
        type: "direct",
        action: "UPSCALE",
        output: "image",
        actionIndex: intent.index,
        remixable: false,
        recipe: { kind: "upscale", parent: recipe, index: intent.index },
      };
    case "upscale-video":
      return {
        type: "direct",
        action: "UPSCALE",
        output: "video",
        actionIndex: intent.index,
        remixable: false,
        recipe: { kind: "video", parent: recipe, index: intent.index },
      };
    case "upscale-hd":
      return {
        type: "direct",
        action: "UPSCALE_HD",
        output: "image-hd",
        actionIndex: 1,
        remixable: false,
        recipe: { kind: "upscale-hd", parent: recipe, mode: intent.mode },
      };
    case "vary":
    case "vary-image": {
      const grid = intent.kind === "vary";
      // V1-V4 use "high variation mode" unless the request turns it off with `strong: false`.
      const strength = grid ? (options.strong === false ? "subtle" : "strong") : intent.strength;
      const index = grid ? intent.index : null;
      return {
        type: "direct",
        action: "VARIATION",
        output: "grid",
        actionIndex: index ?? 1,
        remixable: true,
        recipe: { kind: "variation", parent: recipe, index, strength, seed, prompt },
      };
    }
    case "vary-region":
    case "custom-zoom":
      return {
        type: "modal",
        action: intent.kind === "vary-region" ? "VARIATION" : "ZOOM",
        // The region editor repaints the one image (render.ts), zoom reframes it into a grid.
        output: intent.kind === "vary-region" ? "image" : "grid",
        actionIndex: 1,
        modal: { kind: intent.kind, suggestedPrompt: parent.prompt, parent: recipe },
      };
    case "zoom-out":
    case "make-square":
      return {
        type: "direct",
        action: "ZOOM",
        output: "grid",
        actionIndex: 1,
        remixable: false,
        recipe:
          intent.kind === "make-square"
            ? { kind: "zoom", parent: recipe, factor: 1, seed, square: true }
            : { kind: "zoom", parent: recipe, factor: intent.factor, seed },
      };
    case "pan":
      return {
        type: "direct",
        action: "PAN",
        output: "grid",
        actionIndex: 1,
        remixable: true,
        recipe: { kind: "pan", parent: recipe, direction: intent.direction, seed },
      };
    case "reroll":
      return reroll(parent, recipe, seed);
    case "animate":
      return {
        type: "direct",
        action: "VIDEO",
        output: "video-grid",
        actionIndex: 1,
        remixable: true,
        recipe: { kind: "video-grid", parent: recipe, seed, motion: intent.motion },
      };
    case "extend":
      return {
        type: "direct",
        action: "VIDEO",
        output: "video",
        actionIndex: 1,
        remixable: true,
        recipe: { kind: "extend", parent: recipe, motion: intent.motion, seed },
      };
    case "bookmark":
      return REJECTED;
  }
}
