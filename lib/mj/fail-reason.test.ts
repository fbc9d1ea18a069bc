import { describe, expect, it } from "vitest";
import { classifyFailure, classifyRefusal, unknownActionCustomId } from "./fail-reason";

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

describe("classifyRefusal", () => {
  it.each([
    // trueai / novicezk (Chinese)
    [3, "任务不存在", "taskNotFound"],
    [3, "关联任务不存在或已失效", "taskNotFound"],
    [3, "目标任务不存在", "taskNotFound"],
    [4, "关联任务状态错误", "notReady"],
    [4, "未知的 Action 类型", "unsupportedAction"],
    [4, "该任务不支持重新生成", "unsupportedAction"],
    [4, "任务类型错误", "unsupportedAction"],
    [4, "当前账号不支持 remix，请开启 remix 功能", "remixOff"],
    [9, "未开启 REMIX，无法使用视频扩展功能", "remixOff"],
    [4, "视频功能未启用", "featureOff"],
    [4, "禁止上传", "featureOff"],
    [3, "无可用的账号实例", "unavailable"],
    [4, "服务暂不可用，请联系管理员", "unavailable"],
    [9, "提交失败，队列已满，请稍后重试", "queueFull"],
    [4, "队列数已达上限", "queueFull"],
    [4, "用户今日绘图次数已达上限", "limitReached"],
    [4, "并发数已达上限", "limitReached"],
    [4, "可能包含敏感词", "banned"],
    [4, "违规", "banned"],
    [4, "无效参数", "invalidInput"],
    [4, "参数错误", "invalidInput"],
    [4, "prompt不能为空", "invalidInput"],
    [4, "base64格式错误", "invalidInput"],
    [4, "图片参数错误，2~5张图片", "invalidInput"],
    [4, "maskBase64不能为空", "invalidInput"],
    // new-api relays' own codes (English)
    [4, "task_no_found ", "taskNotFound"],
    [4, "task_not_found ", "taskNotFound"],
    [4, "unknown_action:MJ::BOOKMARK::3f1c8a2e-5b7d-4e2a-9c1f-0a1b2c3d4e5f ", "unsupportedAction"],
    [4, "quota_not_enough ", "quota"],
    [4, "custom_id_is_required ", "invalidInput"],
    [4, "bind_request_body_failed ", "invalidInput"],
    // a code that names its reason when the text is unknown or missing
    [24, "", "banned"],
    [23, "something", "queueFull"],
    [3, "", "taskNotFound"],
    [9, "something unexpected", "unknown"],
    [4, "", "unknown"],
  ] as const)("code %i %j → %s", (code, description, kind) => {
    expect(classifyRefusal(code, description)).toBe(kind);
  });
});

describe("unknownActionCustomId", () => {
  it.each([
    [
      "unknown_action:MJ::JOB::animate_high::1::3f1c8a2e-5b7d::SOLO ",
      "MJ::JOB::animate_high::1::3f1c8a2e-5b7d::SOLO",
    ],
    // a hardened fork appends the request id
    ["unknown_action:MJ::Job::PicReader::2 (request id: 2026abc)", "MJ::Job::PicReader::2"],
    ["未知的 Action 类型", null],
    ["task_no_found ", null],
    ["unknown_action:", null],
    [null, null],
  ])("%j → %j", (description, customId) => {
    expect(unknownActionCustomId(description)).toBe(customId);
  });
});
