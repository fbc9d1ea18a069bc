import { describe, expect, it } from "vitest";
import { memoryAuthState } from "./auth-state";
import { describeAuthState } from "./auth-state.contract";

/** The in-memory adapter (one instance alone): the port's contract, and its bound on memory. */

describeAuthState("memory", { open: async () => memoryAuthState(), shared: false });

describe("memoryAuthState", () => {
  it("keeps at most maxKeys windows per counter, forgetting the oldest", async () => {
    let now = 0;
    const state = memoryAuthState({ now: () => now, maxKeys: 3 });
    const counter = { name: "logins", windowMs: 60_000 };
    for (const key of ["a", "b", "c", "d"]) await state.count(counter, key);
    // "a" was the oldest and was forgotten to make room; "d" is still counted.
    expect((await state.count(counter, "a")).count).toBe(1);
    expect((await state.count(counter, "d")).count).toBe(2);
    // Another counter has room of its own.
    expect((await state.count({ name: "submits", windowMs: 60_000 }, "a")).count).toBe(1);
    now = 15_000;
    expect((await state.count(counter, "d")).endsInMs).toBe(45_000);
  });

  it("forgets sign-outs by the session's expiry, on its clock", async () => {
    let now = 1_000_000;
    const state = memoryAuthState({ now: () => now });
    await state.signOut("s", now / 1000 + 10);
    expect(state.isSignedOut("s")).toBe(true);
    now += 10_000;
    expect(state.isSignedOut("s")).toBe(false);
  });
});
