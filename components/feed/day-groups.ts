import type { Task } from "@/lib/mj/task";

/**
 * The Create feed as rows: each local day's jobs under a heading of that day. Pure, so the day
 * boundaries can be tested in any time zone and the list stays a flat array the virtualiser can
 * count. Keys are stable: a day's heading and a job keep theirs when newer jobs come in on top.
 */
export type FeedRow = { kind: "day"; key: string; day: string } | { kind: "task"; key: string; task: Task };

const DAY_MS = 86_400_000;

/** The calendar day (`YYYY-MM-DD`) an instant falls on in a time zone (the browser's by default). */
export function dayOf(ms: number, timeZone?: string): string {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).formatToParts(ms);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return `${part("year")}-${part("month")}-${part("day")}`;
}

/** When a job happened, for grouping: when it was submitted, else started or finished. */
const timeOf = (task: Task) => task.submitTime ?? task.startTime ?? task.finishTime;

/**
 * Headings before the first job of each day, in the feed's order. A job that says no time belongs
 * with the one before it (with today when it comes first).
 */
export function feedRows(tasks: readonly Task[], today: string, timeZone?: string): FeedRow[] {
  const rows: FeedRow[] = [];
  let current: string | null = null;
  for (const task of tasks) {
    const time = timeOf(task);
    const day: string = time === null ? (current ?? today) : dayOf(time, timeZone);
    if (day !== current) {
      rows.push({ kind: "day", key: `day:${day}`, day });
      current = day;
    }
    rows.push({ kind: "task", key: task.id, task });
  }
  return rows;
}

/** Midnight UTC of a calendar day: days compare as whole numbers, whatever the clocks did (DST). */
const utcOf = (day: string) => Date.parse(`${day}T00:00:00Z`);

/** A day's heading: "today", "yesterday", or the date in the locale's words (with the year when it is not this one). */
export function dayHeading(
  day: string,
  today: string,
  locale: string,
): { relative: "today" | "yesterday" } | { date: string } {
  const daysAgo = Math.round((utcOf(today) - utcOf(day)) / DAY_MS);
  if (daysAgo === 0) return { relative: "today" };
  if (daysAgo === 1) return { relative: "yesterday" };
  const date = new Intl.DateTimeFormat(locale, {
    timeZone: "UTC",
    weekday: "long",
    month: "long",
    day: "numeric",
    ...(day.slice(0, 4) === today.slice(0, 4) ? {} : { year: "numeric" }),
  }).format(utcOf(day));
  return { date };
}
