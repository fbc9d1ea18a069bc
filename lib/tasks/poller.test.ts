import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Task } from "@/lib/mj/task";
import { until, waitForStatus } from "@/lib/testing/wait";
import { closeWorlds, KEY, world, type World } from "@/lib/testing/world";
import { POLLER_BACKOFF_MAX_MS } from "./poller";

/**
 * The server's one poller, as the composition root wires it, over the simulator and a real
 * store. The poller's timers run on a fake clock the test moves (the simulator's own clock is
 * real), so "one upstream call per interval" is counted exactly.
 */

const INTERVAL = 1_000;

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval"] });
});
afterEach(async () => {
  vi.useRealTimers();
  await closeWorlds();
});

/** The app over a simulator whose jobs take minutes (speed 0.01), with every list-by-ids body kept. */
function setup(options: { speed?: number; env?: Record<string, string> } = {}) {
  const batches: string[][] = [];
  /** While set, the upstream answers every list with nothing, as one that forgot its tasks. */
  const upstream = { forgetful: false };
  const w = world({
    simulator: { speed: options.speed ?? 0.01 },
    env: { MJ_POLL_INTERVAL_MS: String(INTERVAL), ...options.env },
    wrapFetch: (fetch) => async (input, init) => {
      const request = new Request(input, init);
      if (request.url.includes("/list-by")) {
        batches.push(((await request.clone().json()) as { ids: string[] }).ids);
        if (upstream.forgetful) return Response.json([]);
      }
      return fetch(request);
    },
  });
  return { w, batches, upstream };
}

const upstreamCalls = (w: World, fragment: string) =>
  Object.entries(w.simulator.stats().byPath)
    .filter(([path]) => path.includes(fragment))
    .reduce((sum, [, count]) => sum + count, 0);

async function imagineMany(w: World, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++)
    ids.push((await w.tasks.imagine({ prompt: `poller ${i}` })).result as string);
  return ids;
}

describe("one poller per server", () => {
  it("N tasks and M callers polling them cost one list-by-ids per interval, with every task in it", async () => {
    const { w, batches } = setup();
    const ids = await imagineMany(w, 10);
    for (let tick = 1; tick <= 5; tick++) {
      // Three callers (two tabs and a drop-in client), each several times per interval.
      for (let caller = 0; caller < 3; caller++) {
        expect((await w.tasks.listByIds(ids)).map((task) => task.id).sort()).toEqual([...ids].sort());
        expect((await w.tasks.fetch(ids[caller]!)).id).toBe(ids[caller]);
      }
      await vi.advanceTimersByTimeAsync(INTERVAL);
      expect(upstreamCalls(w, "/list-by")).toBe(tick);
    }
    expect(upstreamCalls(w, "/fetch")).toBe(0);
    for (const batch of batches) expect([...batch].sort()).toEqual([...ids].sort());
  });

  it("records what the upstream says, so callers see the task move and finish; then asks nothing", async () => {
    // Real time here: the simulator renders the images as the job finishes.
    vi.useRealTimers();
    const { w } = setup({ speed: 50, env: { MJ_POLL_INTERVAL_MS: "20" } });
    const [id] = await imagineMany(w, 1);
    const seen = new Set<string>();
    await until(async () => {
      const task = await w.tasks.fetch(id!);
      seen.add(task.status);
      return task.status === "SUCCESS";
    }, "the task finishing");
    expect(seen.size).toBeGreaterThan(1);
    expect(upstreamCalls(w, "/fetch")).toBe(0);

    // Idle: 25 intervals pass without an upstream call, however often callers read.
    const settled = upstreamCalls(w, "/mj/task");
    for (let i = 0; i < 25; i++) {
      await w.tasks.listByIds([id!]);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(upstreamCalls(w, "/mj/task")).toBe(settled);

    // A new task wakes it.
    const [next] = await imagineMany(w, 1);
    await waitForStatus((task) => w.tasks.fetch(task), next!, "SUCCESS");
    expect(upstreamCalls(w, "/list-by")).toBeGreaterThan(settled);
  });

  it("backs off while the upstream answers 5xx, tells callers why, and recovers by itself", async () => {
    const { w } = setup({ env: { MJ_READ_ATTEMPTS: "1", MJ_BREAKER_FAILURES: "1000" } });
    const ids = await imagineMany(w, 2);
    w.simulator.setFaults({ errorRate: 1 });
    // Failures at 1 s, then 2 s, 4 s, 8 s later: the waits double.
    const failedAt: number[] = [];
    for (let ms = 0; ms <= 15 * INTERVAL; ms += 100) {
      const before = upstreamCalls(w, "/list-by");
      await vi.advanceTimersByTimeAsync(100);
      if (upstreamCalls(w, "/list-by") > before) failedAt.push(ms + 100);
    }
    expect(failedAt).toEqual([1_000, 3_000, 7_000, 15_000]);
    await expect(w.tasks.listByIds(ids)).rejects.toMatchObject({ code: "upstream_error" });
    await expect(w.tasks.fetch(ids[0]!)).rejects.toMatchObject({ code: "upstream_error" });

    // The wait stops growing at its cap, and the first answer ends the backoff.
    const before = upstreamCalls(w, "/list-by");
    await vi.advanceTimersByTimeAsync(POLLER_BACKOFF_MAX_MS);
    expect(upstreamCalls(w, "/list-by")).toBe(before + 1);
    w.simulator.setFaults({});
    await vi.advanceTimersByTimeAsync(POLLER_BACKOFF_MAX_MS);
    expect((await w.tasks.listByIds(ids)).length).toBe(2);
    const recovered = upstreamCalls(w, "/list-by");
    await vi.advanceTimersByTimeAsync(3 * INTERVAL);
    expect(upstreamCalls(w, "/list-by")).toBe(recovered + 3);
  });

  it("after a restart, polls the unfinished tasks the history holds without anyone asking", async () => {
    const { w, batches } = setup();
    const ids = await imagineMany(w, 3);
    await w.restart();
    batches.length = 0;
    await vi.advanceTimersByTimeAsync(INTERVAL);
    expect(batches.map((batch) => [...batch].sort())).toEqual([[...ids].sort()]);
  });

  it("asks the upstream once about an id the app never saw, then reads it from the record", async () => {
    const { w } = setup();
    const submitted = await w.simulator.fetch("http://simulator.invalid/mj/submit/imagine", {
      method: "POST",
      headers: { authorization: KEY, "content-type": "application/json" },
      body: JSON.stringify({ prompt: "made by another client" }),
    });
    const id = ((await submitted.json()) as { result: string }).result;
    expect((await w.tasks.listByIds([id])).map((task) => task.id)).toEqual([id]);
    expect(upstreamCalls(w, "/list-by")).toBe(1);
    await w.tasks.listByIds([id]);
    await w.tasks.fetch(id);
    expect(upstreamCalls(w, "/mj/task")).toBe(1);
    // From now on the poller watches it.
    await vi.advanceTimersByTimeAsync(INTERVAL);
    expect(upstreamCalls(w, "/list-by")).toBe(2);
  });
});

describe("what the poller asks, and when", () => {
  it("asks about more tasks than one call may carry in batches of 200, each once per interval", async () => {
    const { w, batches } = setup();
    const ids = await imagineMany(w, 230);
    await vi.advanceTimersByTimeAsync(INTERVAL);
    expect(batches.map((batch) => batch.length)).toEqual([200, 30]);
    expect(batches.flat().sort()).toEqual([...ids].sort());
  });

  it("answers a relay's list-by-condition by ids from the record, with no upstream call", async () => {
    const { w } = setup();
    const ids = await imagineMany(w, 3);
    const before = upstreamCalls(w, "/mj/task");
    expect((await w.tasks.listByCondition({ ids })).map((task) => task.id).sort()).toEqual([...ids].sort());
    expect(upstreamCalls(w, "/mj/task")).toBe(before);
  });

  it("asks again about a task it gave up on once someone reads it", async () => {
    const { w, batches, upstream } = setup();
    const [id] = await imagineMany(w, 1);
    upstream.forgetful = true;
    await vi.advanceTimersByTimeAsync(12 * INTERVAL);
    batches.length = 0;
    await vi.advanceTimersByTimeAsync(2 * INTERVAL);
    expect(batches).toEqual([]);
    await w.tasks.fetch(id!);
    await vi.advanceTimersByTimeAsync(INTERVAL);
    expect(batches).toEqual([[id]]);
  });

  it("answers a client still polling a task the user deleted, without recording, watching or pushing it again", async () => {
    const { w, batches } = setup();
    const [gone, other] = await imagineMany(w, 2);
    await w.tasks.delete([gone!]);
    const pushed: Task[][] = [];
    const stop = w.tasks.subscribe((tasks) => pushed.push(tasks));
    // A drop-in client keeps asking about it: the upstream still knows it, so it is answered.
    expect((await w.tasks.fetch(gone!)).id).toBe(gone);
    expect((await w.tasks.listByIds([gone!])).map((task) => task.id)).toEqual([gone]);
    batches.length = 0;
    await vi.advanceTimersByTimeAsync(2 * INTERVAL);
    expect(batches).toEqual([[other], [other]]);
    expect(pushed.flat().map((task) => task.id)).not.toContain(gone);
    expect(await w.store.get(gone!)).toBeNull();
    stop();
  });
});

describe("pushed changes", () => {
  it("publishes a task when a write changes it, with the app's media URLs, and not again while it stands still", async () => {
    const { w } = setup();
    const pushed: Task[][] = [];
    const stop = w.tasks.subscribe((tasks) => pushed.push(tasks));
    const [id] = await imagineMany(w, 1);
    expect(pushed.flat().map((task) => task.id)).toEqual([id]);
    await vi.advanceTimersByTimeAsync(INTERVAL);
    const afterFirstPoll = pushed.length;
    // The simulator at speed 0.01 has not moved the job since: a poll that learns nothing pushes nothing.
    await vi.advanceTimersByTimeAsync(INTERVAL);
    expect(pushed.length).toBe(afterFirstPoll);
    stop();
    await w.tasks.imagine({ prompt: "nobody listens" });
    expect(pushed.length).toBe(afterFirstPoll);
    expect(JSON.stringify(pushed)).not.toContain("simulator.invalid");
  });
});
