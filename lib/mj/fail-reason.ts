/**
 * Upstream failure texts (Chinese from trueai, English from Midjourney, relays' own) mapped to a
 * few plain-language kinds the UI can explain. The raw text is still shown as detail.
 */
export type FailKind = "banned" | "invalidParameter" | "timeout" | "cancelled" | "queueFull" | "unknown";

const RULES: { kind: FailKind; pattern: RegExp }[] = [
  { kind: "banned", pattern: /敏感词|banned|moderation|community guidelines|blocked|not allowed|违规/i },
  { kind: "invalidParameter", pattern: /invalid parameter|参数|unrecognized parameter|invalid value|aspect ratio/i },
  { kind: "cancelled", pattern: /取消|cancel/i },
  { kind: "queueFull", pattern: /队列已满|queue (is )?full|too many|并发|上限/i },
  { kind: "timeout", pattern: /超时|timed? ?out|timeout/i },
];

export function classifyFailure(reason: string | null): FailKind {
  if (!reason) return "unknown";
  return RULES.find((rule) => rule.pattern.test(reason))?.kind ?? "unknown";
}
