import { parseCustomId, type ButtonNameKey } from "./buttons";
import type { Task } from "./task";

/**
 * What made a derived job, as midjourney.com labels it ("Vary (Strong) · image 3", "Zoom Out 2x"),
 * read from the button that was pressed (`properties.custom_id`) or, for jobs made by a request
 * rather than a button, from the action. Keys are message keys: `task.buttons.*` where the
 * button's own name says it, `task.derived.*` for the rest.
 */
export type DerivedKey = "upscale" | "vary" | "animate" | "extend" | "edit" | "retexture" | "remix";

export interface Derivation {
  name:
    | { scope: "buttons"; key: ButtonNameKey; values: Record<string, number> }
    | { scope: "derived"; key: DerivedKey };
  /** The image of the source grid it was made from (1-4), when that is known. */
  image: number | null;
}

const PAN_KEYS: Record<string, ButtonNameKey> = {
  left: "panLeft",
  right: "panRight",
  up: "panUp",
  down: "panDown",
};

const button = (key: ButtonNameKey, values: Record<string, number> = {}) =>
  ({ scope: "buttons", key, values }) as const;
const derived = (key: DerivedKey) => ({ scope: "derived", key }) as const;

/**
 * The label of a derived job, or null for a job made from nothing (an imagine, a describe) or
 * whose making is unknown. `sourceIsGrid` says whether the source is a grid, when the source is
 * loaded: a Vary (Subtle) pressed on an upscale names image 1 in its customId, which means nothing
 * there.
 */
export function derivation(task: Task, sourceIsGrid: boolean | null = null): Derivation | null {
  const customId = task.properties.custom_id;
  const pressed = parseCustomId(typeof customId === "string" ? customId : "");
  const index = pressed.index;
  switch (pressed.kind) {
    case "upscale": {
      const name =
        pressed.variant === "subtle"
          ? button("upscaleSubtle")
          : pressed.variant === "creative"
            ? button("upscaleCreative")
            : derived("upscale");
      return { name, image: sourceIsGrid === false ? null : index };
    }
    case "vary": {
      const name =
        pressed.variant === "subtle"
          ? button("varySubtle")
          : pressed.variant === "strong"
            ? button("varyStrong")
            : derived("vary");
      // A grid's V n names its image; Subtle/Strong name image 1 on an upscale too, so only a known grid counts.
      const image = pressed.variant === "grid" ? index : sourceIsGrid ? index : null;
      return { name, image: sourceIsGrid === false ? null : image };
    }
    case "vary-region":
      return { name: button("varyRegion"), image: null };
    case "zoom":
      return {
        name:
          pressed.variant === "square"
            ? button("makeSquare")
            : button("zoomOut", { factor: pressed.zoomFactor ?? 2 }),
        image: null,
      };
    case "custom-zoom":
      return { name: button("customZoom"), image: null };
    case "pan":
      return { name: button(PAN_KEYS[pressed.variant ?? ""] ?? "panLeft"), image: null };
    case "reroll":
      return { name: button(pressed.variant === "describe" ? "describeAgain" : "reroll"), image: null };
    case "animate":
      return { name: derived("animate"), image: null };
    case "extend":
      return { name: derived("extend"), image: null };
    case "describe-prompt":
      return { name: button("describePrompt", { n: index ?? 1 }), image: null };
    case "shorten-prompt":
      return { name: button("shortenPrompt", { n: index ?? 1 }), image: null };
    default:
      break;
  }
  switch (task.action) {
    case "EDIT":
    case "EDITS":
      return { name: derived("edit"), image: null };
    case "RETEXTURE":
      return { name: derived("retexture"), image: null };
    case "REROLL":
      return { name: button("reroll"), image: null };
    case "INPAINT":
      return { name: button("varyRegion"), image: null };
    case "VIDEO":
      if (task.properties.video_extend_index !== undefined) return { name: derived("extend"), image: null };
      return task.parentId ? { name: derived("animate"), image: null } : null;
    default:
      // A job a remix modal made from its source, with nothing else to say what was pressed.
      return task.parentId && task.properties.remix ? { name: derived("remix"), image: null } : null;
  }
}
