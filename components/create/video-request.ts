import type { ExtendSource } from "@/lib/images/grid";
import { parsePrompt, setParam, type Speed } from "@/lib/mj/prompt-params";
import {
  VIDEO_TYPES,
  type VIDEO_BATCH_SIZES,
  type VIDEO_MOTIONS,
  type VideoRequest,
} from "@/lib/mj/requests";

/**
 * The video composer's rules as pure functions, so they are unit-tested without a browser: the
 * request bodies it sends (§3.7) and what it says about a motion prompt. The form holds the state.
 */

export type VideoMotion = (typeof VIDEO_MOTIONS)[number];
export type VideoBatchSize = (typeof VIDEO_BATCH_SIZES)[number];
export type VideoQuality = keyof typeof VIDEO_TYPES;

/** An image handed to the composer to animate ("Animate…" on a result, or a link in the address). */
export interface AnimateFrame {
  /** The image: the app's own media URL, or any http(s) URL. */
  url: string;
  /** The task it is an image of: the new video's lineage. */
  sourceTaskId: string | null;
  /** 1-4: one image of a 2x2 grid, cut out before it is sent; null for the whole image. */
  quadrant: number | null;
}

/** A clip handed to the composer to extend ("Extend…" on a finished clip). */
export interface ExtendTarget extends ExtendSource {
  /** Its poster still, for the composer to show which clip it extends. */
  poster: string | null;
  /** Its length as far as known (clipSeconds), to say what the extend makes of it. */
  seconds: number | null;
}

/** What the settings of both kinds of video job share. */
export interface VideoSettings {
  /** The motion prompt: may be empty (Midjourney's Auto) and may carry a speed flag. */
  prompt: string;
  motion: VideoMotion;
}

export interface NewVideo extends VideoSettings {
  /** The start frame as it will be sent: a public URL, or a data URL the upstream stores. */
  image: string | null;
  endImage: string | null;
  loop: boolean;
  batchSize: VideoBatchSize;
  quality: VideoQuality;
  sourceTaskId: string | null;
}

/**
 * A new video's body. A loop ends on its own start frame, so an end frame is not sent with it
 * (trueai would drop it anyway: `--end loop` is written first). SD is the upstream's default, so
 * only HD names a `videoType`.
 */
export function newVideoBody(video: NewVideo): VideoRequest {
  const prompt = video.prompt.trim();
  return {
    ...(prompt ? { prompt } : {}),
    ...(video.image ? { image: video.image } : {}),
    ...(video.endImage && !video.loop ? { endImage: video.endImage } : {}),
    ...(video.loop ? { loop: true } : {}),
    motion: video.motion,
    batchSize: video.batchSize,
    ...(video.quality === "hd" ? { videoType: VIDEO_TYPES.hd } : {}),
    ...(video.sourceTaskId ? { sourceTaskId: video.sourceTaskId } : {}),
  };
}

/** An extend of clip `index` of a VIDEO task: about 4 s more, with an optional new motion prompt. */
export function extendBody(target: ExtendSource, settings: VideoSettings): VideoRequest {
  const prompt = settings.prompt.trim();
  return {
    action: "extend",
    taskId: target.taskId,
    index: target.index,
    ...(prompt ? { prompt } : {}),
    motion: settings.motion,
  };
}

/** The speed a motion prompt asks for, as the imagine composer reads it. */
export function videoSpeed(prompt: string): Speed | null {
  return parsePrompt(prompt).params.speed;
}

/** The prompt asking for `speed` (null: the account's own), any other speed flag replaced. */
export function withVideoSpeed(prompt: string, speed: Speed | null): string {
  return setParam(prompt, "speed", speed);
}

/** Parameters a video job takes (§11.3), besides a speed; `--video` is the proxies' own marker. */
const VIDEO_PARAMS = new Set(["motion", "raw", "loop", "end", "bs", "video"]);
/** The ones the form sets too: typed into the prompt, they win over the form (§3.7). */
const FORM_PARAMS = new Set(["motion", "loop", "end", "bs"]);
const SPEED_PARAMS = new Set(["relax", "fast", "turbo"]);

export type VideoNote =
  | { code: "speed_conflict"; severity: "error"; flags: string }
  | { code: "prompt_wins"; severity: "warning"; flags: string }
  | { code: "not_for_video"; severity: "warning"; flags: string }
  | { code: "hd_fast_only"; severity: "warning" };

/**
 * What the composer says about a video job before it is sent. Only two speeds at once is certain
 * to fail; the rest are warnings, since Midjourney (or a relay) may well accept them.
 */
export function videoNotes(prompt: string, quality: VideoQuality): VideoNote[] {
  const notes: VideoNote[] = [];
  const names = [...prompt.matchAll(/(?:^|\s)(?:--|—)([a-z][\w-]*)(?:\s+(?!--|—)(\S+))?/gi)].map((match) => ({
    name: match[1]!.toLowerCase(),
    value: match[2]?.toLowerCase() ?? "",
  }));
  const flags = (keep: (name: string, value: string) => boolean) =>
    [...new Set(names.filter(({ name, value }) => keep(name, value)).map(({ name }) => `--${name}`))].join(
      " ",
    );
  const speeds = flags((name) => SPEED_PARAMS.has(name));
  if (speeds.includes(" ")) notes.push({ code: "speed_conflict", severity: "error", flags: speeds });
  const fromPrompt = flags((name) => FORM_PARAMS.has(name));
  if (fromPrompt) notes.push({ code: "prompt_wins", severity: "warning", flags: fromPrompt });
  const others = flags(
    (name, value) =>
      !VIDEO_PARAMS.has(name) && !SPEED_PARAMS.has(name) && !(name === "style" && value === "raw"),
  );
  if (others) notes.push({ code: "not_for_video", severity: "warning", flags: others });
  if (quality === "hd" && videoSpeed(prompt) === "relax")
    notes.push({ code: "hd_fast_only", severity: "warning" });
  return notes;
}
