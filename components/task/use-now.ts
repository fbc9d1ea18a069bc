"use client";

import { useSyncExternalStore } from "react";

/**
 * A shared clock for elapsed times: one interval per period for the whole page, whatever the
 * number of cards. (It drives rendering only; polling is the batched query.)
 */
const clocks = new Map<
  number,
  { now: number; listeners: Set<() => void>; timer?: ReturnType<typeof setInterval> }
>();

function clock(periodMs: number) {
  let entry = clocks.get(periodMs);
  if (!entry) {
    entry = { now: Date.now(), listeners: new Set() };
    clocks.set(periodMs, entry);
  }
  return entry;
}

export function useNow(periodMs = 1_000): number {
  const entry = clock(periodMs);
  return useSyncExternalStore(
    (listener) => {
      entry.listeners.add(listener);
      entry.timer ??= setInterval(() => {
        entry.now = Date.now();
        for (const l of entry.listeners) l();
      }, periodMs);
      return () => {
        entry.listeners.delete(listener);
        if (entry.listeners.size === 0 && entry.timer) {
          clearInterval(entry.timer);
          entry.timer = undefined;
        }
      };
    },
    () => entry.now,
    () => 0,
  );
}
