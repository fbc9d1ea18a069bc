import { parseCustomId } from "./buttons";
import type { ChangeRequest } from "./requests";
import type { Button } from "./task";

/**
 * novicezk's change actions (§3.10) as the button of the parent task that does the same: U n is
 * the grid's `upsample::n`, V n its `variation::n`, REROLL its reroll. The customId is read from
 * the task's own buttons, never built (§5), so it is whatever the upstream would accept.
 */
export function changeCustomId(buttons: readonly Button[], change: ChangeRequest): string | null {
  const wanted =
    change.action === "UPSCALE"
      ? { kind: "upscale", variant: "grid" }
      : change.action === "VARIATION"
        ? { kind: "vary", variant: "grid" }
        : { kind: "reroll", variant: "job" };
  const found = buttons.find((button) => {
    const parsed = parseCustomId(button.customId);
    return (
      parsed.kind === wanted.kind &&
      parsed.variant === wanted.variant &&
      (change.action === "REROLL" || parsed.index === change.index)
    );
  });
  return found?.customId ?? null;
}

/** How a change is written in Discord and in novicezk's descriptions: U2, V3, R. */
export function changeLabel(change: ChangeRequest): string {
  return change.action === "REROLL" ? "R" : `${change.action[0]}${change.index}`;
}
