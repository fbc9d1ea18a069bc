import { resolveModel } from "./models";
import { parsePrompt, SPEEDS, type Speed } from "./prompt-params";
import type { Task } from "./task";

/**
 * What the gallery filters a task by besides its status and action, read from its prompt and the
 * upstream's fields. The store keeps each as a column written with every copy (and backfilled by
 * its migration from this same function), so a filter reads an index instead of parsing prompts.
 */
export interface TaskFacets {
  /** "v8.1", "niji6", "niji7" (a bare `--niji`), or "default" (no `--v`/`--niji`: the account's). */
  model: string;
  /** The `--ar` ratio as written without spaces ("16:9"); "1:1" when none is given. */
  aspect: string;
  /** The upstream's `mode` when it names a speed, else the prompt's flag; null when neither says. */
  speed: Speed | null;
  /** A style reference was used (`--sref`). */
  sref: boolean;
}

export const DEFAULT_ASPECT = "1:1";

/** A model as written in a prompt, in one spelling: "V8.1" -> "v8.1", "Niji 6" -> "niji6". */
function modelId(prompt: string): string {
  const { params } = parsePrompt(prompt);
  // A bare `--niji` is the current Niji (resolveModel's rule): name it by its version.
  const niji = params.niji === "" ? "7" : params.niji;
  const resolution = resolveModel({ version: params.version, niji });
  if (resolution.kind === "default") return "default";
  return resolution.label.toLowerCase().replace(/\s+/g, "");
}

export function facetsOf(task: Task): TaskFacets {
  const prompt = task.prompt ?? task.promptEn ?? "";
  const { params } = parsePrompt(prompt);
  const mode = (task.mode ?? "").toLowerCase();
  return {
    model: modelId(prompt),
    aspect: params.aspect?.replace(/\s+/g, "") || DEFAULT_ASPECT,
    speed: SPEEDS.find((speed) => speed === mode) ?? params.speed,
    sref: (params.sref ?? "").trim() !== "",
  };
}
