import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { until } from "@/lib/testing/wait";
import type { AuthState, RateWindow } from "./auth-state";

/**
 * The AuthState contract, run against every adapter. `open()` answers an instance over the
 * harness's current data; with `shared`, a second `open()` is another app instance on the same
 * database, which must honour what the first decided: a sign-out (once its notification
 * arrives), and every count (a limit holds exactly across instances).
 */
export interface AuthStateHarness {
  open(): Promise<AuthState>;
  /** Whether two instances opened by the harness share their state (PostgreSQL), or each has its own (memory). */
  shared: boolean;
}

const sessionId = () => randomBytes(16).toString("base64url");
const inAnHour = () => Math.floor(Date.now() / 1000) + 3600;
const window = (windowMs = 60_000): RateWindow => ({ name: `w-${randomBytes(4).toString("hex")}`, windowMs });

export function describeAuthState(name: string, harness: AuthStateHarness): void {
  describe(`AuthState contract: ${name}`, () => {
    it("knows a sign-out at once, and only for that session", async () => {
      const state = await harness.open();
      await state.loaded();
      const [gone, kept] = [sessionId(), sessionId()];
      expect(state.isSignedOut(gone)).toBe(false);
      await state.signOut(gone, inAnHour());
      expect(state.isSignedOut(gone)).toBe(true);
      expect(state.isSignedOut(kept)).toBe(false);
      // Signing out twice is harmless.
      await state.signOut(gone, inAnHour());
      expect(state.isSignedOut(gone)).toBe(true);
    });

    it("forgets a sign-out once its session has expired anyway", async () => {
      const state = await harness.open();
      const expired = sessionId();
      await state.signOut(expired, Math.floor(Date.now() / 1000) - 1);
      expect(state.isSignedOut(expired)).toBe(false);
    });

    it("counts events per key and per counter, and says when the window ends", async () => {
      const state = await harness.open();
      const [logins, submits] = [window(60_000), window(60_000)];
      const counts: number[] = [];
      for (let i = 0; i < 3; i++) counts.push((await state.count(logins, "a")).count);
      expect(counts).toEqual([1, 2, 3]);
      expect((await state.count(logins, "b")).count).toBe(1);
      expect((await state.count(submits, "a")).count).toBe(1);
      const { endsInMs } = await state.count(logins, "a");
      expect(endsInMs).toBeGreaterThan(50_000);
      expect(endsInMs).toBeLessThanOrEqual(60_000);
    });

    it("starts a new window once the last one ended", async () => {
      const state = await harness.open();
      const short = window(300);
      expect((await state.count(short, "a")).count).toBe(1);
      expect((await state.count(short, "a")).count).toBe(2);
      await until(async () => (await state.count(short, "a")).count === 1, "a new window", {
        intervalMs: 100,
      });
      expect((await state.count(short, "a")).count).toBe(2);
    });

    it("takes one event back, or forgets the key's window", async () => {
      const state = await harness.open();
      const counter = window();
      for (let i = 0; i < 3; i++) await state.count(counter, "a");
      await state.uncount(counter, "a");
      expect((await state.count(counter, "a")).count).toBe(3);
      await state.reset(counter, "a");
      expect((await state.count(counter, "a")).count).toBe(1);
      // Nothing to take back: the count stays at what was counted, never below.
      await state.reset(counter, "b");
      await state.uncount(counter, "b");
      expect((await state.count(counter, "b")).count).toBe(1);
    });

    it("answers each of many counts at once with its own number", async () => {
      const state = await harness.open();
      const counter = window();
      const counts = await Promise.all(
        Array.from({ length: 40 }, async () => (await state.count(counter, "a")).count),
      );
      expect(counts.toSorted((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    });

    if (!harness.shared) return;

    it("a sign-out on one instance is refused on another, and known to one that starts later", async () => {
      const [a, b] = [await harness.open(), await harness.open()];
      await Promise.all([a.loaded(), b.loaded()]);
      const gone = sessionId();
      await a.signOut(gone, inAnHour());
      await until(async () => b.isSignedOut(gone), "instance B hearing of the sign-out");
      const later = await harness.open();
      await later.loaded();
      expect(later.isSignedOut(gone)).toBe(true);
    });

    it("counts of two instances at once share one window: a limit holds exactly", async () => {
      const [a, b] = [await harness.open(), await harness.open()];
      const counter = window();
      const limit = 7;
      const attempts = await Promise.all(
        Array.from({ length: 30 }, async (_, i) => (await (i % 2 ? a : b).count(counter, "client")).count),
      );
      expect(attempts.toSorted((x, y) => x - y)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
      expect(attempts.filter((count) => count <= limit)).toHaveLength(limit);
      // What one takes back or forgets, the other sees.
      await a.reset(counter, "client");
      expect((await b.count(counter, "client")).count).toBe(1);
      await b.uncount(counter, "client");
      expect((await a.count(counter, "client")).count).toBe(1);
    });
  });
}
