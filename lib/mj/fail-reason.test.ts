import { describe, expect, it } from "vitest";
import { classifyFailure } from "./fail-reason";

describe("classifyFailure", () => {
  it.each([
    ["可能包含敏感词", "banned"],
    ["Banned prompt detected: 'gore'", "banned"],
    ["[Invalid parameter] Unrecognized parameter(s): `--foo`", "invalidParameter"],
    ["执行超时 5 分钟", "timeout"],
    ["任务提交超时", "timeout"],
    ["上游任务超时（超过1小时）", "timeout"],
    ["超时，未找到消息", "timeout"],
    ["取消任务", "cancelled"],
    ["提交失败，队列已满，请稍后重试", "queueFull"],
    ["something unexpected", "unknown"],
    [null, "unknown"],
    ["", "unknown"],
  ] as const)("%j → %s", (reason, kind) => {
    expect(classifyFailure(reason)).toBe(kind);
  });
});
