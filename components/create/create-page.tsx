"use client";

import { Bell, BellOff } from "lucide-react";
import { useTranslations } from "next-intl";
import { useCallback, useEffect, useRef, useState } from "react";
import { toast } from "sonner";
import { Composer, type ComposerHandle, type ComposerSubmit } from "@/components/create/composer";
import { Lightbox } from "@/components/result/lightbox";
import { ModalDialog, type PendingModal } from "@/components/task/modal-dialog";
import { PollStatus } from "@/components/task/poll-status";
import { TaskCard, type TaskCardHandlers } from "@/components/task/task-card";
import { useTaskFeed } from "@/components/task/use-task-feed";
import { Button } from "@/components/ui/button";
import { api } from "@/lib/api/tasks";
import { parseCustomId, type ButtonInfo } from "@/lib/mj/buttons";
import { isAccepted, SUBMIT_CODE, type SubmitResult } from "@/lib/mj/envelope";
import { TASK_STATUS, type Task } from "@/lib/mj/task";
import { useBackgroundNotifications } from "./use-background-notifications";

/**
 * The Create page: the composer on top, the live feed below. It owns every network call the
 * page makes, so the composer and the cards stay presentational.
 */
export function CreatePage() {
  const t = useTranslations("task");
  const composer = useRef<ComposerHandle>(null);
  const [remix, setRemix] = useState(false);
  const [busy, setBusy] = useState<string | null>(null);
  const [pending, setPending] = useState<PendingModal | null>(null);
  const [lightbox, setLightbox] = useState<{ task: Task; index: number | null } | null>(null);
  /** What each task was submitted with, for Retry of describe/blend whose images the server does not keep yet. */
  const submitted = useRef(new Map<string, ComposerSubmit>());
  /** Children of button presses the upstream accepted with code 1 that may still turn MODAL (relays). */
  const awaitingModal = useRef(new Set<string>());
  const notifications = useBackgroundNotifications();
  const { feed, tasks, pollError, refresh } = useTaskFeed(notifications.onFinished);

  /** Accepted → the feed shows it (the server recorded it first); refused → the upstream's reason. */
  const accept = useCallback(
    async (result: SubmitResult): Promise<string[]> => {
      if (!isAccepted(result.code)) throw new Error(result.description || t("refused", { code: result.code }));
      await refresh();
      return typeof result.result === "string" ? result.result.split(",") : [];
    },
    [refresh, t],
  );

  const submitComposer = useCallback(
    async (request: ComposerSubmit) => {
      const result = await (request.kind === "imagine"
        ? api.imagine(request.body)
        : request.kind === "describe"
          ? api.describe(request.body)
          : api.blend(request.body));
      for (const id of await accept(result)) submitted.current.set(id, request);
    },
    [accept],
  );

  const openModalFor = useCallback(
    (taskId: string, kind: ButtonInfo["kind"], finalPrompt: string, parent: Task | null) =>
      setPending({ taskId, kind, finalPrompt, parent }),
    [],
  );

  const run = useCallback(async (key: string, work: () => Promise<void>) => {
    setBusy(key);
    try {
      await work();
    } catch (error) {
      toast.error(error instanceof Error ? error.message : String(error));
    } finally {
      setBusy(null);
    }
  }, []);

  const findTask = useCallback((id: string | null) => tasks.find((task) => task.id === id) ?? null, [tasks]);

  const handlers: TaskCardHandlers = {
    onPress: (task, button) =>
      run(button.customId, async () => {
        const result = await api.action({
          taskId: task.id,
          customId: button.customId,
          ...(remix && button.remixable ? { enableRemix: true } : {}),
        });
        if (result.code === SUBMIT_CODE.existed && typeof result.result === "string") {
          const finalPrompt = result.properties.finalPrompt;
          openModalFor(result.result, button.kind, typeof finalPrompt === "string" ? finalPrompt : (task.prompt ?? ""), task);
        }
        const ids = await accept(result);
        if (result.code !== SUBMIT_CODE.existed && (button.remixable || button.alwaysModal)) {
          for (const id of ids) awaitingModal.current.add(id);
        }
      }),
    onCancel: (task) =>
      run(`cancel:${task.id}`, async () => {
        await api.cancel(task.id);
        await refresh();
      }),
    canRetry: (task) =>
      submitted.current.has(task.id) ||
      (task.parentId !== null && typeof task.properties.custom_id === "string") ||
      (task.action === "IMAGINE" && !!task.prompt),
    onRetry: (task) =>
      run(`retry:${task.id}`, async () => {
        const original = submitted.current.get(task.id);
        if (original) return submitComposer(original);
        if (task.parentId && typeof task.properties.custom_id === "string") {
          await accept(await api.action({ taskId: task.parentId, customId: task.properties.custom_id }));
          return;
        }
        await accept(await api.imagine({ prompt: task.prompt ?? "", ...(task.botType === "NIJI_JOURNEY" ? { botType: "NIJI_JOURNEY" as const } : {}) }));
      }),
    onOpenModal: (task) => {
      const kind = parseCustomId(String(task.properties.custom_id ?? "")).kind;
      const finalPrompt = task.properties.finalPrompt;
      openModalFor(
        task.id,
        kind,
        typeof finalPrompt === "string" ? finalPrompt : (task.prompt ?? ""),
        findTask(task.parentId),
      );
    },
    onOpen: (task, index) => setLightbox({ task, index }),
    onUsePrompt: (prompt) => {
      composer.current?.setPrompt(prompt);
      composer.current?.focusPrompt();
      window.scrollTo({ top: 0, behavior: "smooth" });
    },
    onUseAsReference: (imageUrl) => {
      composer.current?.addReferenceImage(imageUrl);
      window.scrollTo({ top: 0, behavior: "smooth" });
    },
  };

  // A relay may reveal a modal only through polling (code 1, then MODAL): open it when a task this
  // page just created by a button turns MODAL. Older MODAL tasks keep their "Continue" button
  // instead of popping a dialog over the page on load.
  useEffect(() => {
    for (const task of tasks) {
      if (task.status !== TASK_STATUS.modal || !awaitingModal.current.has(task.id)) continue;
      awaitingModal.current.delete(task.id);
      if (pending === null) handlers.onOpenModal(task);
    }
    // Only new tasks matter here; handlers is rebuilt every render.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [tasks]);

  return (
    <div className="space-y-6">
      <h1 className="sr-only">{t("pageTitle")}</h1>
      <Composer handleRef={composer} onSubmit={submitComposer} remix={remix} onRemixChange={setRemix} />

      <section aria-labelledby="feed-heading" className="space-y-3">
        <div className="flex items-center gap-2">
          <h2 id="feed-heading" className="text-lg font-medium">
            {t("feedTitle")}
          </h2>
          {notifications.supported && (
            <Button variant="ghost" className="ml-auto" onClick={notifications.toggle} aria-pressed={notifications.enabled}>
              {notifications.enabled ? <Bell className="size-4" aria-hidden /> : <BellOff className="size-4" aria-hidden />}
              {t("notify")}
            </Button>
          )}
        </div>
        <PollStatus error={pollError} />
        {feed.isPending && <p className="text-sm text-zinc-500">{t("loading")}</p>}
        {feed.error && (
          <p role="alert" className="text-sm text-red-600">
            {feed.error.message}
          </p>
        )}
        {feed.data && tasks.length === 0 && <p className="text-sm text-zinc-500">{t("empty")}</p>}
        <ul className="grid grid-cols-1 gap-4 sm:grid-cols-2 lg:grid-cols-3">
          {tasks.map((task) => (
            <li key={task.id}>
              <TaskCard task={task} busy={busy} handlers={handlers} />
            </li>
          ))}
        </ul>
        {feed.hasNextPage && (
          <div className="flex justify-center">
            <Button onClick={() => feed.fetchNextPage()} disabled={feed.isFetchingNextPage}>
              {t("loadMore")}
            </Button>
          </div>
        )}
      </section>

      <ModalDialog
        pending={pending}
        onClose={() => setPending(null)}
        onSubmit={async (body) => {
          await accept(await api.modal(body));
        }}
      />
      <Lightbox
        task={lightbox?.task ?? null}
        index={lightbox?.index ?? null}
        onClose={() => setLightbox(null)}
        onUsePrompt={(prompt) => {
          setLightbox(null);
          handlers.onUsePrompt(prompt);
        }}
        onUseAsReference={(url) => {
          setLightbox(null);
          handlers.onUseAsReference(url);
        }}
      />
    </div>
  );
}
