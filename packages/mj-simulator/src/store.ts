import { randomBytes } from "node:crypto";
import { effectiveEnd, type ActiveJob } from "./lifecycle";
import type { MediaBody } from "./media";
import type { TaskRecord } from "./record";

/** An image stored by `upload-discord-images` (§3.9), served at `/attachments/<path>`. */
export interface Attachment extends MediaBody {
  /** `<yyyyMMdd>/<uuid>.<ext>`. */
  path: string;
}

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
  saveAttachment(attachment: Attachment): void;
  attachment(path: string): Attachment | undefined;
  /** Key for signing media links; persisted so links survive a restart. */
  readonly signingSecret: string;
  close(): void;
}

const DEFAULT_MEMORY_TASKS = 20_000;
/** Uploads are a few MB each: a long-running demo keeps the latest ones. */
const MEMORY_ATTACHMENTS = 200;

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
  private readonly attachments = new Map<string, Attachment>();
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

  saveAttachment(attachment: Attachment): void {
    this.attachments.set(attachment.path, attachment);
    for (const path of this.attachments.keys()) {
      if (this.attachments.size <= MEMORY_ATTACHMENTS) break;
      this.attachments.delete(path);
    }
  }

  attachment(path: string): Attachment | undefined {
    return this.attachments.get(path);
  }

  close(): void {
    this.records.clear();
    this.attachments.clear();
  }
}
