import { parsePrompt, setParam } from "./prompt-params";
import type { ImagineRequest } from "./requests";
import { TASK_STATUS, type Task } from "./task";

/**
 * Draft → full quality (issue "Today's Midjourney", item 3): a draft result is re-run as a normal
 * imagine with the same prompt, minus `--draft`, plus the draft's seed so the composition stays.
 */

export function hasDraftFlag(text: string | null | undefined): boolean {
  return typeof text === "string" && parsePrompt(text).params.draft;
}

/** Results that make no image (describe's prompts, shorten's analysis) have nothing to enhance. */
const TEXT_RESULTS = new Set(["DESCRIBE", "SHORTEN"]);

/**
 * A finished draft: the user asked for `--draft`, or the upstream added it (trueai's per-account
 * Draft shows it only in the echo, `properties.finalPrompt`; §8.4 of docs/protocol.md).
 */
export function isDraftResult(task: Task): boolean {
  if (task.status !== TASK_STATUS.success || TEXT_RESULTS.has(task.action ?? "")) return false;
  return hasDraftFlag(task.prompt) || hasDraftFlag(stringOr(task.properties.finalPrompt));
}

function stringOr(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

const SEED = /^\d{1,10}$/;

/**
 * The seed of a task without asking the upstream: the `seed` field (trueai fills it when it sends
 * the job), else a `--seed` the prompt itself carries. Null when neither says.
 */
export function knownSeed(task: Task): string | null {
  if (task.seed && SEED.test(task.seed.trim())) return task.seed.trim();
  const fromPrompt = parsePrompt(task.prompt ?? "").params.seed;
  return fromPrompt === null ? null : String(fromPrompt);
}

/**
 * The prompt that re-runs a draft at full quality: the user's prompt (the echo may carry the
 * upstream's own rewrites), without `--draft`, with `--seed <seed>` when one is known; without a
 * seed the prompt keeps whatever `--seed` it had.
 */
export function enhancedPrompt(task: Task, seed: string | null): string {
  const prompt = task.prompt?.trim() || stringOr(task.properties.finalPrompt)?.trim() || "";
  const plain = setParam(prompt, "draft", false).trim();
  const value = seed !== null && SEED.test(seed.trim()) ? Number(seed.trim()) : null;
  return value === null ? plain : setParam(plain, "seed", value);
}

/**
 * The imagine that enhances a draft: the request the app sent for it (`original`, when the server
 * kept one) with the prompt swapped, so image prompts sent inline (`base64Array`) and the bot stay;
 * without one, the prompt and the task's bot.
 */
export function enhanceRequest(task: Task, prompt: string, original: ImagineRequest | null): ImagineRequest {
  if (original) return { ...original, prompt };
  const botType = task.botType === "NIJI_JOURNEY" || task.botType === "MID_JOURNEY" ? task.botType : null;
  return { prompt, ...(botType ? { botType } : {}) };
}
