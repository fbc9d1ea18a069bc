"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import { ModalDialog, type PendingModal } from "@/components/task/modal-dialog";
import { api } from "@/lib/api/tasks";
import { parseCustomId, type ButtonInfo } from "@/lib/mj/buttons";
import { isAccepted, SUBMIT_CODE, type SubmitResult } from "@/lib/mj/envelope";
import { TASK_STATUS, type Task } from "@/lib/mj/task";
import { isFavorite } from "@/lib/mj/task-view";
import { toastError, useRefusal } from "./upstream-refusal";

/**
 * What a person can do to a task wherever it is shown (Create feed, gallery, lightbox): press one
 * of its buttons, cancel it, answer its modal or dismiss it. Owns the modal dialog, the busy state
 * and the refresh after every accepted call, so every page behaves the same.
 */
export function useTaskActions({
  tasks,
  remix,
  refresh,
}: {
  /** The tasks on screen, to find a MODAL task's parent image and to spot relays' late modals. */
  tasks: Task[];
  remix: boolean;
  refresh: () => Promise<void>;
}) {
  const refusal = useRefusal();
  const [busy, setBusy] = useState<string | null>(null);
  const [pending, setPending] = useState<PendingModal | null>(null);
  /** Children of button presses the upstream accepted with code 1 that may still turn MODAL (relays). */
  const awaitingModal = useRef(new Set<string>());

  /** Accepted → the lists show it (the server recorded it first); refused → why, in the user's words. */
  const accept = useCallback(
    async (result: SubmitResult): Promise<string[]> => {
      if (!isAccepted(result.code)) throw refusal(result);
      await refresh();
      return typeof result.result === "string" ? result.result.split(",") : [];
    },
    [refresh, refusal],
  );

  const run = useCallback(async (key: string, work: () => Promise<void>) => {
    setBusy(key);
    try {
      await work();
    } catch (error) {
      toastError(error);
    } finally {
      setBusy(null);
    }
  }, []);

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

  /** Presses a button; resolves to true when a dialog opened for it (code 21). */
  const press = useCallback(
    async (task: Task, button: ButtonInfo): Promise<boolean> => {
      let opened = false;
      await run(button.customId, async () => {
        // Midjourney's ❤️ is its own bookmark, which no proxy can press (trueai: code 4, relays:
        // unknown_action): here it is the app's favourite.
        if (button.kind === "bookmark") {
          await api.setFavorite(task.id, !isFavorite(task));
          await refresh();
          return;
        }
        const result = await api.action({
          taskId: task.id,
          customId: button.customId,
          ...(remix && button.remixable ? { enableRemix: true } : {}),
        });
        if (result.code === SUBMIT_CODE.existed && typeof result.result === "string") {
          const finalPrompt = result.properties.finalPrompt;
          setPending({
            taskId: result.result,
            kind: button.kind,
            finalPrompt: typeof finalPrompt === "string" ? finalPrompt : (task.prompt ?? ""),
            parent: task,
          });
          opened = true;
        }
        const ids = await accept(result);
        if (result.code !== SUBMIT_CODE.existed && (button.remixable || button.alwaysModal)) {
          for (const id of ids) awaitingModal.current.add(id);
        }
      });
      return opened;
    },
    [accept, refresh, remix, run],
  );

  const cancel = useCallback(
    (task: Task) =>
      run(`cancel:${task.id}`, async () => {
        await api.cancel(task.id);
        await refresh();
      }),
    [refresh, run],
  );

  /** Removes a task from the history: what to do with a modal nobody will answer. */
  const dismiss = useCallback(
    (task: Task) =>
      run(`dismiss:${task.id}`, async () => {
        await api.remove(task.id);
        await refresh();
      }),
    [refresh, run],
  );

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

  const dialog = (
    <ModalDialog
      pending={pending}
      onClose={() => setPending(null)}
      onSubmit={async (body) => {
        await accept(await api.modal(body));
      }}
    />
  );

  return { busy, run, accept, press, cancel, dismiss, openModal, dialog };
}
