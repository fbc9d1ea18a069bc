/**
 * Fixed-window counters per key (a client, a session), in memory: they reset when the server
 * restarts and are not shared between server processes, which is enough for one self-hosted
 * instance. The number of keys is bounded so a flood of distinct clients cannot grow memory.
 */
export class RateLimiter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly maxKeys = 10_000,
  ) {}

  /** Whole seconds until `key` may act again; 0 when it may act now. */
  retryAfter(key: string, now = Date.now()): number {
    const window = this.current(key, now);
    return window && window.count >= this.limit ? Math.max(1, Math.ceil((window.resetAt - now) / 1000)) : 0;
  }

  /** Counts one event for `key`. */
  hit(key: string, now = Date.now()): void {
    const window = this.current(key, now);
    if (window) {
      window.count += 1;
      return;
    }
    this.prune(now);
    this.windows.set(key, { count: 1, resetAt: now + this.windowMs });
  }

  /** Counts an event if the key is under its limit; answers retryAfter (0 = allowed and counted). */
  take(key: string, now = Date.now()): number {
    const wait = this.retryAfter(key, now);
    if (wait === 0) this.hit(key, now);
    return wait;
  }

  reset(key: string): void {
    this.windows.delete(key);
  }

  private current(key: string, now: number) {
    const window = this.windows.get(key);
    if (window && window.resetAt <= now) {
      this.windows.delete(key);
      return undefined;
    }
    return window;
  }

  private prune(now: number): void {
    if (this.windows.size < this.maxKeys) return;
    for (const [key, window] of this.windows) if (window.resetAt <= now) this.windows.delete(key);
    // Still full: forget the oldest windows (Map iterates in insertion order).
    for (const key of this.windows.keys()) {
      if (this.windows.size < this.maxKeys) break;
      this.windows.delete(key);
    }
  }
}
