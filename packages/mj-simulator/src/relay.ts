import type { Outcome } from "./engine";
import type { TaskRecord } from "./record";

/**
 * What the new-api relay adds in front of the proxy it forwards to (§8): its own validation and
 * error shape, rewritten submit codes, and a task copy refreshed only by a periodic poll.
 */

/** A relay-generated error: HTTP 400, description and (empty) result joined by a space (§2.2). */
export function relayError(description: string, code = 4): Response {
  return Response.json({ description: `${description} `, type: "upstream_error", code }, { status: 400 });
}

/**
 * new-api main's reading of a customId (`CoverPlusActionToNormalAction`): only `MJ::JOB::` style
 * ids of image actions. Describe buttons and every video button (Animate, Extend, video U) are
 * unknown (§8.1): through the relay a video is made or extended with `/submit/video` only.
 */
export function relayActionLabel(customId: string): string | null {
  const parts = customId.split("::");
  const action = (parts[1] === "JOB" ? parts[2] : parts[1]) ?? "";
  if (action.includes("upsample")) return "UPSCALE";
  if (action === "variation") return "VARIATION";
  if (action === "low_variation") return "LOW_VARIATION";
  if (action === "high_variation") return "HIGH_VARIATION";
  if (action.includes("pan")) return "PAN";
  if (action.includes("reroll")) return "REROLL";
  if (action === "Outpaint") return "ZOOM";
  if (action === "CustomZoom") return "CUSTOM_ZOOM";
  if (action === "Inpaint") return "INPAINT";
  return null;
}

/** The relay's own names where they differ from the proxy's (§4.3): its route is `edits`. */
const RELAY_ACTIONS: Partial<Record<TaskRecord["action"], string>> = { EDIT: "EDITS" };

/** The `action` the relay recorded for a task: set at submit, never refreshed from upstream. */
export function relayTaskLabel(record: TaskRecord): string {
  return (
    (record.customId && relayActionLabel(record.customId)) ?? RELAY_ACTIONS[record.action] ?? record.action
  );
}

/** Only Vary Region and Custom Zoom keep code 21; everything queued or modal reads as code 1. */
const KEEPS_MODAL_CODE = new Set(["INPAINT", "CUSTOM_ZOOM"]);

export function relayRewrite(outcome: Outcome, label: string): Outcome {
  if (outcome.kind !== "envelope") return outcome;
  const { code } = outcome.envelope;
  const rewrite = code === 22 || (code === 21 && !KEEPS_MODAL_CODE.has(label));
  return rewrite ? { ...outcome, envelope: { ...outcome.envelope, code: 1 } } : outcome;
}

/**
 * The moment the relay last copied this task from upstream: it polls every `lagMs`, the first
 * time `lagMs` after submit; null before that first poll.
 */
export function relayPollTime(record: TaskRecord, now: number, lagMs: number): number | null {
  if (lagMs <= 0) return now;
  const polls = Math.floor((now - record.submitTime) / lagMs);
  return polls >= 1 ? record.submitTime + polls * lagMs : null;
}
