import { useMutation, useQueryClient, type MutationFunction, type MutationMeta } from "@tanstack/react-query";
import type { ButtonInfo } from "@/lib/mj/buttons";
import { enhancedPrompt, enhanceRequest, knownSeed } from "@/lib/mj/enhance";
import { SUBMIT_CODE } from "@/lib/mj/envelope";
import { parsePrompt } from "@/lib/mj/prompt-params";
import type { ModalRequest } from "@/lib/mj/requests";
import type { Folder, SmartFolder } from "@/lib/mj/folders";
import type { Task } from "@/lib/mj/task";
import { isFavorite } from "@/lib/mj/task-view";
import {
  acceptedTaskIds,
  addToFolder,
  cancelTask,
  createFolder,
  createSmartFolder,
  deleteFolder,
  deleteSmartFolder,
  removeFromFolder,
  renameFolder,
  renameSmartFolder,
  deleteTask,
  deleteTasks,
  fetchImageSeed,
  fetchMedia,
  importArchive,
  importTasks,
  login,
  logout,
  originalRequest,
  setFavorite,
  setFavoriteMany,
  setHiddenMany,
  submitAction,
  submitModal,
  submitTask,
  UpstreamRefusal,
  type ImportResult,
  type SubmitRequest,
} from "./client";
import { patchTasks, withoutTasks, type TaskListData } from "./list-cache";
import { folderKeys, refreshTaskLists, taskKeys } from "./queries";

/**
 * One hook per write the browser makes. A failure is told by the MutationCache's one toast
 * (query-client.ts); `isPending` is the busy state. What a page does on success (close a dialog,
 * move on, say so) comes first, then the lists are read again: the mutation stays pending until
 * they show the change, so a button is not free again before its effect is on screen.
 */
export interface WriteOptions<TData, TVariables> {
  onSuccess?(data: TData, variables: TVariables): void;
}

function useTaskWrite<TData, TVariables>(
  mutationFn: MutationFunction<TData, TVariables>,
  options: WriteOptions<TData, TVariables> | undefined,
  meta?: MutationMeta,
  /**
   * What the write will do to a cached list, shown at once (a deleted task leaves the feed when
   * the button is pressed, not after every loaded page was read again). Reads in flight would
   * bring the old state back, so they are cancelled first; a failure reads the lists anew.
   */
  optimistic?: (data: TaskListData, variables: TVariables) => TaskListData,
  /** Writes of one scope run one after another, in the order they were made (a hide, then its undo). */
  scope?: string,
) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    meta,
    scope: scope === undefined ? undefined : { id: scope },
    onMutate: optimistic
      ? async (variables) => {
          await Promise.all([
            queryClient.cancelQueries({ queryKey: taskKeys.lists() }),
            queryClient.cancelQueries({ queryKey: taskKeys.heads() }),
          ]);
          queryClient.setQueriesData<TaskListData>({ queryKey: taskKeys.lists() }, (data) =>
            data ? optimistic(data, variables) : data,
          );
        }
      : undefined,
    onError: optimistic ? () => refreshTaskLists(queryClient) : undefined,
    onSuccess: async (data, variables) => {
      options?.onSuccess?.(data, variables);
      await refreshTaskLists(queryClient);
    },
  });
}

/** Imagine, Describe or Blend; resolves to the ids of the tasks started. */
export function useSubmitTask(options?: WriteOptions<string[], SubmitRequest>) {
  return useTaskWrite(async (request: SubmitRequest) => acceptedTaskIds(await submitTask(request)), options);
}

/**
 * Submits a failed or stuck task again: from the request the server kept (images included, so
 * it works after a reload too), else through its parent's button, else as a plain Imagine.
 */
async function retryTask(task: Task): Promise<string[]> {
  const original = await originalRequest(task.id);
  if (original && original.kind !== "action" && original.kind !== "modal")
    return acceptedTaskIds(await submitTask(original));
  if (task.parentId && typeof task.properties.custom_id === "string")
    return acceptedTaskIds(
      await submitAction({ taskId: task.parentId, customId: task.properties.custom_id }),
    );
  return acceptedTaskIds(
    await submitTask({
      kind: "imagine",
      body: {
        prompt: task.prompt ?? "",
        ...(task.botType === "NIJI_JOURNEY" ? { botType: "NIJI_JOURNEY" as const } : {}),
      },
    }),
  );
}

export function useRetryTask(options?: WriteOptions<string[], Task>) {
  return useTaskWrite(retryTask, options);
}

/** What an Enhance started, and the seed its prompt carries (null: none could be had). */
export interface Enhanced {
  ids: string[];
  seed: string | null;
}

/** The upstream's seed of a finished task, or null when it gives none: Enhance then goes on without. */
async function askSeed(task: Task): Promise<string | null> {
  try {
    const result = await fetchImageSeed(task.id);
    return result.code === SUBMIT_CODE.success && typeof result.result === "string" ? result.result : null;
  } catch {
    return null;
  }
}

/** Re-runs a draft at full quality through the normal imagine: same request and prompt without --draft, its seed, its bot. */
async function enhanceTask(task: Task): Promise<Enhanced> {
  const prompt = enhancedPrompt(task, knownSeed(task) ?? (await askSeed(task)));
  const original = await originalRequest(task.id);
  const body = enhanceRequest(task, prompt, original?.kind === "imagine" ? original.body : null);
  const ids = acceptedTaskIds(await submitTask({ kind: "imagine", body }));
  const seed = parsePrompt(prompt).params.seed;
  return { ids, seed: seed === null ? null : String(seed) };
}

export function useEnhanceTask(options?: WriteOptions<Enhanced, Task>) {
  return useTaskWrite(enhanceTask, options);
}

export interface ButtonPress {
  task: Task;
  button: ButtonInfo;
  /** The Remix switch: remixable buttons then open their prompt for editing first. */
  remix: boolean;
}

/** What came of a press: the favourite flipped, a dialog to answer (code 21), or tasks started. */
export type PressOutcome =
  | { kind: "favorite" }
  | { kind: "modal"; taskId: string; finalPrompt: string | null }
  | { kind: "started"; ids: string[] };

async function pressButton({ task, button, remix }: ButtonPress): Promise<PressOutcome> {
  // Midjourney's ❤️ is its own bookmark, which no proxy can press (trueai: code 4, relays:
  // unknown_action): here it is the app's favourite.
  if (button.kind === "bookmark") {
    await setFavorite(task.id, !isFavorite(task));
    return { kind: "favorite" };
  }
  const result = await submitAction({
    taskId: task.id,
    customId: button.customId,
    ...(remix && button.remixable ? { enableRemix: true } : {}),
  });
  const ids = acceptedTaskIds(result);
  if (result.code === SUBMIT_CODE.existed && typeof result.result === "string") {
    const finalPrompt = result.properties.finalPrompt;
    return {
      kind: "modal",
      taskId: result.result,
      finalPrompt: typeof finalPrompt === "string" ? finalPrompt : null,
    };
  }
  return { kind: "started", ids };
}

/** Presses one of a task's buttons (U1, Vary, Zoom, ❤️…). */
export function usePressButton(options?: WriteOptions<PressOutcome, ButtonPress>) {
  return useTaskWrite(pressButton, options);
}

/** Answers a MODAL task's dialog. Its form shows a failure itself, so no toast. */
export function useSubmitModal(options?: WriteOptions<string[], ModalRequest>) {
  return useTaskWrite(async (body: ModalRequest) => acceptedTaskIds(await submitModal(body)), options, {
    errorToast: false,
  });
}

export function useCancelTask(options?: WriteOptions<unknown, Task>) {
  return useTaskWrite((task: Task) => cancelTask(task.id), options);
}

/** Removes a task from the history (and a MODAL task nobody is going to answer). */
export function useDeleteTask(options?: WriteOptions<void, Task>) {
  return useTaskWrite(
    (task: Task) => deleteTask(task.id),
    options,
    undefined,
    (data, task) => withoutTasks(data, [task.id]),
  );
}

export function useSetFavorite(options?: WriteOptions<Task, { task: Task; favorite: boolean }>) {
  return useTaskWrite(
    ({ task, favorite }: { task: Task; favorite: boolean }) => setFavorite(task.id, favorite),
    options,
    undefined,
    (data, { task, favorite }) => patchTasks(data, [task.id], { favorite }),
  );
}

/** Resolves to the number of tasks changed. */
export function useSetFavoriteMany(options?: WriteOptions<number, { ids: string[]; favorite: boolean }>) {
  return useTaskWrite(
    ({ ids, favorite }: { ids: string[]; favorite: boolean }) => setFavoriteMany(ids, favorite),
    options,
    undefined,
    (data, { ids, favorite }) => patchTasks(data, ids, { favorite }),
  );
}

/** Hides (or shows again) tasks: kept in the history, out of the feed and the gallery's default view. */
export function useSetHidden(options?: WriteOptions<number, { ids: string[]; hidden: boolean }>) {
  return useTaskWrite(
    ({ ids, hidden }: { ids: string[]; hidden: boolean }) => setHiddenMany(ids, hidden),
    options,
    undefined,
    // Hidden tasks leave the views that leave them out; shown again, the lists read anew bring them back.
    (data, { ids, hidden }) => (hidden ? withoutTasks(data, ids) : data),
    "tasks.hidden",
  );
}

/**
 * A write to folders: like useTaskWrite, and the folder lists (counts, covers, names) are read
 * again too. A folder's own view is a task list, so refreshTaskLists covers it.
 */
function useFolderWrite<TData, TVariables>(
  mutationFn: MutationFunction<TData, TVariables>,
  options: WriteOptions<TData, TVariables> | undefined,
) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    onSuccess: async (data, variables) => {
      options?.onSuccess?.(data, variables);
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: folderKeys.all }),
        refreshTaskLists(queryClient),
      ]);
    },
  });
}

export function useCreateFolder(options?: WriteOptions<Folder, string>) {
  return useFolderWrite(createFolder, options);
}

export function useRenameFolder(options?: WriteOptions<Folder, { id: string; name: string }>) {
  return useFolderWrite(({ id, name }: { id: string; name: string }) => renameFolder(id, name), options);
}

export function useDeleteFolder(options?: WriteOptions<void, string>) {
  return useFolderWrite(deleteFolder, options);
}

/** Adds tasks to folder `id`; with `from`, moves them there out of that folder. */
export interface FolderAdd {
  id: string;
  ids: string[];
  from?: string;
}

export function useAddToFolder(options?: WriteOptions<number, FolderAdd>) {
  return useFolderWrite(({ id, ids, from }: FolderAdd) => addToFolder(id, ids, from), options);
}

export function useRemoveFromFolder(options?: WriteOptions<number, { id: string; ids: string[] }>) {
  return useFolderWrite(({ id, ids }: { id: string; ids: string[] }) => removeFromFolder(id, ids), options);
}

export function useCreateSmartFolder(options?: WriteOptions<SmartFolder, { name: string; search: string }>) {
  return useFolderWrite(
    ({ name, search }: { name: string; search: string }) => createSmartFolder(name, search),
    options,
  );
}

export function useRenameSmartFolder(options?: WriteOptions<SmartFolder, { id: string; name: string }>) {
  return useFolderWrite(({ id, name }: { id: string; name: string }) => renameSmartFolder(id, name), options);
}

export function useDeleteSmartFolder(options?: WriteOptions<void, string>) {
  return useFolderWrite(deleteSmartFolder, options);
}

/** Resolves to the number of tasks deleted. */
export function useDeleteTasks(options?: WriteOptions<number, string[]>) {
  return useTaskWrite(deleteTasks, options, undefined, withoutTasks);
}

/** Where imported history comes from: an export archive, or task ids the upstream knows. */
export type ImportSource = { archive: Blob } | { ids: string[] };

export function useImportHistory(options?: WriteOptions<ImportResult, ImportSource>) {
  return useTaskWrite(
    (source: ImportSource) => ("archive" in source ? importArchive(source.archive) : importTasks(source.ids)),
    options,
  );
}

/** A finished task's seed; an upstream that has none for it answers with its reason. */
export function useImageSeed(options?: WriteOptions<string, Task>) {
  return useMutation({
    mutationFn: async (task: Task) => {
      const result = await fetchImageSeed(task.id);
      if (result.code !== SUBMIT_CODE.success || typeof result.result !== "string")
        throw new UpstreamRefusal(result);
      return result.result;
    },
    meta: { errorToast: "result.seedFailed" },
    onSuccess: (seed, task) => options?.onSuccess?.(seed, task),
  });
}

/** One of the app's media files, fetched to be saved under a name of the page's choosing. */
export function useFetchMedia(options?: WriteOptions<Blob, string>) {
  return useMutation({
    mutationFn: fetchMedia,
    meta: { errorToast: "result.downloadFailed" },
    onSuccess: (blob, url) => options?.onSuccess?.(blob, url),
  });
}

/** The sign-in form says what went wrong itself (a wrong password is no toast). */
export function useLogin(options?: WriteOptions<void, string>) {
  return useMutation({
    mutationFn: login,
    meta: { errorToast: false },
    onSuccess: (data, password) => options?.onSuccess?.(data, password),
  });
}

/** Ends the session and forgets every cached task, before the page leaves. */
export function useLogout(options?: WriteOptions<void, void>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: logout,
    onSuccess: (data) => {
      queryClient.clear();
      options?.onSuccess?.(data, undefined);
    },
  });
}
