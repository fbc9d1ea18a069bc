"use client";

import { useTranslations } from "next-intl";
import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from "react";
import { TASK_STATUS, type Task } from "@/lib/mj/task";

const STORAGE_KEY = "mj-notify";
const subscribe = () => () => {};

/**
 * When a task finishes while the tab is in the background, the tab title counts it and, if the
 * user allowed it, a browser notification says so. Back in the tab, the title is restored.
 */
export function useBackgroundNotifications() {
  const t = useTranslations("task.notification");
  const supported = useSyncExternalStore(
    subscribe,
    () => "Notification" in window,
    () => false,
  );
  // Read once on the client; the button that shows it only renders after hydration (`supported`).
  const [enabled, setEnabled] = useState(
    () =>
      typeof window !== "undefined" &&
      "Notification" in window &&
      localStorage.getItem(STORAGE_KEY) === "1" &&
      Notification.permission === "granted",
  );
  const unseen = useRef(0);
  const baseTitle = useRef<string | null>(null);

  useEffect(() => {
    const restore = () => {
      if (document.visibilityState !== "visible" || baseTitle.current === null) return;
      document.title = baseTitle.current;
      baseTitle.current = null;
      unseen.current = 0;
    };
    document.addEventListener("visibilitychange", restore);
    return () => document.removeEventListener("visibilitychange", restore);
  }, []);

  const onFinished = useCallback(
    (tasks: Task[]) => {
      if (document.visibilityState === "visible") return;
      baseTitle.current ??= document.title;
      unseen.current += tasks.length;
      document.title = `(${unseen.current}) ${t("title")} · ${baseTitle.current}`;
      if (!enabled || Notification.permission !== "granted") return;
      for (const task of tasks) {
        new Notification(task.status === TASK_STATUS.success ? t("done") : t("failed"), {
          body: task.prompt ?? "",
          tag: task.id,
        });
      }
    },
    [enabled, t],
  );

  const toggle = useCallback(async () => {
    if (enabled) {
      localStorage.removeItem(STORAGE_KEY);
      return setEnabled(false);
    }
    const permission = await Notification.requestPermission();
    const granted = permission === "granted";
    if (granted) localStorage.setItem(STORAGE_KEY, "1");
    setEnabled(granted);
  }, [enabled]);

  return { supported, enabled, toggle, onFinished };
}
