"use client";

import { useCallback, useState } from "react";

/**
 * Multi-select over a list, the way a file manager does it: a click toggles one item, a
 * shift-click sets the whole run from the last clicked item to this one like that item.
 */
export function useSelection(items: readonly { id: string }[]) {
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [anchor, setAnchor] = useState<number | null>(null);

  const toggle = useCallback(
    (index: number, range: boolean) => {
      const item = items[index];
      if (!item) return;
      const from = range && anchor !== null ? Math.min(anchor, index) : index;
      const to = range && anchor !== null ? Math.max(anchor, index) : index;
      setSelected((current) => {
        const next = new Set(current);
        const on = !current.has(item.id);
        for (const { id } of items.slice(from, to + 1)) {
          if (on) next.add(id);
          else next.delete(id);
        }
        return next;
      });
      setAnchor(index);
    },
    [items, anchor],
  );
  const selectAll = useCallback(() => setSelected(new Set(items.map((item) => item.id))), [items]);
  // Stable, so a page may clear the selection from its own memoised callbacks.
  const clear = useCallback(() => {
    setSelected(new Set());
    setAnchor(null);
  }, []);

  return {
    selected,
    /** In the order they were picked. */
    ids: [...selected],
    toggle,
    selectAll,
    clear,
  };
}
