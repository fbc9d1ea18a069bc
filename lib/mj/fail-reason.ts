/**
 * Upstream texts (Chinese from trueai and novicezk, English from Midjourney, relays' own codes)
 * mapped to a few kinds the UI explains in the user's language. The raw text is still shown as
 * detail, so nothing the upstream said is lost.
 */

const BANNED = /敏感词|违规|banned|moderation|community guidelines|blocked|not allowed/i;

/** Why a task ended in FAILURE (`failReason`, docs/protocol.md §4.4). */
export type FailKind = "banned" | "invalidParameter" | "timeout" | "cancelled" | "queueFull" | "unknown";

const FAIL_RULES: { kind: FailKind; pattern: RegExp }[] = [
  { kind: "banned", pattern: BANNED },
  {
    kind: "invalidParameter",
    pattern: /invalid parameter|参数|unrecognized parameter|invalid value|aspect ratio/i,
  },
  { kind: "cancelled", pattern: /取消|cancel/i },
  { kind: "queueFull", pattern: /队列已满|queue (is )?full|too many|并发|上限/i },
  { kind: "timeout", pattern: /超时|timed? ?out|timeout/i },
];

export function classifyFailure(reason: string | null): FailKind {
  if (!reason) return "unknown";
  return FAIL_RULES.find((rule) => rule.pattern.test(reason))?.kind ?? "unknown";
}

/** Why a submit was refused: the envelope's `description` for a code other than 1/21/22 (§2.1, §3). */
export type RefusalKind =
  | "taskNotFound"
  | "notReady"
  | "unsupportedAction"
  | "remixOff"
  | "featureOff"
  | "unavailable"
  | "queueFull"
  | "limitReached"
  | "banned"
  | "quota"
  | "invalidInput"
  | "unknown";

/** Most specific first: "当前账号不支持 remix" is about remix, not an unsupported action. */
const REFUSAL_RULES: { kind: RefusalKind; pattern: RegExp }[] = [
  { kind: "taskNotFound", pattern: /任务不存在|task_no_found|task_not_found|task not found/i },
  { kind: "notReady", pattern: /任务状态错误/ },
  { kind: "remixOff", pattern: /remix/i },
  { kind: "unsupportedAction", pattern: /未知的 ?Action|unknown_action|不支持重新生成|任务类型错误/i },
  { kind: "featureOff", pattern: /未启用|禁止上传/ },
  { kind: "unavailable", pattern: /无可用的账号|服务暂不可用/ },
  { kind: "queueFull", pattern: /队列已满|队列数已达上限|queue (is )?full/i },
  { kind: "limitReached", pattern: /上限|too many/i },
  { kind: "banned", pattern: BANNED },
  { kind: "quota", pattern: /quota|额度|余额/i },
  {
    kind: "invalidInput",
    pattern: /参数|不能为空|格式错误|_is_required|bind_request_body_failed|invalid|--zoom/i,
  },
];

/** Codes that name their reason whatever the text says (§2.1). */
const REFUSAL_CODES: Partial<Record<number, RefusalKind>> = {
  3: "taskNotFound",
  23: "queueFull",
  24: "banned",
};

export function classifyRefusal(code: number, description: string | null): RefusalKind {
  const byText = description ? REFUSAL_RULES.find((rule) => rule.pattern.test(description))?.kind : undefined;
  return byText ?? REFUSAL_CODES[code] ?? "unknown";
}

/**
 * The button a relay refused because it cannot run it: new-api answers a customId it does not
 * classify with `unknown_action:<customId>` (docs/protocol.md §8.1), which no retry changes.
 * Null for any other refusal.
 */
export function unknownActionCustomId(description: string | null): string | null {
  const match = /^\s*unknown_action:\s*(\S+)/i.exec(description ?? "");
  return match?.[1] ?? null;
}
