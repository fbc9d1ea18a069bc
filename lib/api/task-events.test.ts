import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { subscribeTaskEvents, TASK_EVENTS_URL } from "./task-events";

/** The tab's one event stream, against a stand-in EventSource the test drives. */

class FakeEventSource {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 2;
  static made: FakeEventSource[] = [];
  readyState = FakeEventSource.OPEN;
  onmessage: ((event: { data: string }) => void) | null = null;
  onerror: (() => void) | null = null;
  constructor(readonly url: string) {
    FakeEventSource.made.push(this);
  }
  close() {
    this.readyState = FakeEventSource.CLOSED;
  }
  send(data: string) {
    this.onmessage?.({ data });
  }
}

const TASK = {
  id: "1700000000000001",
  action: "IMAGINE",
  status: "IN_PROGRESS",
  progress: "40%",
  buttons: [],
  properties: {},
};

beforeEach(() => {
  vi.useFakeTimers();
  FakeEventSource.made = [];
  vi.stubGlobal("EventSource", FakeEventSource);
});
afterEach(() => {
  vi.runAllTimers();
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

describe("subscribeTaskEvents", () => {
  it("opens one stream for every listener of the tab and hands each the parsed tasks", () => {
    const a: string[] = [];
    const b: string[] = [];
    const stopA = subscribeTaskEvents((tasks) => a.push(...tasks.map((t) => `${t.id}:${t.progress}`)));
    const stopB = subscribeTaskEvents((tasks) => b.push(...tasks.map((t) => t.id)));
    expect(FakeEventSource.made.map((s) => s.url)).toEqual([TASK_EVENTS_URL]);
    FakeEventSource.made[0]!.send(JSON.stringify([TASK]));
    FakeEventSource.made[0]!.send("not json");
    expect(a).toEqual([`${TASK.id}:40%`]);
    expect(b).toEqual([TASK.id]);
    stopA();
    stopB();
  });

  it("keeps the stream through a re-subscribe and closes it once the last listener has gone", () => {
    const stop = subscribeTaskEvents(() => {});
    stop();
    const again = subscribeTaskEvents(() => {});
    vi.advanceTimersByTime(5_000);
    expect(FakeEventSource.made.length).toBe(1);
    expect(FakeEventSource.made[0]!.readyState).toBe(FakeEventSource.OPEN);
    again();
    vi.advanceTimersByTime(5_000);
    expect(FakeEventSource.made[0]!.readyState).toBe(FakeEventSource.CLOSED);
  });

  it("opens the stream again some seconds after the server refused it", () => {
    const stop = subscribeTaskEvents(() => {});
    const first = FakeEventSource.made[0]!;
    first.readyState = FakeEventSource.CLOSED;
    first.onerror?.();
    expect(FakeEventSource.made.length).toBe(1);
    vi.advanceTimersByTime(5_000);
    expect(FakeEventSource.made.length).toBe(2);
    stop();
  });
});
