import { parseVersion } from "./prompt";
import { hashString, snowflake } from "./random";
import type { TaskRecord } from "./record";
import type { TaskSnapshot } from "./snapshot";
import { VIDEO_TYPES } from "./video-request";

/**
 * The Task object as each family puts it on the wire (§4, §8): trueai emits every field with
 * nulls, novicezk its short list, the new-api relay a reduced DTO with Go zero values.
 */

/** Midjourney bot's user id, as it appears in Discord message content. */
const MJ_BOT_MENTION = "<@936929561302675456>";

function displayTime(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString().replace("T", " ").slice(0, 19);
}

function elapsedText(snap: TaskSnapshot): string {
  return snap.startTime !== null && snap.finishTime !== null
    ? `${((snap.finishTime - snap.startTime) / 1000).toFixed(2)} s`
    : "-";
}

/** The Discord message carrying the result: same id on every read. */
function messageId(snap: TaskSnapshot): string | null {
  return snap.finishTime === null ? null : snowflake(snap.finishTime, hashString(snap.record.id));
}

function mode(snap: TaskSnapshot): string | null {
  // trueai reads the mode back from the finished message and defaults to FAST (§4.2).
  return snap.status === "SUCCESS" ? (snap.record.requestMode ?? "FAST") : snap.record.requestMode;
}

function trueaiProperties(snap: TaskSnapshot, instanceId: string): Record<string, unknown> {
  const r = snap.record;
  const done = snap.status === "SUCCESS";
  return {
    notifyHook: r.notifyHook,
    botType: r.botType,
    nonce: r.nonce,
    discordInstanceId: instanceId,
    discordChannelId: instanceId,
    ...(snap.finalPrompt !== null ? { finalPrompt: snap.finalPrompt } : {}),
    ...(r.customId ? { custom_id: r.customId } : {}),
    ...(r.actionIndex !== null ? { action_index: r.actionIndex } : {}),
    ...(r.video?.extendIndex ? { video_extend_index: r.video.extendIndex } : {}),
    ...(snap.status === "MODAL" ? { remix_modal: true } : {}),
    ...(done
      ? {
          messageId: messageId(snap),
          flags: 0,
          messageHash: r.jobId,
          messageContent: `**${snap.prompt}** - ${MJ_BOT_MENTION} (${(mode(snap) ?? "FAST").toLowerCase()})`,
        }
      : {}),
  };
}

/** `listImages`: the grid's images are listed one by one (SimulatorOptions.listImages). */
export function trueaiTask(
  snap: TaskSnapshot,
  instanceId: string,
  listImages = false,
): Record<string, unknown> {
  const r = snap.record;
  const done = snap.status === "SUCCESS";
  const media = snap.media;
  const finished = snap.status === "SUCCESS" || snap.status === "FAILURE";
  return {
    id: r.id,
    action: r.action,
    status: snap.status,
    prompt: snap.prompt,
    promptEn: snap.prompt,
    description: snap.description,
    state: r.state,
    submitTime: r.submitTime,
    startTime: snap.startTime,
    finishTime: snap.finishTime,
    imageUrl: snap.imageUrl,
    progress: snap.progress,
    failReason: snap.failReason,
    properties: trueaiProperties(snap, instanceId),
    buttons: snap.buttons,
    parentId: r.parentId,
    botType: r.botType,
    realBotType: null,
    userId: null,
    isWhite: false,
    nonce: r.nonce,
    interactionMetadataId: null,
    messageId: messageId(snap),
    remixModalMessageId: null,
    remixAutoSubmit: false,
    remixModaling: false,
    instanceId,
    subInstanceId: null,
    messageIds: [],
    isCompleted: finished,
    promptFull: done ? snap.prompt : null,
    language: null,
    baseImageUrl: r.baseImageUrl ?? null,
    imageUrls: listImages ? snap.imageUrls : null,
    thumbnailUrl: null,
    hasAIReviewRetried: false,
    isThirdParty: false,
    isPartner: false,
    partnerTaskId: null,
    partnerTaskInfo: null,
    isPartnerRelax: false,
    isOfficial: false,
    officialTaskId: null,
    officialTaskInfo: null,
    isDiscord: true,
    displays: {
      status: snap.status,
      submitTime: displayTime(r.submitTime),
      startTime: displayTime(snap.startTime),
      finishTime: displayTime(snap.finishTime),
      action: r.action,
      discordInstanceId: instanceId,
    },
    seed: r.seedRevealed ? String(r.seed) : null,
    seedError: null,
    seedMessageId: null,
    clientIp: "127.0.0.1",
    jobId: done ? r.jobId : null,
    isReplicate: false,
    replicateSource: null,
    replicateTarget: null,
    mode: mode(snap),
    requestMode: r.requestMode,
    accountFilter: r.accountFilter,
    url: done ? snap.imageUrl : null,
    proxyUrl: done ? snap.imageUrl : null,
    width: media?.width ?? null,
    height: media?.height ?? null,
    size: media?.size ?? null,
    imageWidth: media?.width ?? null,
    imageHeight: media?.height ?? null,
    contentType: media?.contentType ?? null,
    videoGenOriginImageUrl: r.video ? (r.baseImageUrl ?? null) : null,
    videoDuration: snap.video?.seconds ?? null,
    frameCount: snap.video?.frames ?? null,
    videoUrl: snap.videoUrl,
    videoUrls: snap.videoUrls,
    useTime: elapsedText(snap),
    version:
      r.output === "describe" || r.output === "shorten" || r.action === "BLEND"
        ? null
        : parseVersion(r.prompt, r.botType).label,
    storageOption: null,
    videoType: r.video?.type ?? null,
    isHdVideo: r.video?.type === VIDEO_TYPES.hd,
  };
}

/** novicezk's Task (plus the `buttons` the plus variant added): no trueai extras. */
export function novicezkTask(snap: TaskSnapshot, instanceId: string): Record<string, unknown> {
  const r = snap.record;
  return {
    id: r.id,
    action: r.action,
    status: snap.status,
    prompt: snap.prompt,
    promptEn: snap.prompt,
    description: snap.description,
    state: r.state,
    submitTime: r.submitTime,
    startTime: snap.startTime,
    finishTime: snap.finishTime,
    imageUrl: snap.imageUrl,
    progress: snap.progress,
    failReason: snap.failReason,
    properties: {
      notifyHook: r.notifyHook,
      discordInstanceId: instanceId,
      ...(snap.finalPrompt !== null ? { finalPrompt: snap.finalPrompt } : {}),
      ...(snap.status === "SUCCESS" ? { messageId: messageId(snap), messageHash: r.jobId, flags: 0 } : {}),
    },
    buttons: snap.buttons,
  };
}

/**
 * The relay's copy of a task (§8). Before its first poll the relay only knows what it recorded
 * at submit: `status ""`, `progress "0%"`, zero times, null buttons and properties.
 */
export function relayTask(
  record: TaskRecord,
  label: string,
  snap: TaskSnapshot | null,
): Record<string, unknown> {
  const common = {
    id: record.id,
    action: label,
    customId: record.customId ?? "",
    botType: "",
    prompt: record.prompt,
    maskBase64: "",
  };
  if (!snap) {
    return {
      ...common,
      promptEn: "",
      description: "提交成功",
      state: "",
      submitTime: record.submitTime,
      startTime: 0,
      finishTime: 0,
      imageUrl: "",
      videoUrl: "",
      videoUrls: null,
      status: "",
      progress: "0%",
      failReason: "",
      buttons: null,
      properties: null,
    };
  }
  return {
    ...common,
    promptEn: snap.prompt,
    description: snap.description,
    state: record.state,
    submitTime: record.submitTime,
    startTime: snap.startTime ?? 0,
    finishTime: snap.finishTime ?? 0,
    imageUrl: snap.imageUrl ?? "",
    videoUrl: snap.videoUrl ?? "",
    // The relay keeps only the url of each video, not its thumbnail (§7).
    videoUrls: snap.videoUrls?.map(({ url }) => ({ url })) ?? null,
    status: snap.status,
    progress: snap.progress ?? "",
    failReason: snap.failReason ?? "",
    buttons: snap.buttons,
    properties: { finalPrompt: snap.finalPrompt ?? "", finalZhPrompt: "" },
  };
}
