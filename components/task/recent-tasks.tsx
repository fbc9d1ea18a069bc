"use client";

import { useQuery } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { recentTasksQuery } from "@/lib/api/queries";
import { progressPercent } from "@/lib/mj/task";

/** The most recent recorded tasks, read from the server's record so a reload loses nothing. */
export function RecentTasks() {
  const t = useTranslations("common.recent");
  const { data, error, isPending } = useQuery(recentTasksQuery());

  return (
    <section aria-labelledby="recent-heading" className="space-y-3">
      <h2 id="recent-heading" className="text-lg font-medium">
        {t("title")}
      </h2>
      {isPending && <p className="text-sm text-zinc-500">{t("loading")}</p>}
      {error && (
        <p role="alert" className="text-sm text-red-600">
          {error.message}
        </p>
      )}
      {data && data.items.length === 0 && <p className="text-sm text-zinc-500">{t("empty")}</p>}
      {data && data.items.length > 0 && (
        <ul className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-4">
          {data.items.map((task) => (
            <li
              key={task.id}
              className="overflow-hidden rounded-lg border border-zinc-200 dark:border-zinc-800"
            >
              <div className="aspect-square bg-zinc-200 dark:bg-zinc-800">
                {task.imageUrl && !task.contentType?.startsWith("video/") && (
                  // eslint-disable-next-line @next/next/no-img-element -- app media route, already sized by the upstream
                  <img
                    src={task.imageUrl}
                    alt={task.prompt ?? task.action ?? t("imageAlt")}
                    className="h-full w-full object-cover"
                  />
                )}
              </div>
              <div className="space-y-1 p-2 text-xs">
                <p className="line-clamp-2" title={task.prompt ?? undefined}>
                  {task.prompt || task.action}
                </p>
                <p className="text-zinc-500">
                  {task.status || t("pending")}
                  {progressPercent(task.progress) !== null && task.status === "IN_PROGRESS"
                    ? ` · ${progressPercent(task.progress)}%`
                    : ""}
                </p>
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
