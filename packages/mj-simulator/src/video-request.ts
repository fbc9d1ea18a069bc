import type { VideoBatch } from "./render";
import type { Motion } from "./render-video";

/**
 * `/submit/video` in words (§3.7, §11.3): the prompt trueai writes from the request's fields, and
 * what Midjourney then reads back out of that prompt. Reading the final prompt, not the fields,
 * is what makes flags the user typed win over the fields, as they do upstream.
 */

/** The `videoType`s trueai knows: SD 480p (the default) and HD 720p. */
export const VIDEO_TYPES = { sd: "vid_1.1_i2v_480", hd: "vid_1.1_i2v_720" } as const;
/** Midjourney's longest clip: 5 s and four extensions of about 4 s (§7). */
export const VIDEO_CAP_SECONDS = 21;

/** An image URL at the very start of a prompt, bare or in Discord's angle brackets. */
export function leadingUrl(prompt: string): string | null {
  return /^<?(https?:\/\/[^\s>]+)>?(?=\s|$)/i.exec(prompt.trim())?.[1] ?? null;
}

function hasFlag(prompt: string, name: string): boolean {
  return new RegExp(`(?:^|\\s)--${name}(?=\\s|$)`, "i").test(prompt);
}

function flagValue(prompt: string, name: string): string | null {
  return new RegExp(`(?:^|\\s)--${name}\\s+(?!--)(\\S+)`, "i").exec(prompt)?.[1] ?? null;
}

export interface VideoPromptParts {
  /** The start frame's URL, prepended unless the prompt already holds it; null for an extend. */
  startUrl: string | null;
  prompt: string;
  loop: boolean;
  endUrl: string | null;
  motion: string;
  batchSize: number | null;
}

/**
 * `<start url> <prompt> --video 1 [--end loop | --end <url>] --motion low|high [--bs 1|2]`:
 * `--end`, `--motion` and `--bs` only where the prompt has none; loop is written instead of the
 * end frame; a batch of 4 (or any other number) writes nothing, 4 being Midjourney's default.
 */
export function videoPrompt(parts: VideoPromptParts): string {
  const { prompt } = parts;
  const words: string[] = [];
  if (parts.startUrl && !prompt.includes(parts.startUrl)) words.push(parts.startUrl);
  words.push(prompt, "--video 1");
  if (!hasFlag(prompt, "end")) {
    if (parts.loop) words.push("--end loop");
    else if (parts.endUrl) words.push(`--end ${parts.endUrl}`);
  }
  if (!hasFlag(prompt, "motion")) words.push(`--motion ${parts.motion}`);
  if (!hasFlag(prompt, "bs") && (parts.batchSize === 1 || parts.batchSize === 2))
    words.push(`--bs ${parts.batchSize}`);
  return words.join(" ");
}

export interface VideoFlags {
  motion: Motion;
  batch: VideoBatch;
  /** `--end loop` (or Midjourney's own `--loop`), `--end <url>`, or neither. */
  end: "loop" | { url: string } | null;
}

const invalid = (text: string) => `[Invalid parameter] ${text}`;

/** What Midjourney reads from a video prompt, or its `[Invalid parameter]` answer (§11.3). */
export function readVideoFlags(
  prompt: string,
): { ok: true; flags: VideoFlags } | { ok: false; rejection: string } {
  const motion = (flagValue(prompt, "motion") ?? "low").toLowerCase();
  if (motion !== "low" && motion !== "high")
    return { ok: false, rejection: invalid(`--motion must be low or high, got ${motion}`) };
  const bs = flagValue(prompt, "bs") ?? "4";
  if (bs !== "1" && bs !== "2" && bs !== "4")
    return { ok: false, rejection: invalid(`--bs must be 1, 2 or 4, got ${bs}`) };
  const end = flagValue(prompt, "end");
  if (end !== null && end.toLowerCase() !== "loop" && !/^<?https?:\/\//i.test(end))
    return { ok: false, rejection: invalid(`--end takes loop or an image URL, got ${end}`) };
  const loop = hasFlag(prompt, "loop") || end?.toLowerCase() === "loop";
  return {
    ok: true,
    flags: {
      motion,
      batch: Number(bs) as VideoBatch,
      end: loop ? "loop" : end ? { url: end.replace(/^<|>$/g, "") } : null,
    },
  };
}
