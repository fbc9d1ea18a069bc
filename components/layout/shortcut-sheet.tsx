"use client";

import { useTranslations } from "next-intl";
import { useEffect, useState } from "react";
import { Dialog } from "@/components/ui/dialog";
import { SHORTCUT_GROUPS } from "./shortcuts";

/**
 * The sheet of every keyboard shortcut of the app, opened by `?` anywhere except while typing in
 * a field; Escape closes it (the dialog's own). Mounted once for the whole app.
 */
export function ShortcutSheet() {
  const t = useTranslations("shortcuts");
  const [open, setOpen] = useState(false);
  useEffect(() => {
    function onKeyDown(event: KeyboardEvent) {
      if (event.key !== "?" || event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented)
        return;
      if (
        event.target instanceof Element &&
        event.target.closest("input, textarea, select, [contenteditable]")
      )
        return;
      event.preventDefault();
      setOpen(true);
    }
    document.addEventListener("keydown", onKeyDown);
    return () => document.removeEventListener("keydown", onKeyDown);
  }, []);
  return (
    <Dialog open={open} onOpenChange={setOpen} title={t("title")} wide>
      <div className="grid gap-6 sm:grid-cols-2">
        {SHORTCUT_GROUPS.map((group) => (
          <section key={group.id} aria-labelledby={`shortcuts-${group.id}`}>
            <h3 id={`shortcuts-${group.id}`} className="mb-2 text-sm font-semibold">
              {t(`groups.${group.id}`)}
            </h3>
            <dl className="grid grid-cols-[auto_1fr] items-baseline gap-x-3 gap-y-1.5 text-sm">
              {group.keys.map((item) => (
                <div key={item.id} className="contents">
                  <dt className="flex flex-wrap gap-1">
                    {item.keys.map((key) => (
                      <kbd
                        key={key}
                        className="rounded border border-zinc-300 bg-zinc-50 px-1.5 py-0.5 font-mono text-xs dark:border-zinc-700 dark:bg-zinc-800"
                      >
                        {key}
                      </kbd>
                    ))}
                  </dt>
                  <dd>{t(`keys.${item.id}`)}</dd>
                </div>
              ))}
            </dl>
          </section>
        ))}
      </div>
    </Dialog>
  );
}
