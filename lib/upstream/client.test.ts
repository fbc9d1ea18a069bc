import { createServer, type IncomingHttpHeaders, type RequestListener } from "node:http";
import type { AddressInfo } from "node:net";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { gzipSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import type { HttpAnswer } from "@/lib/http/body";
import { AppError } from "@/lib/http/errors";
import { classifyRefusal } from "@/lib/mj/fail-reason";
import { createSimulator, type Simulator, type SimulatorFamily } from "mj-simulator";
import { startSimulatorServer } from "mj-simulator/http-server";
import { waitForStatus } from "@/lib/testing/wait";
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

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error("expected a rejection");
}

let servers: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const simulator of simulators) simulator.close();
  simulators = [];
  await Promise.all(servers.map((close) => close()));
  servers = [];
});

/** A real HTTP server on a loopback port, closed (open connections too) after the test. */
async function serve(handler: RequestListener): Promise<string> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  servers.push(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Headers at once, then a byte a second, never ending: a stalled CDN or upstream. */
const drip: RequestListener = (request, response) => {
  response.writeHead(200, {
    "content-type": request.url?.startsWith("/media") ? "image/png" : "application/json",
  });
  response.write("{");
  const timer = setInterval(() => response.write(" "), 1_000);
  response.on("close", () => clearInterval(timer));
};

/**
 * Settles like `promise` while the garbage collector runs every few milliseconds: what a busy
 * server does at random, made certain. A signal that is only weakly held does not survive it.
 */
function underGarbageCollection<T>(promise: Promise<T>): Promise<T> {
  setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc") as () => void;
  const timer = setInterval(gc, 20);
  return promise.finally(() => clearInterval(timer));
}

describe.each(FAMILIES)("$family upstream ($authHeader)", ({ family, authHeader }) => {
  it("submits, polls to SUCCESS and lists by ids", async () => {
    const { client, simulator } = setup(family, authHeader);
    const envelope = await client.submit("imagine", { prompt: "a quiet harbour --ar 16:9" });
    expect(envelope.code).toBe(1);
    expect(typeof envelope.result).toBe("string");
    const task = await waitForStatus(client.fetchTask, envelope.result as string, "SUCCESS");
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

  it("a timeout is upstream_timeout even when a collection drops the simulator's request", async () => {
    // The simulator follows the caller's signal through a Request, which nothing else holds.
    const { client, simulator } = setup("trueai", "authorization", { timeoutMs: 200 });
    simulator.setFaults({ timeoutRate: 1 });
    const error = await rejection(underGarbageCollection(client.fetchTask("1000000000000000")));
    expect(error.code).toBe("upstream_timeout");
  });

  it("a timeout is upstream_timeout even when the fetch ignores the abort", async () => {
    const client = createUpstreamClient({
      baseUrl: BASE,
      apiKey: KEY,
      authHeader: "authorization",
      timeoutMs: 200,
      readAttempts: 1,
      fetch: () => new Promise<Response>(() => {}),
      log: () => {},
    });
    expect((await rejection(client.fetchTask("1"))).code).toBe("upstream_timeout");
    const media = await client.fetchMedia(`${BASE}/sim/media/x.png`).catch((error: unknown) => error);
    expect(media).toMatchObject({ code: "upstream_timeout" });
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
    const task = await waitForStatus(client.fetchTask, result as string, "SUCCESS");
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
    await waitForStatus(client.fetchTask, result as string, "SUCCESS");
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

describe("submit routes a family does not have (video, edits, retexture)", () => {
  it.each([
    {
      family: "novicezk",
      kind: "video",
      words: /^This upstream cannot make videos \(it has no \/mj\/submit\/video\)\.$/,
    },
    { family: "novicezk", kind: "edits", words: /cannot edit images \(it has no \/mj\/submit\/edits\)/ },
    {
      family: "new-api",
      kind: "retexture",
      words: /cannot retexture images \(it has no \/mj\/submit\/retexture\)/,
    },
  ] as const)(
    "$family without /mj/submit/$kind is not_supported, saying what it cannot do",
    async ({ family, kind, words }) => {
      const { client } = setup(family, FAMILIES.find((f) => f.family === family)!.authHeader);
      const error = await rejection(
        client.submit(kind, { prompt: "a harbour", image: "https://example.com/a.png" }),
      );
      expect(error.code).toBe("not_supported");
      expect(error.status).toBe(501);
      expect(error.message).toMatch(words);
      // A missing route is an answer, not a fault: the breaker stays closed.
      expect(client.health().circuit).toBe("closed");
    },
  );
});

describe("over real HTTP", () => {
  it("drives a simulator served on a loopback port over undici's request", async () => {
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
      const task = await waitForStatus(client.fetchTask, result as string, "SUCCESS");
      const media = await client.fetchMedia(task.imageUrl!);
      expect(media.status).toBe(200);
      expect(media.headers.get("content-type")).toBe("image/png");
      expect((await bodyOf(media)).byteLength).toBeGreaterThan(1000);
    } finally {
      await server.close();
    }
  });
});

describe("API answers over undici's request", () => {
  const clientOf = (baseUrl: string) =>
    createUpstreamClient({
      baseUrl,
      apiKey: KEY,
      authHeader: "authorization",
      timeoutMs: 5_000,
      log: () => {},
    });

  it("asks for a compressed answer and decodes it; a POST sent on by a 303 goes on as a GET without its body", async () => {
    const seen: string[] = [];
    const upstream = await serve((request, response) => {
      let body = "";
      request.on("data", (chunk: Buffer) => (body += chunk.toString()));
      request.on("end", () => {
        seen.push(`${request.method} ${request.url} ${request.headers["accept-encoding"]} [${body}]`);
        if (request.method === "POST") {
          response.writeHead(303, { location: "/mj/task/1/fetch" });
          response.end();
          return;
        }
        response.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip" });
        response.end(gzipSync('{"id":"1","status":"SUCCESS"}'));
      });
    });
    const client = clientOf(upstream);
    expect(await client.fetchTask("1")).toMatchObject({ id: "1", status: "SUCCESS" });
    await client.submit("imagine", { prompt: "cat" }).catch(() => {});
    expect(seen).toEqual([
      "GET /mj/task/1/fetch gzip, deflate, br []",
      expect.stringMatching(/^POST \/mj\/submit\/imagine gzip, deflate, br \[\{.*"prompt":"cat.*\}\]$/),
      "GET /mj/task/1/fetch gzip, deflate, br []",
    ]);
  });

  it("reads a rate limit's Retry-After and an error status's envelope", async () => {
    const upstream = await serve((request, response) => {
      if (request.url?.includes("imagine")) {
        response.writeHead(429, { "retry-after": "7", "content-type": "application/json" });
        response.end("{}");
        return;
      }
      response.writeHead(400, { "content-type": "application/json" });
      response.end('{"code":4,"description":"bad prompt","result":null}');
    });
    const client = clientOf(upstream);
    const limited = await rejection(client.submit("imagine", { prompt: "cat" }));
    expect(limited.code).toBe("rate_limited");
    expect(limited.headers).toEqual({ "retry-after": "7" });
    expect(await client.submit("blend", { base64Array: ["a", "b"] })).toMatchObject({
      code: 4,
      description: "bad prompt",
    });
  });
});

/** A media answer's body, read whole. */
async function bodyOf(answer: HttpAnswer): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of answer.body!) chunks.push(chunk);
  return Buffer.concat(chunks);
}

describe("deadlines over real HTTP", () => {
  function slowClient(baseUrl: string) {
    return createUpstreamClient({
      baseUrl,
      apiKey: KEY,
      authHeader: "authorization",
      timeoutMs: 300,
      readAttempts: 1,
      log: () => {},
    });
  }

  it("an API answer whose body drips a byte a second is cut off: upstream_timeout", async () => {
    const client = slowClient(await serve(drip));
    expect((await rejection(underGarbageCollection(client.fetchTask("1")))).code).toBe("upstream_timeout");
    expect((await rejection(client.submit("imagine", { prompt: "slow" }))).code).toBe("upstream_timeout");
  }, 30_000);

  it("a media body that drips is cut off at the deadline, also when the caller passes a signal", async () => {
    const base = await serve(drip);
    const client = slowClient(base);
    const plain = await client.fetchMedia(`${base}/media/a.png`);
    expect(plain.status).toBe(200);
    await expect(underGarbageCollection(bodyOf(plain))).rejects.toMatchObject({ name: "TimeoutError" });

    // The media route passes the browser's signal; combined with AbortSignal.any, the deadline
    // could be collected and never fire (nodejs/node#57736).
    const browser = new AbortController();
    const withSignal = await client.fetchMedia(`${base}/media/b.png`, browser.signal);
    await expect(underGarbageCollection(bodyOf(withSignal))).rejects.toMatchObject({
      name: "TimeoutError",
    });
    expect(browser.signal.aborted).toBe(false);
  }, 30_000);

  it("a reader that pauses between reads longer than the deadline still gets the whole body", async () => {
    const sent = Buffer.alloc(1024 * 1024);
    for (let i = 0; i < sent.length; i++) sent[i] = i % 251;
    const base = await serve((_request, response) => {
      response.writeHead(200, { "content-type": "video/mp4" });
      response.end(sent);
    });
    const client = createUpstreamClient({
      baseUrl: base,
      authHeader: "authorization",
      timeoutMs: 1_000,
      log: () => {},
    });
    const response = await client.fetchMedia(`${base}/media/clip.mp4`);
    const chunks: Uint8Array[] = [];
    // A <video> with a full buffer: it stops pulling for longer than the whole deadline, twice.
    let pauses = 2;
    for await (const chunk of response.body!) {
      chunks.push(chunk);
      if (pauses-- > 0) await new Promise((resolve) => setTimeout(resolve, 1_500));
    }
    expect(Buffer.concat(chunks).equals(sent)).toBe(true);
  }, 30_000);

  it("the caller's abort still cuts a media download short", async () => {
    const base = await serve(drip);
    const client = createUpstreamClient({
      baseUrl: base,
      authHeader: "authorization",
      timeoutMs: 60_000,
      log: () => {},
    });
    const browser = new AbortController();
    const response = await client.fetchMedia(`${base}/media/c.png`, browser.signal);
    const body = bodyOf(response);
    browser.abort();
    await expect(body).rejects.toMatchObject({ name: "AbortError" });
  }, 30_000);
});

describe("a media download over a dropped connection", () => {
  /** A server that cuts the connection under the first `drops` requests, then sends a picture. */
  async function dropping(drops: number) {
    let seen = 0;
    const base = await serve((_request, response) => {
      seen += 1;
      if (seen <= drops) {
        response.socket?.destroy();
        return;
      }
      response.writeHead(200, { "content-type": "image/png" });
      response.end("png");
    });
    const client = createUpstreamClient({
      baseUrl: base,
      authHeader: "authorization",
      timeoutMs: 5_000,
      log: () => {},
    });
    return { base, client, requests: () => seen };
  }

  it("is sent once more when the connection dies before the answer", async () => {
    const { base, client, requests } = await dropping(1);
    const response = await client.fetchMedia(`${base}/media/a.png`);
    expect(response.status).toBe(200);
    expect((await bodyOf(response)).toString()).toBe("png");
    expect(requests()).toBe(2);
  });

  it("is tried twice at most, then is upstream_error", async () => {
    const { base, client, requests } = await dropping(5);
    expect(await client.fetchMedia(`${base}/media/a.png`).catch((error: unknown) => error)).toMatchObject({
      code: "upstream_error",
    });
    expect(requests()).toBe(2);
  });
});

describe("the key never leaves the server", () => {
  /** An upstream that quotes the key back in every text it sends, once JSON-escaped. */
  function quotingClient() {
    const escaped = `\\u00${KEY.charCodeAt(0).toString(16)}${KEY.slice(1)}`;
    const task = `{"id":"1","status":"FAILURE","description":"auth=${KEY}","failReason":"key ${escaped} refused","properties":{"${KEY}":"${KEY}"}}`;
    const answers: Record<string, string> = {
      "/mj/submit/imagine": `{"code":4,"description":"invalid key ${KEY}","result":null,"properties":{"echo":"Bearer ${KEY}"}}`,
      "/mj/submit/blend": `{"success":false,"code":-1,"message":"no model bound to ${KEY}"}`,
      "/mj/task/1/fetch": task,
      "/mj/task/list-by-ids": `[${task}]`,
      "/mj/task/1/image-seed": `{"code":4,"description":"seed failed auth=${KEY}","result":null}`,
    };
    return createUpstreamClient({
      baseUrl: BASE,
      apiKey: KEY,
      authHeader: "authorization",
      timeoutMs: 5_000,
      log: () => {},
      fetch: async (input) => {
        const answer = answers[new URL(String(input)).pathname];
        return new Response(answer ?? "", { status: answer ? 200 : 404 });
      },
    });
  }

  it("redacts it from descriptions, messages and failure reasons of every answer", async () => {
    const client = quotingClient();
    const answers = {
      submit: await client.submit("imagine", { prompt: "cat" }),
      trueaiMessage: await client.submit("blend", { base64Array: [] }),
      fetch: await client.fetchTask("1"),
      listByIds: await client.listByIds(["1"]),
      imageSeed: await client.imageSeed("1"),
    };
    for (const [call, answer] of Object.entries(answers)) {
      const text = JSON.stringify(answer);
      expect(text, call).not.toContain(KEY);
      expect(text, call).toContain("[redacted]");
    }
    expect(answers.imageSeed.description).toBe("seed failed auth=[redacted]");
    expect(answers.trueaiMessage.description).toBe("no model bound to [redacted]");
    expect(answers.fetch?.failReason).toBe("key [redacted] refused");
  });
});

describe("redirects of API calls", () => {
  /** Where the second server saw requests, and with which headers. */
  async function elsewhere(): Promise<{ url: string; seen: IncomingHttpHeaders[] }> {
    const seen: IncomingHttpHeaders[] = [];
    const url = await serve((request, response) => {
      seen.push(request.headers);
      response.writeHead(200, { "content-type": "application/json" });
      response.end('{"id":"1","status":"SUCCESS"}');
    });
    return { url, seen };
  }

  it.each<AuthHeader>(["authorization", "bearer", "mj-api-secret"])(
    "never follows a redirect to another origin, so the key is not sent there (%s)",
    async (authHeader) => {
      const other = await elsewhere();
      const upstream = await serve((request, response) => {
        response.writeHead(302, { location: `${other.url}${request.url}` });
        response.end();
      });
      const logs: string[] = [];
      const client = createUpstreamClient({
        baseUrl: upstream,
        apiKey: KEY,
        authHeader,
        timeoutMs: 5_000,
        log: (line) => logs.push(line),
      });
      expect((await rejection(client.fetchTask("1"))).code).toBe("upstream_error");
      expect((await rejection(client.submit("imagine", { prompt: "cat" }))).code).toBe("upstream_error");
      for (const headers of other.seen) expect(JSON.stringify(headers)).not.toContain(KEY);
      expect(other.seen).toEqual([]);
      expect(logs.join("\n")).toMatch(/redirect .* not followed/);
    },
  );

  it("follows a redirect within the upstream's origin, with the key", async () => {
    const seen: string[] = [];
    const upstream = await serve((request, response) => {
      seen.push(`${request.method} ${request.url} ${request.headers["mj-api-secret"]}`);
      if (!request.url?.startsWith("/moved/")) {
        response.writeHead(307, { location: `/moved${request.url}` });
        response.end();
        return;
      }
      response.writeHead(200, { "content-type": "application/json" });
      response.end('{"id":"1","status":"SUCCESS"}');
    });
    const client = createUpstreamClient({
      baseUrl: upstream,
      apiKey: KEY,
      authHeader: "mj-api-secret",
      timeoutMs: 5_000,
      log: () => {},
    });
    expect(await client.fetchTask("1")).toMatchObject({ id: "1", status: "SUCCESS" });
    expect(seen).toEqual([`GET /mj/task/1/fetch ${KEY}`, `GET /moved/mj/task/1/fetch ${KEY}`]);
  });
});

describe("business outcomes with an error status (relays, §8.3)", () => {
  /** An upstream answering every call with `status` and `body`, counting the calls. */
  function answering(status: number, body: string, options: { failureThreshold?: number } = {}) {
    const calls: string[] = [];
    const client = createUpstreamClient({
      baseUrl: BASE,
      apiKey: KEY,
      authHeader: "bearer",
      timeoutMs: 5_000,
      readAttempts: 3,
      breaker: { failureThreshold: options.failureThreshold ?? 1, cooldownMs: 60_000 },
      sleep: async () => {},
      log: () => {},
      fetch: async (input) => {
        calls.push(new URL(String(input)).pathname);
        return new Response(body, { status, headers: { "content-type": "application/json" } });
      },
    });
    return { client, calls };
  }

  const flattened = (code: number, description: string) =>
    JSON.stringify({ description: `${description}  (request id: 2026120112)`, type: "upstream_error", code });

  it.each([
    { status: 429, code: 23, what: "hardened fork: queue full" },
    { status: 400, code: 24, what: "hardened fork: banned prompt" },
    { status: 503, code: 3, what: "hardened fork: no account for this mode" },
    { status: 502, code: 4, what: "hardened fork: upstream validation" },
    { status: 502, code: 9, what: "hardened fork: upstream failure" },
    { status: 400, code: 4, what: "new-api main: quota_not_enough" },
  ])(
    "HTTP $status with code $code ($what) is that envelope, not retried, not counted",
    async ({ status, code, what }) => {
      const { client, calls } = answering(status, flattened(code, what));
      for (let i = 0; i < 3; i++) {
        const envelope = await client.submit("imagine", { prompt: "cat" });
        expect(envelope).toMatchObject({ code, result: null, properties: {} });
        expect(envelope.description).toContain(what);
      }
      expect(calls).toHaveLength(3);
      // One fault would have opened this breaker (threshold 1).
      expect(client.health()).toMatchObject({ state: "ok", circuit: "closed", consecutiveFailures: 0 });
    },
  );

  it("the submit envelope itself, sent with a 5xx, passes through whole", async () => {
    const body = {
      code: 9,
      description: "提交失败，队列已满，请稍后重试",
      result: null,
      properties: { a: 1 },
    };
    const { client } = answering(502, JSON.stringify(body));
    expect(await client.submit("blend", { base64Array: [] })).toEqual(body);
    expect(client.health().circuit).toBe("closed");
  });

  it("an envelope where a task was due is a refusal: no retry, no breaker count", async () => {
    const { client, calls } = answering(503, flattened(3, "no credential"));
    const error = await rejection(client.fetchTask("task_abc"));
    expect(error.code).toBe("upstream_error");
    expect(error.message).toBe("The upstream refused the request (HTTP 503, code 3).");
    expect((await rejection(client.listByIds(["task_abc"]))).code).toBe("upstream_error");
    expect(calls).toEqual(["/mj/task/task_abc/fetch", "/mj/task/list-by-ids"]);
    expect(client.health().circuit).toBe("closed");
  });

  it("429 with code 30 (new-api main: saturated) stays rate_limited, not counted", async () => {
    const { client, calls } = answering(429, flattened(30, "当前分组上游负载已饱和"));
    expect((await rejection(client.submit("imagine", { prompt: "cat" }))).code).toBe("rate_limited");
    expect((await rejection(client.fetchTask("1"))).code).toBe("rate_limited");
    expect(calls).toHaveLength(2);
    expect(client.health().circuit).toBe("closed");
  });

  it.each([401, 403])("HTTP %i stays upstream_unauthorized, envelope or not", async (status) => {
    const { client } = answering(status, flattened(4, "无效的令牌"));
    expect((await rejection(client.submit("imagine", { prompt: "cat" }))).code).toBe("upstream_unauthorized");
  });

  it.each([
    { what: "an HTML error page", body: "<html><body>502 Bad Gateway</body></html>" },
    { what: "trueai's unhandled exception", body: '{"success":false,"code":-1,"message":"NullReference"}' },
    { what: "JSON without a code", body: '{"error":"upstream down"}' },
    { what: "a code that is not a number", body: '{"description":"x","code":"busy"}' },
  ])("a 5xx with $what is a fault: retried on reads, counted", async ({ body }) => {
    const { client, calls } = answering(502, body, { failureThreshold: 2 });
    expect((await rejection(client.fetchTask("1"))).code).toBe("upstream_error");
    expect(calls).toHaveLength(3);
    expect((await rejection(client.submit("imagine", { prompt: "cat" }))).code).toBe("upstream_error");
    expect(calls).toHaveLength(4);
    expect(client.health().circuit).toBe("open");
  });

  it("a relay's unknown_action refusal stays the relay's words, which the UI reads the button from", async () => {
    const { client, simulator } = setup("new-api", "bearer");
    const { result } = await client.submit("imagine", { prompt: "a harbour" });
    await waitForStatus(client.fetchTask, result as string, "SUCCESS");
    const envelope = await client.submit("action", {
      taskId: result,
      customId: "MJ::JOB::video_virtual_upscale::1::0b2a8f7d",
    });
    expect(envelope.code).toBe(4);
    // Untouched: the UI says in the user's language that this relay cannot run the button
    // (lib/api/error-text), naming it from the quoted customId.
    expect(envelope.description.trim()).toBe("unknown_action:MJ::JOB::video_virtual_upscale::1::0b2a8f7d");
    // The UI's stable reading of it (lib/mj/fail-reason): "the upstream cannot run this action".
    expect(classifyRefusal(envelope.code, envelope.description)).toBe("unsupportedAction");
    expect(client.health().circuit).toBe("closed");
    expect(simulator.stats().byPath["/mj/submit/action"]).toBe(1);
  });
});

describe("upload-discord-images (§3.9)", () => {
  /** An upstream answering the upload route with `status` and `body`; what it was sent. */
  function uploading(status: number, body: string) {
    const sent: unknown[] = [];
    const client = createUpstreamClient({
      baseUrl: BASE,
      apiKey: KEY,
      authHeader: "authorization",
      timeoutMs: 5_000,
      log: () => {},
      fetch: async (input, init) => {
        expect(new URL(String(input)).pathname).toBe("/mj/submit/upload-discord-images");
        sent.push(JSON.parse(String(init?.body)));
        return new Response(body, { status });
      },
    });
    return { client, sent };
  }
  const images = { base64Array: ["data:image/png;base64,AAAA", "data:image/png;base64,BBBB"] };

  it("answers one URL per image, in order", async () => {
    const urls = [
      "https://cdn.example/attachments/20261201/a.png",
      "https://cdn.example/attachments/20261201/b.png",
    ];
    const { client, sent } = uploading(
      200,
      JSON.stringify({ code: 1, description: "提交成功", result: urls, properties: {} }),
    );
    expect(await client.uploadImages(images)).toEqual({
      code: 1,
      description: "提交成功",
      result: urls,
      properties: {},
    });
    expect(sent).toEqual([images]);
  });

  it("the short failure body {code: 9, description} is a refusal with no URLs", async () => {
    const { client } = uploading(200, '{"code":9,"description":"上传图片到云存储异常"}');
    expect(await client.uploadImages(images)).toEqual({
      code: 9,
      description: "上传图片到云存储异常",
      result: [],
      properties: {},
    });
  });

  it("a refusal code 4 (uploads off) passes through", async () => {
    const { client } = uploading(200, '{"code":4,"description":"禁止上传","result":null,"properties":{}}');
    expect(await client.uploadImages(images)).toMatchObject({ code: 4, result: [] });
  });

  it.each([
    { what: "trueai before the route", status: 404, body: "" },
    { what: "new-api without it", status: 404, body: "404 page not found" },
    { what: "a server that knows the path but not the method", status: 405, body: "" },
  ])(
    "an upstream without the route ($what) is not_supported, in words a person can act on",
    async ({ status, body }) => {
      const { client } = uploading(status, body);
      const error = await rejection(client.uploadImages(images));
      expect(error.code).toBe("not_supported");
      expect(error.status).toBe(501);
      expect(error.message).toMatch(/cannot host local files/);
      expect(error.message).toMatch(/Paste a public image URL instead/);
    },
  );

  it("is never retried: each try would store the images again", async () => {
    const { client, sent } = uploading(502, "<html>bad gateway</html>");
    expect((await rejection(client.uploadImages(images))).code).toBe("upstream_error");
    expect(sent).toHaveLength(1);
  });
});
