"use client";

import { useCallback, useSyncExternalStore } from "react";

/** Fired in this tab on a write; other tabs hear the browser's own "storage" event. */
const LOCAL_WRITE = "mj-studio:stored";

function subscribe(onChange: () => void) {
  window.addEventListener("storage", onChange);
  window.addEventListener(LOCAL_WRITE, onChange);
  return () => {
    window.removeEventListener("storage", onChange);
    window.removeEventListener(LOCAL_WRITE, onChange);
  };
}

function read(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    // Storage refused (a privacy mode): nothing was remembered.
    return null;
  }
}

/**
 * A string remembered in localStorage. The server, and the hydrating render, see null, so what is
 * remembered appears only once the page is interactive and never causes a hydration mismatch; open
 * tabs follow each other's writes.
 */
export function useStoredString(key: string): [string | null, (value: string | null) => void] {
  const value = useSyncExternalStore(
    subscribe,
    () => read(key),
    () => null,
  );
  const write = useCallback(
    (next: string | null) => {
      try {
        if (next === null) localStorage.removeItem(key);
        else localStorage.setItem(key, next);
      } catch {
        // Not remembered, but this visit still works.
      }
      window.dispatchEvent(new Event(LOCAL_WRITE));
    },
    [key],
  );
  return [value, write];
}
