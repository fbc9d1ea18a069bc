import { buttonsFor, type WireButton } from "./button-sets";
import { phaseAt, type Phase } from "./lifecycle";
import { clipCount, ensureMediaInfo, gridImageCount, type MediaDeps } from "./media";
import type { MediaInfo, TaskRecord } from "./record";
import { videoShape, type VideoShape } from "./render";
import { analysePrompt } from "./shorten";

/**
 * A task as it stands at one moment, in family-neutral terms. The wire formats of the three
 * families (wire.ts) are different renderings of the same snapshot.
 */
export interface TaskSnapshot {
  record: TaskRecord;
  phase: Phase;
  status: Phase["status"];
  progress: string | null;
  startTime: number | null;
  finishTime: number | null;
  failReason: string | null;
  prompt: string;
  /** The task's `description`; a finished SHORTEN shows its analysis there. */
  description: string;
  finalPrompt: string | null;
  imageUrl: string | null;
  videoUrl: string | null;
  videoUrls: { url: string; thumbnail: string }[] | null;
  /**
   * A finished still grid's images one by one, for the families that list them (trueai with its
   * "fill official CDN" option, wire.ts); null for any other task.
   */
  imageUrls: { url: string; thumbnail: string }[] | null;
  buttons: WireButton[];
  /** The finished result's size and type; null until SUCCESS. */
  media: MediaInfo | null;
  /** A finished video's clips and their length (`videoDuration`, `frameCount`); null otherwise. */
  video: VideoShape | null;
}

function progressOf(phase: Phase): string | null {
  switch (phase.status) {
    case "MODAL":
    case "NOT_START":
      return null;
    case "SUBMITTED":
      return "0%";
    case "IN_PROGRESS":
      return `${phase.percent}%`;
    case "SUCCESS":
      return "100%";
    case "FAILURE":
      return "";
  }
}

/** DESCRIBE reveals its prompts the way Discord shows them: `1️⃣ …\n\n2️⃣ …` (§3.2). */
function describeText(prompts: readonly string[]): string {
  return prompts.map((p, i) => `${i + 1}\uFE0F\u20E3 ${p}`).join("\n\n");
}

export async function takeSnapshot(record: TaskRecord, t: number, deps: MediaDeps): Promise<TaskSnapshot> {
  const phase = phaseAt(record, t);
  const success = phase.status === "SUCCESS";
  const media = success ? await ensureMediaInfo(deps.store, record) : null;
  // ensureMediaInfo may have stored what it learnt; carry on with the record as it is now.
  const current = media ? (deps.store.get(record.id) ?? record) : record;
  const describe = current.output === "describe";
  const shorten = current.output === "shorten";
  const revealed = describe && success ? describeText(current.describePrompts ?? []) : null;
  const analysis = shorten && success ? analysePrompt(current.prompt) : null;

  // A SHORTEN is text only: no image, no preview.
  let imageUrl: string | null = null;
  if (phase.status === "SUCCESS" && !shorten) {
    imageUrl = deps.links.url(current, { kind: "result" }, phase.finishTime);
  } else if (phase.status === "IN_PROGRESS" && phase.percent > 0 && !describe && !shorten) {
    imageUrl = deps.links.url(current, { kind: "preview", percent: phase.percent }, phase.stepStartedAt);
  }
  // A new video's clips each get a link of their own; a single video is its own result (§7).
  let videoUrls: TaskSnapshot["videoUrls"] = null;
  if (phase.status === "SUCCESS" && current.output === "video" && imageUrl) {
    videoUrls = [{ url: imageUrl, thumbnail: deps.links.url(current, { kind: "thumb" }, phase.finishTime) }];
  } else if (phase.status === "SUCCESS" && current.output === "video-grid") {
    videoUrls = Array.from({ length: clipCount(current) }, (_, i) => ({
      url: deps.links.url(current, { kind: "clip", index: i + 1 }, phase.finishTime),
      thumbnail: deps.links.url(current, { kind: "clip-thumb", index: i + 1 }, phase.finishTime),
    }));
  }
  const images = success ? gridImageCount(current) : 0;
  const imageUrls =
    images > 0 && phase.status === "SUCCESS"
      ? Array.from({ length: images }, (_, i) => ({
          url: deps.links.url(current, { kind: "image", index: i + 1 }, phase.finishTime),
          thumbnail: deps.links.url(current, { kind: "image-thumb", index: i + 1 }, phase.finishTime),
        }))
      : null;
  const recipe = current.source?.type === "recipe" ? current.source.recipe : null;

  return {
    record: current,
    phase,
    status: phase.status,
    progress: progressOf(phase),
    startTime: "startTime" in phase ? phase.startTime : null,
    finishTime: "finishTime" in phase ? phase.finishTime : null,
    failReason: phase.status === "FAILURE" ? phase.reason : success ? "" : null,
    prompt: describe ? (revealed ?? "") : current.prompt,
    description: analysis ?? current.description,
    finalPrompt: describe ? revealed : (analysis ?? current.modal?.suggestedPrompt ?? current.prompt),
    imageUrl,
    videoUrl: videoUrls?.[0]?.url ?? null,
    videoUrls,
    imageUrls,
    buttons: success ? buttonsFor(current, media) : [],
    media,
    video: success && recipe ? videoShape(recipe) : null,
  };
}
