import "server-only";
import { parseCustomId, type ButtonKind, type ParsedCustomId } from "@/lib/mj/buttons";
import { isAccepted, resultTaskIds, SUBMIT_CODE, type SubmitResult } from "@/lib/mj/envelope";
import { unknownActionCustomId } from "@/lib/mj/fail-reason";
import { changeCustomId, changeLabel } from "@/lib/mj/legacy-change";
import {
  taskIdSchema,
  type ActionRequest,
  type BlendRequest,
  type ChangeRequest,
  type DescribeRequest,
  type EditRequest,
  type ImagineRequest,
  type ListByConditionRequest,
  type ModalRequest,
  type ShortenRequest,
  type UploadRequest,
  type VideoRequest,
  LIMITS,
} from "@/lib/mj/requests";
import type { Speed } from "@/lib/mj/prompt-params";
import { promptSpeed } from "@/lib/mj/speed";
import { TASK_STATUS, taskSchema, type Task } from "@/lib/mj/task";
import { POLL_HORIZON_MS } from "@/lib/mj/task-view";
import { AppError } from "@/lib/http/errors";
import { withAppMediaUrls } from "@/lib/media/urls";
import type { HistoryDetail, ImportResult, TaskFlags } from "@/lib/mj/history-query";
import { FOLDER_LIMITS } from "@/lib/mj/folders";
import { createTaskEvents, type TaskListener } from "./events";
import { mergeRule } from "./merge";
import { createPoller } from "./poller";
import { presentRequestBody, withInputRefs, type RequestInputs } from "./request-inputs";
import {
  InvalidCursorError,
  type RequestKind,
  type Folder,
  type SmartFolder,
  type StoredTask,
  type TaskListQuery,
  type TaskPage,
  type TaskStore,
} from "@/lib/store/task-store";
import type { UploadResult, UpstreamClient } from "@/lib/upstream/client";
import { soloCluster, type Cluster } from "@/lib/store/cluster";
import { freezeShared } from "@/lib/store/parsed-tasks";

/**
 * The app's task operations: each one talks to the upstream once (or twice, where a relay hides
 * something), records what it learnt before answering, and hands out tasks whose media URLs are
 * the app's own. Route handlers call exactly one of these.
 */

export interface TaskServiceDeps {
  upstream: UpstreamClient;
  store: TaskStore;
  /** Where the images of submitted requests are kept (blobs in the media room). */
  inputs: RequestInputs;
  now?: () => number;
  /** Drops the cached media of deleted tasks (the media cache implements it); default none. */
  removeMedia?: (ids: string[]) => Promise<void>;
  /**
   * Told of every upstream copy the service records (the media cache's `enqueue`); it must not
   * block: finished tasks' media are downloaded in the background.
   */
  cacheMedia?: (tasks: Task[]) => void;
  /** Told of every upstream copy the service records (notifyHook, lib/tasks/notify.ts); must not block. */
  notify?: (tasks: Task[]) => void;
  /**
   * What a page shows of a copy the poller brings, made before the copy is recorded (and so pushed
   * and answered): the media room's `makeShown` (lib/media/ready.ts). Null when there is nothing
   * to wait for. `pageListening` says whether a page on this instance listens to the pushes now.
   * Default none: a poll is recorded as it comes.
   */
  mediaReady?: (task: Task, pageListening: boolean) => Promise<unknown> | null;
  /** How often the one poller asks the upstream about every unfinished task (default 2 s). */
  pollIntervalMs?: number;
  /**
   * The other instances sharing the history, if any (default: none): which one polls, and what
   * they changed, so this instance watches and pushes it too.
   */
  cluster?: Cluster;
  log?: (message: string) => void;
}

export type TaskService = ReturnType<typeof createTaskService>;

/** How a submit reached the app: the speed of its drop-in prefix (`/api/mj-relax/mj/...`), if any. */
export interface SubmitContext {
  speed?: Speed | null;
}

/** A job's speed: the prefix the caller used outranks the prompt's flag, as trueai ranks them (§3). */
function jobSpeed(context: SubmitContext | undefined, prompt?: string): { speed: Speed | null } {
  return { speed: context?.speed ?? promptSpeed(prompt) };
}

/** What the app knows of a task it just submitted, before the first poll. */
type KnownFields = Partial<
  Pick<Task, "action" | "prompt" | "parentId" | "botType" | "state" | "properties">
> & {
  /** A video's SD/HD choice (§3.7), which trueai keeps on the task too. */
  videoType?: string;
};

/**
 * A video body as the upstream takes it: without the app's own `sourceTaskId`, and with a prompt,
 * which the upstream requires even for an extend (§3.7). An empty one is Midjourney's Auto: the
 * motion flag alone, which trueai does not write twice.
 */
function upstreamVideoBody(body: VideoRequest): Omit<VideoRequest, "sourceTaskId"> & { prompt: string } {
  const forward: VideoRequest = { ...body };
  delete forward.sourceTaskId;
  const prompt = body.prompt?.trim() ? body.prompt : `--motion ${body.motion ?? "low"}`;
  return { ...forward, prompt };
}

/** An extend's clip in the numbering trueai records: 1-based `properties.video_extend_index` (§7). */
function extendIndex(body: VideoRequest): Record<string, unknown> {
  return body.action === "extend" && body.index !== undefined ? { video_extend_index: body.index + 1 } : {};
}

/**
 * The `/submit/video` job a pressed Animate or Extend button stands for, for relays that refuse
 * video buttons (new-api answers `unknown_action`, §8.1, §7). Animate on task P animates P's
 * image (its upstream URL: the app's own URLs are not reachable from there); Extend on P extends
 * clip n of the VIDEO task the clip belongs to (P itself when P is a VIDEO, as an extend result
 * is; else the grid P was upscaled from). Null when the button is neither or the app does not know
 * enough of P: the refusal then stands. The new task is recorded as P's child, as a pressed
 * button's is.
 */
function videoForButton(
  body: ActionRequest,
  button: ParsedCustomId,
  parent: Task | null,
): VideoRequest | null {
  if (!parent || (button.kind !== "animate" && button.kind !== "extend")) return null;
  const { state, notifyHook, accountFilter } = body;
  const common: VideoRequest = {
    motion: button.variant === "high" ? "high" : "low",
    ...(state !== undefined ? { state } : {}),
    ...(notifyHook !== undefined ? { notifyHook } : {}),
    ...(accountFilter !== undefined ? { accountFilter } : {}),
  };
  if (button.kind === "animate") {
    return parent.imageUrl ? { ...common, image: parent.imageUrl } : null;
  }
  const video = parent.action === "VIDEO" ? parent.id : parent.parentId;
  return video ? { ...common, action: "extend", taskId: video, index: (button.index ?? 1) - 1 } : null;
}

/** The action a child task will report, so the record is right before the first poll. */
function childAction(kind: ButtonKind, variant: string | null, parent: Task | null): string | null {
  switch (kind) {
    case "upscale":
      return variant === "grid" || variant === "video" ? "UPSCALE" : "UPSCALE_HD";
    case "vary":
    case "vary-region":
      return "VARIATION";
    case "zoom":
    case "custom-zoom":
      return "ZOOM";
    case "pan":
      return "PAN";
    case "animate":
    case "extend":
      return "VIDEO";
    case "describe-prompt":
    case "imagine-all":
      return "IMAGINE";
    case "reroll":
      // trueai re-runs an upscale's prompt as a new IMAGINE; otherwise the parent's action repeats.
      return parent?.action === "UPSCALE" || parent?.action === "UPSCALE_HD"
        ? "IMAGINE"
        : (parent?.action ?? null);
    default:
      return null;
  }
}

const MAX_TRACKED = 10_000;
/** Statuses the poller does not ask about after a restart: finished, or waiting for the user. */
const NOT_POLLED = [TASK_STATUS.success, TASK_STATUS.failure, TASK_STATUS.cancel, TASK_STATUS.modal];

/**
 * The longest a poll's answer waits for its media (`mediaReady`) before it is recorded anyway, and
 * never more than three quarters of the poll interval, so the poller keeps its pace: a slow CDN or
 * a machine too busy to keep ahead costs the page the wait it had without.
 */
export const MEDIA_READY_WAIT_MS = 1_500;

/** Resolves once every promise has settled, `ms` have passed or `signal` aborts, whichever comes first. */
function settledWithin(promises: Promise<unknown>[], ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    if (signal.aborted) return done();
    signal.addEventListener("abort", done, { once: true });
    void Promise.allSettled(promises).then(done);
  });
}

export function createTaskService({
  upstream,
  store,
  inputs,
  now = Date.now,
  removeMedia = async () => {},
  cacheMedia,
  notify,
  mediaReady,
  pollIntervalMs = 2_000,
  cluster = soloCluster(),
  log = (message: string) => console.warn(message),
}: TaskServiceDeps) {
  /** Unusable ids already logged (their first characters), so a poll that keeps seeing one logs it once. */
  const refusedIds = new Set<string>();

  /**
   * Keeps the items whose task id is a plain token. Any other id (`../../etc/passwd`, `a b`, 200
   * characters) could never be opened, deleted or exported again, so it is not recorded nor handed
   * out. Logged by count only: the id is upstream text, not something to echo into the log.
   */
  function usableIds<T>(items: T[], idOf: (item: T) => string): T[] {
    let fresh = 0;
    const kept = items.filter((item) => {
      const id = idOf(item);
      if (taskIdSchema.safeParse(id).success) return true;
      const seen = id.slice(0, 100);
      if (!refusedIds.has(seen)) fresh += 1;
      refusedIds.add(seen);
      return false;
    });
    if (refusedIds.size > MAX_TRACKED) refusedIds.clear();
    if (fresh > 0) {
      console.warn(
        `[tasks] ignored ${fresh} upstream task(s) whose id is not 1-64 letters, digits, '-' or '_'`,
      );
    }
    return kept;
  }

  const events = createTaskEvents(log);

  /**
   * Every write of the history: the poller learns which tasks are unfinished, and listening pages
   * (this instance's, and through the cluster the other instances') are pushed what changed.
   * Returns every copy (the answer to whoever asked) and, apart, the ones the history holds: a
   * task the user deleted is answered as the upstream gives it, but is not written, watched,
   * pushed, cached nor notified again.
   */
  async function writeCopies(
    tasks: Task[],
    options?: { undelete?: boolean },
  ): Promise<{ stored: StoredTask[]; kept: StoredTask[] }> {
    const refused = new Set<string>();
    const stored = await store.record(
      tasks,
      (before, incoming, deleted) => {
        if (deleted) refused.add(incoming.id);
        return mergeRule(before, incoming, deleted);
      },
      options,
    );
    const kept = refused.size === 0 ? stored : stored.filter((task) => !refused.has(task.id));
    poller.watch(kept);
    const changed = events.publish(kept.map(present));
    cluster.announce(changed.map((task) => task.id));
    return { stored, kept };
  }

  async function write(tasks: Task[], options?: { undelete?: boolean }): Promise<StoredTask[]> {
    return (await writeCopies(tasks, options)).stored;
  }

  /**
   * Tasks another instance recorded or deleted, read back from the shared record: watched (so
   * whichever instance polls asks about a task submitted on another) and pushed to this
   * instance's pages. A deleted one is no longer in the record, so no longer watched.
   */
  async function heard(ids: string[]): Promise<void> {
    const found = await store.getMany(ids);
    const recorded = new Set(found.map((task) => task.id));
    poller.forget(ids.filter((id) => !recorded.has(id)));
    poller.watch(found);
    events.publish(found.map(present));
  }

  /** Records copies the upstream sent; the one place that hands finished tasks to the media cache. */
  async function record(tasks: Task[], options?: { undelete?: boolean }): Promise<StoredTask[]> {
    const usable = usableIds(tasks, (task) => task.id);
    const { stored, kept } = await writeCopies(usable, options);
    try {
      cacheMedia?.(kept);
    } catch (error) {
      // The answer does not depend on the cache; a full disk must not fail a poll.
      console.warn("[tasks] could not queue media caching", error);
    }
    notify?.(kept);
    return stored;
  }

  /** A first record of a task the upstream just accepted; later polls fill in the rest. */
  function placeholder(fields: KnownFields & Partial<Pick<Task, "status">> & { id: string }): Task {
    return taskSchema.parse({
      status: TASK_STATUS.notStart,
      submitTime: now(),
      progress: null,
      buttons: [],
      properties: {},
      ...fields,
    });
  }

  /**
   * Records the new tasks and the body that created them. The request is history, not the
   * task: failing to store it (a full disk) is logged and does not fail a submit the upstream
   * already accepted, which a retry would only duplicate.
   */
  async function recordAccepted(
    result: SubmitResult,
    fields: KnownFields,
    request: { kind: RequestKind; body: object },
  ): Promise<void> {
    if (!isAccepted(result.code)) return;
    const status = result.code === SUBMIT_CODE.existed ? TASK_STATUS.modal : TASK_STATUS.notStart;
    const properties: Record<string, unknown> = { ...fields.properties };
    if (typeof result.properties.finalPrompt === "string")
      properties.finalPrompt = result.properties.finalPrompt;
    if (result.code === SUBMIT_CODE.inQueue && result.properties.numberOfQueues !== undefined) {
      properties.numberOfQueues = result.properties.numberOfQueues;
    }
    const ids = usableIds(resultTaskIds(result.result), (id) => id);
    await write(ids.map((id) => placeholder({ ...fields, id, status, properties })));
    await saveRequest(ids, request);
  }

  /**
   * Request images and the rows that refer to them change one at a time: otherwise a delete
   * could find an image unreferenced and remove it between its save and the row naming it.
   */
  let inputsTurn: Promise<unknown> = Promise.resolve();
  function inInputsTurn<T>(work: () => Promise<T>): Promise<T> {
    const run = inputsTurn.then(work, work);
    inputsTurn = run.catch(() => {});
    return run;
  }

  async function saveRequest(ids: string[], request: { kind: RequestKind; body: object }): Promise<void> {
    if (ids.length === 0) return;
    try {
      await inInputsTurn(async () => {
        const stored = await withInputRefs({ ...request.body }, inputs);
        await store.saveRequest(ids, request.kind, stored.body, stored.inputs);
      });
    } catch (error) {
      console.error(`[tasks] could not record the ${request.kind} request of ${ids.join(", ")}`, error);
    }
  }

  // The app's links of a task are made once per task object: the store hands out the same object
  // for the same row (lib/store/parsed-tasks.ts), so a poll answered from the record does not hash
  // every media URL again. A changed row is a new object, never a stale answer; an entry goes with
  // its object.
  const presented = new WeakMap<Task, Task>();
  const present = <T extends Task>(task: T): T => {
    let out = presented.get(task);
    if (!out) {
      out = freezeShared(withAppMediaUrls(task));
      presented.set(task, out);
    }
    return out as T;
  };

  const readyWaitMs = Math.min(MEDIA_READY_WAIT_MS, (pollIntervalMs * 3) / 4);
  /** Ends every wait of `recordPolled` at once (the poller stops: a shutdown). */
  const stopped = new AbortController();
  /** The media work polls started (`mediaReady`), until it settles: `idle` waits for it. */
  const preparing = new Set<Promise<unknown>>();

  /**
   * What a poll learnt, recorded once what a page shows of it is ready (`mediaReady`), so the page
   * that hears of a change shows it from the app's memory and cache at once: a finish with its
   * thumbnails (a grid's four cells from one decode), a running task with its new progress image.
   * Asked for at the moment of the push, every tab's request waited on the same download and
   * decode, the slowest answers a studio gave under load. Finishes and the rest are two records,
   * so progress does not wait for a grid's cutting; each is recorded after `readyWaitMs` at most,
   * whatever is still being made, and a failure to make it records it all the same (the page asks
   * and is told what is wrong). Stopped meanwhile, nothing is recorded: the record still says
   * these tasks run, so the next start polls them again.
   */
  async function recordPolled(copies: Task[]): Promise<void> {
    if (!mediaReady) {
      await record(copies);
      return;
    }
    // An answer that lands after the stop starts no media work that the stopping server
    // (its `idle`) would not wait for.
    if (stopped.signal.aborted) return;
    const pageListening = events.listening();
    const finishes = { copies: [] as Task[], waits: [] as Promise<unknown>[] };
    const rest = { copies: [] as Task[], waits: [] as Promise<unknown>[] };
    for (const copy of copies) {
      const group = copy.status === TASK_STATUS.success ? finishes : rest;
      group.copies.push(copy);
      const ready = prepare(copy, pageListening);
      if (ready) group.waits.push(ready);
    }
    // Finishes with nothing to make go with the rest: one record, one push.
    if (finishes.waits.length === 0) rest.copies.push(...finishes.copies.splice(0));
    await Promise.all(
      [finishes, rest].map(async ({ copies, waits }) => {
        if (copies.length === 0) return;
        if (waits.length > 0) await settledWithin(waits, readyWaitMs, stopped.signal);
        if (!stopped.signal.aborted) await record(copies);
      }),
    );
  }

  /** `mediaReady` of one copy, its failure logged and its work tracked until it settles. */
  function prepare(copy: Task, pageListening: boolean): Promise<unknown> | null {
    let ready: Promise<unknown> | null;
    try {
      ready = mediaReady!(copy, pageListening);
    } catch (error) {
      ready = Promise.reject(error);
    }
    if (!ready) return null;
    const tracked = ready.then(
      () => undefined,
      (error: unknown) =>
        log(`[tasks] could not make the media of ${copy.id} before recording it: ${String(error)}`),
    );
    preparing.add(tracked);
    void tracked.finally(() => preparing.delete(tracked));
    return tracked;
  }

  const poller = createPoller({
    intervalMs: pollIntervalMs,
    batchSize: LIMITS.idsPerList,
    ask: (ids) => upstream.listByIds(ids),
    record: recordPolled,
    isLeader: () => cluster.isLeader(),
    // Only an upstream's fault makes the record stale (see throwIfStale), for every instance.
    onFault: (error) =>
      cluster.reportFault(error instanceof AppError ? { code: error.code, message: error.message } : null),
    now,
    log,
  });

  /** Watches what the history holds unfinished, submitted within the poll horizon. */
  async function watchUnfinished(): Promise<void> {
    const query: TaskListQuery = {
      limit: 100,
      cursor: null,
      excludeStatus: NOT_POLLED,
      from: now() - POLL_HORIZON_MS,
    };
    do {
      const page = await store.list(query);
      poller.watch(page.items);
      query.cursor = page.nextCursor;
    } while (query.cursor);
  }
  let stopListening = () => {};

  /**
   * The record of an unfinished task is as fresh as the poller's last answer: while the upstream
   * keeps failing, a caller asking about one is told why (the page then shows the outage and
   * backs off, as it would have if it had asked the upstream itself).
   */
  function throwIfStale(ids: readonly string[]): void {
    // In a cluster, the fault of the instance that polls: this one's poller asks nothing.
    const shared = cluster.fault();
    const fault = poller.fault() ?? (shared && new AppError(shared.code, shared.message));
    // Only an upstream's fault makes the record stale; a failed write is the server's own, and logged.
    if (fault instanceof AppError && ids.some((id) => poller.isWatching(id))) throw fault;
  }

  function submitVideo(body: VideoRequest, context: SubmitContext | undefined): Promise<SubmitResult> {
    const forward = upstreamVideoBody(body);
    return upstream.submit("video", forward, jobSpeed(context, forward.prompt));
  }

  /** The Editor's jobs (§3.8): the same body for both, recorded with its source as the parent. */
  async function editJob(
    kind: "edits" | "retexture",
    action: "EDIT" | "RETEXTURE",
    body: EditRequest,
    context: SubmitContext | undefined,
  ): Promise<SubmitResult> {
    const forward: EditRequest = { ...body };
    delete forward.sourceTaskId;
    const result = await upstream.submit(kind, forward, jobSpeed(context, body.prompt));
    await recordAccepted(
      result,
      { action, prompt: body.prompt, parentId: body.sourceTaskId ?? null, state: body.state ?? null },
      { kind, body },
    );
    return result;
  }

  const presentFolder = (folder: Folder): Folder => ({
    ...folder,
    cover: folder.cover && present(folder.cover),
  });

  /** What a store answered about a folder, or a 404 when it said there is none (null or false). */
  function requireFolder<T>(id: string, found: T | null | false): T {
    if (found === null || found === false) throw new AppError("not_found", `No folder ${id}.`);
    return found;
  }

  async function requireStored(id: string): Promise<StoredTask> {
    const task = await store.get(id);
    if (!task) throw new AppError("not_found", `Task ${id} is not in the history.`);
    return task;
  }

  /** Deletes for good: a later poll or re-sync does not bring the tasks back (see the store). */
  async function deleteTasks(ids: string[]): Promise<string[]> {
    const deleted = await inInputsTurn(async () => {
      const removed = await store.delete([...new Set(ids)]);
      // After the commit: an image is removed only once no row can refer to it any more.
      await inputs
        .remove(removed.orphanedInputs)
        .catch((error: unknown) =>
          console.error(`[tasks] could not remove ${removed.orphanedInputs.length} request image(s)`, error),
        );
      return removed.deleted;
    });
    poller.forget(deleted);
    cluster.announce(deleted);
    if (deleted.length > 0) {
      // The rows are gone either way; media left behind is only disk space, so say so and go on.
      await removeMedia(deleted).catch((error: unknown) =>
        console.error(`[tasks] could not remove the media of ${deleted.length} deleted task(s)`, error),
      );
    }
    return deleted;
  }

  return {
    async imagine(body: ImagineRequest, context?: SubmitContext): Promise<SubmitResult> {
      const result = await upstream.submit("imagine", body, jobSpeed(context, body.prompt));
      await recordAccepted(
        result,
        {
          action: "IMAGINE",
          prompt: body.prompt,
          botType: body.botType ?? null,
          state: body.state ?? null,
        },
        { kind: "imagine", body },
      );
      return result;
    },

    async describe(body: DescribeRequest, context?: SubmitContext): Promise<SubmitResult> {
      const result = await upstream.submit("describe", body, jobSpeed(context));
      await recordAccepted(
        result,
        { action: "DESCRIBE", prompt: "", state: body.state ?? null },
        { kind: "describe", body },
      );
      return result;
    },

    async blend(body: BlendRequest, context?: SubmitContext): Promise<SubmitResult> {
      const result = await upstream.submit("blend", body, jobSpeed(context));
      await recordAccepted(
        result,
        {
          action: "BLEND",
          prompt: "",
          state: body.state ?? null,
          properties: { dimensions: body.dimensions ?? "SQUARE" },
        },
        { kind: "blend", body },
      );
      return result;
    },

    /**
     * Presses a button. A relay (new-api) rewrites the modal answer 21 to 1 for remix actions;
     * when the child is a MODAL task the caller is still told 21, with the prompt to edit.
     */
    async action(body: ActionRequest, context?: SubmitContext): Promise<SubmitResult> {
      const parent = await store.get(body.taskId);
      const button = parseCustomId(body.customId);
      let result = await upstream.submit("action", body, jobSpeed(context));
      const video = unknownActionCustomId(result.description) ? videoForButton(body, button, parent) : null;
      if (video) {
        // The relay cannot press it; the same job through /submit/video, so the press still
        // makes a video. Recorded as the press it was: the request kept is the action (a Retry
        // presses again), the child the button's.
        const sent = await submitVideo(video, context);
        await recordAccepted(
          sent,
          {
            action: "VIDEO",
            parentId: body.taskId,
            prompt: parent?.prompt ?? null,
            botType: parent?.botType ?? null,
            state: body.state ?? null,
            properties: {
              custom_id: body.customId,
              ...(button.index !== null ? { action_index: button.index } : {}),
              ...extendIndex(video),
            },
          },
          { kind: "action", body },
        );
        return sent;
      }
      const ids = resultTaskIds(result.result);
      const onlyChild = ids.length === 1 ? ids[0] : undefined;
      if (result.code === SUBMIT_CODE.success && onlyChild !== undefined) {
        const modalForSure = button.alwaysModal || (button.remixable && body.enableRemix === true);
        const child =
          modalForSure || !button.remixable ? null : await upstream.fetchTask(onlyChild).catch(() => null);
        if (modalForSure || child?.status === TASK_STATUS.modal) {
          const finalPrompt =
            (typeof child?.properties.finalPrompt === "string" ? child.properties.finalPrompt : null) ??
            child?.prompt ??
            parent?.prompt ??
            "";
          result = {
            code: SUBMIT_CODE.existed,
            description: "Waiting for window confirm",
            result: onlyChild,
            properties: { ...result.properties, finalPrompt, remix: true },
          };
        }
      }
      await recordAccepted(
        result,
        {
          action: childAction(button.kind, button.variant, parent),
          parentId: body.taskId,
          prompt: parent?.prompt ?? null,
          botType: parent?.botType ?? null,
          state: body.state ?? null,
          properties: {
            custom_id: body.customId,
            ...(button.index !== null ? { action_index: button.index } : {}),
          },
        },
        { kind: "action", body },
      );
      return result;
    },

    /**
     * novicezk's change and simple-change (§3.10): a press of the parent's matching button. Its
     * buttons come from the record, or from the upstream when the record has not seen it finish.
     */
    async change(body: ChangeRequest, context?: SubmitContext): Promise<SubmitResult> {
      let parent = await store.get(body.taskId);
      if (parent?.status !== TASK_STATUS.success) {
        const fresh = await upstream.fetchTask(body.taskId);
        if (fresh) parent = (await record([fresh]))[0] ?? parent;
      }
      if (!parent) throw new AppError("not_found", `Task ${body.taskId} was not found.`);
      if (parent.status !== TASK_STATUS.success) {
        throw new AppError(
          "invalid_input",
          `Task ${body.taskId} is ${parent.status || "not finished"}; only a finished task can be changed.`,
        );
      }
      const customId = changeCustomId(parent.buttons, body);
      if (!customId)
        throw new AppError("invalid_input", `Task ${body.taskId} has no ${changeLabel(body)} button.`);
      const { notifyHook, state, accountFilter } = body;
      return this.action(
        {
          taskId: body.taskId,
          customId,
          ...(notifyHook !== undefined ? { notifyHook } : {}),
          ...(state !== undefined ? { state } : {}),
          ...(accountFilter !== undefined ? { accountFilter } : {}),
        },
        context,
      );
    },

    async modal(body: ModalRequest, context?: SubmitContext): Promise<SubmitResult> {
      const result = await upstream.submit("modal", body, jobSpeed(context, body.prompt));
      if (isAccepted(result.code)) {
        const pending = await store.get(body.taskId);
        // MODAL and NOT_START rank the same, so this moves the record on without a poll.
        await write([
          {
            ...(pending ?? placeholder({ id: body.taskId })),
            status: TASK_STATUS.notStart,
            ...(body.prompt ? { prompt: body.prompt } : {}),
          },
        ]);
        // Replaces the action that opened the modal: this body is what finally ran.
        await saveRequest([body.taskId], { kind: "modal", body });
      }
      return result;
    },

    /** Prompt analysis (§3.6): a SHORTEN task whose result is the analysis text, recorded like any submit. */
    async shorten(body: ShortenRequest, context?: SubmitContext): Promise<SubmitResult> {
      const result = await upstream.submit("shorten", body, jobSpeed(context, body.prompt));
      await recordAccepted(
        result,
        { action: "SHORTEN", prompt: body.prompt, botType: body.botType ?? null, state: body.state ?? null },
        { kind: "shorten", body },
      );
      return result;
    },

    /**
     * A video (§3.7): a new one from a start frame, or an extend of a clip. The new task's parent
     * is the video it extends, or the task whose image it animates (`sourceTaskId`, the app's
     * own, never sent on). The request is kept as the app took it, so a Retry keeps the lineage.
     */
    async video(body: VideoRequest, context?: SubmitContext): Promise<SubmitResult> {
      const result = await submitVideo(body, context);
      await recordAccepted(
        result,
        {
          action: "VIDEO",
          prompt: body.prompt ?? "",
          parentId: (body.action === "extend" ? body.taskId : body.sourceTaskId) ?? null,
          state: body.state ?? null,
          properties: extendIndex(body),
          ...(body.videoType !== undefined ? { videoType: body.videoType } : {}),
        },
        { kind: "video", body },
      );
      return result;
    },

    /** Repaint the transparent part of an image, or fill its widened canvas (§3.8). */
    edits(body: EditRequest, context?: SubmitContext): Promise<SubmitResult> {
      return editJob("edits", "EDIT", body, context);
    },

    /** Restyle an image keeping its composition (§3.8). */
    retexture(body: EditRequest, context?: SubmitContext): Promise<SubmitResult> {
      return editJob("retexture", "RETEXTURE", body, context);
    },

    /**
     * Local images as URLs the upstream hosts (§3.9), for image prompts and references. No task:
     * nothing is recorded, and a speed does not apply (no job runs).
     */
    async uploadImages(body: UploadRequest): Promise<UploadResult> {
      return upstream.uploadImages(body);
    },

    /** A task from the record, which the poller keeps fresh; one the app never saw is asked upstream. */
    async fetch(id: string): Promise<Task> {
      const known = await store.get(id);
      if (known) {
        // One the poller gave up on (the upstream left it out of many answers) is asked about again
        // while anyone still reads it: the same one call per interval, never a call of this read's own.
        poller.watch([known]);
        throwIfStale([id]);
        return present(known);
      }
      const task = await upstream.fetchTask(id);
      if (!task) throw new AppError("not_found", `Task ${id} was not found.`);
      const [stored] = await record([task]);
      if (!stored)
        throw new AppError("upstream_bad_response", `The upstream answered task ${id} with an unusable id.`);
      return present(stored);
    },

    /**
     * The batched poll of pages and drop-in clients, answered from the record the poller keeps:
     * no upstream call of its own, whoever asks and however often. Only ids the app never saw are
     * asked upstream, once, and recorded (so the poller watches them from then on).
     */
    async listByIds(ids: string[]): Promise<Task[]> {
      const stored = new Map((await store.getMany(ids)).map((task) => [task.id, task]));
      poller.watch([...stored.values()]);
      throwIfStale(ids);
      const unknown = ids.filter((id) => !stored.has(id));
      const fetched = unknown.length > 0 ? await record(await upstream.listByIds(unknown)) : [];
      return [...ids.flatMap((id) => stored.get(id) ?? []), ...fetched].map(present);
    },

    /**
     * The task asked again from the upstream and recorded, as stored afterwards; null when the
     * upstream no longer knows it (the media cache's answer to an expired link).
     */
    async refresh(id: string): Promise<StoredTask | null> {
      const task = await upstream.fetchTask(id);
      if (task) await record([task]);
      return store.get(id);
    },

    async listByCondition(body: ListByConditionRequest): Promise<Task[]> {
      // A relay's poll (new-api asks by ids this way) is a poll like list-by-ids: from the record.
      if (body.ids) return this.listByIds(body.ids);
      return (await record(await upstream.listByCondition(body))).map(present);
    },

    async imageSeed(id: string): Promise<SubmitResult> {
      // The stored task is read while the upstream answers: the call is on its way before the read.
      const [result, stored] = await Promise.all([upstream.imageSeed(id), store.get(id)]);
      // A job's seed never changes: asked again (a drop-in client asks every time), nothing to write.
      const seed =
        result.code === SUBMIT_CODE.success && typeof result.result === "string" ? result.result : null;
      if (seed !== null && stored && stored.seed !== seed) {
        await write([{ ...stored, seed }]);
      }
      return result;
    },

    async cancel(id: string): Promise<SubmitResult> {
      await upstream.cancel(id);
      const task = await upstream.fetchTask(id).catch(() => null);
      if (task) await record([task]);
      return { code: SUBMIT_CODE.success, description: "Cancelled", result: id, properties: {} };
    },

    /**
     * Starts the poller on what the history holds unfinished (a restart, a SIGKILL): those tasks
     * are asked about again without waiting for a page to look at them. From then on it hears
     * what the other instances of a cluster change, and reads the unfinished tasks again when it
     * may have missed some (it has just taken the lease over, or its feed reconnected).
     */
    async startPolling(): Promise<void> {
      stopListening();
      const failed = (what: string) => (error: unknown) =>
        log(`[cluster] could not ${what}: ${String(error)}`);
      stopListening = cluster.listen({
        changed: (ids) => void heard(ids).catch(failed("read the tasks another instance changed")),
        rescan: () => void watchUnfinished().catch(failed("read the unfinished tasks")),
        led: () =>
          void watchUnfinished()
            .catch(failed("read the unfinished tasks"))
            .finally(() => poller.poke()),
      });
      await watchUnfinished();
    },

    /** Listens to the history's changes (presented tasks); answers the function that stops listening. */
    subscribe: (listener: TaskListener): (() => void) => events.subscribe(listener),

    stopPolling: (): void => {
      stopListening();
      poller.close();
      stopped.abort();
    },

    /** Resolves once the media work polls started (see `recordPolled`) has settled: a stopping server waits for it. */
    async idle(): Promise<void> {
      while (preparing.size > 0) await Promise.all(preparing);
    },

    async history(query: TaskListQuery): Promise<TaskPage> {
      try {
        const page = await store.list(query);
        return { items: page.items.map(present), nextCursor: page.nextCursor };
      } catch (error) {
        if (error instanceof InvalidCursorError)
          throw new AppError("invalid_input", "Invalid query: cursor is not valid for this sort order");
        throw error;
      }
    },

    async detail(id: string): Promise<HistoryDetail> {
      const task = await requireStored(id);
      const { parents, children } = await store.lineage(id);
      const request = await store.getRequest(id);
      return {
        task: present(task),
        parents: parents.map(present),
        children: children.map(present),
        request: request && { kind: request.kind, body: presentRequestBody(request.body) },
      };
    },

    async setFavorite(id: string, favorite: boolean): Promise<StoredTask> {
      if ((await store.setFavorite([id], favorite)) === 0) await requireStored(id);
      return present(await requireStored(id));
    },

    /** Sets the user's flags on every task of `ids`; `updated` counts the recorded ones. */
    async setFlags(ids: string[], flags: TaskFlags): Promise<{ updated: number }> {
      const unique = [...new Set(ids)];
      let updated = 0;
      if (flags.favorite !== undefined) updated = await store.setFavorite(unique, flags.favorite);
      if (flags.hidden !== undefined) updated = await store.setHidden(unique, flags.hidden);
      return { updated };
    },

    async delete(ids: string[]): Promise<{ deleted: number }> {
      return { deleted: (await deleteTasks(ids)).length };
    },

    async deleteOne(id: string): Promise<void> {
      if ((await deleteTasks([id])).length === 0) {
        throw new AppError("not_found", `Task ${id} is not in the history.`);
      }
    },

    async folders(): Promise<Folder[]> {
      return (await store.listFolders()).map(presentFolder);
    },

    async createFolder(name: string): Promise<Folder> {
      const folder = await store.createFolder(name, FOLDER_LIMITS.folders);
      if (!folder) throw new AppError("conflict", `There are ${FOLDER_LIMITS.folders} folders already.`);
      return presentFolder(folder);
    },

    async renameFolder(id: string, name: string): Promise<Folder> {
      return presentFolder(requireFolder(id, await store.renameFolder(id, name)));
    },

    async deleteFolder(id: string): Promise<void> {
      requireFolder(id, await store.deleteFolder(id));
    },

    /** Adds tasks to a folder, or with `from` moves them there from that folder, atomically. */
    async addToFolder(id: string, ids: string[], from?: string): Promise<{ count: number }> {
      const count = await store.addToFolder(id, [...new Set(ids)], from);
      if (count === null) throw new AppError("not_found", "No such folder.");
      return { count };
    },

    async removeFromFolder(id: string, ids: string[]): Promise<{ removed: number }> {
      return { removed: requireFolder(id, await store.removeFromFolder(id, [...new Set(ids)])) };
    },

    smartFolders: (): Promise<SmartFolder[]> => store.listSmartFolders(),

    async createSmartFolder(fields: { name: string; search: string }): Promise<SmartFolder> {
      const folder = await store.createSmartFolder(fields, FOLDER_LIMITS.smartFolders);
      if (!folder) {
        throw new AppError("conflict", `There are ${FOLDER_LIMITS.smartFolders} smart folders already.`);
      }
      return folder;
    },

    async updateSmartFolder(
      id: string,
      fields: { name?: string | undefined; search?: string | undefined },
    ): Promise<SmartFolder> {
      return requireFolder(id, await store.updateSmartFolder(id, fields));
    },

    async deleteSmartFolder(id: string): Promise<void> {
      requireFolder(id, await store.deleteSmartFolder(id));
    },

    /**
     * Copies tasks the upstream knows into the history (made elsewhere, or lost with an old data
     * directory). An explicit import is the user asking for them, so it also brings back tasks
     * they had deleted.
     */
    async importTasks(ids: string[]): Promise<ImportResult> {
      const wanted = new Set(ids);
      const found = (await upstream.listByIds([...wanted])).filter((task) => wanted.has(task.id));
      const imported = await record(found, { undelete: true });
      const seen = new Set(imported.map((task) => task.id));
      return { imported: seen.size, missing: [...wanted].filter((id) => !seen.has(id)) };
    },

    /**
     * Records tasks from an archive the user exported. Restoring it is asking for those tasks
     * back, as `importTasks` is, so tasks they had deleted return. Tasks already in the history
     * are left as they are. `restored` is what the store holds afterwards, not what was sent:
     * a task the recording refuses is in neither list.
     */
    async restore(tasks: Task[]): Promise<{ restored: string[]; skipped: string[] }> {
      const skipped = (await store.getMany(tasks.map((task) => task.id))).map((task) => task.id);
      const known = new Set(skipped);
      const fresh = tasks.filter((task) => !known.has(task.id));
      await record(fresh, { undelete: true });
      const restored = (await store.getMany(fresh.map((task) => task.id))).map((task) => task.id);
      return { restored, skipped };
    },
  };
}
