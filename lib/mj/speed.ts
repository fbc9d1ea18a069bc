import { parsePrompt, setParam, SPEEDS, type Speed } from "./prompt-params";

/**
 * A job's speed on the wire (§1.1, §8.2): trueai mounts every route under `/mj-fast`, `/mj-relax`
 * and `/mj-turbo`, which outrank the prompt's `--fast`/`--relax`/`--turbo`; new-api main cuts the
 * prefix off, and only the flag gets through it. The app's drop-in API takes the same prefixes.
 */

/** How the upstream is told a job's speed (`MJ_SPEED_VIA`). */
export const SPEED_VIAS = ["prefix", "flag", "both"] as const;
export type SpeedVia = (typeof SPEED_VIAS)[number];

/** The path segment of a speed: `mj-relax`. */
export function speedSegment(speed: Speed): string {
  return `mj-${speed}`;
}

/** The speed a path segment names (`mj-relax` → relax), or null for any other segment. */
export function speedOfSegment(segment: string): Speed | null {
  return SPEEDS.find((speed) => speedSegment(speed) === segment) ?? null;
}

/**
 * `/api/mj-relax/mj/submit/imagine` → relax and `/api/mj/submit/imagine`; a path without a known
 * speed prefix comes back as it is, with speed null.
 */
export function splitSpeedPath(pathname: string): { speed: Speed | null; path: string } {
  const match = /^\/api\/([^/]+)(\/mj(?:\/.*)?)$/.exec(pathname);
  const speed = match ? speedOfSegment(match[1]!) : null;
  return speed && match ? { speed, path: `/api${match[2]!}` } : { speed: null, path: pathname };
}

/** The speed flag of a prompt (the last one, as Midjourney reads it), or null. */
export function promptSpeed(prompt: string | undefined): Speed | null {
  return prompt ? parsePrompt(prompt).params.speed : null;
}

/**
 * The prompt carrying exactly one flag for `speed`: unchanged when it already says so, the flag
 * added when it has none, and a conflicting one replaced (Midjourney refuses two speeds).
 */
export function withSpeedFlag(prompt: string, speed: Speed): string {
  const parsed = parsePrompt(prompt);
  const flags = parsed.issues.some((issue) => issue.code === "speed_conflict");
  return parsed.params.speed === speed && !flags ? prompt : setParam(prompt, "speed", speed);
}
