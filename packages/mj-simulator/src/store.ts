import { randomBytes } from "node:crypto";
import { effectiveEnd, type ActiveJob } from "./lifecycle";
import type { TaskRecord } from "./record";

/**
 * Where task records live. Records are treated as immutable values: a change is a new record
 * saved under the same id.
 */
export interface TaskStore {
  get(id: string): TaskRecord | undefined;
  save(record: TaskRecord): void;
  /** The known ones among `ids`, in submit order (as the servers answer list-by-condition). */
  getMany(ids: readonly string[]): TaskRecord[];
  /** The newest `limit` tasks, newest first. */
  latest(limit: number): TaskRecord[];
  /** Jobs that still hold or wait for a slot at `now`. */
  activeJobs(now: number): ActiveJob[];
  /** Key for signing media links; persisted so links survive a restart. */
  readonly signingSecret: string;
  close(): void;
}

const DEFAULT_MEMORY_TASKS = 20_000;

function submitOrder(a: TaskRecord, b: TaskRecord): number {
  return a.submitTime - b.submitTime || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function activeJob(record: TaskRecord, now: number): ActiveJob | null {
  const end = effectiveEnd(record);
  return record.schedule && end !== null && end > now
    ? { startAt: record.schedule.startAt, endAt: end }
    : null;
}

/** Memory only, bounded: a long-running demo forgets its oldest tasks instead of growing forever. */
export class MemoryTaskStore implements TaskStore {
  private readonly records = new Map<string, TaskRecord>();
  readonly signingSecret = randomBytes(32).toString("hex");

  constructor(private readonly maxTasks = DEFAULT_MEMORY_TASKS) {}

  get(id: string): TaskRecord | undefined {
    return this.records.get(id);
  }

  save(record: TaskRecord): void {
    // Map keeps first-insertion order, so an update does not make an old task look new.
    this.records.set(record.id, record);
    for (const id of this.records.keys()) {
      if (this.records.size <= this.maxTasks) break;
      this.records.delete(id);
    }
  }

  getMany(ids: readonly string[]): TaskRecord[] {
    return [...new Set(ids)]
      .map((id) => this.records.get(id))
      .filter((r): r is TaskRecord => r !== undefined)
      .sort(submitOrder);
  }

  latest(limit: number): TaskRecord[] {
    return [...this.records.values()].sort((a, b) => submitOrder(b, a)).slice(0, limit);
  }

  activeJobs(now: number): ActiveJob[] {
    const jobs: ActiveJob[] = [];
    for (const record of this.records.values()) {
      const job = activeJob(record, now);
      if (job) jobs.push(job);
    }
    return jobs;
  }

  close(): void {
    this.records.clear();
  }
}
