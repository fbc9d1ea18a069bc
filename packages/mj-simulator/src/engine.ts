import { randomUUID } from "node:crypto";
import { buttonsFor } from "./button-sets";
import { readCustomId, type ButtonIntent } from "./custom-ids";
import {
  decodeImageInput,
  decodeImageInputs,
  INPUT_ERRORS,
  type DecodedImage,
  type OwnMedia,
} from "./inputs";
import { isFinished, phaseAt, planJob, type JobTiming } from "./lifecycle";
import { ensureMediaInfo, resolveMedia, type MediaDeps } from "./media";
import { planPress } from "./press";
import { rejectionOf } from "./models";
import {
  findBannedWord,
  isDraft,
  parseAspect,
  parseSeed,
  parseSpeed,
  parseZoom,
  subjectOf,
  type SpeedMode,
} from "./prompt";
import { withPrompt } from "./recipes";
import type { MediaSource, OutputKind, PendingModal, TaskAction, TaskRecord, VideoRequest } from "./record";
import { clipOf, describeImage, videoShape, type Recipe } from "./render";
import { hashString, newTaskId, snowflake } from "./random";
import type {
  AccountFilter,
  ActionBody,
  BlendBody,
  DescribeBody,
  EditBody,
  ImagineBody,
  ModalBody,
  ShortenBody,
  UploadBody,
  VideoBody,
} from "./schemas";
import { analysePrompt } from "./shorten";
import type { TaskStore } from "./store";
import { leadingUrl, readVideoFlags, VIDEO_CAP_SECONDS, VIDEO_TYPES, videoPrompt } from "./video-request";

/**
 * The proxy's business logic, as trueai HEAD behaves (docs/protocol.md §3): it answers in neutral
 * outcomes that the family layer renders as trueai, novicezk or new-api would.
 */

export interface Envelope {
  code: number;
  description: string;
  /** A task id, or the URLs of `upload-discord-images` (§3.9). */
  result: string | string[] | null;
  properties: Record<string, unknown>;
}

export type Outcome =
  | { kind: "envelope"; status: number; envelope: Envelope }
  /** An answer shaped unlike the envelope: trueai's storage failure drops `result` and `properties`. */
  | { kind: "json"; status: number; body: Record<string, unknown> }
  | { kind: "task"; record: TaskRecord }
  | { kind: "tasks"; records: TaskRecord[] }
  | { kind: "unknown-task" }
  | { kind: "empty"; status: number };

export interface RequestContext {
  now: number;
  /** Speed chosen by a `/mj-fast`-style path prefix (trueai), the strongest preference (§3). */
  pathMode: SpeedMode | null;
}

export interface EngineOptions extends MediaDeps {
  timing: JobTiming;
  /** novicezk refuses banned prompts at submit (code 24); trueai fails them later. */
  bannedAtSubmit: boolean;
  /** The account has Remix on: remixable buttons always open the modal (§5.6). */
  remix: boolean;
  /** SimulatorOptions.renderPool: how many pictures imagines draw from (null: one each). */
  renderPool: number | null;
  instanceId: string;
}

const MESSAGES = {
  submitted: "提交成功",
  modal: "Waiting for window confirm",
  /** trueai's default `description` for a task Midjourney did not describe itself. */
  actionDone: "Submit success",
  emptyPrompt: "prompt不能为空",
  badParams: "参数错误",
  parentMissing: "关联任务不存在或已失效",
  parentState: "关联任务状态错误",
  unknownAction: "未知的 Action 类型",
  describeInput: "base64或link不能为空",
  blendCount: "图片参数错误，2~5张图片",
  blendDimensions: "dimensions参数错误",
  banned: "可能包含敏感词",
  taskMissing: "任务不存在",
  seedFound: "成功",
  maskMissing: "maskBase64不能为空",
  maskInvalid: "maskBase64格式错误",
  uploadEmpty: "base64 参数错误",
  uploadStorage: "上传图片到云存储异常",
  nothingToShorten: "[Invalid parameter] Nothing to shorten: the prompt has no words",
  zoomInvalid:
    'Custom Zoom 需要在 prompt 中提供 --zoom 参数，取值 1.0~2.0（例如 "a cat --zoom 1.5"）/ Custom Zoom needs --zoom between 1.0 and 2.0 in the prompt',
  videoPrompt: "Prompt 不能为空",
  videoTaskType: "任务类型错误",
  videoTarget: "目标任务不存在",
  noStartFrame:
    "首帧图片不能为空 / No start frame provided: send image, or an image URL at the start of prompt",
  notVideo: "关联任务不是视频任务 / taskId must be a VIDEO task: a new video or an extension",
  extendCap: `视频已达最长时长，无法继续扩展 / The video is already ${VIDEO_CAP_SECONDS} s, Midjourney's longest: it cannot be extended`,
  editInput: "image或prompt不能为空",
} as const;

const clipIndexInvalid = (clips: number) =>
  `index参数错误 / index must be the clip to extend, 0-based: ${clips === 1 ? "0" : `0 to ${clips - 1}`}`;

const DEFAULT_ASPECT = { w: 1, h: 1 };
const EXTENSIONS: Record<string, string> = {
  "image/png": "png",
  "image/jpeg": "jpg",
  "image/webp": "webp",
  "image/gif": "gif",
};
const LATEST_LIMIT = 100;
const IMAGINE_ALL = 4;

function envelope(
  code: number,
  description: string,
  result: Envelope["result"] = null,
  properties: Record<string, unknown> = {},
  status = 200,
): Outcome {
  return { kind: "envelope", status, envelope: { code, description, result, properties } };
}

const invalid = (description: string) => envelope(4, description);

function recipeOf(record: TaskRecord): Recipe | null {
  return record.source?.type === "recipe" ? record.source.recipe : null;
}

/** A video Midjourney will not extend any more (§7). */
function reachedCap(recipe: Recipe | null): boolean {
  return (recipe ? (videoShape(recipe)?.seconds ?? 0) : 0) >= VIDEO_CAP_SECONDS;
}

/**
 * Midjourney's verdict on a video prompt's parameters, on any model; Turbo is not held against
 * it, as whether video runs in Turbo is disputed (§11.3).
 */
function videoRejection(prompt: string): string | null {
  return rejectionOf(prompt, "MID_JOURNEY", null);
}

/** A draft imagine, or a reroll of one: Midjourney runs it at draft speed. */
function isDraftRecipe(recipe: Recipe): boolean {
  return recipe.kind === "imagine" && recipe.draft === true;
}

function botTypeOf(value: string | null | undefined): string {
  return value === "NIJI_JOURNEY" || value === "niji" ? "NIJI_JOURNEY" : "MID_JOURNEY";
}

/** The fields of a new task that vary by how it was made; the rest are filled alike. */
interface NewTask {
  action: TaskAction;
  output: OutputKind;
  prompt: string;
  description: string;
  source: MediaSource | null;
  seed?: number;
  parent?: TaskRecord;
  customId?: string;
  actionIndex?: number | null;
  modal?: PendingModal | null;
  describePrompts?: string[] | null;
  baseImageUrl?: string | null;
  video?: VideoRequest | null;
  /** Midjourney's refusal decided by the caller (a video's flags, an image it cannot read);
   * absent = judged by the prompt's parameters on its model. */
  rejection?: string | null;
  body: {
    state?: string | null;
    notifyHook?: string | null;
    accountFilter?: AccountFilter | null;
    botType?: string | null;
  };
}

export class Engine {
  constructor(private readonly options: EngineOptions) {}

  private get store(): TaskStore {
    return this.options.store;
  }

  /** Inputs given as this simulator's media links resolve as of the request's clock (they may have expired). */
  private ownMedia(now: number): OwnMedia {
    return {
      isOwn: (url) => this.options.links.isOwn(url),
      resolve: (url) => resolveMedia(this.options, url, now),
    };
  }

  async imagine(body: ImagineBody, ctx: RequestContext): Promise<Outcome> {
    const prompt = (body.prompt ?? "").trim();
    if (!prompt) return invalid(MESSAGES.emptyPrompt);
    const refs = [...(body.base64Array ?? []), ...(body.base64 ? [body.base64] : [])];
    const decoded = await decodeImageInputs(refs, this.ownMedia(ctx.now));
    if (!decoded.ok) return invalid(decoded.message);
    const refused = this.refuseBanned(prompt);
    if (refused) return refused;
    const id = this.newId(ctx.now);
    const seed = parseSeed(prompt) ?? hashString(id);
    const pool = this.options.renderPool;
    const recipe: Recipe = {
      kind: "imagine",
      // A pooled picture keeps the job's shape (aspect, draft, references), not its subject.
      prompt: pool ? "render pool" : subjectOf(prompt),
      seed: pool ? seed % pool : seed,
      aspect: parseAspect(prompt) ?? DEFAULT_ASPECT,
      ...(decoded.images.length > 0 ? { refImages: decoded.images.map((image) => image.data) } : {}),
      ...(isDraft(prompt) ? { draft: true } : {}),
    };
    const record = this.newRecord(id, ctx, {
      action: "IMAGINE",
      output: "grid",
      prompt,
      description: `/imagine ${prompt}`,
      source: { type: "recipe", recipe },
      seed,
      body,
    });
    return this.enqueue(record, ctx.now);
  }

  async describe(body: DescribeBody, ctx: RequestContext): Promise<Outcome> {
    const base64 = body.base64?.trim();
    const link = body.link?.trim();
    if (!base64 && !link) return invalid(MESSAGES.describeInput);
    if (!base64 && !/^https?:\/\/.+/i.test(link ?? "")) return invalid(INPUT_ERRORS.badLink);
    const decoded = await decodeImageInput(base64 || link || "", this.ownMedia(ctx.now));
    if (!decoded.ok) return invalid(decoded.message);
    const prompts = await describeImage(decoded.image.data);
    return this.enqueue(this.describeRecord(this.newId(ctx.now), ctx, decoded.image, prompts, body), ctx.now);
  }

  async blend(body: BlendBody, ctx: RequestContext): Promise<Outcome> {
    const inputs = body.base64Array ?? [];
    if (inputs.length < 2 || inputs.length > 5) return invalid(MESSAGES.blendCount);
    if (body.dimensions === null) return invalid(MESSAGES.blendDimensions);
    const decoded = await decodeImageInputs(inputs, this.ownMedia(ctx.now));
    if (!decoded.ok) return invalid(decoded.message);
    const id = this.newId(ctx.now);
    const seed = hashString(id);
    const recipe: Recipe = {
      kind: "blend",
      images: decoded.images.map((image) => image.data),
      dimensions: body.dimensions ?? "SQUARE",
      seed,
    };
    const record = this.newRecord(id, ctx, {
      action: "BLEND",
      output: "grid",
      prompt: "",
      description: `/blend ${id} ${inputs.length}`,
      source: { type: "recipe", recipe },
      seed,
      body,
    });
    return this.enqueue(record, ctx.now);
  }

  async action(body: ActionBody, ctx: RequestContext): Promise<Outcome> {
    const taskId = body.taskId?.trim();
    const customId = body.customId?.trim();
    if (!taskId || !customId) return invalid(MESSAGES.badParams);
    const parent = this.store.get(taskId);
    if (!parent) return envelope(3, MESSAGES.parentMissing, null, {}, 404);
    const intent = readCustomId(customId);
    if (!intent || intent.kind === "bookmark") return invalid(MESSAGES.unknownAction);
    if (phaseAt(parent, ctx.now).status !== "SUCCESS") return invalid(MESSAGES.parentState);
    // Every single video carries Extend, so the cap can be told without rendering the video.
    if (intent.kind === "extend" && reachedCap(recipeOf(parent))) return invalid(MESSAGES.extendCap);
    // Midjourney only reacts to buttons on the message: a customId the task does not carry
    // (U5, Make Square on a square image, another job's uuid) goes nowhere.
    const media = await ensureMediaInfo(this.store, parent);
    if (!buttonsFor(parent, media).some((b) => b.customId === customId))
      return invalid(MESSAGES.unknownAction);

    const id = this.newId(ctx.now);
    const seed = hashString(id);
    const press = planPress(intent, parent, seed, { strong: body.strong ?? null });
    const child = { parent, customId, seed, body, ...this.videoChild(intent, parent, ctx.now) };
    switch (press.type) {
      case "rejected":
        return invalid(MESSAGES.unknownAction);
      case "imagine-all":
        return this.imagineAll(parent, customId, body, ctx, id);
      case "describe-again": {
        if (parent.source?.type !== "image") return invalid(MESSAGES.unknownAction);
        const record = this.describeRecord(
          id,
          ctx,
          parent.source,
          parent.describePrompts ?? [],
          body,
          parent,
          customId,
        );
        return this.enqueue(record, ctx.now);
      }
      case "modal":
        return this.openModal(this.childRecord(id, ctx, press, child, press.modal));
      case "direct": {
        if (press.remixable && (body.enableRemix || this.options.remix)) {
          const modal: PendingModal = { kind: "remix", suggestedPrompt: parent.prompt, recipe: press.recipe };
          return this.openModal(this.childRecord(id, ctx, press, child, modal));
        }
        return this.enqueue(this.childRecord(id, ctx, press, child, null, press.recipe), ctx.now);
      }
    }
  }

  async modal(body: ModalBody, ctx: RequestContext): Promise<Outcome> {
    const taskId = body.taskId?.trim();
    if (!taskId) return invalid(MESSAGES.badParams);
    const record = this.store.get(taskId);
    if (!record) return envelope(3, MESSAGES.parentMissing, null, {}, 404);
    const modal = record.modal;
    if (!modal || phaseAt(record, ctx.now).status !== "MODAL") return invalid(MESSAGES.parentState);
    // An empty modal keeps what the dialog was pre-filled with: the parent's prompt (§3.5).
    const prompt = body.prompt?.trim() || modal.suggestedPrompt;
    if (!prompt) return invalid(MESSAGES.emptyPrompt);
    const refused = this.refuseBanned(prompt);
    if (refused) return refused;

    let recipe: Recipe;
    switch (modal.kind) {
      case "remix":
        recipe = withPrompt(modal.recipe, prompt);
        break;
      case "describe-prompt":
        recipe = {
          kind: "imagine",
          prompt: subjectOf(prompt),
          seed: parseSeed(prompt) ?? record.seed,
          aspect: parseAspect(prompt) ?? DEFAULT_ASPECT,
          ...(isDraft(prompt) ? { draft: true } : {}),
        };
        break;
      case "custom-zoom": {
        const zoom = parseZoom(prompt);
        if (zoom === null || zoom < 1 || zoom > 2) return invalid(MESSAGES.zoomInvalid);
        const aspect = parseAspect(prompt);
        recipe = {
          kind: "zoom",
          parent: modal.parent,
          factor: zoom,
          seed: record.seed,
          ...(aspect ? { aspect } : {}),
        };
        break;
      }
      case "vary-region": {
        if (!body.maskBase64?.trim()) return invalid(MESSAGES.maskMissing);
        const mask = await decodeImageInput(body.maskBase64, this.ownMedia(ctx.now));
        if (!mask.ok) return invalid(MESSAGES.maskInvalid);
        recipe = {
          kind: "region",
          parent: modal.parent,
          mask: mask.image.data,
          prompt: subjectOf(prompt),
          seed: record.seed,
        };
        break;
      }
    }
    const confirmed: TaskRecord = {
      ...record,
      prompt,
      description: record.description === MESSAGES.modal ? MESSAGES.actionDone : record.description,
      modal: null,
      source: { type: "recipe", recipe },
      bannedWord: this.options.bannedAtSubmit ? null : findBannedWord(prompt),
      rejection: rejectionOf(prompt, record.botType, record.requestMode),
    };
    return this.enqueue(confirmed, ctx.now);
  }

  /** A SHORTEN task: no media, its analysis revealed on success (§3.6; shorten.ts). */
  shorten(body: ShortenBody, ctx: RequestContext): Outcome {
    // trueai passes even an empty prompt on; Midjourney is the one to refuse it.
    const prompt = (body.prompt ?? "").trim();
    const record = this.newRecord(this.newId(ctx.now), ctx, {
      action: "SHORTEN",
      output: "shorten",
      prompt,
      description: `/shorten ${prompt}`,
      source: null,
      body,
    });
    const rejection = analysePrompt(prompt) === null ? MESSAGES.nothingToShorten : null;
    // The analysis does not judge parameters or words; nothing is generated.
    return this.enqueue({ ...record, rejection, bannedWord: null }, ctx.now);
  }

  /**
   * `upload-discord-images` (§3.9): stores the images and answers their URLs, one per input, in
   * order. `storageFails` plays a broken file storage, answered with trueai's short body.
   */
  async upload(body: UploadBody, ctx: RequestContext, storageFails: boolean): Promise<Outcome> {
    const inputs = body.base64Array ?? [];
    if (inputs.length === 0) return invalid(MESSAGES.uploadEmpty);
    // Only base64 is uploaded: a URL is not a file to store.
    if (inputs.some((input) => /^https?:\/\//i.test(input.trim()))) return invalid(INPUT_ERRORS.badBase64);
    const decoded = await decodeImageInputs(inputs, this.ownMedia(ctx.now));
    if (!decoded.ok) return invalid(decoded.message);
    if (storageFails) {
      return { kind: "json", status: 200, body: { code: 9, description: MESSAGES.uploadStorage } };
    }
    return envelope(
      1,
      MESSAGES.submitted,
      decoded.images.map((image) => this.storeAttachment(image, ctx.now)),
    );
  }

  /**
   * `/submit/video` (§3.7): a new video from a start frame, or `action: "extend"` of one clip of a
   * finished VIDEO task. Frames sent as base64 are stored first, like uploads, and their URLs go
   * into the prompt; URLs are used as they are and read when the job runs, so one the simulator
   * cannot read fails the job (as an unreachable link fails it at Midjourney), not the submit.
   */
  async video(body: VideoBody, ctx: RequestContext, storageFails: boolean): Promise<Outcome> {
    const prompt = (body.prompt ?? "").trim();
    if (!prompt) return invalid(MESSAGES.videoPrompt);
    const taskId = body.taskId?.trim();
    const extend = body.action?.trim().toLowerCase() === "extend";
    if (taskId && !extend) return invalid(MESSAGES.videoTaskType);
    if (extend)
      return taskId ? this.extendVideo(taskId, prompt, body, ctx) : envelope(3, MESSAGES.videoTarget);

    const start = body.image?.trim() || leadingUrl(prompt);
    if (!start) return invalid(MESSAGES.noStartFrame);
    const startUrl = await this.imageUrl(start, ctx, storageFails);
    if (!startUrl.ok) return startUrl.outcome;
    const endImage = body.endImage?.trim();
    const endUrl = endImage ? await this.imageUrl(endImage, ctx, storageFails) : null;
    if (endUrl && !endUrl.ok) return endUrl.outcome;
    const finalPrompt = videoPrompt({
      startUrl: startUrl.url,
      prompt,
      loop: body.loop === true,
      endUrl: endUrl?.url ?? null,
      motion: body.motion?.trim() || "low",
      batchSize: body.batchSize ?? null,
    });
    const read = readVideoFlags(finalPrompt);
    const type = body.videoType?.trim() || VIDEO_TYPES.sd;
    const id = this.newId(ctx.now);
    const seed = parseSeed(finalPrompt) ?? hashString(id);
    let recipe: Recipe | null = null;
    let failure = read.ok ? null : read.rejection;
    if (read.ok) {
      const { flags } = read;
      // Midjourney reads the frames the prompt names: the start, and an end frame unless it loops.
      const endFrame = flags.end !== null && flags.end !== "loop" ? [flags.end.url] : [];
      const frames = await decodeImageInputs([startUrl.url, ...endFrame], this.ownMedia(ctx.now));
      if (frames.ok) {
        const [first, last] = frames.images;
        recipe = {
          kind: "video-grid",
          parent: { kind: "input", image: first!.data },
          seed,
          motion: flags.motion,
          batch: flags.batch,
          ...(type === VIDEO_TYPES.hd ? { hd: true } : {}),
          ...(flags.end === "loop" ? { end: "loop" } : last ? { end: last.data } : {}),
        };
      } else {
        failure = frames.message;
      }
    }
    const record = this.newRecord(id, ctx, {
      action: "VIDEO",
      output: "video-grid",
      prompt: finalPrompt,
      description: `/video ${finalPrompt}`,
      source: recipe ? { type: "recipe", recipe } : null,
      seed,
      baseImageUrl: startUrl.url,
      video: { type, extendIndex: null },
      rejection: failure ?? videoRejection(finalPrompt),
      // trueai's video DTO has no accountFilter (§3.7).
      body: { state: body.state, notifyHook: body.notifyHook },
    });
    return this.enqueue(record, ctx.now);
  }

  /** `/submit/edits` and `/submit/retexture` (§3.8): a grid made from the image and the prompt. */
  async edit(
    body: EditBody,
    ctx: RequestContext,
    action: "EDIT" | "RETEXTURE",
    storageFails: boolean,
  ): Promise<Outcome> {
    const prompt = body.prompt?.trim();
    const image = body.image?.trim();
    if (!prompt || !image) return invalid(MESSAGES.editInput);
    const stored = await this.imageUrl(image, ctx, storageFails);
    if (!stored.ok) return stored.outcome;
    const picture = await decodeImageInput(stored.url, this.ownMedia(ctx.now));
    const id = this.newId(ctx.now);
    const seed = parseSeed(prompt) ?? hashString(id);
    const retexture = action === "RETEXTURE";
    const recipe: Recipe | null = picture.ok
      ? { kind: retexture ? "retexture" : "edit", image: picture.image.data, prompt: subjectOf(prompt), seed }
      : null;
    const record = this.newRecord(id, ctx, {
      action,
      output: "grid",
      prompt: retexture ? `${prompt} --dref ${stored.url}` : prompt,
      description: `/${retexture ? "retexture" : "edit"} ${prompt}`,
      source: recipe ? { type: "recipe", recipe } : null,
      seed,
      baseImageUrl: stored.url,
      ...(picture.ok ? {} : { rejection: picture.message }),
      // The bot is always Midjourney's (§3.8).
      body: { state: body.state, notifyHook: body.notifyHook, accountFilter: body.accountFilter },
    });
    return this.enqueue(record, ctx.now);
  }

  fetch(id: string): Outcome {
    const record = this.store.get(id);
    return record ? { kind: "task", record } : { kind: "unknown-task" };
  }

  /** Ids are trimmed, unknown ones omitted; a missing list is an empty answer (§3.15). */
  list(ids: readonly string[] | null | undefined): Outcome {
    const wanted = (ids ?? []).map((id) => id.trim()).filter(Boolean);
    return { kind: "tasks", records: wanted.length > 0 ? this.store.getMany(wanted) : [] };
  }

  latest(): Outcome {
    return { kind: "tasks", records: this.store.latest(LATEST_LIMIT) };
  }

  imageSeed(id: string, ctx: RequestContext): Outcome {
    const record = this.store.get(id);
    if (!record) return envelope(3, MESSAGES.taskMissing, null, {}, 404);
    if (phaseAt(record, ctx.now).status !== "SUCCESS")
      return envelope(4, MESSAGES.parentState, null, {}, 400);
    if (!record.seedRevealed) this.store.save({ ...record, seedRevealed: true });
    return envelope(1, MESSAGES.seedFound, String(record.seed));
  }

  /** trueai fails an unfinished task with `取消任务` and answers 200 with no body, known id or not. */
  cancel(id: string, ctx: RequestContext): Outcome {
    const record = this.store.get(id);
    if (record && !isFinished(phaseAt(record, ctx.now))) this.store.save({ ...record, cancelledAt: ctx.now });
    return { kind: "empty", status: 200 };
  }

  private extendVideo(taskId: string, prompt: string, body: VideoBody, ctx: RequestContext): Outcome {
    const parent = this.store.get(taskId);
    if (!parent) return envelope(3, MESSAGES.videoTarget, null, {}, 404);
    if (phaseAt(parent, ctx.now).status !== "SUCCESS") return invalid(MESSAGES.parentState);
    const recipe = recipeOf(parent);
    const shape = recipe && videoShape(recipe);
    // The parent is a new video or an extension; a video U (UPSCALE) is extended through its grid.
    if (parent.action !== "VIDEO" || !recipe || !shape) return invalid(MESSAGES.notVideo);
    const clip = clipOf(recipe, body.index ?? -1);
    if (!clip) return invalid(clipIndexInvalid(shape.clips));
    if (reachedCap(clip)) return invalid(MESSAGES.extendCap);
    const finalPrompt = videoPrompt({
      startUrl: null,
      prompt,
      loop: false,
      endUrl: null,
      motion: body.motion?.trim() || "low",
      batchSize: body.batchSize ?? null,
    });
    const read = readVideoFlags(finalPrompt);
    const id = this.newId(ctx.now);
    const seed = parseSeed(finalPrompt) ?? hashString(id);
    const record = this.newRecord(id, ctx, {
      action: "VIDEO",
      output: "video",
      prompt: finalPrompt,
      description: `/video ${finalPrompt}`,
      source: read.ok
        ? { type: "recipe", recipe: { kind: "extend", parent: clip, motion: read.flags.motion, seed } }
        : null,
      seed,
      parent,
      baseImageUrl: parent.baseImageUrl ?? null,
      // An extension continues the parent's own frames, so it keeps the parent's resolution.
      video: { type: parent.video?.type ?? VIDEO_TYPES.sd, extendIndex: (body.index ?? 0) + 1 },
      rejection: read.ok ? videoRejection(finalPrompt) : read.rejection,
      body: { state: body.state, notifyHook: body.notifyHook },
    });
    return this.enqueue(record, ctx.now);
  }

  /** An image input as trueai puts it into a prompt: a URL as it is, base64 stored first (§3.7). */
  private async imageUrl(
    raw: string,
    ctx: RequestContext,
    storageFails: boolean,
  ): Promise<{ ok: true; url: string } | { ok: false; outcome: Outcome }> {
    if (/^https?:\/\//i.test(raw)) return { ok: true, url: raw };
    const decoded = await decodeImageInput(raw, this.ownMedia(ctx.now));
    if (!decoded.ok) return { ok: false, outcome: invalid(INPUT_ERRORS.badBase64) };
    if (storageFails) return { ok: false, outcome: envelope(9, MESSAGES.uploadStorage) };
    return { ok: true, url: this.storeAttachment(decoded.image, ctx.now) };
  }

  /** Keeps an image in the file storage, served at `/attachments/<yyyyMMdd>/<uuid>.<ext>` (§3.9). */
  private storeAttachment(image: DecodedImage, now: number): string {
    const day = new Date(now).toISOString().slice(0, 10).replaceAll("-", "");
    const path = `${day}/${randomUUID()}.${EXTENSIONS[image.contentType] ?? "png"}`;
    this.store.saveAttachment({ path, ...image });
    return this.options.links.attachmentUrl(path);
  }

  /**
   * What a button's child inherits from a video (§7): its start frame and videoType, and for an
   * Extend the clip it extends. Animate starts a video from the image it was pressed on.
   */
  private videoChild(
    intent: ButtonIntent,
    parent: TaskRecord,
    now: number,
  ): { baseImageUrl: string | null; video: VideoRequest } | null {
    const extendIndex = intent.kind === "extend" ? intent.index : null;
    if (parent.video)
      return { baseImageUrl: parent.baseImageUrl ?? null, video: { type: parent.video.type, extendIndex } };
    if (intent.kind !== "animate") return null;
    const phase = phaseAt(parent, now);
    const image =
      phase.status === "SUCCESS"
        ? this.options.links.url(parent, { kind: "result" }, phase.finishTime)
        : null;
    return { baseImageUrl: image, video: { type: VIDEO_TYPES.sd, extendIndex: null } };
  }

  private newId(now: number): string {
    return newTaskId(now, (id) => this.store.get(id) !== undefined);
  }

  /** novicezk's pre-check (code 24); trueai lets the job start and fail (see `bannedWord`). */
  private refuseBanned(prompt: string): Outcome | null {
    const word = this.options.bannedAtSubmit ? findBannedWord(prompt) : null;
    return word ? envelope(24, MESSAGES.banned, null, { promptEn: prompt, bannedWord: word }) : null;
  }

  private newRecord(id: string, ctx: RequestContext, task: NewTask): TaskRecord {
    const filter = task.body.accountFilter ?? null;
    const botType = task.parent?.botType ?? botTypeOf(task.body.botType);
    const requestMode =
      ctx.pathMode ?? filter?.modes?.[0] ?? parseSpeed(task.prompt) ?? task.parent?.requestMode ?? null;
    return {
      id,
      action: task.action,
      output: task.output,
      customId: task.customId ?? null,
      actionIndex: task.actionIndex ?? null,
      parentId: task.parent?.id ?? null,
      prompt: task.prompt,
      description: task.description,
      state: task.body.state ?? "",
      botType,
      requestMode,
      accountFilter: filter,
      notifyHook: task.body.notifyHook ?? null,
      submitTime: ctx.now,
      jobId: randomUUID(),
      nonce: snowflake(ctx.now),
      seed: task.seed ?? hashString(id),
      seedRevealed: false,
      modal: task.modal ?? null,
      schedule: null,
      bannedWord: this.options.bannedAtSubmit ? null : findBannedWord(task.prompt),
      // A child repeats its parent's prompt, which ran; a modal child is judged again on confirm.
      rejection:
        task.rejection !== undefined ? task.rejection : rejectionOf(task.prompt, botType, requestMode),
      cancelledAt: null,
      source: task.source,
      describePrompts: task.describePrompts ?? null,
      media: null,
      baseImageUrl: task.baseImageUrl ?? null,
      video: task.video ?? null,
    };
  }

  private describeRecord(
    id: string,
    ctx: RequestContext,
    image: DecodedImage,
    prompts: string[],
    body: NewTask["body"],
    parent?: TaskRecord,
    customId?: string,
  ): TaskRecord {
    return this.newRecord(id, ctx, {
      action: "DESCRIBE",
      output: "describe",
      prompt: "",
      description: "/describe",
      source: { type: "image", ...image },
      describePrompts: prompts,
      body,
      ...(parent && customId ? { parent, customId } : {}),
    });
  }

  private childRecord(
    id: string,
    ctx: RequestContext,
    shape: { action: TaskAction; output: OutputKind; actionIndex: number | null },
    child: {
      parent: TaskRecord;
      customId: string;
      seed: number;
      body: ActionBody;
      baseImageUrl?: string | null;
      video?: VideoRequest | null;
    },
    modal: PendingModal | null,
    recipe?: Recipe,
  ): TaskRecord {
    return this.newRecord(id, ctx, {
      action: shape.action,
      output: shape.output,
      // A describe prompt's child is about that prompt; Vary Region blanks it while in MODAL (§6).
      prompt:
        modal?.kind === "describe-prompt"
          ? modal.suggestedPrompt
          : modal?.kind === "vary-region"
            ? ""
            : child.parent.prompt,
      description: modal ? MESSAGES.modal : MESSAGES.actionDone,
      source: recipe ? { type: "recipe", recipe } : null,
      seed: child.seed,
      parent: child.parent,
      customId: child.customId,
      actionIndex: shape.actionIndex,
      modal,
      baseImageUrl: child.baseImageUrl ?? null,
      video: child.video ?? null,
      body: child.body,
    });
  }

  private openModal(record: TaskRecord): Outcome {
    this.store.save(record);
    return envelope(21, MESSAGES.modal, record.id, {
      finalPrompt: record.modal?.suggestedPrompt ?? "",
      remix: true,
    });
  }

  /** 🎉 Imagine all: four IMAGINE tasks at once, one comma-joined `result`, no hooks (§5.4). */
  private imagineAll(
    parent: TaskRecord,
    customId: string,
    body: ActionBody,
    ctx: RequestContext,
    firstId: string,
  ): Outcome {
    const state = body.state ?? parent.state;
    const ids = (parent.describePrompts ?? []).slice(0, IMAGINE_ALL).map((prompt, i) => {
      const id = i === 0 ? firstId : this.newId(ctx.now);
      const seed = hashString(id);
      const recipe: Recipe = {
        kind: "imagine",
        prompt: subjectOf(prompt),
        seed,
        aspect: parseAspect(prompt) ?? DEFAULT_ASPECT,
      };
      const record = this.newRecord(id, ctx, {
        action: "IMAGINE",
        output: "grid",
        prompt,
        description: `/imagine ${prompt}`,
        source: { type: "recipe", recipe },
        seed,
        parent,
        customId,
        actionIndex: i + 1,
        body: { state: `${state}::${i + 1}`, accountFilter: body.accountFilter ?? null },
      });
      this.enqueue(record, ctx.now);
      return id;
    });
    return envelope(1, MESSAGES.submitted, ids.join(","), this.instanceProperties());
  }

  private instanceProperties(): Record<string, unknown> {
    return { discordInstanceId: this.options.instanceId, discordChannelId: this.options.instanceId };
  }

  /** Puts the job in line and answers as trueai does: code 1, or 22 with its place in the queue. */
  private enqueue(record: TaskRecord, now: number): Outcome {
    const planned = planJob(
      {
        id: record.id,
        action: record.action,
        output: record.output,
        mode: record.requestMode,
        banned: record.bannedWord !== null,
        rejection: record.rejection ?? null,
        draft: record.source?.type === "recipe" && isDraftRecipe(record.source.recipe),
      },
      now,
      this.store.activeJobs(now),
      this.options.timing,
    );
    this.store.save({ ...record, schedule: planned.schedule });
    if (!planned.queued) return envelope(1, MESSAGES.submitted, record.id, this.instanceProperties());
    return envelope(22, `排队中，前面还有${planned.ahead}个任务`, record.id, {
      ...this.instanceProperties(),
      numberOfQueues: planned.ahead,
    });
  }
}
