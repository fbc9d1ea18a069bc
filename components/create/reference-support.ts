import { modelCapabilities, type Capability, type ModelParam } from "@/lib/mj/models";
import type { PromptParams } from "@/lib/mj/prompt-params";

/**
 * What the selected model says about each reference bin, read from the model table
 * (lib/mj/models.ts, docs/protocol.md §11.2): the bins word it, and nothing here ever blocks a submit.
 */

/** ok: documented; flagged: disputed or unknown (a warning); unsupported: documented as absent. */
export type SupportLevel = "ok" | "flagged" | "unsupported";

export type ReferenceBinKind = "image" | "style" | "omni" | "character" | "personalization";

export interface ReferenceSupport {
  /** "V8.1", "Niji 6"; null when the prompt names no model (the server's default). */
  model: string | null;
  levels: Record<ReferenceBinKind, SupportLevel>;
}

/** The parameter that stands for each bin in the table (image prompts go with `--iw`). */
const PARAM_OF: Record<ReferenceBinKind, ModelParam> = {
  image: "iw",
  style: "sref",
  omni: "oref",
  character: "cref",
  personalization: "profile",
};

const LEVEL: Record<Capability["state"], SupportLevel> = {
  available: "ok",
  flagged: "flagged",
  unavailable: "unsupported",
};

export function referenceSupport(params: Pick<PromptParams, "version" | "niji">): ReferenceSupport {
  const capabilities = modelCapabilities(params);
  const levels = Object.fromEntries(
    Object.entries(PARAM_OF).map(([kind, param]) => [kind, LEVEL[capabilities.params[param].state]]),
  ) as Record<ReferenceBinKind, SupportLevel>;
  const { resolution } = capabilities;
  return { model: resolution.kind === "default" ? null : resolution.label, levels };
}
