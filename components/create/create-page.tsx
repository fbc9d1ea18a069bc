"use client";

import { Bell, BellOff } from "lucide-react";
import { useTranslations } from "next-intl";
import { useSearchParams } from "next/navigation";
import { useCallback, useEffect, useRef, useState } from "react";
import { Composer, type ComposerHandle } from "@/components/create/composer";
import { editSourceFrom, type EditSource } from "@/components/editor/edit-source";
import { Viewer } from "@/components/result/viewer";
import { TaskFeed } from "@/components/feed/task-feed";
import { useLightboxNavigation } from "@/components/result/use-lightbox";
import { ModalDialog } from "@/components/task/modal-dialog";
import { PollStatus } from "@/components/task/poll-status";
import { TaskCard, type TaskCardHandlers } from "@/components/task/task-card";
import { useHideWithUndo } from "@/components/task/use-hide-with-undo";
import { useLiveTasks } from "@/components/task/use-live-tasks";
import { useTaskActions } from "@/components/task/use-task-actions";
import { Button } from "@/components/ui/button";
import { videoPosterUrl } from "@/lib/api/client";
import { useDeleteTasks, useSetFavoriteMany, useSubmitTask } from "@/lib/api/mutations";
import { taskListQuery } from "@/lib/api/queries";
import { taskIdSchema } from "@/lib/mj/requests";
import { COMPOSER_PARAMS } from "./composer-params";
import { isUseAsKind, type UseAsKind } from "./references";
import { useBackgroundNotifications } from "./use-background-notifications";
import type { AnimateFrame, ExtendTarget } from "./video-request";

/** Tasks a Retry can submit again from their original request (buttons retry through their parent). */
const RETRYABLE_ACTIONS = new Set(["IMAGINE", "DESCRIBE", "BLEND", "VIDEO"]);

/** A task id handed over in the address, or null when it is none. */
const taskIdParam = (value: string | null) => (taskIdSchema.safeParse(value).success ? value : null);

/** A 1-based image (of a grid) or a 0-based clip handed over in the address, within `[min, max]`. */
function indexParam(value: string | null, min: number, max: number): number | null {
  const n = Number(value ?? Number.NaN);
  return Number.isInteger(n) && n >= min && n <= max ? n : null;
}

/** The feed is the plain view of the history: everything, newest first. */
const FEED = taskListQuery({}, 20);
/** The feed follows its first page, so jobs started in other tabs join it (use-live-tasks). */
const FOLLOW_HEAD = { followHead: true };

/**
 * The Create page: the composer on top, the live feed below. It owns every network call the
 * page makes, so the composer and the cards stay presentational.
 */
export function CreatePage() {
  const t = useTranslations("task");
  const searchParams = useSearchParams();
  const composer = useRef<ComposerHandle>(null);
  const [remix, setRemix] = useState(false);
  const notifications = useBackgroundNotifications();
  const { list: feed, tasks, pollError } = useLiveTasks(FEED, notifications.onFinished, FOLLOW_HEAD);
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = feed;
  const loadMore = useCallback(() => {
    if (hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);
  const actions = useTaskActions({ tasks, remix });
  const lightbox = useLightboxNavigation({ tasks, hasMore: hasNextPage, loadMore });
  const submitting = useSubmitTask();

  const applyPrompt = useCallback((prompt: string) => {
    composer.current?.setPrompt(prompt);
    composer.current?.focusPrompt();
    window.scrollTo({ top: 0, behavior: "smooth" });
  }, []);
  const applyReference = useCallback((kind: UseAsKind, imageUrl: string) => {
    composer.current?.addReference(kind, imageUrl);
    window.scrollTo({ top: 0, behavior: "smooth" });
  }, []);
  const applyAnimate = useCallback((frame: AnimateFrame) => {
    composer.current?.animate(frame);
    window.scrollTo({ top: 0, behavior: "smooth" });
  }, []);
  const applyExtend = useCallback((target: ExtendTarget) => {
    composer.current?.extend(target);
    window.scrollTo({ top: 0, behavior: "smooth" });
  }, []);
  const openEditor = useCallback((source: EditSource) => {
    composer.current?.openEditor(source);
    window.scrollTo({ top: 0, behavior: "smooth" });
  }, []);

  // A prompt or reference handed over in the URL is applied once, then removed from the address.
  // The History API, not router.replace: the page stays as it is, so there is no server round trip
  // (seconds on a busy server) during which a reload would apply it twice. With a null state Next
  // keeps useSearchParams in step.
  const prompt = searchParams.get(COMPOSER_PARAMS.prompt);
  const reference = searchParams.get(COMPOSER_PARAMS.reference);
  const referenceKind = searchParams.get(COMPOSER_PARAMS.referenceKind);
  useEffect(() => {
    if (prompt === null && reference === null) return;
    if (prompt !== null) applyPrompt(prompt);
    if (reference !== null) applyReference(isUseAsKind(referenceKind) ? referenceKind : "image", reference);
    window.history.replaceState(null, "", "/");
  }, [prompt, reference, referenceKind, applyPrompt, applyReference]);

  // "Animate…" and "Extend…" elsewhere (the gallery) hand a start frame or a clip over the same way.
  const animate = searchParams.get(COMPOSER_PARAMS.animate);
  const source = taskIdParam(searchParams.get(COMPOSER_PARAMS.source));
  const animateImage = indexParam(searchParams.get(COMPOSER_PARAMS.animateImage), 1, 4);
  const extend = taskIdParam(searchParams.get(COMPOSER_PARAMS.extend));
  const extendClip = indexParam(searchParams.get(COMPOSER_PARAMS.extendClip), 0, 3) ?? 0;
  useEffect(() => {
    if (animate === null && extend === null) return;
    if (animate !== null) applyAnimate({ url: animate, sourceTaskId: source, quadrant: animateImage });
    else if (extend !== null)
      applyExtend({
        taskId: extend,
        index: extendClip,
        poster: videoPosterUrl(extend, extendClip),
        seconds: null,
      });
    window.history.replaceState(null, "", "/");
  }, [animate, source, animateImage, extend, extendClip, applyAnimate, applyExtend]);
  // "Edit…" in the gallery hands its image over the same way.
  const edit = searchParams.get(COMPOSER_PARAMS.edit);
  const editSource = searchParams.get(COMPOSER_PARAMS.source);
  const editCell = searchParams.get(COMPOSER_PARAMS.cell);
  useEffect(() => {
    if (edit === null) return;
    const source = editSourceFrom(edit, editSource, editCell);
    if (source) openEditor(source);
    window.history.replaceState(null, "", "/");
  }, [edit, editSource, editCell, openEditor]);

  // Like, hide and delete in place, from the job's own actions.
  const favoring = useSetFavoriteMany();
  const hide = useHideWithUndo();
  const deleting = useDeleteTasks();
  const handlers: TaskCardHandlers = {
    onPress: (task, button) => void actions.press(task, button),
    onCancel: (task) => void actions.cancel(task),
    canRetry: (task) =>
      RETRYABLE_ACTIONS.has(task.action ?? "") ||
      (task.parentId !== null && typeof task.properties.custom_id === "string"),
    onRetry: (task) => actions.retry(task),
    onOpenModal: actions.openModal,
    onDismiss: (task) => actions.dismiss(task),
    onOpen: (task, index) => lightbox.open(task, index),
    onUsePrompt: applyPrompt,
    onUseAsReference: applyReference,
    onAnimate: applyAnimate,
    onExtend: applyExtend,
    onEdit: openEditor,
    onFavorite: (task, favorite) => favoring.mutate({ ids: [task.id], favorite }),
    onHide: hide,
    onDelete: (task) => deleting.mutate([task.id]),
    sourceOf: (task) => tasks.find((candidate) => candidate.id === task.parentId) ?? null,
  };

  return (
    <div className="space-y-6">
      <h1 className="sr-only">{t("pageTitle")}</h1>
      <Composer
        handleRef={composer}
        onSubmit={submitting.mutateAsync}
        submitting={submitting.isPending}
        remix={remix}
        onRemixChange={setRemix}
      />

      <section aria-labelledby="feed-heading" className="space-y-3">
        <div className="flex items-center gap-2">
          <h2 id="feed-heading" className="text-lg font-medium">
            {t("feedTitle")}
          </h2>
          {notifications.supported && (
            <Button
              variant="ghost"
              className="ml-auto"
              onClick={notifications.toggle}
              aria-pressed={notifications.enabled}
            >
              {notifications.enabled ? (
                <Bell className="size-4" aria-hidden />
              ) : (
                <BellOff className="size-4" aria-hidden />
              )}
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
        <TaskFeed
          tasks={tasks}
          hasMore={hasNextPage}
          loadingMore={isFetchingNextPage}
          loadMore={loadMore}
          renderTask={(task) => <TaskCard task={task} busy={actions.busy} handlers={handlers} />}
        />
      </section>

      <ModalDialog pending={actions.pending} onClose={actions.closeModal} />
      <Viewer
        navigation={lightbox}
        actions={actions}
        onUsePrompt={(text) => {
          lightbox.close();
          applyPrompt(text);
        }}
        onUseAsReference={(kind, url) => {
          lightbox.close();
          applyReference(kind, url);
        }}
        onAnimate={(frame) => {
          lightbox.close();
          applyAnimate(frame);
        }}
        onExtend={(target) => {
          lightbox.close();
          applyExtend(target);
        }}
        onEdit={(source) => {
          lightbox.close();
          openEditor(source);
        }}
      />
    </div>
  );
}
