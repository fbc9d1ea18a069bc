"use client";

import { useQuery } from "@tanstack/react-query";
import { EyeOff, Heart, Loader2, Trash2 } from "lucide-react";
import { useTranslations } from "next-intl";
import { useState, type ReactNode } from "react";
import { toast } from "sonner";
import { TaskButtons } from "@/components/task/task-buttons";
import { useTaskWords } from "@/components/task/task-words";
import { useHideWithUndo } from "@/components/task/use-hide-with-undo";
import type { TaskActions } from "@/components/task/use-task-actions";
import { Button } from "@/components/ui/button";
import { useDeleteTask, useSetFavorite } from "@/lib/api/mutations";
import { taskDetailQuery } from "@/lib/api/queries";
import { cn } from "@/lib/cn";
import { PROMPT_DETAIL_CHARS, PROMPT_PREVIEW_CHARS, promptOf, truncateText } from "@/lib/images/grid";
import { knownSeed } from "@/lib/mj/enhance";
import { classifyFailure } from "@/lib/mj/fail-reason";
import type { HistoryItem } from "@/lib/mj/history-query";
import { receivedPrompts, type PromptChanges } from "@/lib/mj/prompt-diff";
import { parsePrompt, type PromptParams } from "@/lib/mj/prompt-params";
import { TASK_STATUS, type Task } from "@/lib/mj/task";
import { isFavorite, thumbnailOf } from "@/lib/mj/task-view";
import { buttonShortcut, buttonsForImage, VIEWER_TOASTER } from "./viewer-state";

const PARAM_ORDER: (keyof PromptParams)[] = [
  "aspect",
  "version",
  "niji",
  "stylize",
  "chaos",
  "weird",
  "quality",
  "no",
  "tile",
  "raw",
];

function formatTime(ms: number | null): string | null {
  return ms ? new Date(ms).toLocaleString() : null;
}

/**
 * Everything about one task under its large view: the full prompt, its parameters, timings and
 * mode, every button of the task in place, favourite, hide and delete, and its lineage. Hiding or
 * deleting it takes it out of the list at once, so the view moves off it then (`onLeave`).
 */
export function TaskDetails({
  task,
  image = null,
  actions,
  onOpenTask,
  onLeave,
  onModalOpened,
}: {
  task: Task;
  /** The image of a grid on view: only its buttons (and the job's) are shown, with their keys. */
  image?: number | null;
  actions: Pick<TaskActions, "busy" | "press">;
  onOpenTask(task: Task): void;
  /** The task is being hidden or deleted. */
  onLeave(task: Task): void;
  onModalOpened(): void;
}) {
  const t = useTranslations("details");
  const tTask = useTranslations("task");
  const words = useTaskWords();
  const detail = useQuery(taskDetailQuery(task.id));
  const [confirming, setConfirming] = useState(false);
  const favoriting = useSetFavorite();
  const deleting = useDeleteTask({ onSuccess: () => toast.success(t("deleted")) });
  const hide = useHideWithUndo(VIEWER_TOASTER);
  const working = favoriting.isPending || deleting.isPending;
  const favorite = isFavorite(detail.data?.task ?? task);
  // Lists hand over their items with the user's flags; a hidden task (the gallery's Hidden view) has nothing to hide.
  const hidden = (detail.data?.task ?? (task as Partial<HistoryItem>)).hidden === true;
  const prompt = promptOf(task);
  const rewritten = receivedPrompts(task);
  const params = parsePrompt(prompt).params;
  const shownParams = PARAM_ORDER.filter((key) => params[key] !== null && params[key] !== false);
  const duration =
    task.finishTime && (task.startTime ?? task.submitTime)
      ? task.finishTime - (task.startTime ?? task.submitTime ?? 0)
      : null;
  // The speed the upstream reports it ran at (trueai); relays such as new-api report none. The
  // prompt's flag is only what was asked for: accounts and relays rewrite it (§8.2).
  const asked = parsePrompt(task.prompt ?? "").params.speed;
  const askedOther = asked !== null && asked.toUpperCase() !== task.mode?.toUpperCase();
  const seed = knownSeed(task);
  const failed = task.status === TASK_STATUS.failure || task.status === TASK_STATUS.cancel;

  return (
    <div className="space-y-3 text-sm">
      <div className="flex flex-wrap items-center gap-2">
        <Button
          aria-pressed={favorite}
          aria-keyshortcuts="F"
          onClick={() => favoriting.mutate({ task, favorite: !favorite })}
          disabled={working}
        >
          <Heart className={cn("size-4", favorite && "fill-red-500 text-red-500")} aria-hidden />
          {t("favorite")}
        </Button>
        {confirming ? (
          <span className="inline-flex items-center gap-2" role="group" aria-label={t("confirmDelete")}>
            <span>{t("confirmDelete")}</span>
            <Button
              variant="danger"
              onClick={() => {
                deleting.mutate(task, { onSettled: () => setConfirming(false) });
                onLeave(task);
              }}
              disabled={working}
            >
              {working ? (
                <Loader2 className="size-4 animate-spin" aria-hidden />
              ) : (
                <Trash2 className="size-4" aria-hidden />
              )}
              {t("deleteConfirm")}
            </Button>
            <Button variant="ghost" onClick={() => setConfirming(false)}>
              {t("keep")}
            </Button>
          </span>
        ) : (
          <>
            {!hidden && (
              <Button
                onClick={() => {
                  hide(task);
                  onLeave(task);
                }}
                disabled={working}
              >
                <EyeOff className="size-4" aria-hidden />
                {tTask("job.hide")}
              </Button>
            )}
            <Button onClick={() => setConfirming(true)} disabled={working}>
              <Trash2 className="size-4" aria-hidden />
              {t("delete")}
            </Button>
          </>
        )}
      </div>

      {task.buttons.length > 0 && (
        <TaskButtons
          task={buttonsForImage(task, image)}
          busy={actions.busy}
          shortcut={(button) => buttonShortcut(button, image)}
          // The Favourite button above is the same thing as Midjourney's ❤️.
          hidden={["bookmark"]}
          onPress={(button) =>
            void actions.press(task, button).then((outcome) => {
              if (outcome?.kind === "modal") onModalOpened();
              else if (outcome) toast.success(t("started", { label: words.button(button) }));
            })
          }
        />
      )}

      {rewritten ? (
        <>
          <PromptBlock title={t("yourPrompt")} text={rewritten.prompt} />
          {rewritten.translated && <PromptBlock title={t("sentTranslated")} text={rewritten.translated} />}
          {rewritten.received && (
            <PromptBlock title={t("received")} text={rewritten.received.text}>
              <Changes changes={rewritten.received.changes} />
            </PromptBlock>
          )}
        </>
      ) : (
        prompt && <PromptBlock title={t("prompt")} text={prompt} />
      )}

      {shownParams.length > 0 && (
        <section aria-label={t("parameters")}>
          <h3 className="mb-1 text-xs font-medium tracking-wide text-zinc-500 uppercase">
            {t("parameters")}
          </h3>
          <ul className="flex flex-wrap gap-1.5">
            {shownParams.map((key) => (
              <li key={key} className="rounded-full bg-zinc-100 px-2.5 py-0.5 text-xs dark:bg-zinc-800">
                <span className="text-zinc-500">{t(`params.${key}`)}</span>{" "}
                {params[key] === true ? "✓" : String(params[key])}
              </li>
            ))}
          </ul>
        </section>
      )}

      <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1">
        <Row label={t("action")} value={words.action(task.action)} />
        <Row label={t("status")} value={words.status(task.status)} />
        {failed && (
          <Row
            label={t("failure")}
            value={tTask(`fail.${classifyFailure(task.failReason)}`)}
            detail={task.failReason}
          />
        )}
        {task.botType && <Row label={t("bot")} value={words.bot(task.botType)} />}
        <Row
          label={t("mode")}
          value={task.mode ? words.mode(task.mode) : t("modeUnknown")}
          detail={[
            task.mode || task.status !== TASK_STATUS.success ? null : t("modeUnknownHint"),
            askedOther ? t("modeRequested", { mode: words.mode(asked.toUpperCase()) }) : null,
          ]
            .filter(Boolean)
            .join(" ")}
        />
        {seed && <Row label={t("seed")} value={seed} />}
        <Row label={t("submitted")} value={formatTime(task.submitTime)} />
        <Row label={t("finished")} value={formatTime(task.finishTime)} />
        {duration !== null && (
          <Row label={t("duration")} value={t("seconds", { n: Math.round(duration / 1000) })} />
        )}
        <Row label={t("id")} value={task.id} />
      </dl>

      <Lineage
        title={t("parents")}
        tasks={detail.data ? [...detail.data.parents].reverse() : []}
        onOpenTask={onOpenTask}
      />
      <Lineage title={t("children")} tasks={detail.data?.children ?? []} onOpenTask={onOpenTask} />
    </div>
  );
}

/** One of the prompts of a task, under its label; a very long one is cut here (Copy prompt has it all). */
function PromptBlock({ title, text, children }: { title: string; text: string; children?: ReactNode }) {
  const t = useTranslations("details");
  const shown = truncateText(text, PROMPT_DETAIL_CHARS);
  return (
    <section aria-label={title}>
      <h3 className="text-xs font-medium tracking-wide text-zinc-500 uppercase">{title}</h3>
      <p className="break-words whitespace-pre-wrap">{shown}</p>
      {shown !== text && <p className="text-xs text-zinc-500">{t("promptShortened")}</p>}
      {children}
    </section>
  );
}

/** The parameters the upstream added and dropped, and whether the words changed too. */
function Changes({ changes }: { changes: PromptChanges }) {
  const t = useTranslations("details");
  const { added, removed, textChanged } = changes;
  if (added.length === 0 && removed.length === 0 && !textChanged) return null;
  return (
    <ul className="mt-1 space-y-0.5 text-xs">
      {added.length > 0 && (
        <li className="break-words text-emerald-700 dark:text-emerald-400">
          {t("paramsAdded", { params: added.join(" ") })}
        </li>
      )}
      {removed.length > 0 && (
        <li className="break-words text-red-700 dark:text-red-400">
          {t("paramsRemoved", { params: removed.join(" ") })}
        </li>
      )}
      {textChanged && <li className="text-zinc-500">{t("wordsChanged")}</li>}
    </ul>
  );
}

/** One fact; `detail` is the upstream's own text, shown smaller under the app's words. */
function Row({ label, value, detail }: { label: string; value: string | null; detail?: string | null }) {
  if (!value) return null;
  return (
    <>
      <dt className="text-zinc-500">{label}</dt>
      <dd className="min-w-0 break-words">
        {value}
        {detail && <span className="block text-xs text-zinc-500">{detail}</span>}
      </dd>
    </>
  );
}

/** A row of clickable thumbnails: the chain of parents (original first), or the children. */
function Lineage({
  title,
  tasks,
  onOpenTask,
}: {
  title: string;
  tasks: Task[];
  onOpenTask(task: Task): void;
}) {
  const t = useTranslations("details");
  const words = useTaskWords();
  if (tasks.length === 0) return null;
  return (
    <section aria-label={title}>
      <h3 className="mb-1 text-xs font-medium tracking-wide text-zinc-500 uppercase">{title}</h3>
      <ul className="flex flex-wrap gap-2">
        {tasks.map((item) => {
          const thumb = thumbnailOf(item);
          const label = t("openTask", {
            action: words.action(item.action),
            prompt: truncateText(promptOf(item) || item.id, PROMPT_PREVIEW_CHARS),
          });
          return (
            <li key={item.id}>
              <button
                type="button"
                onClick={() => onOpenTask(item)}
                aria-label={label}
                title={label}
                className="block size-16 overflow-hidden rounded-md border border-zinc-300 bg-zinc-100 text-[10px] dark:border-zinc-700 dark:bg-zinc-800"
              >
                {thumb ? (
                  // eslint-disable-next-line @next/next/no-img-element -- the app's media route serves and caches it
                  <img src={thumb} alt="" className="h-full w-full object-cover" loading="lazy" />
                ) : (
                  words.action(item.action)
                )}
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
