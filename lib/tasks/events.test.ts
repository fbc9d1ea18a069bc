import { describe, expect, it, vi } from "vitest";
import { taskSchema } from "@/lib/mj/task";
import { createTaskEvents, MAX_UNREAD_BATCHES, taskEventStream } from "./events";

const running = (id: string, progress: string) =>
  taskSchema.parse({ id, status: "IN_PROGRESS", progress, action: "IMAGINE", buttons: [], properties: {} });

describe("the event stream of one tab", () => {
  it("sends each changed batch, and drops a client that stops reading instead of queueing for it", async () => {
    const events = createTaskEvents();
    let listeners = 0;
    const subscribe: typeof events.subscribe = (listener) => {
      listeners += 1;
      const unsubscribe = events.subscribe(listener);
      return () => {
        listeners -= 1;
        return unsubscribe();
      };
    };
    const response = taskEventStream(subscribe, new AbortController().signal);
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    expect(decoder.decode((await reader.read()).value)).toContain("retry: 3000");
    events.publish([running("1", "10%")]);
    expect(decoder.decode((await reader.read()).value)).toContain('"progress":"10%"');
    expect(listeners).toBe(1);

    // The tab stays connected but reads nothing more.
    for (let i = 0; i <= MAX_UNREAD_BATCHES + 1; i++) events.publish([running("1", `${i % 100}.${i}%`)]);
    expect(listeners).toBe(0);
    await expect(reader.read()).rejects.toThrow(/stopped reading/);
  });

  it("encodes a batch once for all the tabs it goes to, and each tab reads it whole", async () => {
    const events = createTaskEvents();
    const tabs = Array.from({ length: 3 }, () =>
      taskEventStream(events.subscribe, new AbortController().signal).body!.getReader(),
    );
    const decoder = new TextDecoder();
    for (const tab of tabs) await tab.read(); // "retry: 3000"
    const stringify = vi.spyOn(JSON, "stringify");
    try {
      events.publish([running("1", "10%"), running("2", "20%")]);
      // publish compares each task's copy (two calls); the batch's message is made once.
      expect(stringify.mock.calls.filter(([value]) => Array.isArray(value))).toHaveLength(1);
    } finally {
      stringify.mockRestore();
    }
    for (const tab of tabs) {
      const text = decoder.decode((await tab.read()).value);
      expect(text.startsWith("data: ")).toBe(true);
      expect(text.endsWith("\n\n")).toBe(true);
      expect(JSON.parse(text.slice("data: ".length))).toMatchObject([
        { progress: "10%" },
        { progress: "20%" },
      ]);
    }
  });
});
