"use client";

import { useTranslations } from "next-intl";
import { Button } from "@/components/ui/button";
import { cn } from "@/lib/cn";
import { upscalesListedClip } from "@/lib/images/grid";
import { describeButton, type ButtonGroup, type ButtonInfo } from "@/lib/mj/buttons";
import { isDraftResult } from "@/lib/mj/enhance";
import type { Task } from "@/lib/mj/task";
import { isFavorite } from "@/lib/mj/task-view";
import { BUTTON_ICONS } from "./button-icon";
import { EnhanceButton } from "./enhance-button";
import { useTaskWords } from "./task-words";

const GROUP_ORDER: ButtonGroup[] = ["upscale", "vary", "zoom", "pan", "video", "other"];

/**
 * Every button the upstream attached, grouped like Midjourney's web app. Known customIds get a
 * clear name in the user's language and an icon, with the upstream's label as the tooltip;
 * unknown ones still render with their upstream label. Midjourney's ❤️ is the app's favourite.
 * A draft result gets the app's own "Enhance" (no upstream button does it) in a row of its own.
 * The video U of a clip the page already plays itself is left out (upscalesListedClip).
 */
export function TaskButtons({
  task,
  busy,
  onPress,
  hidden = [],
  shortcut,
}: {
  task: Task;
  busy: string | null;
  onPress: (button: ButtonInfo) => void;
  hidden?: ButtonInfo["kind"][];
  /** The key that presses a button, where one does (the viewer's U, V, R). */
  shortcut?: (button: ButtonInfo) => string | undefined;
}) {
  const t = useTranslations("task.groups");
  const words = useTaskWords();
  const infos = task.buttons
    .map(describeButton)
    .filter((info) => !hidden.includes(info.kind) && !upscalesListedClip(task, info));
  const draft = isDraftResult(task);
  if (infos.length === 0 && !draft) return null;
  return (
    <div className="space-y-1.5">
      {GROUP_ORDER.map((group) => {
        const members = infos.filter((info) => info.group === group);
        if (members.length === 0) return null;
        return (
          <div key={group} role="group" aria-label={t(group)} className="flex flex-wrap items-center gap-1">
            <span className="w-14 shrink-0 text-[11px] tracking-wide text-zinc-500 uppercase" aria-hidden>
              {t(group)}
            </span>
            {members.map((info) => {
              const Icon = BUTTON_ICONS[info.icon];
              const used = task.buttons.find((b) => b.customId === info.customId)?.style === 1;
              const favorite = info.kind === "bookmark" ? isFavorite(task) : null;
              return (
                <Button
                  key={info.customId}
                  size="sm"
                  disabled={busy !== null}
                  aria-busy={busy === info.customId}
                  aria-pressed={favorite ?? undefined}
                  aria-keyshortcuts={shortcut?.(info)}
                  onClick={() => onPress(info)}
                  title={info.label}
                  // A button already pressed on this task (style 1) is outlined, as on Midjourney's site.
                  className={cn(used && "border-sky-500 text-sky-700 dark:border-sky-500 dark:text-sky-300")}
                >
                  <Icon className={cn("size-3.5", favorite && "fill-red-500 text-red-500")} aria-hidden />
                  <span>{words.button(info)}</span>
                </Button>
              );
            })}
          </div>
        );
      })}
      {draft && (
        <div role="group" aria-label={t("draft")} className="flex flex-wrap items-center gap-1">
          <span className="w-14 shrink-0 text-[11px] tracking-wide text-zinc-500 uppercase" aria-hidden>
            {t("draft")}
          </span>
          <EnhanceButton task={task} disabled={busy !== null} />
        </div>
      )}
    </div>
  );
}
