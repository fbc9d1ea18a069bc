"use client";

import { Ban, Hourglass, Pencil, PenLine, RotateCcw, X } from "lucide-react";
import { useTranslations } from "next-intl";
import { useState } from "react";
import type { UseAsKind } from "@/components/create/references";
import type { AnimateFrame, ExtendTarget } from "@/components/create/video-request";
import { ClipActions } from "@/components/result/clip-player";
import type { EditSource } from "@/components/editor/edit-source";
import { ResultActions } from "@/components/result/result-actions";
import { ResultView } from "@/components/result/result-view";
import { ShortenResult } from "@/components/result/shorten-result";
import { Button } from "@/components/ui/button";
import { PROMPT_PREVIEW_CHARS, resultMedia, truncateText, upscalesListedClip } from "@/lib/images/grid";
import { jobImages } from "@/lib/images/job-images";
import { describeButton, type ButtonInfo } from "@/lib/mj/buttons";
import { derivation } from "@/lib/mj/derivation";
import { classifyFailure } from "@/lib/mj/fail-reason";
import { isTerminalStatus, progressPercent, TASK_STATUS, type Task } from "@/lib/mj/task";
import { aspectRatioOf, describedPrompts, STUCK_AFTER_MS } from "@/lib/mj/task-view";
import { DerivedLabel } from "./derived-label";
import { JobActions } from "./job-actions";
import { JobTiles } from "./job-tiles";
import { SpeedBadge } from "./speed-badge";
import { TaskButtons } from "./task-buttons";
import { useTaskWords } from "./task-words";
import { useNow } from "./use-now";

export interface TaskCardHandlers {
  onPress(task: Task, button: ButtonInfo): void;
  onCancel(task: Task): void;
  onRetry(task: Task): void;
  canRetry(task: Task): boolean;
  onOpenModal(task: Task): void;
  /** Removes a MODAL task nobody is going to answer from the history. */
  onDismiss(task: Task): void;
  onOpen(task: Task, index: number | null): void;
  onUsePrompt(prompt: string): void;
  onUseAsReference(kind: UseAsKind, imageUrl: string): void;
  /** Hands an image to the video composer ("Animate…"). */
  onAnimate(frame: AnimateFrame): void;
  /** Hands a finished clip to the video composer ("Extend…"). */
  onExtend(target: ExtendTarget): void;
  /** "Edit…": the image into the Editor. */
  onEdit(source: EditSource): void;
  /** The app's favourite (midjourney.com's like). */
  onFavorite(task: Task, favorite: boolean): void;
  /** Out of the feed and the gallery's default view, kept in the history. */
  onHide(task: Task): void;
  /** Deletes the job from the history (the card has asked for confirmation). */
  onDelete(task: Task): void;
  /** The job a derived job was made from, when the page has it loaded. */
  sourceOf?(task: Task): Task | null;
}

/**
 * A prompt analysis names itself: it would otherwise look like an image still to come. Derived
 * jobs (edits, retextures, upscales…) are named by DerivedLabel.
 */
const NAMED_ACTIONS = new Set(["SHORTEN"]);

function formatElapsed(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  const m = Math.floor(seconds / 60);
  return m > 0 ? `${m}:${String(seconds % 60).padStart(2, "0")}` : `${seconds}s`;
}

/**
 * One task from submit to result. The box has the final aspect ratio from the start, so previews,
 * results and failures replace each other inside it without moving anything on the page.
 */
export function TaskCard({
  task,
  busy,
  handlers,
}: {
  task: Task;
  busy: string | null;
  handlers: TaskCardHandlers;
}) {
  const t = useTranslations("task");
  const words = useTaskWords();
  const now = useNow();
  const finished = isTerminalStatus(task.status);
  const percent = progressPercent(task.progress) ?? 0;
  const running = !finished && task.status !== TASK_STATUS.modal;
  const startedAt = task.startTime ?? task.submitTime;
  const elapsed = now > 0 && startedAt ? now - startedAt : null;
  const endAt = task.finishTime;
  const duration = endAt && startedAt ? endAt - startedAt : null;
  const stuck = running && elapsed !== null && elapsed > STUCK_AFTER_MS && percent < 100;
  const queue = task.properties.numberOfQueues;
  const failKind =
    task.status === TASK_STATUS.failure || task.status === TASK_STATUS.cancel
      ? classifyFailure(task.failReason)
      : null;
  const isDescribe = task.action === "DESCRIBE" && task.status === TASK_STATUS.success;
  // A describe's prompt is its four answers, listed below: its title is what it is.
  const title = isDescribe
    ? t("describe.title")
    : truncateText(task.prompt || words.action(task.action), PROMPT_PREVIEW_CHARS);
  const isShorten = task.action === "SHORTEN" && task.status === TASK_STATUS.success;
  /** Results that are text, not an image: no media box, no image actions. */
  const isText = isDescribe || isShorten;
  const images = isText ? [] : jobImages(task);
  const infos = task.buttons.map(describeButton).filter((info) => !upscalesListedClip(task, info));
  const derived = task.parentId !== null || derivation(task) !== null;
  const media = task.status === TASK_STATUS.success ? resultMedia(task) : null;
  const clips = media?.kind === "video" ? media.clips : [];
  // A clip's length as its player read it: where the upstream does not say, it decides the extend cap.
  const [measured, setMeasured] = useState<number | null>(null);
  const named = NAMED_ACTIONS.has(task.action ?? "");

  return (
    <article
      aria-label={title || t("untitled")}
      data-task-id={task.id}
      data-status={task.status || "PENDING"}
      className="@container relative rounded-xl border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900"
    >
      {/* The card does not clip (its More menu opens over what follows): the media rounds its own corners. */}
      <div className="overflow-hidden rounded-t-[11px]">
        {images.length > 0 && (
          <JobTiles task={task} images={images} infos={infos} busy={busy} handlers={handlers} />
        )}
        {isDescribe && task.imageUrl && (
          // eslint-disable-next-line @next/next/no-img-element -- the app's media route serves and caches it
          <img
            src={task.imageUrl}
            alt={t("describe.imageAlt")}
            className="max-h-64 w-full bg-zinc-100 object-contain dark:bg-zinc-800"
          />
        )}
        {!isText && images.length === 0 && (
          <div
            className="relative w-full bg-zinc-200 dark:bg-zinc-800"
            style={{ aspectRatio: String(aspectRatioOf(task)) }}
          >
            {task.status === TASK_STATUS.success && (
              <ResultView
                task={task}
                onOpen={(index) => handlers.onOpen(task, index)}
                onDuration={setMeasured}
              />
            )}
            {running && task.imageUrl && (
              // eslint-disable-next-line @next/next/no-img-element -- a moving preview from the app's media route
              <img
                src={task.imageUrl}
                alt={t("previewAlt")}
                className="absolute inset-0 h-full w-full object-contain"
              />
            )}
            {running && !task.imageUrl && (
              <div className="absolute inset-0 animate-pulse bg-gradient-to-br from-zinc-200 to-zinc-300 dark:from-zinc-800 dark:to-zinc-700" />
            )}
            {task.status === TASK_STATUS.modal && (
              <div className="absolute inset-0 flex flex-col items-center justify-center gap-2 p-3 text-center text-sm">
                <Pencil className="size-5" aria-hidden />
                <p>{t("modalPending")}</p>
                <div className="flex flex-wrap justify-center gap-2">
                  <Button variant="primary" onClick={() => handlers.onOpenModal(task)}>
                    {t("openModal")}
                  </Button>
                  <Button
                    onClick={() => handlers.onDismiss(task)}
                    disabled={busy !== null}
                    title={t("dismissHint")}
                  >
                    <X className="size-4" aria-hidden />
                    {t("dismiss")}
                  </Button>
                </div>
              </div>
            )}
            {failKind && (
              <div
                role="alert"
                className="absolute inset-0 flex flex-col items-center justify-center gap-1 p-3 text-center text-sm"
              >
                <Ban className="size-5 text-red-600" aria-hidden />
                <p className="font-medium">{t(`fail.${failKind}`)}</p>
                {task.failReason && <p className="line-clamp-3 text-xs text-zinc-500">{task.failReason}</p>}
              </div>
            )}
          </div>
        )}
      </div>

      <div className="space-y-2 p-3">
        <p className="line-clamp-3 text-sm break-words" title={title}>
          {title}
        </p>
        {(derived || named || task.mode) && (
          <p className="flex flex-wrap items-center gap-x-2 gap-y-1 text-xs text-zinc-500">
            {named && <span className="font-medium">{words.action(task.action)}</span>}
            {derived && (
              <DerivedLabel
                task={task}
                source={handlers.sourceOf?.(task) ?? null}
                onOpenSource={(source) => handlers.onOpen(source, null)}
              />
            )}
            {task.mode && <SpeedBadge mode={task.mode} />}
          </p>
        )}

        {running && (
          <div className="space-y-1">
            <div
              role="progressbar"
              aria-label={t("progress")}
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={percent}
              aria-valuetext={`${percent}%`}
              className="h-1.5 overflow-hidden rounded-full bg-zinc-200 dark:bg-zinc-800"
            >
              <div
                className="h-full bg-sky-500 transition-[width] duration-500"
                style={{ width: `${percent}%` }}
              />
            </div>
            <p className="flex flex-wrap gap-x-3 text-xs text-zinc-500">
              <span>{percent}%</span>
              <span>{words.status(task.status)}</span>
              {typeof queue === "number" && task.status === TASK_STATUS.notStart && (
                <span>{t("queue", { count: queue })}</span>
              )}
              {elapsed !== null && <span>{t("elapsed", { time: formatElapsed(elapsed) })}</span>}
            </p>
            {stuck && (
              <p className="flex items-center gap-1 text-xs text-amber-700 dark:text-amber-400" role="status">
                <Hourglass className="size-3.5" aria-hidden />
                {t("stuck")}
              </p>
            )}
          </div>
        )}
        {finished && duration !== null && task.status === TASK_STATUS.success && (
          <p className="text-xs text-zinc-500">{t("took", { time: formatElapsed(duration) })}</p>
        )}

        {isDescribe && (
          <ol className="space-y-2">
            {describedPrompts(task).map((prompt, i) => {
              const button = task.buttons.find((b) =>
                b.customId.toLowerCase().endsWith(`picreader::${i + 1}`),
              );
              return (
                <li key={i} className="rounded-md bg-zinc-100 p-2 text-sm dark:bg-zinc-800">
                  <p className="break-words">{prompt}</p>
                  {button && (
                    <Button
                      className="mt-1"
                      disabled={busy !== null}
                      onClick={() => handlers.onPress(task, describeButton(button))}
                    >
                      {t("imagineThis")}
                      <span className="sr-only"> {i + 1}</span>
                    </Button>
                  )}
                </li>
              );
            })}
          </ol>
        )}

        {isShorten && <ShortenResult task={task} onUsePrompt={handlers.onUsePrompt} />}

        {(running || stuck || failKind) && (
          <div className="flex flex-wrap gap-2">
            {!finished && (
              <Button onClick={() => handlers.onCancel(task)} disabled={busy !== null}>
                <Ban className="size-4" aria-hidden />
                {t("cancel")}
              </Button>
            )}
            {failKind === "banned" && task.prompt ? (
              // Retrying would send the refused words again: the prompt goes back to the box instead.
              <Button title={t("editPromptHint")} onClick={() => handlers.onUsePrompt(task.prompt ?? "")}>
                <PenLine className="size-4" aria-hidden />
                {t("editPrompt")}
              </Button>
            ) : (
              (failKind || stuck) &&
              handlers.canRetry(task) && (
                <Button onClick={() => handlers.onRetry(task)} disabled={busy !== null}>
                  <RotateCcw className="size-4" aria-hidden />
                  {t("retry")}
                </Button>
              )
            )}
          </div>
        )}

        {images.length > 0 && (
          <JobActions
            task={task}
            infos={infos}
            perImage={images.some((image) => image.n !== null)}
            busy={busy}
            handlers={handlers}
          />
        )}
        {task.status === TASK_STATUS.success && images.length === 0 && (
          <>
            <TaskButtons
              task={task}
              busy={busy}
              onPress={(button) => handlers.onPress(task, button)}
              // Describe's and shorten's prompt buttons are replaced by the prompts above. Shorten's
              // buttons (1️⃣–5️⃣ and "Show Details", which the catalogue does not know) could not be
              // pressed anyway: trueai's controller rejects PromptAnalyzer ids (code 4) and new-api
              // answers unknown_action (§5.5, §8.1 of docs/protocol.md).
              hidden={isDescribe ? ["describe-prompt"] : isShorten ? ["shorten-prompt", "unknown"] : []}
            />
            {clips.length > 0 && (
              <ClipActions
                task={task}
                clips={clips}
                numbered={clips.length > 1}
                measured={measured}
                onExtend={handlers.onExtend}
              />
            )}
            {!isText && (
              <ResultActions
                task={task}
                onUsePrompt={handlers.onUsePrompt}
                onUseAsReference={handlers.onUseAsReference}
                onAnimate={handlers.onAnimate}
                onEdit={handlers.onEdit}
              />
            )}
          </>
        )}
      </div>
    </article>
  );
}
