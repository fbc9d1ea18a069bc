import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { isAccepted, resultTaskIds, SUBMIT_CODE, submitResultSchema } from "./envelope";

const CHANNEL = "1118138338562560102";

describe("submitResultSchema", () => {
  it.each([
    [
      "code 1 (trueai submit, §2)",
      {
        code: 1,
        description: "提交成功",
        result: "1723456789012345",
        properties: { discordInstanceId: CHANNEL, discordChannelId: CHANNEL },
      },
      {
        code: 1,
        description: "提交成功",
        result: "1723456789012345",
        properties: { discordInstanceId: CHANNEL, discordChannelId: CHANNEL },
      },
    ],
    [
      "code 21 modal required, with finalPrompt",
      {
        code: 21,
        description: "Waiting for window confirm",
        result: "1723456789012346",
        properties: {
          finalPrompt: "a red fox in snow --ar 3:2 --v 7",
          remix: true,
          discordInstanceId: CHANNEL,
        },
      },
      {
        code: 21,
        description: "Waiting for window confirm",
        result: "1723456789012346",
        properties: {
          finalPrompt: "a red fox in snow --ar 3:2 --v 7",
          remix: true,
          discordInstanceId: CHANNEL,
        },
      },
    ],
    [
      "code 22 in queue, with numberOfQueues",
      {
        code: 22,
        description: "排队中，前面还有2个任务",
        result: "1723456789012347",
        properties: { numberOfQueues: 2, discordInstanceId: CHANNEL },
      },
      {
        code: 22,
        description: "排队中，前面还有2个任务",
        result: "1723456789012347",
        properties: { numberOfQueues: 2, discordInstanceId: CHANNEL },
      },
    ],
    [
      "code 24 banned prompt (novicezk)",
      {
        code: 24,
        description: "可能包含敏感词",
        result: null,
        properties: { promptEn: "a bloody scene", bannedWord: "bloody" },
      },
      {
        code: 24,
        description: "可能包含敏感词",
        result: null,
        properties: { promptEn: "a bloody scene", bannedWord: "bloody" },
      },
    ],
    [
      "numeric result (third-party docs)",
      { code: 1, description: "Submit success", result: 1723456789012345, properties: {} },
      { code: 1, description: "Submit success", result: "1723456789012345", properties: {} },
    ],
    [
      "array result (upload-discord-images)",
      {
        code: 1,
        description: "上传成功",
        result: [
          "https://cdn.discordapp.com/attachments/1/2/a.png",
          "https://cdn.discordapp.com/attachments/1/3/b.png",
        ],
        properties: {},
      },
      {
        code: 1,
        description: "上传成功",
        result: [
          "https://cdn.discordapp.com/attachments/1/2/a.png",
          "https://cdn.discordapp.com/attachments/1/3/b.png",
        ],
        properties: {},
      },
    ],
    [
      "null properties and description (relay)",
      { code: 1, description: null, result: "1723456789012348", properties: null },
      { code: 1, description: "", result: "1723456789012348", properties: {} },
    ],
    [
      "missing properties, description and result",
      { code: 9 },
      { code: 9, description: "", result: null, properties: {} },
    ],
    [
      "code as a numeric string",
      {
        code: "22",
        description: "排队中，前面还有1个任务",
        result: "1723456789012349",
        properties: { numberOfQueues: 1 },
      },
      {
        code: 22,
        description: "排队中，前面还有1个任务",
        result: "1723456789012349",
        properties: { numberOfQueues: 1 },
      },
    ],
    [
      "negative code as a string",
      { code: "-1", description: "x" },
      { code: -1, description: "x", result: null, properties: {} },
    ],
    [
      "wrongly typed optional fields",
      { code: 4, description: 17, result: { id: "1" }, properties: "none" },
      { code: 4, description: "", result: null, properties: {} },
    ],
    [
      "mixed array result",
      { code: 1, result: ["a", 2] },
      { code: 1, description: "", result: ["a", "2"], properties: {} },
    ],
  ])("%s", (_, body, expected) => {
    expect(submitResultSchema.parse(body)).toEqual(expected);
  });

  it.each([
    ["missing code", { description: "提交成功", result: "1" }],
    ["non-numeric code", { code: "ok", result: "1" }],
    ["fractional code", { code: 1.5, result: "1" }],
    [
      "trueai's generic error envelope",
      { success: false, message: "并发数已达上限", timestamp: "638590000000000000" },
    ],
    ["not an object", "1723456789012345"],
  ])("refuses %s", (_, body) => {
    expect(submitResultSchema.safeParse(body).success).toBe(false);
  });
});

describe("resultTaskIds", () => {
  it.each([
    ["a,b, c", ["a", "b", "c"]],
    ["1723456789012345", ["1723456789012345"]],
    [
      "1723456789012345,1723456789012346,1723456789012347,1723456789012348",
      ["1723456789012345", "1723456789012346", "1723456789012347", "1723456789012348"],
    ],
    [" a , ,b,", ["a", "b"]],
    ["", []],
    [null, []],
    [
      ["x", " y "],
      ["x", "y"],
    ],
  ] as const)("%j → %j", (result, ids) => {
    expect(resultTaskIds(result as string | string[] | null)).toEqual(ids);
  });

  it("reads the ids out of a parsed Imagine-all envelope", () => {
    const envelope = submitResultSchema.parse({
      code: 1,
      description: "提交成功",
      result: "101,102,103,104",
      properties: {},
    });
    expect(resultTaskIds(envelope.result)).toEqual(["101", "102", "103", "104"]);
  });
});

describe("isAccepted", () => {
  it.each([
    [SUBMIT_CODE.success, true],
    [SUBMIT_CODE.existed, true],
    [SUBMIT_CODE.inQueue, true],
    [SUBMIT_CODE.notFound, false],
    [SUBMIT_CODE.validationError, false],
    [SUBMIT_CODE.failure, false],
    [SUBMIT_CODE.queueRejected, false],
    [SUBMIT_CODE.bannedPrompt, false],
    [5, false],
    [30, false],
    [-1, false],
    [0, false],
  ])("code %d → %s", (code, accepted) => {
    expect(isAccepted(code)).toBe(accepted);
  });

  it("uses the codes of §2.1, as docs/protocol.md lists them", () => {
    // The table's rows read `| 21 | EXISTED | …`; SUBMIT_CODE names them in camelCase.
    const section = readFileSync(path.join(process.cwd(), "docs", "protocol.md"), "utf8").split(
      "### 2.1",
    )[1]!;
    const rows = [...section.split("### 2.2")[0]!.matchAll(/^\| (\d+) \| ([A-Z_]+) \|/gm)];
    const documented = Object.fromEntries(
      rows.map(([, code, name]) => [
        name!.toLowerCase().replace(/_(\w)/g, (_, c: string) => c.toUpperCase()),
        Number(code),
      ]),
    );
    expect(rows.length).toBeGreaterThanOrEqual(8);
    expect(SUBMIT_CODE).toEqual(documented);
  });
});
