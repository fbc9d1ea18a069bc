import { once } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it, vi } from "vitest";
import { createLane, laneRegistry } from "@/lib/http/node-lane";
import { services } from "@/lib/server/services";
import { testServer } from "@/lib/testing/server-env";

/**
 * `GET /api/tasks/events`, called as Next calls it: the same session check as every API route,
 * then a stream that carries what the server's poller records until the page goes away.
 */

testServer({ APP_PASSWORD: "events-suite-password" });

interface Pushed {
  id: string;
  status: string;
  imageUrl: string | null;
}

const load = () => import("./tasks/events/route");

async function signIn(): Promise<string> {
  const { POST } = await import("./auth/login/route");
  const response = await POST(
    new Request("http://localhost/api/auth/login", {
      method: "POST",
      body: JSON.stringify({ password: process.env.APP_PASSWORD }),
    }),
  );
  return (response.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
}

describe("the task event stream", () => {
  it("refuses a request without a session in the one error shape", async () => {
    const { GET } = await load();
    const response = await GET(new Request("http://localhost/api/tasks/events"));
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("unauthorized");
  });

  it("pushes a task as it is recorded and as the poller sees it finish, and ends when the page goes", async () => {
    const { GET } = await load();
    const page = new AbortController();
    // Held to the end: undici's Request follows the page's signal through a weak reference, so a
    // collected Request would never pass the abort on.
    const request = new Request("http://localhost/api/tasks/events", {
      headers: { cookie: await signIn() },
      signal: page.signal,
    });
    const response = await GET(request);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect(response.headers.get("cache-control")).toContain("no-transform");
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    const next = async () => {
      const { value, done } = await reader.read();
      return { done, text: value ? decoder.decode(value, { stream: true }) : "" };
    };
    expect((await next()).text).toMatch(/^retry: \d+/);

    const { result: id } = await services().tasks.imagine({ prompt: "pushed, not polled" });
    const statuses = new Set<string>();
    // Messages end with a blank line; a chunk may end mid-message.
    let pending = "";
    while (!statuses.has("SUCCESS")) {
      const { text: value, done } = await next();
      if (done) throw new Error("the stream ended early");
      const messages = (pending + value).split("\n\n");
      pending = messages.pop() ?? "";
      for (const message of messages) {
        if (!message.startsWith("data: ")) continue;
        for (const task of JSON.parse(message.slice(6)) as Pushed[]) {
          if (task.id !== id) continue;
          statuses.add(task.status);
          if (task.imageUrl) expect(task.imageUrl).toMatch(/^\/api\/media\//);
        }
      }
    }
    expect(statuses.size).toBeGreaterThan(1);

    page.abort();
    // What was queued before the page went is still read; then the stream ends.
    let ended = false;
    for (let i = 0; i < 100 && !ended; i++) ended = (await next()).done;
    expect(ended).toBe(true);
    expect(request.signal.aborted).toBe(true);
  });

  it("is carried by the fast lane on a real socket: a batch arrives as it is published, and the page stops listening when its connection closes", async () => {
    await load(); // registers the route in the lane, as Next's first load of it does
    const lane = createLane(laneRegistry());
    const server = http.createServer((request, response) => {
      if (lane(request, response)) return;
      response.statusCode = 599;
      response.end("not the lane's");
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const subscribe = services().tasks.subscribe;
    const stoppedListening = vi.fn();
    const spy = vi.spyOn(services().tasks, "subscribe").mockImplementation((listener) => {
      const stop = subscribe(listener);
      return () => {
        stoppedListening();
        stop();
      };
    });
    try {
      const request = http.get(
        `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/tasks/events`,
        { headers: { cookie: await signIn() } },
      );
      const [response] = (await once(request, "response")) as [http.IncomingMessage];
      expect(response.statusCode).toBe(200);
      expect(response.headers["content-type"]).toMatch(/^text\/event-stream/);
      let received = "";
      response.on("data", (chunk: Buffer) => (received += chunk.toString()));
      await vi.waitFor(() => expect(received).toMatch(/^retry: \d+/));
      expect(spy).toHaveBeenCalledTimes(1);

      const { result: id } = await services().tasks.imagine({ prompt: "pushed through the lane" });
      await vi.waitFor(() => expect(received).toContain(`data: [{"id":"${id}"`));
      expect(stoppedListening).not.toHaveBeenCalled();

      request.destroy();
      await vi.waitFor(() => expect(stoppedListening).toHaveBeenCalledTimes(1));
    } finally {
      spy.mockRestore();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
