import type { Recipe } from "./render";
import type { SpeedMode } from "./prompt";

/**
 * What the simulator stores about a task. Status, progress and media are not stored: they are
 * computed from the schedule's timestamps on every read, so nothing runs between requests and a
 * restarted simulator carries on where it left off.
 */

export type TaskAction =
  | "IMAGINE"
  | "UPSCALE"
  | "UPSCALE_HD"
  | "VARIATION"
  | "ZOOM"
  | "PAN"
  | "DESCRIBE"
  | "BLEND"
  | "VIDEO"
  | "SHORTEN"
  | "EDIT"
  | "RETEXTURE";

/** What the finished task shows, which decides its media type and its buttons (§5). */
export type OutputKind = "grid" | "image" | "image-hd" | "video-grid" | "video" | "describe" | "shorten";

export type MediaSource =
  /** Generated content: rendered (and memoised) from the recipe when someone asks for it. */
  | { type: "recipe"; recipe: Recipe }
  /** DESCRIBE shows the image it was given. */
  | { type: "image"; data: Buffer; contentType: string; width: number; height: number };

/** A child in status MODAL: what `/mj/submit/modal` needs to turn it into a job (§6). */
export type PendingModal =
  /** Remix: the job as it would have run, re-prompted with the modal's text. */
  | { kind: "remix"; suggestedPrompt: string; recipe: Recipe }
  /** Vary Region needs a mask, Custom Zoom a `--zoom`; both work on the parent's image. */
  | { kind: "vary-region" | "custom-zoom"; suggestedPrompt: string; parent: Recipe }
  /** A describe prompt becomes an IMAGINE of whatever text the modal confirms. */
  | { kind: "describe-prompt"; suggestedPrompt: string };

export interface Schedule {
  /** When the job joined the queue (submit, or modal confirm). */
  enqueuedAt: number;
  /** SUBMITTED from here; later than enqueuedAt while the job waits for a free slot. */
  startAt: number;
  /** IN_PROGRESS from here. */
  progressAt: number;
  /** SUCCESS from here. */
  endAt: number;
  /**
   * The job fails here: a banned word part-way through IN_PROGRESS (trueai), a parameter
   * Midjourney refuses as soon as it gets the job.
   */
  failAt: number | null;
  /** Why it fails at `failAt`; null (or absent, in records stored before it existed) = the banned word. */
  failReason?: string | null;
}

/** Facts about the finished media, learnt the first time it is rendered and kept. */
export interface MediaInfo {
  width: number;
  height: number;
  size: number;
  contentType: string;
}

export interface TaskRecord {
  id: string;
  action: TaskAction;
  output: OutputKind;
  /** The button that created this task, and the 1-based image it targeted. */
  customId: string | null;
  actionIndex: number | null;
  parentId: string | null;
  prompt: string;
  description: string;
  state: string;
  botType: string;
  requestMode: SpeedMode | null;
  accountFilter: Record<string, unknown> | null;
  notifyHook: string | null;
  submitTime: number;
  /** Midjourney's job uuid: `jobId`, `messageHash`, and the uuid inside this task's buttons. */
  jobId: string;
  nonce: string;
  seed: number;
  /** trueai fills `seed` only once someone asked `image-seed` for it. */
  seedRevealed: boolean;
  /** Set while the task waits in MODAL; then `schedule` is null. */
  modal: PendingModal | null;
  schedule: Schedule | null;
  bannedWord: string | null;
  /**
   * Midjourney's `[Invalid parameter] …` for a prompt the chosen model refuses (models.ts); the
   * job fails with it once submitted. Absent in records stored before it existed.
   */
  rejection?: string | null;
  cancelledAt: number | null;
  /** Null while in MODAL (the content depends on the modal's input), and for SHORTEN (no media). */
  source: MediaSource | null;
  /** DESCRIBE: the four prompts it will reveal on success. */
  describePrompts: string[] | null;
  media: MediaInfo | null;
  /**
   * The picture an EDIT or RETEXTURE worked on, or a video's start frame (`baseImageUrl`,
   * `videoGenOriginImageUrl`). Absent in records stored before it existed.
   */
  baseImageUrl?: string | null;
  /** What a video job was asked for beyond its recipe (§3.7); null for other tasks. */
  video?: VideoRequest | null;
}

export interface VideoRequest {
  /** `videoType` as sent (`vid_1.1_i2v_480` when none was), inherited by U and Extend children. */
  type: string;
  /** `properties.video_extend_index`: the extended clip, 1-based; null for a new video. */
  extendIndex: number | null;
}
