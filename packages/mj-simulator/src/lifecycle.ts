import type { SpeedMode } from "./prompt";
import { unitHash } from "./random";
import type { OutputKind, Schedule, TaskAction, TaskRecord } from "./record";

/**
 * A task's life, computed from timestamps. The schedule is fixed when a job is enqueued; every
 * read works out where the task stands at that moment, so there are no timers to run or to lose.
 */

/** Midjourney's own progress steps; IN_PROGRESS walks through them at an even pace. */
export const PROGRESS_STEPS = [0, 15, 31, 46, 62, 78, 93] as const;
/** The step at which a banned prompt is caught: after a preview has already been seen. */
const BANNED_FAIL_STEP = 2;

const FAIL_REASON = {
  banned: "可能包含敏感词",
  cancelled: "取消任务",
} as const;

/** Time from enqueue to SUBMITTED when a slot is free: trueai's queue hand-off. */
const DISPATCH_MS = 300;
const SUBMITTED_MS = 700;
const SUBMITTED_JITTER_MS = 600;
const MODE_FACTOR: Record<SpeedMode, number> = { FAST: 1, RELAX: 2, TURBO: 0.5 };

/** A draft job takes about half the time of a full one (§11.2). */
const DRAFT_FACTOR = 0.5;

/** How long the generating part takes at speed 1, by what is being made. */
function workMs(action: TaskAction, output: OutputKind): number {
  if (output === "describe") return 2_500;
  if (output === "shorten") return 1_500;
  if (action === "VIDEO") return 8_000;
  if (action === "UPSCALE") return 2_500;
  if (action === "UPSCALE_HD") return 5_000;
  return 5_500;
}

export interface ActiveJob {
  startAt: number;
  endAt: number;
}

export interface JobTiming {
  speed: number;
  maxConcurrent: number;
}

export interface PlannedJob {
  schedule: Schedule;
  /** Jobs that must free a slot before this one starts (`numberOfQueues`, 0 when not queued). */
  ahead: number;
  /** True when the job has to wait for a slot: the submit answers code 22. */
  queued: boolean;
}

/**
 * Places a job behind the ones already running or waiting. Jobs take slots first come, first
 * served, so the `maxConcurrent` busiest slots end at the `maxConcurrent` latest end times and
 * the new job starts when the earliest of those frees up.
 */
export interface JobShape {
  id: string;
  action: TaskAction;
  output: OutputKind;
  mode: SpeedMode | null;
  banned: boolean;
  /** Midjourney refuses the job's parameters: it fails as soon as it is submitted. */
  rejection: string | null;
  draft: boolean;
}

export function planJob(job: JobShape, now: number, active: ActiveJob[], timing: JobTiming): PlannedJob {
  const scale = (MODE_FACTOR[job.mode ?? "FAST"] * (job.draft ? DRAFT_FACTOR : 1)) / timing.speed;
  const jitter = unitHash(job.id);
  const ready = now + DISPATCH_MS / timing.speed;
  const ends = active.map((j) => j.endAt).sort((a, b) => b - a);
  const slotFreeAt = ends.length >= timing.maxConcurrent ? ends[timing.maxConcurrent - 1]! : now;
  // Whole milliseconds: the wire carries int64 epoch ms.
  const startAt = Math.round(Math.max(ready, slotFreeAt));
  const progressAt = Math.round(startAt + (SUBMITTED_MS + jitter * SUBMITTED_JITTER_MS) / timing.speed);
  const endAt = Math.round(progressAt + workMs(job.action, job.output) * (0.85 + jitter * 0.3) * scale);
  const stepMs = (endAt - progressAt) / PROGRESS_STEPS.length;
  return {
    schedule: {
      enqueuedAt: now,
      startAt,
      progressAt,
      endAt,
      ...(job.rejection !== null
        ? { failAt: progressAt, failReason: job.rejection }
        : { failAt: job.banned ? Math.round(progressAt + stepMs * BANNED_FAIL_STEP) : null }),
    },
    ahead: slotFreeAt > now ? active.length - timing.maxConcurrent + 1 : 0,
    queued: slotFreeAt > now,
  };
}

/** When the job stops occupying a slot: success, a banned-word failure, or a cancel. */
export function effectiveEnd(record: Pick<TaskRecord, "schedule" | "cancelledAt">): number | null {
  const s = record.schedule;
  if (!s) return null;
  return Math.min(s.endAt, s.failAt ?? Infinity, record.cancelledAt ?? Infinity);
}

export type Phase =
  | { status: "MODAL" }
  | { status: "NOT_START" }
  | { status: "SUBMITTED"; startTime: number }
  | { status: "IN_PROGRESS"; startTime: number; percent: number; stepStartedAt: number }
  | { status: "SUCCESS"; startTime: number; finishTime: number }
  | { status: "FAILURE"; startTime: number | null; finishTime: number; reason: string };

function runningPhase(s: Schedule, t: number): Phase {
  if (t < s.startAt) return { status: "NOT_START" };
  if (t < s.progressAt) return { status: "SUBMITTED", startTime: s.startAt };
  if (t < s.endAt) {
    const stepMs = (s.endAt - s.progressAt) / PROGRESS_STEPS.length;
    const step = Math.min(PROGRESS_STEPS.length - 1, Math.floor((t - s.progressAt) / stepMs));
    return {
      status: "IN_PROGRESS",
      startTime: s.startAt,
      percent: PROGRESS_STEPS[step]!,
      stepStartedAt: s.progressAt + step * stepMs,
    };
  }
  return { status: "SUCCESS", startTime: s.startAt, finishTime: s.endAt };
}

/** Where a task stands at time `t`. */
export function phaseAt(record: Pick<TaskRecord, "schedule" | "cancelledAt">, t: number): Phase {
  const s = record.schedule;
  const cancelledAt = record.cancelledAt;
  if (cancelledAt !== null && cancelledAt <= t) {
    const before = s ? phaseAt({ schedule: s, cancelledAt: null }, cancelledAt) : null;
    // A cancel that arrived after the job ended changes nothing (the cancel route avoids
    // recording those, but a stored one must not rewrite history either).
    if (before?.status !== "SUCCESS" && before?.status !== "FAILURE") {
      const startTime = before && "startTime" in before ? before.startTime : null;
      return { status: "FAILURE", startTime, finishTime: cancelledAt, reason: FAIL_REASON.cancelled };
    }
  }
  if (!s) return { status: "MODAL" };
  if (s.failAt !== null && t >= s.failAt) {
    return {
      status: "FAILURE",
      startTime: s.startAt,
      finishTime: s.failAt,
      reason: s.failReason ?? FAIL_REASON.banned,
    };
  }
  return runningPhase(s, t);
}

export function isFinished(phase: Phase): boolean {
  return phase.status === "SUCCESS" || phase.status === "FAILURE";
}
