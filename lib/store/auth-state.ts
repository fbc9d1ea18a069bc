/**
 * The AuthState port: what access control must remember between requests, and what instances
 * sharing one database must agree on. Which sessions were signed out (until they would have
 * expired anyway), and how many events (wrong passwords, submissions) each key has spent in its
 * rate-limit window. The single-instance default is `memoryAuthState`: in this process's memory,
 * reset by a restart. The PostgreSQL adapter is pg-auth-state.ts.
 *
 * Windows are fixed: the first event of a key opens a window of `windowMs`; every event until it
 * ends is counted in it, refused ones included (so a caller over its limit stays over it until the
 * window ends, however many times it asks); the next event after it opens a new one.
 */

/** A rate limit's counter: its name (one set of keys per name) and the length of its windows. */
export interface RateWindow {
  name: string;
  windowMs: number;
}

/** A key's window once an event was counted in it. */
export interface WindowCount {
  /** Events counted in the window, this one included. */
  count: number;
  /** Milliseconds until the window ends and counting starts again. */
  endsInMs: number;
}

export interface AuthState {
  /**
   * Whether the session was signed out, from memory on every adapter (it is asked on every
   * request): on PostgreSQL, a sign-out on another instance is known here once its NOTIFY arrives.
   */
  isSignedOut(sessionId: string): boolean;
  /** Signs the session out (everywhere), until `expiresAt` (Unix seconds), when its token expires. */
  signOut(sessionId: string, expiresAt: number): Promise<void>;
  /**
   * Counts one event of `key` and answers its window's count: one atomic step, so however many
   * instances count at once, each count is answered once and `count > limit` holds exactly.
   */
  count(window: RateWindow, key: string): Promise<WindowCount>;
  /** Takes back one event counted in the key's current window (an attempt that turned out allowed). */
  uncount(window: RateWindow, key: string): Promise<void>;
  /** Forgets the key's window. */
  reset(window: RateWindow, key: string): Promise<void>;
  /** Resolves once the sign-outs recorded before this instance started are known. */
  loaded(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Memory alone, for one instance. No I/O: every method answers at once. At most `maxKeys` keys per
 * counter, so a flood of distinct clients cannot grow memory (the oldest windows are forgotten).
 */
export function memoryAuthState({
  now = Date.now,
  maxKeys = 10_000,
}: { now?: () => number; maxKeys?: number } = {}): AuthState {
  /** Session id → expiry (Unix seconds). */
  const signedOut = new Map<string, number>();
  const counters = new Map<string, Map<string, { count: number; endsAt: number }>>();
  const windowsOf = (name: string) => {
    let windows = counters.get(name);
    if (!windows) counters.set(name, (windows = new Map()));
    return windows;
  };

  function current(window: RateWindow, key: string, at: number) {
    const windows = windowsOf(window.name);
    const open = windows.get(key);
    if (open && open.endsAt <= at) {
      windows.delete(key);
      return undefined;
    }
    return open;
  }

  function makeRoom(windows: Map<string, { endsAt: number }>, at: number): void {
    if (windows.size < maxKeys) return;
    for (const [key, open] of windows) if (open.endsAt <= at) windows.delete(key);
    // Still full: forget the oldest windows (a Map iterates in insertion order).
    for (const key of windows.keys()) {
      if (windows.size < maxKeys) break;
      windows.delete(key);
    }
  }

  return {
    isSignedOut: (sessionId) => {
      const expiresAt = signedOut.get(sessionId);
      return expiresAt !== undefined && expiresAt * 1000 > now();
    },
    async signOut(sessionId, expiresAt) {
      const at = now();
      for (const [id, expiry] of signedOut) if (expiry * 1000 <= at) signedOut.delete(id);
      signedOut.set(sessionId, expiresAt);
    },
    async count(window, key) {
      const at = now();
      let open = current(window, key, at);
      if (open) open.count += 1;
      else {
        const windows = windowsOf(window.name);
        makeRoom(windows, at);
        open = { count: 1, endsAt: at + window.windowMs };
        windows.set(key, open);
      }
      return { count: open.count, endsInMs: open.endsAt - at };
    },
    async uncount(window, key) {
      const open = current(window, key, now());
      if (open && open.count > 0) open.count -= 1;
    },
    async reset(window, key) {
      windowsOf(window.name).delete(key);
    },
    loaded: async () => {},
    close: async () => {},
  };
}
