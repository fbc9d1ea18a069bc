import sharp from "sharp";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Simulator, SimulatorFamily, SimulatorOptions } from "mj-simulator";
import { TASK_TEXT_LIMITS } from "@/lib/mj/task";
import { waitForStatus } from "@/lib/testing/wait";
import { closeWorlds, KEY, world, type WorldOptions } from "@/lib/testing/world";
import type { AuthHeader } from "@/lib/upstream/client";
import { urlVersion } from "@/lib/media/urls";
import { MEDIA_READY_WAIT_MS, type TaskService } from "./service";

/** The task operations as the app wires them, over the simulator in each family's dialect. */

afterEach(closeWorlds);

/**
 * The app against the simulator speaking `family`'s dialect, the key sent in `authHeader`;
 * `wrapFetch` stands between the client and the simulator, to make the upstream say what a test needs.
 */
function setup(
  family: SimulatorFamily,
  authHeader: AuthHeader,
  options: Partial<SimulatorOptions> = {},
  wrapFetch?: WorldOptions["wrapFetch"],
) {
  const w = world({ simulator: { family, ...options }, upstream: { authHeader }, wrapFetch });
  return { service: w.tasks, store: w.store, simulator: w.simulator, media: w.media };
}

async function upscaled(service: TaskService, prompt: string) {
  const grid = await service.imagine({ prompt });
  const done = await waitForStatus(service.fetch, grid.result as string, "SUCCESS");
  const u1 = done.buttons.find((b) => b.label === "U1")!;
  const child = await service.action({ taskId: done.id, customId: u1.customId });
  return waitForStatus(service.fetch, child.result as string, "SUCCESS");
}

describe("image seed", () => {
  it("records the seed the first time it is asked for, and writes nothing when asked again", async () => {
    const { service, store } = setup("trueai", "authorization");
    const grid = await service.imagine({ prompt: "a seed to keep" });
    await waitForStatus(service.fetch, grid.result as string, "SUCCESS");
    const recorded = vi.spyOn(store, "record");
    const first = await service.imageSeed(grid.result as string);
    expect(typeof first.result).toBe("string");
    expect((await store.get(grid.result as string))?.seed).toBe(first.result);
    expect(recorded).toHaveBeenCalledTimes(1);
    const again = await service.imageSeed(grid.result as string);
    expect(again.result).toBe(first.result);
    expect(recorded).toHaveBeenCalledTimes(1);
  });

  it("reads the stored task while the upstream answers, not after it", async () => {
    let readWhileAsked: boolean | undefined;
    const { service, store } = setup("trueai", "authorization", {}, (fetch) => async (input, init) => {
      if (String(input instanceof Request ? input.url : input).includes("/image-seed")) {
        await new Promise((resolve) => setImmediate(resolve));
        readWhileAsked = read.mock.calls.length > 0;
      }
      return fetch(input, init);
    });
    const read = vi.spyOn(store, "get");
    const grid = await service.imagine({ prompt: "a seed read beside the call" });
    await waitForStatus(service.fetch, grid.result as string, "SUCCESS");
    read.mockClear();
    expect((await service.imageSeed(grid.result as string)).code).toBe(1);
    expect(readWhileAsked).toBe(true);
  });
});

describe("recording", () => {
  it("records an accepted task before the submit answers", async () => {
    const { service, store } = setup("trueai", "authorization");
    const envelope = await service.imagine({ prompt: "recorded at once --ar 2:3" });
    const stored = await store.get(envelope.result as string);
    expect(stored).toMatchObject({
      id: envelope.result,
      action: "IMAGINE",
      prompt: "recorded at once --ar 2:3",
    });
    expect(["NOT_START", "SUBMITTED", "IN_PROGRESS"]).toContain(stored!.status);
  });

  it("records queued tasks (code 22) with their queue position", async () => {
    const { service, store } = setup("trueai", "authorization", { maxConcurrent: 1 });
    await service.imagine({ prompt: "first" });
    const second = await service.imagine({ prompt: "second" });
    expect(second.code).toBe(22);
    expect((await store.get(second.result as string))?.properties.numberOfQueues).toBe(1);
  });

  it("does not record refused submits", async () => {
    const { service, store } = setup("trueai", "authorization");
    const envelope = await service.action({
      taskId: "1000000000000000",
      customId: "MJ::JOB::upsample::1::abcdef12-0000",
    });
    expect(envelope.code).toBe(3);
    expect((await store.list({ limit: 10, cursor: null })).items).toEqual([]);
  });

  it("hands out app media URLs and never the key", async () => {
    const { service } = setup("trueai", "authorization");
    const { result } = await service.imagine({ prompt: "no leaks" });
    const task = await waitForStatus(service.fetch, result as string, "SUCCESS");
    expect(task.imageUrl).toMatch(/^\/api\/media\/\d+\/image\?v=/);
    const everything = JSON.stringify([
      task,
      await service.listByIds([task.id]),
      await service.history({ limit: 10, cursor: null }),
    ]);
    expect(everything).not.toContain(KEY);
    expect(everything).not.toContain("simulator.invalid");
  });

  it("'Imagine all' records every comma-joined child", async () => {
    const { service, store } = setup("trueai", "authorization");
    const grid = await waitForStatus(
      service.fetch,
      (await service.imagine({ prompt: "to describe" })).result as string,
      "SUCCESS",
    );
    const described = await service.describe({ link: "https://example.com/x.png" }).catch(() => null);
    // The simulator has no internet: describe one of its own images instead.
    const source =
      described?.code === 1 ? described : await service.describe({ base64: await imageOf(grid.id, service) });
    const done = await waitForStatus(service.fetch, source.result as string, "SUCCESS");
    const all = done.buttons.find((b) => b.customId.endsWith("PicReader::all"))!;
    const envelope = await service.action({ taskId: done.id, customId: all.customId });
    const ids = (envelope.result as string).split(",");
    expect(ids).toHaveLength(4);
    for (const id of ids) expect(await store.get(id)).toMatchObject({ parentId: done.id, action: "IMAGINE" });
  });
});

describe("history", () => {
  it("records the submitted body, images as input files, before the submit answers", async () => {
    const { service, store } = setup("trueai", "authorization");
    const image = await imageOf("reference", service);
    const envelope = await service.imagine({ prompt: "with a reference", base64Array: [image] });
    const request = await store.getRequest(envelope.result as string);
    expect(request).toMatchObject({ kind: "imagine", body: { prompt: "with a reference" } });
    expect(request?.body.base64Array).toEqual([{ input: expect.stringMatching(/^[0-9a-f]{64}\.\w+$/) }]);

    const detail = await service.detail(envelope.result as string);
    expect(detail.request?.body.base64Array).toEqual([
      expect.stringMatching(/^\/api\/inputs\/[0-9a-f]{64}\.\w+$/),
    ]);
  });

  it("a modal confirmation replaces the request of the action that opened it", async () => {
    const { service, store } = setup("trueai", "authorization");
    // V7: the default model (V8.1) has no zoom or pan (docs/protocol.md §5.2.1).
    const single = await upscaled(service, "zoom me --v 7");
    const zoom = single.buttons.find((b) => b.customId.startsWith("MJ::CustomZoom::"))!;
    const opened = await service.action({ taskId: single.id, customId: zoom.customId });
    expect((await store.getRequest(opened.result as string))?.kind).toBe("action");
    await service.modal({ taskId: opened.result as string, prompt: "zoom me --v 7 --zoom 1.5" });
    expect(await store.getRequest(opened.result as string)).toEqual({
      kind: "modal",
      body: { taskId: opened.result, prompt: "zoom me --v 7 --zoom 1.5" },
    });
  });

  it("delete asks for the media of deleted tasks to be removed, and survives that failing", async () => {
    const asked: string[][] = [];
    const { service, media } = setup("trueai", "authorization");
    vi.spyOn(media, "remove").mockImplementation(async (ids) => {
      asked.push([...ids]);
      throw new Error("disk on fire");
    });
    const a = (await service.imagine({ prompt: "a" })).result as string;
    const b = (await service.imagine({ prompt: "b" })).result as string;
    const errors = console.error;
    console.error = () => {};
    try {
      expect(await service.delete([a, b, a, "1000000000000000"])).toEqual({ deleted: 2 });
      expect(await service.delete(["1000000000000000"])).toEqual({ deleted: 0 });
    } finally {
      console.error = errors;
    }
    expect(asked.map((ids) => [...ids].sort())).toEqual([[a, b].sort()]);
    await expect(service.deleteOne(a)).rejects.toMatchObject({ code: "not_found" });
  });

  it("restore brings back deleted tasks, leaves recorded ones as they are, and says which", async () => {
    const { service, store } = setup("trueai", "authorization");
    const kept = (await service.imagine({ prompt: "kept as recorded" })).result as string;
    const gone = (await service.imagine({ prompt: "deleted, then restored" })).result as string;
    const archived = await store.getMany([kept, gone]);
    await service.delete([gone]);
    await store.setFavorite([kept], true);

    const result = await service.restore(
      archived.map((task) => ({ ...task, prompt: `${task.prompt} (archived)` })),
    );
    expect(result).toEqual({ restored: [gone], skipped: [kept] });
    expect(await store.get(gone)).toMatchObject({ prompt: "deleted, then restored (archived)" });
    expect(await store.get(kept)).toMatchObject({ prompt: "kept as recorded", favorite: true });
  });
});

describe("fetch of a task the upstream does not know", () => {
  it("answers the record while the upstream has no copy (204), and a 404 for an id neither knows", async () => {
    const { service } = setup(
      "trueai",
      "authorization",
      {},
      (fetch) => async (input, init) =>
        String(input instanceof Request ? input.url : input).endsWith("/fetch")
          ? new Response(null, { status: 204 })
          : fetch(input, init),
    );
    const { result } = await service.imagine({ prompt: "not upstream yet" });
    expect(await service.fetch(result as string)).toMatchObject({ id: result, status: "NOT_START" });
    await expect(service.fetch("1999999999999999")).rejects.toMatchObject({ code: "not_found" });
  });
});

describe("relays (new-api)", () => {
  it("a remix action the relay answered with code 1 is still answered 21 with the prompt", async () => {
    const { service, store } = setup("new-api", "bearer");
    const single = await upscaled(service, "remix me");
    const vary = single.buttons.find((b) => b.customId.includes("high_variation"))!;
    const envelope = await service.action({ taskId: single.id, customId: vary.customId, enableRemix: true });
    expect(envelope.code).toBe(21);
    expect(envelope.properties.finalPrompt).toContain("remix me");
    expect((await store.get(envelope.result as string))?.status).toBe("MODAL");

    const confirmed = await service.modal({
      taskId: envelope.result as string,
      prompt: "remix me, but in autumn",
    });
    expect(confirmed.code).toBe(1);
    await waitForStatus(service.fetch, envelope.result as string, "SUCCESS");
  });

  it("sees the child in MODAL when the account has remix on", async () => {
    const { service } = setup("new-api", "bearer", { remix: true });
    const single = await upscaled(service, "account remix --v 7");
    const pan = single.buttons.find((b) => b.customId.includes("pan_left"))!;
    const envelope = await service.action({ taskId: single.id, customId: pan.customId });
    expect(envelope.code).toBe(21);
  });

  it("keeps the last known status while the relay's copy is stale", async () => {
    const { service } = setup("new-api", "bearer", { relayLagMs: 60_000 });
    const { result } = await service.imagine({ prompt: "lagging copy" });
    const task = await service.fetch(result as string);
    expect(task.status).toBe("NOT_START");
  });

  it("Custom Zoom keeps its 21 through the relay", async () => {
    const { service } = setup("new-api", "bearer");
    const single = await upscaled(service, "zoom through relay --v 7");
    const zoom = single.buttons.find((b) => b.customId.startsWith("MJ::CustomZoom"))!;
    const envelope = await service.action({ taskId: single.id, customId: zoom.customId });
    expect(envelope.code).toBe(21);
    await service.modal({ taskId: envelope.result as string, prompt: "zoom through relay --v 7 --zoom 1.5" });
    await waitForStatus(service.fetch, envelope.result as string, "SUCCESS");
  });
});

async function imageOf(taskId: string, service: TaskService): Promise<string> {
  void service;
  const { default: sharp } = await import("sharp");
  // A small deterministic PNG stands in for "an image the user uploads".
  const png = await sharp({
    create: { width: 64, height: 48, channels: 3, background: taskId.endsWith("1") ? "#884422" : "#224488" },
  })
    .png()
    .toBuffer();
  return `data:image/png;base64,${png.toString("base64")}`;
}

describe("polling cost", () => {
  const upstreamListCalls = (simulator: Simulator) =>
    Object.entries(simulator.stats().byPath)
      .filter(([path]) => path.includes("/list-by"))
      .reduce((sum, [, count]) => sum + count, 0);

  it("finished tasks are answered from the record without asking the upstream", async () => {
    const { service, simulator } = setup("trueai", "authorization");
    const { result } = await service.imagine({ prompt: "done already" });
    await waitForStatus(service.fetch, result as string, "SUCCESS");
    const before = upstreamListCalls(simulator);
    const tasks = await service.listByIds([result as string]);
    expect(tasks.map((t) => t.status)).toEqual(["SUCCESS"]);
    expect(upstreamListCalls(simulator)).toBe(before);
  });
});

describe("hostile upstream answers", () => {
  const HOSTILE_IDS = ["../../etc/passwd", "a b", "x".repeat(200)];
  const BIG = 5 * 1024 * 1024;
  const LONG_ID = "2000000000000001";

  /** An upstream whose task lists also carry tasks with unusable ids and one with a 5 MB prompt. */
  const hostileLists =
    (extra: object[]) =>
    (fetch: Simulator["fetch"]): Simulator["fetch"] =>
    async (input, init) => {
      const response = await fetch(input, init);
      const url = String(input instanceof Request ? input.url : input);
      if (!/\/mj\/task\/list-by-(ids|condition)$/.test(url)) return response;
      const tasks = (await response.json()) as object[];
      return Response.json([...tasks, ...extra]);
    };

  const hostileTasks = HOSTILE_IDS.map((id) => ({
    id,
    action: "IMAGINE",
    status: "SUCCESS",
    prompt: "evil",
  }));

  it("tasks with unusable ids are neither recorded nor handed out, and are logged once without the key", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      const { service, store } = setup("trueai", "authorization", {}, hostileLists(hostileTasks));
      const { result } = await service.imagine({ prompt: "an honest task" });
      const id = result as string;

      expect((await service.listByCondition({ ids: [id] })).map((task) => task.id)).toEqual([id]);
      expect((await service.listByIds([id])).map((task) => task.id)).toEqual([id]);
      expect((await service.listByIds([id, "1000000000000000"])).map((task) => task.id)).toEqual([id]);

      expect((await store.list({ limit: 100, cursor: null })).items.map((task) => task.id)).toEqual([id]);
      for (const hostile of HOSTILE_IDS) expect(await store.get(hostile)).toBeNull();

      const logged = warn.mock.calls.map((args) => args.join(" ")).filter((line) => line.includes("[tasks]"));
      expect(logged).toHaveLength(1);
      expect(logged[0]).toContain("3 upstream task(s)");
      expect(logged.join("")).not.toContain(KEY);
    } finally {
      warn.mockRestore();
    }
  });

  it("a submit the upstream answers with an unusable id records nothing", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      const { service, store } = setup("trueai", "authorization", {}, (fetch) => async (input, init) => {
        const response = await fetch(input, init);
        if (!String(input instanceof Request ? input.url : input).endsWith("/mj/submit/imagine"))
          return response;
        return Response.json({ ...((await response.json()) as object), result: "../../etc/passwd" });
      });
      await service.imagine({ prompt: "answered with a path" });
      expect((await store.list({ limit: 10, cursor: null })).items).toEqual([]);
    } finally {
      warn.mockRestore();
    }
  });

  it("stores a 5 MB prompt and other long texts cut short, with an ellipsis", async () => {
    const long = {
      id: LONG_ID,
      action: "IMAGINE",
      status: "FAILURE",
      prompt: "p".repeat(BIG),
      promptEn: "e".repeat(BIG),
      description: "d".repeat(100_000),
      failReason: "f".repeat(100_000),
      properties: { finalPrompt: "q".repeat(BIG) },
      somethingElse: "s".repeat(100_000),
    };
    const { service, store } = setup("trueai", "authorization", {}, hostileLists([long]));
    const answered = await service.listByIds([LONG_ID]);
    const stored = (await store.get(LONG_ID))!;
    for (const task of [stored, answered.find((t) => t.id === LONG_ID)!]) {
      for (const [text, letter, max] of [
        [task.prompt, "p", TASK_TEXT_LIMITS.promptChars],
        [task.promptEn, "e", TASK_TEXT_LIMITS.promptChars],
        [task.properties.finalPrompt, "q", TASK_TEXT_LIMITS.promptChars],
        [task.somethingElse, "s", TASK_TEXT_LIMITS.promptChars],
        [task.description, "d", TASK_TEXT_LIMITS.textChars],
        [task.failReason, "f", TASK_TEXT_LIMITS.textChars],
      ] as const) {
        expect(text).toBe(`${letter.repeat(max - 1)}…`);
      }
    }
    expect(TASK_TEXT_LIMITS.promptChars).toBeLessThan(20_000);
    expect(JSON.stringify(await service.history({ limit: 10, cursor: null })).length).toBeLessThan(100_000);
  });
});

describe("what a poll brings", () => {
  /** The app's own poll pace: a poll's answer waits for its media at most MEDIA_READY_WAIT_MS (¾ of a 20 ms test interval: 15 ms). */
  const PACED: WorldOptions = { env: { MJ_POLL_INTERVAL_MS: "2000" } };
  const CELLS = ["cell.1.thumb", "cell.2.thumb", "cell.3.thumb", "cell.4.thumb"] as const;

  /** The first copy of `id` pushed as finished, and what the media cache held at that moment. */
  function heldWhenPushed(w: ReturnType<typeof world>, id: () => string | null) {
    return new Promise<{ at: number; cached: boolean[] }>((resolve) => {
      const stop = w.tasks.subscribe((tasks) => {
        const done = tasks.find((task) => task.id === id() && task.status === "SUCCESS");
        if (!done) return;
        stop();
        const at = Date.now();
        void Promise.all(CELLS.map(async (slot) => (await w.media.lookup(done.id, slot)) !== null)).then(
          (cached) => resolve({ at, cached }),
        );
      });
    });
  }

  it("a finish is recorded and pushed once the thumbnails a page shows of it are made", async () => {
    const w = world(PACED);
    let id: string | null = null;
    const pushed = heldWhenPushed(w, () => id);
    id = (await w.tasks.imagine({ prompt: "ready when shown" })).result as string;
    expect((await pushed).cached).toEqual([true, true, true, true]);
    expect((await w.store.get(id))?.status).toBe("SUCCESS");
  });

  it("an upscale's finish: its thumbnail is made first", async () => {
    const w = world(PACED);
    const grid = await w.tasks.imagine({ prompt: "one of four" });
    const done = await waitForStatus(w.tasks.fetch, grid.result as string, "SUCCESS");
    let id: string | null = null;
    const thumbed = new Promise<boolean>((resolve) => {
      const stop = w.tasks.subscribe((tasks) => {
        if (!tasks.some((task) => task.id === id && task.status === "SUCCESS")) return;
        stop();
        void w.media.lookup(id!, "thumb").then((thumb) => resolve(thumb !== null));
      });
    });
    const u2 = done.buttons.find((button) => button.label === "U2")!;
    id = (await w.tasks.action({ taskId: done.id, customId: u2.customId })).result as string;
    expect(await thumbed).toBe(true);
  });

  it("a finish is recorded at once when its thumbnails cannot be made, and after MEDIA_READY_WAIT_MS when they take longer", async () => {
    // When the poll's answer first said SUCCESS, to time the push against.
    const answered = new Map<string, number>();
    const timed: WorldOptions = {
      ...PACED,
      wrapFetch: (fetch) => async (input, init) => {
        const response = await fetch(input, init);
        if (String(input instanceof Request ? input.url : input).includes("/mj/task/list-by-")) {
          for (const task of (await response.clone().json()) as { id: string; status: string }[])
            if (task.status === "SUCCESS" && !answered.has(task.id)) answered.set(task.id, Date.now());
        }
        return response;
      },
    };
    const pushedAfterAnswer = async (w: ReturnType<typeof world>, prompt: string) => {
      let id: string | null = null;
      const pushed = heldWhenPushed(w, () => id);
      id = (await w.tasks.imagine({ prompt })).result as string;
      const { at, cached } = await pushed;
      return { after: at - answered.get(id)!, cached };
    };

    const failing = world(timed);
    failing.fault.media = () => new Response("gone", { status: 404 });
    const failed = await pushedAfterAnswer(failing, "no grid to cut");
    expect(failed.cached).toEqual([false, false, false, false]);
    expect(failed.after).toBeLessThan(MEDIA_READY_WAIT_MS / 2);

    const stalled = world(timed);
    // The grid's first bytes come, the rest only fail, long after the wait.
    const head = (
      await sharp({ create: { width: 64, height: 64, channels: 3, background: "#345" } })
        .png()
        .toBuffer()
    ).subarray(0, 64);
    stalled.fault.media = () =>
      new Response(
        new ReadableStream({
          start: (controller) => controller.enqueue(new Uint8Array(head)),
          pull: () =>
            new Promise((_, reject) =>
              setTimeout(() => reject(new Error("reset")), MEDIA_READY_WAIT_MS + 3_000),
            ),
        }),
        { headers: { "content-type": "image/png" } },
      );
    const late = await pushedAfterAnswer(stalled, "a grid that never arrives");
    expect(late.cached).toEqual([false, false, false, false]);
    expect(late.after).toBeGreaterThanOrEqual(MEDIA_READY_WAIT_MS - 5);
    // Recorded by the wait's bound, not by the failure 3 s later (a busy machine's timers may lag).
    expect(late.after).toBeLessThan(MEDIA_READY_WAIT_MS + 2_000);
  }, 20_000);

  it("an answer that lands after the poller stopped is not recorded, and none of its media is made", async () => {
    let finishAnswered!: () => void;
    const answered = new Promise<void>((resolve) => (finishAnswered = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const w = world({
      ...PACED,
      // The first poll answer that says SUCCESS is held until the poller has stopped.
      wrapFetch: (fetch) => async (input, init) => {
        const response = await fetch(input, init);
        if (!String(input instanceof Request ? input.url : input).includes("/mj/task/list-by-"))
          return response;
        const tasks = (await response.clone().json()) as { status: string }[];
        if (tasks.some((task) => task.status === "SUCCESS")) {
          finishAnswered();
          await released;
        }
        return response;
      },
    });
    const unsubscribe = w.tasks.subscribe(() => {});
    const id = (await w.tasks.imagine({ prompt: "finished as the server stops" })).result as string;
    await answered;
    w.tasks.stopPolling();
    const requestsAtStop = w.mediaRequests.length;
    release();
    await new Promise((resolve) => setTimeout(resolve, 300));
    await w.tasks.idle();
    unsubscribe();
    expect((await w.store.get(id))?.status).not.toBe("SUCCESS");
    expect(w.mediaRequests.slice(requestsAtStop)).toEqual([]);
  });

  it("progress is pushed with its image already fetched while a page listens, and fetched by nobody when none does", async () => {
    // Slow enough for polls every 400 ms (each waiting up to 300 ms) to see several steps.
    const STEPPED: WorldOptions = { simulator: { speed: 10 }, env: { MJ_POLL_INTERVAL_MS: "400" } };
    const w = world(STEPPED);
    let id: string | null = null;
    const steps: { version: string; fetched: boolean }[] = [];
    const stop = w.tasks.subscribe((tasks) => {
      const running = tasks.find((task) => task.id === id && task.status === "IN_PROGRESS" && task.imageUrl);
      if (!running) return;
      const version = new URL(running.imageUrl!, "http://app").searchParams.get("v")!;
      steps.push({ version, fetched: w.mediaRequests.some((url) => urlVersion(url) === version) });
    });
    id = (await w.tasks.imagine({ prompt: "progress someone watches" })).result as string;
    await waitForStatus(w.tasks.fetch, id, "SUCCESS");
    stop();
    expect(steps.length).toBeGreaterThan(0);
    expect(steps.every((step) => step.fetched)).toBe(true);

    const alone = world(STEPPED);
    const before = new Set(alone.mediaRequests);
    const unwatched = (await alone.tasks.imagine({ prompt: "progress nobody watches" })).result as string;
    const seen = new Set<string>();
    for (;;) {
      const task = await alone.tasks.fetch(unwatched);
      if (task.status === "IN_PROGRESS" && task.imageUrl)
        seen.add(new URL(task.imageUrl, "http://app").searchParams.get("v")!);
      if (task.status === "SUCCESS") break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(seen.size).toBeGreaterThan(0);
    const fetched = alone.mediaRequests.filter((url) => !before.has(url) && seen.has(urlVersion(url)));
    expect(fetched).toEqual([]);
  }, 20_000);
});
