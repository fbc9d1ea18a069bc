import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createSimulator, type Simulator } from "mj-simulator";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createFsBlobStore } from "@/lib/media/fs-blob-store";
import { createRequestInputs } from "@/lib/media/inputs";
import type { Task } from "@/lib/mj/task";
import type { Cluster } from "@/lib/store/cluster";
import { createSqliteTaskStore } from "@/lib/store/sqlite-task-store";
import type { TaskStore } from "@/lib/store/task-store";
import { clusterHub } from "@/lib/testing/cluster-hub";
import { createUpstreamClient } from "@/lib/upstream/client";
import { createTaskService, type TaskService } from "./service";

/**
 * Several instances of the task service over one history, as a cluster runs them: the lease
 * decides which one asks the upstream, and what one records reaches the others (their watch
 * lists and their pages). The cluster is the in-process hub; postgres-cluster.test.ts proves the
 * PostgreSQL adapter keeps the same promises. Timers are fake, so polls are counted per interval.
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
  for (const service of services.splice(0)) service.stopPolling();
  await store.close();
  simulator.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The ids of each list-by-ids call that reached the upstream, by the instance that made it. */
const polls: Record<string, string[][]> = {};

function instance(name: string, cluster: Cluster): TaskService {
  polls[name] = [];
  const upstream = createUpstreamClient({
    baseUrl: BASE_URL,
    apiKey: KEY,
    authHeader: "authorization",
    timeoutMs: 5_000,
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
    store,
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
