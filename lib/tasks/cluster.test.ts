import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createSimulator, type Simulator } from "mj-simulator";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createFsBlobStore } from "@/lib/media/fs-blob-store";
import { createRequestInputs } from "@/lib/media/inputs";
import type { Task } from "@/lib/mj/task";
import type { Cluster } from "@/lib/store/cluster";
import { createPgCluster } from "@/lib/store/pg-cluster";
import { createPgTaskStore } from "@/lib/store/pg-task-store";
import { createPool } from "@/lib/store/postgres";
import { createSqliteTaskStore } from "@/lib/store/sqlite-task-store";
import type { TaskStore } from "@/lib/store/task-store";
import { clusterHub } from "@/lib/testing/cluster-hub";
import { NO_POSTGRES, postgresOrSkip } from "@/lib/testing/postgres";
import { postgresFixture } from "@/lib/testing/postgres-fixture";
import { until } from "@/lib/testing/wait";
import { closeWorlds, finished, world } from "@/lib/testing/world";
import { createUpstreamClient } from "@/lib/upstream/client";
import { POLLER_BACKOFF_MAX_MS } from "./poller";
import { createTaskService, type TaskService } from "./service";

/**
 * Several instances of the task service over one history, as a cluster runs them: the lease
 * decides which one asks the upstream, and what one records reaches the others (their watch
 * lists and their pages). First over the in-process hub, on a fake clock, so polls are counted
 * per interval exactly, over one SQLite history; then all on PostgreSQL (a schema of its own per
 * test: the history, the lease and the feed), in real time.
 */

const INTERVAL = 1_000;
const KEY = "sk-cluster-test-key-0123456789";
const BASE_URL = "http://simulator.invalid";

let dir = "";
let simulator: Simulator;
let store: TaskStore;
const services: TaskService[] = [];

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval"] });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "mj-cluster-"));
  // Jobs that take minutes: every task stays unfinished, so every interval has something to ask.
  simulator = createSimulator({ apiKey: KEY, speed: 0.01, relayLagMs: 0, baseUrl: BASE_URL });
  store = createSqliteTaskStore(path.join(dir, "mj-studio.sqlite"));
});
afterEach(async () => {
  vi.useRealTimers();
  await closeWorlds();
  for (const service of services.splice(0)) service.stopPolling();
  await store.close();
  simulator.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The ids of each list-by-ids call that reached the upstream, by the instance that made it. */
const polls: Record<string, string[][]> = {};

function instance(name: string, cluster: Cluster, history: TaskStore = store): TaskService {
  polls[name] = [];
  const upstream = createUpstreamClient({
    baseUrl: BASE_URL,
    apiKey: KEY,
    authHeader: "authorization",
    timeoutMs: 5_000,
    // One answer per poll, and no breaker: a fault reaches the poller as it is.
    readAttempts: 1,
    breaker: { failureThreshold: 1_000 },
    log: () => {},
    fetch: async (input, init) => {
      const request = new Request(input, init);
      if (request.url.includes("/list-by")) {
        polls[name]!.push(((await request.clone().json()) as { ids: string[] }).ids);
      }
      return simulator.fetch(request);
    },
  });
  const tasks = createTaskService({
    upstream,
    store: history,
    inputs: createRequestInputs(createFsBlobStore(dir)),
    pollIntervalMs: INTERVAL,
    cluster,
    log: () => {},
  });
  services.push(tasks);
  void tasks.startPolling();
  return tasks;
}

async function submit(tasks: TaskService, prompt: string): Promise<string> {
  return (await tasks.imagine({ prompt })).result as string;
}

describe("task services sharing one history", () => {
  it("polls a task submitted on a follower from the leader alone, and pushes the leader's copy to the follower's pages", async () => {
    const hub = clusterHub();
    instance("a", hub.member());
    const b = instance("b", hub.member());
    const pushedOnB: Task[] = [];
    b.subscribe((tasks) => pushedOnB.push(...tasks));

    const id = await submit(b, "submitted on b");
    pushedOnB.length = 0;
    for (let tick = 1; tick <= 3; tick++) {
      await vi.advanceTimersByTimeAsync(INTERVAL);
      expect(polls.a).toHaveLength(tick);
    }
    expect(polls.a).toEqual([[id], [id], [id]]);
    expect(polls.b).toEqual([]);
    // The leader recorded the upstream's copy; the follower read it back and pushed it.
    expect(pushedOnB.map((task) => task.id)).toContain(id);
    expect((await b.listByIds([id])).map((task) => task.id)).toEqual([id]);
    expect(polls.b).toEqual([]);
  });

  it("when the lease moves, the new holder polls at once what the record holds unfinished, and the old one stops", async () => {
    const hub = clusterHub();
    const a = instance("a", hub.member());
    // Deaf to what a announces (a feed that dropped them): b learns of the tasks from the record alone.
    const member = hub.member();
    instance("b", { ...member, listen: (listener) => member.listen({ ...listener, changed: () => {} }) });
    const first = await submit(a, "one");
    const second = await submit(a, "two");
    await vi.advanceTimersByTimeAsync(INTERVAL);
    expect(polls.a).toHaveLength(1);

    hub.lead(1);
    await vi.advanceTimersByTimeAsync(0);
    expect(polls.b).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(3 * INTERVAL);
    expect(polls.a).toHaveLength(1);
    expect(polls.b).toHaveLength(4);
    for (const batch of polls.b!) expect([...batch].sort()).toEqual([first, second].sort());

    // With nobody holding it (the database is unreachable), nobody asks.
    hub.lead(null);
    await vi.advanceTimersByTimeAsync(3 * INTERVAL);
    expect(polls.a!.length + polls.b!.length).toBe(5);
  });

  it("tells a follower's callers of the outage the leader's polls meet, until they are answered again", async () => {
    const hub = clusterHub();
    instance("a", hub.member());
    const b = instance("b", hub.member());
    const id = await submit(b, "during an outage");
    simulator.setFaults({ errorRate: 1 });
    await vi.advanceTimersByTimeAsync(INTERVAL);
    await expect(b.listByIds([id])).rejects.toMatchObject({ code: "upstream_error" });
    await expect(b.fetch(id)).rejects.toMatchObject({ code: "upstream_error" });
    simulator.setFaults({});
    await vi.advanceTimersByTimeAsync(POLLER_BACKOFF_MAX_MS);
    expect((await b.listByIds([id])).map((task) => task.id)).toEqual([id]);
    expect(polls.b).toEqual([]);
  });

  it("stops polling a task deleted on another instance", async () => {
    const hub = clusterHub();
    instance("a", hub.member());
    const b = instance("b", hub.member());
    const id = await submit(b, "deleted on b");
    await vi.advanceTimersByTimeAsync(INTERVAL);
    expect(polls.a).toEqual([[id]]);

    await b.delete([id]);
    await vi.advanceTimersByTimeAsync(3 * INTERVAL);
    expect(polls.a).toEqual([[id]]);
  });
});

const postgres = await postgresOrSkip();
const fixture = postgresFixture(postgres);

describe.skipIf(!postgres)(
  `task services clustered on PostgreSQL${postgres ? "" : ` (skipped: ${NO_POSTGRES})`}`,
  () => {
    /** An instance with its own pool (its history, its lease, its feed), so it can die alone. */
    async function pgInstance(name: string) {
      const { url } = await fixture.state();
      const pool = createPool(url, () => {});
      fixture.track({ close: () => pool.end().catch(() => {}) });
      const cluster = fixture.track(
        createPgCluster({ pool, url, intervalMs: INTERVAL, instanceId: name, log: () => {} }),
      );
      // The history too is PostgreSQL's, through this instance's own pool.
      const tasks = instance(name, cluster, createPgTaskStore(pool));
      return { name, pool, cluster, tasks };
    }
    type PgInstance = Awaited<ReturnType<typeof pgInstance>>;

    async function leaderOf(all: PgInstance[]): Promise<PgInstance> {
      return until(async () => {
        const leading = all.filter((i) => i.cluster.isLeader());
        return leading.length === 1 && leading[0];
      }, "one instance holding the lease");
    }

    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

    it("asks the upstream once per interval between them, about tasks submitted on either", async () => {
      vi.useRealTimers();
      const all = [await pgInstance("a"), await pgInstance("b")];
      const ids = [await submit(all[0]!.tasks, "on a"), await submit(all[1]!.tasks, "on b")];
      const leader = await leaderOf(all);
      const follower = all.find((i) => i !== leader)!;
      await until(async () => polls[leader.name]!.length > 0, "a first poll");
      const before = polls[leader.name]!.length;
      await sleep(6 * INTERVAL);
      const made = polls[leader.name]!.length - before;
      expect(made).toBeGreaterThanOrEqual(4);
      expect(made).toBeLessThanOrEqual(7);
      expect(polls[follower.name]).toEqual([]);
      expect([...polls[leader.name]!.at(-1)!].sort()).toEqual([...ids].sort());
    });

    it("when the leader dies, the other polls its tasks within two intervals", async () => {
      vi.useRealTimers();
      const all = [await pgInstance("a"), await pgInstance("b")];
      const id = await submit(all[0]!.tasks, "outlives its poller");
      const leader = await leaderOf(all);
      const heir = all.find((i) => i !== leader)!;
      await until(async () => polls[leader.name]!.length > 0, "a first poll");

      // A SIGKILL as the database sees it: the connections go, the lease row stays until it expires.
      leader.tasks.stopPolling();
      await leader.pool.end();
      const diedAt = Date.now();
      await until(async () => polls[heir.name]!.length > 0, "the heir polling", { intervalMs: 5 });
      expect(Date.now() - diedAt).toBeLessThanOrEqual(2 * INTERVAL + 400);
      expect(polls[heir.name]![0]).toEqual([id]);
    });

    it("pushes what one instance records to the pages of the other", async () => {
      vi.useRealTimers();
      const [a, b] = [await pgInstance("a"), await pgInstance("b")];
      const pushedOnB: Task[] = [];
      b.tasks.subscribe((tasks) => pushedOnB.push(...tasks));
      await sleep(INTERVAL); // both feeds are listening
      const id = await submit(a.tasks, "seen on b");
      const pushed = await until(async () => pushedOnB.find((task) => task.id === id), "b's page told");
      expect(pushed).toMatchObject({ id, prompt: "seen on b" });
    });

    it("is what the composition root builds when DATABASE_URL is set, and hands the lease back on close", async () => {
      vi.useRealTimers();
      const { url } = await fixture.state();
      world({ env: { DATABASE_URL: url, MJ_POLL_INTERVAL_MS: String(INTERVAL) } });
      const pool = createPool(url, () => {});
      fixture.track({ close: () => pool.end() });
      const holders = async () =>
        (await pool.query("SELECT holder FROM cluster_leases").catch(() => ({ rows: [] }))).rows;
      await until(async () => (await holders()).length === 1, "the lease taken");
      await closeWorlds();
      expect(await holders()).toEqual([]);
    });

    it("keeps the media index and its download queue in PostgreSQL when DATABASE_URL is set", async () => {
      vi.useRealTimers();
      const { url } = await fixture.state();
      const w = world({ env: { DATABASE_URL: url } });
      const task = await finished(w.tasks, "cached through postgres");
      await until(async () => (await w.media.job(task.id))?.state === "done", "the media cached");
      const pool = createPool(url, () => {});
      fixture.track({ close: () => pool.end() });
      const { rows } = await pool.query<{ slot: string }>("SELECT slot FROM media_files WHERE task_id = $1", [
        task.id,
      ]);
      expect(rows.map((row) => row.slot)).toContain("image");
      expect((await w.media.get(task.id, "image"))?.bytes).toBeGreaterThan(0);
    });
  },
);
