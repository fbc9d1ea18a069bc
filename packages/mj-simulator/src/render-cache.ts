import { createHash } from "node:crypto";

/**
 * Recipes nest (an extend holds a video, which holds a grid, which may hold reference images), so
 * the same input buffers are hashed again for every level of a chain; remembering each buffer's
 * digest keeps a key O(size of the recipe) instead of O(bytes x depth). Inputs are decoded request
 * bodies that nobody mutates afterwards.
 */
const bufferDigests = new WeakMap<Uint8Array, string>();

function digestOf(bytes: Uint8Array): string {
  let digest = bufferDigests.get(bytes);
  if (digest === undefined) {
    digest = createHash("sha256").update(bytes).digest("hex");
    bufferDigests.set(bytes, digest);
  }
  return digest;
}

/** JSON with sorted object keys and binary data replaced by its sha256, so equal recipes built in
 * any key order (or parsed back from storage) share one cache entry. */
function canonical(value: unknown): string {
  if (value instanceof Uint8Array) return JSON.stringify({ sha256: digestOf(value) });
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** A stable content key for any recipe-like value. */
export function stableKey(value: unknown): string {
  return createHash("sha256").update(canonical(value)).digest("hex");
}

interface Entry<T> {
  promise: Promise<T>;
  /** 0 while the computation is running; only settled values count against the budget. */
  bytes: number;
}

/**
 * Least-recently-used memo of async results bounded by their total size. A running computation is
 * shared by every caller asking for the same key, so a burst of polls for one task renders once.
 * Failures are forgotten, so a later call can try again.
 */
export class ByteBudgetLru<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private totalBytes = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly sizeOf: (value: T) => number,
  ) {}

  memo(key: string, compute: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(key);
    if (hit) {
      // Map iteration order is insertion order: re-inserting marks the entry most recently used.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.promise;
    }
    const entry: Entry<T> = { promise: compute(), bytes: 0 };
    this.entries.set(key, entry);
    entry.promise.then(
      (value) => {
        if (this.entries.get(key) !== entry) return;
        entry.bytes = this.sizeOf(value);
        this.totalBytes += entry.bytes;
        this.evict();
      },
      () => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
      },
    );
    return entry.promise;
  }

  private evict(): void {
    for (const [key, entry] of this.entries) {
      if (this.totalBytes <= this.maxBytes) return;
      if (entry.bytes === 0) continue;
      this.entries.delete(key);
      this.totalBytes -= entry.bytes;
    }
  }
}
