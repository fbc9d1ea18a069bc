"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import type { PendingModal } from "@/components/task/modal-dialog";
import {
  useCancelTask,
  useDeleteTask,
  usePressButton,
  useRetryTask,
  type PressOutcome,
} from "@/lib/api/mutations";
import { parseCustomId, type ButtonInfo } from "@/lib/mj/buttons";
import { TASK_STATUS, type Task } from "@/lib/mj/task";

/**
 * What a person can do to a task wherever it is shown (Create feed, gallery, lightbox): press one
 * of its buttons, cancel or retry it, answer its modal or dismiss it. Holds which dialog is open
 * (render it with `<ModalDialog pending={actions.pending} onClose={actions.closeModal} />`), so
 * every page behaves the same. Failures are told by the mutations' one toast.
 */
export function useTaskActions({
  tasks,
  remix,
}: {
  /** The tasks on screen, to find a MODAL task's parent image and to spot relays' late modals. */
  tasks: Task[];
  remix: boolean;
}) {
  const [pending, setPending] = useState<PendingModal | null>(null);
  /** Children of button presses the upstream accepted with code 1 that may still turn MODAL (relays). */
  const awaitingModal = useRef(new Set<string>());

  const pressing = usePressButton({
    onSuccess: (outcome, { task, button }) => {
      if (outcome.kind === "modal") {
        setPending({
          taskId: outcome.taskId,
          kind: button.kind,
          finalPrompt: outcome.finalPrompt ?? task.prompt ?? "",
          parent: task,
        });
      } else if (outcome.kind === "started" && (button.remixable || button.alwaysModal)) {
        for (const id of outcome.ids) awaitingModal.current.add(id);
      }
    },
  });
  const { mutateAsync: pressAsync } = pressing;
  const cancelling = useCancelTask();
  const dismissing = useDeleteTask();
  const retrying = useRetryTask();

  /** The button a request is running for (its spinner), or another key while any action runs. */
  const busy = pressing.isPending
    ? (pressing.variables?.button.customId ?? null)
    : cancelling.isPending
      ? `cancel:${cancelling.variables?.id}`
      : dismissing.isPending
        ? `dismiss:${dismissing.variables?.id}`
        : retrying.isPending
          ? `retry:${retrying.variables?.id}`
          : null;

  /** Presses a button; resolves to what came of it, or null when it failed (the toast said why). */
  const press = useCallback(
    (task: Task, button: ButtonInfo): Promise<PressOutcome | null> =>
      pressAsync({ task, button, remix }).catch(() => null),
    [pressAsync, remix],
  );

  const findTask = useCallback((id: string | null) => tasks.find((task) => task.id === id) ?? null, [tasks]);

  const openModal = useCallback(
    (task: Task) => {
      const finalPrompt = task.properties.finalPrompt;
      setPending({
        taskId: task.id,
        kind: parseCustomId(String(task.properties.custom_id ?? "")).kind,
        finalPrompt: typeof finalPrompt === "string" ? finalPrompt : (task.prompt ?? ""),
        parent: findTask(task.parentId),
      });
    },
    [findTask],
  );
  const closeModal = useCallback(() => setPending(null), []);

  // A relay may reveal a modal only through polling (code 1, then MODAL): open it when a task this
  // page just created by a button turns MODAL. Older MODAL tasks keep their "Continue" button
  // instead of popping a dialog over the page on load.
  useEffect(() => {
    for (const task of tasks) {
      if (task.status !== TASK_STATUS.modal || !awaitingModal.current.has(task.id)) continue;
      awaitingModal.current.delete(task.id);
      // The poll is the external event here: the relay's answer arrives with it, not with a render.
      // eslint-disable-next-line react-hooks/set-state-in-effect
      if (pending === null) openModal(task);
    }
  }, [tasks, pending, openModal]);

  return {
    busy,
    press,
    cancel: cancelling.mutate,
    dismiss: dismissing.mutate,
    retry: retrying.mutate,
    openModal,
    /** The MODAL task whose dialog is open. */
    pending,
    closeModal,
  };
}

export type TaskActions = ReturnType<typeof useTaskActions>;
