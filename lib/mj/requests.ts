import { z } from "zod";
import { REQUEST_IMAGE_TYPES, sniffContentType, type RequestImageType } from "./media-kinds";

/**
 * Request bodies the app accepts on `/api/mj/*`: the upstream's own shapes (§3), with every size
 * bounded and every image checked before anything is forwarded. Shared with the browser so the
 * Create page can flag the same problems before it submits.
 */

export const LIMITS = {
  promptChars: 8_000,
  imageBytes: 10 * 1024 * 1024,
  bodyBytes: 40 * 1024 * 1024,
  referenceImages: 5,
  idsPerList: 200,
  customIdChars: 512,
  stateChars: 255,
  notifyHookChars: 2_000,
} as const;

/**
 * Marks an issue that is about size, so the route answers 413 instead of 400. Zod keeps
 * `params` on custom issues, which is how the error helper tells them apart.
 */
export const TOO_LARGE = { httpStatus: 413 } as const;

/** Upstream task ids are 16-digit strings in practice; allow any short plain token, nothing path-like. */
export const taskIdSchema = z
  .string({ error: "task id must be a string" })
  .regex(/^[A-Za-z0-9_-]{1,64}$/, { error: "task id must be 1-64 letters, digits, '-' or '_'" });

const DATA_URL = /^data:image\/(png|jpeg|jpg|webp|gif);base64,/i;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function decodeHead(base64: string): Uint8Array {
  const head = atob(base64.slice(0, 16));
  return Uint8Array.from(head, (c) => c.charCodeAt(0));
}

export function base64ByteLength(base64: string): number {
  const padding = base64.endsWith("==") ? 2 : base64.endsWith("=") ? 1 : 0;
  return Math.floor((base64.length * 3) / 4) - padding;
}

/**
 * The request image type a bare base64 string really holds (by its signature, the media
 * vocabulary's), or null when it is none of REQUEST_IMAGE_TYPES.
 */
export function sniffBase64Image(base64: string): RequestImageType | null {
  if (base64.length < 16 || base64.length % 4 !== 0 || !BASE64.test(base64)) return null;
  const type = sniffContentType(decodeHead(base64));
  return (REQUEST_IMAGE_TYPES as readonly string[]).includes(type ?? "") ? (type as RequestImageType) : null;
}

/**
 * A reference image as the upstream accepts it: a PNG/JPEG/WebP/GIF data URL, bare base64 of one
 * of those, or an http(s) URL. The bytes are sniffed, so a renamed text file is refused.
 */
export const imageInputSchema = z.string({ error: "image must be a string" }).superRefine((value, ctx) => {
  if (/^https?:\/\//i.test(value)) {
    if (value.length > 2048 || !URL.canParse(value)) {
      ctx.addIssue({ code: "custom", message: "image URL is not a valid http(s) URL" });
    }
    return;
  }
  const base64 = value.replace(DATA_URL, "");
  if (value.startsWith("data:") && base64 === value) {
    ctx.addIssue({
      code: "custom",
      message: "image data URL must be data:image/(png|jpeg|webp|gif);base64,…",
    });
    return;
  }
  if (base64ByteLength(base64) > LIMITS.imageBytes) {
    ctx.addIssue({
      code: "custom",
      message: `image is larger than ${LIMITS.imageBytes / 1024 / 1024} MB`,
      params: TOO_LARGE,
    });
    return;
  }
  if (!sniffBase64Image(base64)) {
    ctx.addIssue({
      code: "custom",
      message: "image is not a PNG, JPEG, WebP or GIF (data URL, base64 or http(s) URL)",
    });
  }
});

const botTypeSchema = z.enum(["MID_JOURNEY", "NIJI_JOURNEY"], {
  error: "botType must be MID_JOURNEY or NIJI_JOURNEY",
});

/** Fields every submit accepts (§3). `accountFilter` is trueai's; relays drop it. */
const baseSubmit = {
  notifyHook: z
    .url({ protocol: /^https?$/, error: "notifyHook must be an http(s) URL" })
    .max(LIMITS.notifyHookChars)
    .optional(),
  state: z
    .string()
    .max(LIMITS.stateChars, { error: `state is longer than ${LIMITS.stateChars} characters` })
    .optional(),
  accountFilter: z
    .object({
      instanceId: z.string().max(64).optional(),
      modes: z
        .array(z.enum(["RELAX", "FAST", "TURBO"]))
        .max(3)
        .optional(),
      remix: z.boolean().optional(),
      nijiRemix: z.boolean().optional(),
      remixAutoConsidered: z.boolean().optional(),
      remark: z.string().max(255).optional(),
    })
    .optional(),
};

/** NUL and other control characters (tab and newlines are fine): no prompt needs them, a forged one may. */
const CONTROL_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const noControlChars = (value: string) => !CONTROL_CHARS.test(value);
const CONTROL_CHARS_ERROR = { error: "prompt must not contain control characters" };

const promptSchema = z
  .string({ error: "prompt must be a string" })
  .trim()
  .min(1, { error: "prompt must not be empty" })
  .max(LIMITS.promptChars, { error: `prompt is longer than ${LIMITS.promptChars} characters` })
  .refine(noControlChars, CONTROL_CHARS_ERROR);

export const imagineRequestSchema = z.object({
  prompt: promptSchema,
  botType: botTypeSchema.optional(),
  base64Array: z
    .array(imageInputSchema, { error: "base64Array must be a list of images" })
    .max(LIMITS.referenceImages, { error: `at most ${LIMITS.referenceImages} reference images` })
    .optional(),
  ...baseSubmit,
});
export type ImagineRequest = z.output<typeof imagineRequestSchema>;

/** Prompt analysis (§3.6): the prompt as imagine takes it, bounded the same way. */
export const shortenRequestSchema = z.object({
  prompt: promptSchema,
  botType: botTypeSchema.optional(),
  ...baseSubmit,
});
export type ShortenRequest = z.output<typeof shortenRequestSchema>;

/** An image's bytes, never a URL: a URL is public already, and §3.9 takes data URLs or base64 only. */
const uploadImageSchema = imageInputSchema.refine((value) => !/^https?:\/\//i.test(value), {
  error: "upload takes images as data URLs or base64, not URLs: put a public URL in the prompt as it is",
});

/** Local images to turn into URLs the upstream hosts (§3.9), each bounded like any request image. */
export const uploadRequestSchema = z.object({
  base64Array: z
    .array(uploadImageSchema, { error: "base64Array must be a list of images" })
    .min(1, { error: `upload needs 1 to ${LIMITS.referenceImages} images` })
    .max(LIMITS.referenceImages, { error: `upload needs 1 to ${LIMITS.referenceImages} images` }),
});
export type UploadRequest = z.output<typeof uploadRequestSchema>;

/** The `videoType` values trueai knows (§3.7): SD 480p and HD 720p. Others are passed on as they are. */
export const VIDEO_TYPES = { sd: "vid_1.1_i2v_480", hd: "vid_1.1_i2v_720" } as const;
/** A clip's longest length: 5 s plus four extensions of about 4 s (§7). */
export const VIDEO_EXTEND_CAP_SECONDS = 21;
export const VIDEO_MOTIONS = ["low", "high"] as const;
export const VIDEO_BATCH_SIZES = [1, 2, 4] as const;

const leadingUrl = (prompt: string | undefined) => /^\s*<?https?:\/\//i.test(prompt ?? "");

/**
 * A video job (§3.7): a new one from a start frame, or `action: "extend"` of clip `index` (0-based)
 * of a finished VIDEO task. The prompt may be empty, Midjourney's "Auto": the service then sends the
 * motion flag as the prompt, since the upstream refuses an empty one. `sourceTaskId` is the app's
 * own: the task whose image is the start frame, recorded as the new task's parent and never sent on.
 */
export const videoRequestSchema = z
  .object({
    prompt: z
      .string({ error: "prompt must be a string" })
      .trim()
      .max(LIMITS.promptChars, { error: `prompt is longer than ${LIMITS.promptChars} characters` })
      .refine(noControlChars, CONTROL_CHARS_ERROR)
      .optional(),
    image: imageInputSchema.optional(),
    endImage: imageInputSchema.optional(),
    loop: z.boolean({ error: "loop must be true or false" }).optional(),
    motion: z.enum(VIDEO_MOTIONS, { error: "motion must be low or high" }).optional(),
    batchSize: z
      .union(
        VIDEO_BATCH_SIZES.map((size) => z.literal(size)),
        { error: "batchSize must be 1, 2 or 4" },
      )
      .optional(),
    videoType: z
      .string({ error: "videoType must be a string" })
      .regex(/^[A-Za-z0-9._-]{1,64}$/, { error: "videoType must be a short token such as vid_1.1_i2v_720" })
      .optional(),
    action: z.literal("extend", { error: 'action must be "extend"' }).optional(),
    taskId: taskIdSchema.optional(),
    index: z
      .number({ error: "index must be a number" })
      .int({ error: "index must be a whole number" })
      .min(0, { error: "index is the clip, 0 to 3" })
      .max(3, { error: "index is the clip, 0 to 3" })
      .optional(),
    sourceTaskId: taskIdSchema.optional(),
    ...baseSubmit,
  })
  .superRefine((body, ctx) => {
    if (body.action === "extend") {
      if (body.taskId === undefined || body.index === undefined) {
        ctx.addIssue({ code: "custom", message: "extend needs the video's taskId and the clip index (0-3)" });
      }
      return;
    }
    if (body.taskId !== undefined) {
      ctx.addIssue({ code: "custom", message: 'taskId is only for action "extend"' });
    }
    if (body.image === undefined && !leadingUrl(body.prompt)) {
      ctx.addIssue({
        code: "custom",
        message: "a new video needs a start frame: image, or an image URL first in the prompt",
      });
    }
  });
export type VideoRequest = z.output<typeof videoRequestSchema>;

/**
 * The Editor (§3.8), for `/submit/edits` and `/submit/retexture`: the image to change and what to
 * make of it. An erased region or an expanded canvas travels as transparency in the image; no
 * upstream family takes a mask here. `sourceTaskId` is the app's own lineage, never sent on.
 */
export const editRequestSchema = z.object({
  prompt: promptSchema,
  image: imageInputSchema,
  sourceTaskId: taskIdSchema.optional(),
  ...baseSubmit,
});
export type EditRequest = z.output<typeof editRequestSchema>;

export const describeRequestSchema = z
  .object({
    base64: imageInputSchema.optional(),
    link: z
      .url({ protocol: /^https?$/, error: "link must be an http(s) URL" })
      .max(2048)
      .optional(),
    botType: botTypeSchema.optional(),
    language: z.string().max(16).optional(),
    ...baseSubmit,
  })
  .refine((body) => body.base64 !== undefined || body.link !== undefined, {
    error: "describe needs an image: base64 or link",
  });
export type DescribeRequest = z.output<typeof describeRequestSchema>;

export const BLEND_DIMENSIONS = ["PORTRAIT", "SQUARE", "LANDSCAPE"] as const;

export const blendRequestSchema = z.object({
  base64Array: z
    .array(imageInputSchema, { error: "base64Array must be a list of images" })
    .min(2, { error: "blend needs 2 to 5 images" })
    .max(5, { error: "blend needs 2 to 5 images" }),
  dimensions: z
    .enum(BLEND_DIMENSIONS, { error: "dimensions must be PORTRAIT, SQUARE or LANDSCAPE" })
    .optional(),
  botType: botTypeSchema.optional(),
  ...baseSubmit,
});
export type BlendRequest = z.output<typeof blendRequestSchema>;

export const actionRequestSchema = z.object({
  taskId: taskIdSchema,
  customId: z
    .string({ error: "customId must be a string" })
    .min(1, { error: "customId must not be empty" })
    .max(LIMITS.customIdChars, { error: "customId is too long" }),
  enableRemix: z.boolean({ error: "enableRemix must be true or false" }).optional(),
  chooseSameChannel: z.boolean().optional(),
  ...baseSubmit,
});
export type ActionRequest = z.output<typeof actionRequestSchema>;

/** novicezk's legacy change actions (§3.10): a grid's U n, V n and reroll. */
export const CHANGE_ACTIONS = ["UPSCALE", "VARIATION", "REROLL"] as const;

/**
 * `POST /mj/submit/change` (§3.10): `{taskId, action, index}`, index 1-4 for U and V. The app
 * presses the parent's matching button (lib/mj/legacy-change.ts).
 */
export const changeRequestSchema = z
  .object({
    taskId: taskIdSchema,
    action: z.enum(CHANGE_ACTIONS, { error: "action must be UPSCALE, VARIATION or REROLL" }),
    index: z
      .number({ error: "index must be a number from 1 to 4" })
      .int({ error: "index must be a number from 1 to 4" })
      .min(1, { error: "index must be a number from 1 to 4" })
      .max(4, { error: "index must be a number from 1 to 4" })
      .optional(),
    ...baseSubmit,
  })
  .refine((body) => body.action === "REROLL" || body.index !== undefined, {
    error: "index (1-4) is required for UPSCALE and VARIATION",
    path: ["index"],
  });
export type ChangeRequest = z.output<typeof changeRequestSchema>;

const SIMPLE_CHANGE = /^\s*([A-Za-z0-9_-]{1,64})\s+(?:([UuVv])([1-4])|([Rr]))\s*$/;

/** `POST /mj/submit/simple-change` (§3.10): `{content: "<taskId> U2"}` (or V3, or R), read as a change. */
export const simpleChangeRequestSchema = z
  .object({
    content: z
      .string({ error: "content must be a string" })
      .max(100, { error: 'content must look like "<taskId> U1", "<taskId> V2" or "<taskId> R"' })
      .regex(SIMPLE_CHANGE, { error: 'content must look like "<taskId> U1", "<taskId> V2" or "<taskId> R"' }),
    ...baseSubmit,
  })
  .transform(({ content, ...rest }): ChangeRequest => {
    const [, taskId = "", letter, index, reroll] = SIMPLE_CHANGE.exec(content) ?? [];
    if (reroll) return { ...rest, taskId, action: "REROLL" };
    return {
      ...rest,
      taskId,
      action: letter?.toUpperCase() === "U" ? "UPSCALE" : "VARIATION",
      index: Number(index),
    };
  });

export const modalRequestSchema = z.object({
  taskId: taskIdSchema,
  /** May be empty: the upstream then falls back to the parent's prompt. */
  prompt: z
    .string({ error: "prompt must be a string" })
    .max(LIMITS.promptChars, { error: `prompt is longer than ${LIMITS.promptChars} characters` })
    .refine(noControlChars, CONTROL_CHARS_ERROR)
    .optional(),
  maskBase64: imageInputSchema.optional(),
});
export type ModalRequest = z.output<typeof modalRequestSchema>;

const idListSchema = z
  .array(taskIdSchema, { error: "ids must be a list of task ids" })
  .max(LIMITS.idsPerList, { error: `at most ${LIMITS.idsPerList} ids per request` });

export const listByIdsRequestSchema = z.object({ ids: idListSchema });
export type ListByIdsRequest = z.output<typeof listByIdsRequestSchema>;

/** The conditions servers agree on; `ids` is the one every family honours. */
export const listByConditionRequestSchema = z.object({ ids: idListSchema.optional() });
export type ListByConditionRequest = z.output<typeof listByConditionRequestSchema>;
