/**
 * Small files' bytes kept in memory, bounded by their total size: the least recently used go
 * first when more arrive. The media cache keeps its thumbnails here, so a gallery page is served
 * without touching storage (on this 2-core machine, a file's stat, open, read and close through
 * libuv's pool cost more than Next's whole per-request floor). Keys name content (blob key and
 * SHA-256): bytes under a key never change, so nothing here can go stale; what a deleted task
 * held is forgotten by prefix.
 */
export interface HotBytes {
  get(key: string): Uint8Array<ArrayBuffer> | undefined;
  /**
   * Keeps a copy of the bytes (of their own size: a view would hold its whole buffer), unless they
   * are larger than one entry may be; the least recently used go to make room.
   */
  set(key: string, bytes: Uint8Array): void;
  /** Forgets every entry whose key starts with `prefix`. */
  forget(prefix: string): void;
  /** Bytes held now (never above `maxBytes`). */
  readonly bytes: number;
  /** Entries held now. */
  readonly size: number;
}

export interface HotBytesOptions {
  /** Total bytes held at most. */
  maxBytes: number;
  /** Larger files are not kept (they would push out many small ones). */
  maxEntryBytes: number;
}

export function createHotBytes({ maxBytes, maxEntryBytes }: HotBytesOptions): HotBytes {
  // A Map iterates in insertion order: re-inserting on use keeps the least recently used first.
  const entries = new Map<string, Uint8Array<ArrayBuffer>>();
  let total = 0;

  function drop(key: string): void {
    const old = entries.get(key);
    if (!old) return;
    entries.delete(key);
    total -= old.byteLength;
  }

  return {
    get(key) {
      const bytes = entries.get(key);
      if (bytes) {
        entries.delete(key);
        entries.set(key, bytes);
      }
      return bytes;
    },
    set(key, bytes) {
      drop(key);
      if (bytes.byteLength > maxEntryBytes || bytes.byteLength > maxBytes) return;
      for (const [oldest, old] of entries) {
        if (total + bytes.byteLength <= maxBytes) break;
        entries.delete(oldest);
        total -= old.byteLength;
      }
      entries.set(key, new Uint8Array(bytes));
      total += bytes.byteLength;
    },
    forget(prefix) {
      for (const key of [...entries.keys()]) if (key.startsWith(prefix)) drop(key);
    },
    get bytes() {
      return total;
    },
    get size() {
      return entries.size;
    },
  };
}
