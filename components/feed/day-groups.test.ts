import { describe, expect, it } from "vitest";
import { makeTask } from "@/lib/testing/tasks";
import { dayHeading, dayOf, feedRows } from "./day-groups";

// 2026-03-08 is the day New York moves its clocks forward (23 hours long).
const at = (iso: string) => Date.parse(iso);

describe("dayOf", () => {
  it("is the calendar day of the time zone, not of UTC", () => {
    const instant = at("2026-12-02T02:30:00Z");
    expect(dayOf(instant, "UTC")).toBe("2026-12-02");
    expect(dayOf(instant, "America/New_York")).toBe("2026-12-01");
    expect(dayOf(at("2026-12-02T17:00:00Z"), "Asia/Shanghai")).toBe("2026-12-03");
  });
});

describe("feedRows", () => {
  const task = (id: string, iso: string | null) =>
    makeTask({ id, submitTime: iso === null ? null : at(iso) });

  it("puts a heading before each local day's first job, newest first", () => {
    const tasks = [
      task("3", "2026-12-02T09:00:00Z"),
      task("2", "2026-12-02T01:00:00Z"),
      task("1", "2026-12-01T23:00:00Z"),
    ];
    const rows = (timeZone: string) => feedRows(tasks, "2026-12-02", timeZone).map((row) => row.key);
    expect(rows("UTC")).toEqual(["day:2026-12-02", "3", "2", "day:2026-12-01", "1"]);
    // In Shanghai (UTC+8) all three fall on the 2nd; in New York the last two on the 1st.
    expect(rows("Asia/Shanghai")).toEqual(["day:2026-12-02", "3", "2", "1"]);
    expect(rows("America/New_York")).toEqual(["day:2026-12-02", "3", "day:2026-12-01", "2", "1"]);
  });

  it("keeps a job without a time with the one before it, and with today when it leads", () => {
    const rows = feedRows(
      [task("3", null), task("2", "2026-11-30T12:00:00Z"), task("1", null)],
      "2026-12-02",
      "UTC",
    );
    expect(rows.map((row) => row.key)).toEqual(["day:2026-12-02", "3", "day:2026-11-30", "2", "1"]);
  });

  it("is empty for no jobs", () => {
    expect(feedRows([], "2026-12-02")).toEqual([]);
  });
});

describe("dayHeading", () => {
  it("says today and yesterday, across a day of 23 hours too", () => {
    expect(dayHeading("2026-03-09", "2026-03-09", "en")).toEqual({ relative: "today" });
    expect(dayHeading("2026-03-08", "2026-03-09", "en")).toEqual({ relative: "yesterday" });
    expect(dayHeading("2026-02-28", "2026-03-01", "en")).toEqual({ relative: "yesterday" });
  });

  it("names an older day in the locale's words, with the year only when it is another one", () => {
    expect(dayHeading("2026-11-30", "2026-12-02", "en")).toEqual({ date: "Monday, November 30" });
    expect(dayHeading("2026-11-30", "2026-12-02", "zh-CN")).toEqual({ date: "11月30日星期一" });
    expect(dayHeading("2025-12-30", "2026-01-02", "en")).toEqual({ date: "Tuesday, December 30, 2025" });
  });
});
