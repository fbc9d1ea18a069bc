import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createUrlGuard } from "@/lib/media/fetch";
import { taskSchema, type Task } from "@/lib/mj/task";
import { until } from "@/lib/testing/wait";
import { createNotifier, type NotifierDeps } from "./notify";

/** A receiver on a loopback port that records what it is sent and answers as `reply` says. */
async function receiver(reply: (call: number) => number | "hang" = () => 200) {
  const bodies: { id: string; status: string; progress: string | null }[] = [];
  let calls = 0;
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    let text = "";
    request.on("data", (chunk: Buffer) => (text += chunk.toString()));
    request.on("end", () => {
      calls += 1;
      const answer = reply(calls);
      if (answer === "hang") return;
      if (answer < 300) bodies.push(JSON.parse(text) as (typeof bodies)[number]);
      response.writeHead(answer).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  servers.push(server);
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return { url, bodies, calls: () => calls };
}
const servers: ReturnType<typeof createServer>[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
});

const task = (status: string, progress: string | null = null, id = "1796"): Task =>
  taskSchema.parse({ id, status, progress, action: "IMAGINE", buttons: [], properties: {} });

const allowAll: NotifierDeps["guard"] = async () => {};

function notifier(hook: string | null, deps: Partial<NotifierDeps> = {}) {
  const logs: string[] = [];
  const n = createNotifier({
    hookOf: async () => hook,
    present: (t) => t,
    guard: allowAll,
    retryBaseMs: 5,
    log: (message) => logs.push(message),
    ...deps,
  });
  return { ...n, logs };
}

describe("notifyHook", () => {
  it("POSTs the task on each change of status or progress, in order, once each, never a stale one", async () => {
    const hook = await receiver();
    const n = notifier(hook.url);
    // Polls come seconds apart: each change is answered before the next one arrives.
    for (const [status, progress] of [
      ["SUBMITTED", null],
      ["SUBMITTED", null],
      ["IN_PROGRESS", "25%"],
      ["IN_PROGRESS", "10%"], // an older copy arriving late
      ["IN_PROGRESS", "80%"],
      ["SUCCESS", "100%"],
      ["SUCCESS", "100%"],
    ] as const) {
      n.notify([task(status, progress)]);
      await n.idle();
    }
    expect(hook.bodies.map((b) => `${b.status} ${b.progress ?? ""}`.trim())).toEqual([
      "SUBMITTED",
      "IN_PROGRESS 25%",
      "IN_PROGRESS 80%",
      "SUCCESS 100%",
    ]);
  });

  it("keeps one call in flight and only the newest change behind it: a slow receiver gets the latest next", async () => {
    const sent: string[] = [];
    let release = () => {};
    const slow: typeof fetch = async (_url, init) => {
      const body = JSON.parse(String(init?.body)) as Task;
      sent.push(`${body.status} ${body.progress ?? ""}`.trim());
      if (sent.length === 1) await new Promise<void>((resolve) => (release = resolve));
      return new Response(null, { status: 200 });
    };
    const n = notifier("https://hooks.example/done", { fetch: slow });
    n.notify([task("SUBMITTED")]);
    await until(async () => sent.length === 1, "the first call", { timeoutMs: 2_000, intervalMs: 5 });
    for (const progress of ["10%", "20%", "30%"]) n.notify([task("IN_PROGRESS", progress)]);
    n.notify([task("SUCCESS", "100%")]);
    release();
    await n.idle();
    expect(sent).toEqual(["SUBMITTED", "SUCCESS 100%"]);
  });

  it("returns at once: a receiver that never answers holds up nothing, and its call ends at the deadline", async () => {
    const hook = await receiver(() => "hang");
    const n = notifier(hook.url, { deadlineMs: 200, attempts: 1 });
    const started = performance.now();
    n.notify([task("SUCCESS")]);
    expect(performance.now() - started).toBeLessThan(20);
    await n.idle();
    expect(hook.calls()).toBe(1);
    expect(n.logs.join("\n")).toMatch(/could not be reached/);
  });

  it("tries again after a 5xx, not after a 4xx", async () => {
    const flaky = await receiver((call) => (call < 3 ? 503 : 200));
    const n = notifier(flaky.url);
    n.notify([task("SUCCESS")]);
    await n.idle();
    expect(flaky.calls()).toBe(3);
    expect(flaky.bodies).toHaveLength(1);

    const refusing = await receiver(() => 404);
    const m = notifier(refusing.url);
    m.notify([task("SUCCESS")]);
    await m.idle();
    expect(refusing.calls()).toBe(1);
    expect(m.logs.join("\n")).toMatch(/answered 404/);
  });

  it("calls nothing for a task without a hook, and nothing the guard refuses (a loopback receiver by default)", async () => {
    const hook = await receiver();
    const none = notifier(null);
    none.notify([task("SUCCESS")]);
    await none.idle();
    const guarded = notifier(hook.url, { guard: createUrlGuard({ trustedOrigin: null }) });
    guarded.notify([task("SUCCESS")]);
    await guarded.idle();
    expect(hook.calls()).toBe(0);
    expect(guarded.logs.join("\n")).toMatch(/not calling the notifyHook of task 1796.*private/);
  });

  it("a task whose request is saved after its first copy is still followed", async () => {
    const hook = await receiver();
    let saved = false;
    const n = notifier(null, { hookOf: async () => (saved ? hook.url : null) });
    n.notify([task("SUBMITTED")]);
    await n.idle();
    saved = true;
    n.notify([task("SUCCESS")]);
    await until(async () => hook.bodies.length === 1, "the SUCCESS call");
    expect(hook.bodies[0]?.status).toBe("SUCCESS");
  });
});
