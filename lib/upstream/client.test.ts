import { afterEach, describe, expect, it } from "vitest";
import { AppError } from "@/lib/http/errors";
import { createSimulator, type Simulator, type SimulatorFamily } from "@/lib/simulator";
import { startSimulatorServer } from "@/lib/simulator/http-server";
import { createUpstreamClient, type AuthHeader, type UpstreamClient } from "./client";

/** The upstream client against the simulator speaking each server family's dialect. */

const KEY = "sk-test-secret-key-0123456789";
const BASE = "http://simulator.invalid";

const FAMILIES: { family: SimulatorFamily; authHeader: AuthHeader }[] = [
  { family: "trueai", authHeader: "authorization" },
  { family: "novicezk", authHeader: "mj-api-secret" },
  { family: "new-api", authHeader: "bearer" },
];

let simulators: Simulator[] = [];

function setup(
  family: SimulatorFamily,
  authHeader: AuthHeader,
  options: { apiKey?: string; timeoutMs?: number } = {},
): { client: UpstreamClient; simulator: Simulator; logs: string[] } {
  const simulator = createSimulator({ family, apiKey: KEY, speed: 50, relayLagMs: 0 });
  simulators.push(simulator);
  const logs: string[] = [];
  const client = createUpstreamClient({
    baseUrl: BASE,
    apiKey: options.apiKey ?? KEY,
    authHeader,
    timeoutMs: options.timeoutMs ?? 5_000,
    fetch: simulator.fetch,
    log: (line) => logs.push(line),
  });
  return { client, simulator, logs };
}

async function waitForSuccess(client: UpstreamClient, id: string) {
  for (let i = 0; i < 200; i++) {
    const task = await client.fetchTask(id);
    if (task?.status === "SUCCESS") return task;
    if (task?.status === "FAILURE") throw new Error(`task failed: ${task.failReason}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`task ${id} did not finish`);
}

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error("expected a rejection");
}

afterEach(() => {
  for (const simulator of simulators) simulator.close();
  simulators = [];
});

describe.each(FAMILIES)("$family upstream ($authHeader)", ({ family, authHeader }) => {
  it("submits, polls to SUCCESS and lists by ids", async () => {
    const { client, simulator } = setup(family, authHeader);
    const envelope = await client.submit("imagine", { prompt: "a quiet harbour --ar 16:9" });
    expect(envelope.code).toBe(1);
    expect(typeof envelope.result).toBe("string");
    const task = await waitForSuccess(client, envelope.result as string);
    expect(task.imageUrl).toMatch(/^http/);
    expect(task.progress).toBe("100%");

    const listed = await client.listByIds([envelope.result as string]);
    expect(listed.map((t) => t.id)).toEqual([envelope.result]);
    // Families without list-by-ids are asked once, then list-by-condition is used directly.
    await client.listByIds([envelope.result as string]);
    const byPath = simulator.stats().byPath;
    const byIdsCalls = Object.entries(byPath)
      .filter(([p]) => p.endsWith("/list-by-ids"))
      .reduce((n, [, count]) => n + count, 0);
    expect(byIdsCalls).toBe(family === "trueai" ? 2 : 1);
  });

  it("answers null for an unknown id", async () => {
    const { client } = setup(family, authHeader);
    expect(await client.fetchTask("1000000000000000")).toBeNull();
  });

  it("turns a refused key into upstream_unauthorized without leaking the key", async () => {
    const wrongKey = "sk-wrong-key-that-must-not-leak";
    const { client, logs } = setup(family, authHeader, { apiKey: wrongKey });
    const error = await rejection(client.submit("imagine", { prompt: "cat" }));
    expect(error.code).toBe("upstream_unauthorized");
    expect(error.status).toBe(502);
    expect(error.message).toMatch(/refused the API key/);
    expect(error.message).not.toContain(wrongKey);
    expect(logs.join("\n")).not.toContain(wrongKey);
  });

  it("passes validation outcomes through as envelopes", async () => {
    const { client } = setup(family, authHeader);
    const envelope = await client.submit("imagine", { prompt: "" });
    expect(envelope.code).toBe(4);
    expect(envelope.description.length).toBeGreaterThan(0);
  });
});

describe("faults", () => {
  it("a timeout is upstream_timeout (504)", async () => {
    const { client, simulator } = setup("trueai", "authorization", { timeoutMs: 200 });
    simulator.setFaults({ timeoutRate: 1 });
    const error = await rejection(client.fetchTask("1000000000000000"));
    expect(error.code).toBe("upstream_timeout");
    expect(error.status).toBe(504);
  });

  it("a 5xx is upstream_error (502) and the body is not returned", async () => {
    const { client, simulator } = setup("trueai", "authorization");
    simulator.setFaults({ errorRate: 1 });
    const error = await rejection(client.submit("imagine", { prompt: "cat" }));
    expect(error.code).toBe("upstream_error");
    expect(error.status).toBe(502);
  });

  it("malformed JSON is upstream_bad_response (502)", async () => {
    const { client, simulator } = setup("trueai", "authorization");
    simulator.setFaults({ malformedRate: 1 });
    const error = await rejection(client.listByIds(["1000000000000000"]));
    expect(error.code).toBe("upstream_bad_response");
  });

  it("an unreachable upstream is upstream_error", async () => {
    const client = createUpstreamClient({
      baseUrl: "http://127.0.0.1:9",
      apiKey: KEY,
      authHeader: "authorization",
      timeoutMs: 2_000,
      log: () => {},
    });
    const error = await rejection(client.fetchTask("1"));
    expect(error.code).toBe("upstream_error");
    expect(error.message).toBe("The upstream could not be reached.");
  });
});

describe("retries and the circuit breaker", () => {
  function resilient(options: { failureThreshold?: number } = {}) {
    const simulator = createSimulator({ apiKey: KEY, speed: 50 });
    simulators.push(simulator);
    const waits: number[] = [];
    const client = createUpstreamClient({
      baseUrl: BASE,
      apiKey: KEY,
      authHeader: "authorization",
      timeoutMs: 5_000,
      fetch: simulator.fetch,
      log: () => {},
      readAttempts: 3,
      breaker: { failureThreshold: options.failureThreshold ?? 5, cooldownMs: 50, maxCooldownMs: 50 },
      sleep: async (ms) => void waits.push(ms),
      random: () => 0.5,
    });
    const calls = (fragment: string) =>
      Object.entries(simulator.stats().byPath)
        .filter(([p]) => p.includes(fragment))
        .reduce((sum, [, n]) => sum + n, 0);
    return { client, simulator, waits, calls };
  }

  it("retries a read on 5xx with jittered exponential backoff, then answers", async () => {
    const { client, simulator, waits, calls } = resilient();
    simulator.setFaults({ errorRate: 1 });
    const failed = await rejection(client.fetchTask("1000000000000000"));
    expect(failed.code).toBe("upstream_error");
    expect(calls("/fetch")).toBe(3);
    expect(waits).toEqual([100, 200]);
    // 30% 5xx (a seeded sequence): every read still answers because it is retried.
    simulator.setFaults({ errorRate: 0.3 });
    for (let i = 0; i < 10; i++) expect(await client.fetchTask("1000000000000000")).toBeNull();
  });

  it("retries malformed JSON and timeouts on reads", async () => {
    const { client, simulator, calls } = resilient();
    simulator.setFaults({ malformedRate: 1 });
    expect((await rejection(client.listByIds(["1000000000000000"]))).code).toBe("upstream_bad_response");
    expect(calls("/list-by-ids")).toBe(3);
  });

  it("never retries a submit or a cancel", async () => {
    const { client, simulator, calls } = resilient();
    simulator.setFaults({ errorRate: 1 });
    expect((await rejection(client.submit("imagine", { prompt: "once" }))).code).toBe("upstream_error");
    expect(calls("/submit/imagine")).toBe(1);
    simulator.setFaults({ malformedRate: 1 });
    await rejection(client.submit("imagine", { prompt: "once" }));
    expect(calls("/submit/imagine")).toBe(2);
    simulator.setFaults({ errorRate: 1 });
    await rejection(client.cancel("1000000000000000"));
    expect(calls("/cancel")).toBe(1);
  });

  it("does not retry or count a refusal: a 401 is an answer", async () => {
    const { client, simulator, calls } = resilient({ failureThreshold: 1 });
    simulator.setFaults({ unauthorized: true });
    expect((await rejection(client.fetchTask("1"))).code).toBe("upstream_unauthorized");
    expect(calls("/fetch")).toBe(1);
    expect(client.health()).toMatchObject({ state: "ok", circuit: "closed" });
  });

  it("opens on a dead upstream, fails fast without calling it, and closes when it is back", async () => {
    const { client, simulator, calls } = resilient({ failureThreshold: 2 });
    const { result } = await client.submit("imagine", { prompt: "survives the outage" });
    expect(client.health()).toEqual({
      state: "ok",
      circuit: "closed",
      consecutiveFailures: 0,
      retryInMs: null,
    });

    simulator.setFaults({ errorRate: 1 });
    await rejection(client.fetchTask(result as string));
    expect(client.health()).toMatchObject({ state: "degraded", consecutiveFailures: 1 });
    await rejection(client.listByIds([result as string]));
    expect(client.health()).toMatchObject({ state: "down", circuit: "open" });

    const before = simulator.stats().requests;
    const fast = await rejection(client.fetchTask(result as string));
    expect(fast.code).toBe("upstream_unavailable");
    expect(fast.status).toBe(503);
    expect(fast.headers["retry-after"]).toBe("1");
    expect((await rejection(client.submit("imagine", { prompt: "not sent" }))).code).toBe(
      "upstream_unavailable",
    );
    expect(simulator.stats().requests).toBe(before);
    expect(calls("/submit/imagine")).toBe(1);

    simulator.setFaults({});
    await new Promise((r) => setTimeout(r, 60));
    const task = await waitForSuccess(client, result as string);
    expect(task.id).toBe(result);
    expect(client.health().state).toBe("ok");
  });
});

describe("trueai specifics", () => {
  it("the generic {success:false} envelope becomes a code-4 envelope", async () => {
    const { client } = setup("trueai", "authorization");
    const envelope = await client.submit("blend", {
      base64Array: ["https://example.com/a.png", "https://example.com/b.png"],
      dimensions: "WIDE",
    });
    expect(envelope.code).toBe(4);
    expect(envelope.description).not.toBe("");
  });

  it("image-seed of an unfinished task is a code-4 envelope; of a finished one, the seed", async () => {
    const { client } = setup("trueai", "authorization");
    const { result } = await client.submit("imagine", { prompt: "seed me" });
    const early = await client.imageSeed(result as string);
    expect(early.code).toBe(4);
    await waitForSuccess(client, result as string);
    const seed = await client.imageSeed(result as string);
    expect(seed.code).toBe(1);
    expect(seed.result).toMatch(/^\d+$/);
  });

  it("cancel fails the task", async () => {
    const { client } = setup("trueai", "authorization");
    const { result } = await client.submit("imagine", { prompt: "cancel me" });
    await client.cancel(result as string);
    const task = await client.fetchTask(result as string);
    expect(task?.status).toBe("FAILURE");
  });

  it("cancel on a family without the route is not_supported", async () => {
    const { client } = setup("new-api", "bearer");
    const { result } = await client.submit("imagine", { prompt: "cancel me" });
    const error = await rejection(client.cancel(result as string));
    expect(error.code).toBe("not_supported");
  });
});

describe("over real HTTP", () => {
  it("drives a simulator served on a loopback port with the global fetch", async () => {
    const server = await startSimulatorServer({ port: 0, host: "127.0.0.1", apiKey: KEY, speed: 50 });
    try {
      const client = createUpstreamClient({
        baseUrl: server.url,
        apiKey: KEY,
        authHeader: "authorization",
        timeoutMs: 5_000,
      });
      const { code, result } = await client.submit("imagine", { prompt: "over the wire" });
      expect(code).toBe(1);
      const task = await waitForSuccess(client, result as string);
      const media = await client.fetchMedia(task.imageUrl!);
      expect(media.status).toBe(200);
      expect(media.headers.get("content-type")).toBe("image/png");
      expect((await media.arrayBuffer()).byteLength).toBeGreaterThan(1000);
    } finally {
      await server.close();
    }
  });
});
