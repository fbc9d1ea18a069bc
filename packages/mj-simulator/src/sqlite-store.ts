import { createHash, randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { effectiveEnd, type ActiveJob } from "./lifecycle";
import type { TaskRecord } from "./record";
import type { Attachment, TaskStore } from "./store";

/**
 * Task records in SQLite, so demo-mode tasks (and the images they were made from) survive a
 * server restart. A record is one JSON document; the buffers inside it (reference images, masks,
 * blend inputs, describe images) go to a content-addressed blob table, so a reference image shared
 * by a whole chain of tasks is stored once.
 */

interface BlobRef {
  $blob: string;
}

function isBlobRef(value: unknown): value is BlobRef {
  return typeof value === "object" && value !== null && typeof (value as Partial<BlobRef>).$blob === "string";
}

interface Row {
  id: string;
  data: string;
}

/** Decoded records kept in front of the database: polling reads the same few tasks again and again. */
const CACHE_SIZE = 512;

export class SqliteTaskStore implements TaskStore {
  private readonly db: Database.Database;
  private readonly cache = new Map<string, TaskRecord>();
  readonly signingSecret: string;
  private readonly statements;

  constructor(file: string) {
    mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    this.db = new Database(file);
    this.db.pragma("journal_mode = WAL");
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS tasks (
        id TEXT PRIMARY KEY,
        submit_time INTEGER NOT NULL,
        start_at REAL,
        end_at REAL,
        data TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS tasks_end_at ON tasks (end_at);
      CREATE INDEX IF NOT EXISTS tasks_submit ON tasks (submit_time, id);
      CREATE TABLE IF NOT EXISTS blobs (hash TEXT PRIMARY KEY, data BLOB NOT NULL);
      CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS attachments (
        path TEXT PRIMARY KEY,
        content_type TEXT NOT NULL,
        width INTEGER NOT NULL,
        height INTEGER NOT NULL,
        data BLOB NOT NULL
      );
    `);
    this.statements = {
      get: this.db.prepare<[string], { data: string }>("SELECT data FROM tasks WHERE id = ?"),
      save: this.db.prepare(
        `INSERT INTO tasks (id, submit_time, start_at, end_at, data) VALUES (@id, @submitTime, @startAt, @endAt, @data)
         ON CONFLICT (id) DO UPDATE SET start_at = excluded.start_at, end_at = excluded.end_at, data = excluded.data`,
      ),
      many: this.db.prepare<[string], Row>(
        "SELECT id, data FROM tasks WHERE id IN (SELECT value FROM json_each(?)) ORDER BY submit_time, id",
      ),
      latest: this.db.prepare<[number], Row>(
        "SELECT id, data FROM tasks ORDER BY submit_time DESC, id DESC LIMIT ?",
      ),
      active: this.db.prepare<[number], ActiveJob>(
        "SELECT start_at AS startAt, end_at AS endAt FROM tasks WHERE end_at > ? AND start_at IS NOT NULL",
      ),
      putBlob: this.db.prepare("INSERT OR IGNORE INTO blobs (hash, data) VALUES (?, ?)"),
      getBlob: this.db.prepare<[string], { data: Buffer }>("SELECT data FROM blobs WHERE hash = ?"),
      getMeta: this.db.prepare<[string], { value: string }>("SELECT value FROM meta WHERE key = ?"),
      putMeta: this.db.prepare("INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)"),
      putAttachment: this.db.prepare(
        "INSERT OR REPLACE INTO attachments (path, content_type, width, height, data) VALUES (@path, @contentType, @width, @height, @data)",
      ),
      getAttachment: this.db.prepare<[string], Omit<Attachment, "path">>(
        "SELECT content_type AS contentType, width, height, data FROM attachments WHERE path = ?",
      ),
    };
    this.statements.putMeta.run("signingSecret", randomBytes(32).toString("hex"));
    this.signingSecret = this.statements.getMeta.get("signingSecret")!.value;
  }

  get(id: string): TaskRecord | undefined {
    const cached = this.cache.get(id);
    if (cached) return cached;
    const row = this.statements.get.get(id);
    return row ? this.remember(this.decode(row.data)) : undefined;
  }

  save(record: TaskRecord): void {
    this.statements.save.run({
      id: record.id,
      submitTime: record.submitTime,
      startAt: record.schedule?.startAt ?? null,
      // The slot a job holds ends at success, at a banned-word failure, or at its cancel.
      endAt: effectiveEnd(record),
      data: JSON.stringify(this.encode(record)),
    });
    this.remember(record);
  }

  getMany(ids: readonly string[]): TaskRecord[] {
    return this.statements.many.all(JSON.stringify(ids)).map((row) => this.fromRow(row));
  }

  latest(limit: number): TaskRecord[] {
    return this.statements.latest.all(limit).map((row) => this.fromRow(row));
  }

  activeJobs(now: number): ActiveJob[] {
    return this.statements.active.all(now);
  }

  saveAttachment(attachment: Attachment): void {
    this.statements.putAttachment.run(attachment);
  }

  attachment(path: string): Attachment | undefined {
    const row = this.statements.getAttachment.get(path);
    return row ? { path, ...row } : undefined;
  }

  close(): void {
    this.cache.clear();
    this.db.close();
  }

  private remember(record: TaskRecord): TaskRecord {
    this.cache.delete(record.id);
    this.cache.set(record.id, record);
    for (const id of this.cache.keys()) {
      if (this.cache.size <= CACHE_SIZE) break;
      this.cache.delete(id);
    }
    return record;
  }

  /** A cached copy saves decoding the row (and loading its blobs) again. */
  private fromRow(row: Row): TaskRecord {
    return this.cache.get(row.id) ?? this.remember(this.decode(row.data));
  }

  /** Deep copy with every Buffer replaced by a reference to the blob table. */
  private encode(value: unknown): unknown {
    if (Buffer.isBuffer(value)) {
      const hash = createHash("sha256").update(value).digest("hex");
      this.statements.putBlob.run(hash, value);
      return { $blob: hash } satisfies BlobRef;
    }
    if (Array.isArray(value)) return value.map((item) => this.encode(item));
    if (value !== null && typeof value === "object") {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.encode(v)]));
    }
    return value;
  }

  private decode(data: string): TaskRecord {
    // Rows are written only by `save` above, from records this module was given; they are not
    // foreign input, so they are read back as the TaskRecord they were.
    return JSON.parse(data, (_key, value: unknown) => {
      if (!isBlobRef(value)) return value;
      const blob = this.statements.getBlob.get(value.$blob);
      if (!blob) throw new Error(`simulator store: missing blob ${value.$blob}`);
      return blob.data;
    }) as TaskRecord;
  }
}
