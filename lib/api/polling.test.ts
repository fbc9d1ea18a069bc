import { describe, expect, it } from "vitest";
import { createPollTracker, nextPollDelay } from "./polling";

describe("nextPollDelay", () => {
  it("stops when nothing is running", () => {
    expect(nextPollDelay({ pending: 0, failures: 0, unchanged: 0 })).toBe(false);
    expect(nextPollDelay({ pending: 0, failures: 3, unchanged: 9 })).toBe(false);
  });

  it("polls every second while tasks change, whatever their number", () => {
    expect(nextPollDelay({ pending: 1, failures: 0, unchanged: 0 })).toBe(1_000);
    expect(nextPollDelay({ pending: 50, failures: 0, unchanged: 0 })).toBe(1_000);
  });

  it("slows down while nothing changes, up to 5 s", () => {
    const delays = [0, 1, 2, 3, 4, 10].map((unchanged) =>
      nextPollDelay({ pending: 2, failures: 0, unchanged }),
    );
    expect(delays).toEqual([1_000, 1_500, 2_250, 3_375, 5_000, 5_000]);
  });

  it("backs off exponentially on errors, up to 15 s", () => {
    const delays = [1, 2, 3, 4, 5, 6, 20].map((failures) =>
      nextPollDelay({ pending: 1, failures, unchanged: 0 }),
    );
    expect(delays).toEqual([2_000, 4_000, 8_000, 15_000, 15_000, 15_000, 15_000]);
  });
});

describe("createPollTracker", () => {
  const task = (id: string, progress: string) => ({ id, status: "IN_PROGRESS", progress, imageUrl: null });

  it("counts answers in a row that look the same, whatever their order", () => {
    const tracker = createPollTracker();
    tracker.observe([task("a", "10%"), task("b", "0%")]);
    expect(tracker.unchanged).toBe(0);
    tracker.observe([task("b", "0%"), task("a", "10%")]);
    tracker.observe([task("a", "10%"), task("b", "0%")]);
    expect(tracker.unchanged).toBe(2);
  });

  it("starts over when anything a person would see moves", () => {
    const tracker = createPollTracker();
    tracker.observe([task("a", "10%")]);
    tracker.observe([task("a", "10%")]);
    tracker.observe([task("a", "20%")]);
    expect(tracker.unchanged).toBe(0);
  });
});
