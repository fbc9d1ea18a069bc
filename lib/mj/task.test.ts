import { describe, expect, it } from "vitest";
import {
  boundText,
  isTerminalStatus,
  progressPercent,
  statusRank,
  TASK_TEXT_LIMITS,
  taskListSchema,
  taskSchema,
} from "./task";
import { LIMITS } from "./requests";

const JOB = "3f1c8a2e-5b7d-4e2a-9c1f-0a1b2c3d4e5f";
const CHANNEL = "1118138338562560102";

/** docs/protocol.md §4.8: a finished trueai IMAGINE on a Discord account (placeholders filled in). */
const TRUEAI_IMAGINE = {
  id: "1723456789012345",
  action: "IMAGINE",
  status: "SUCCESS",
  progress: "100%",
  prompt: "a red fox in snow --ar 3:2 --v 7",
  promptEn: "a red fox in snow --ar 3:2 --v 7",
  promptFull: "a red fox in snow --ar 3:2 --v 7",
  description: "/imagine a red fox in snow --ar 3:2 --v 7",
  state: "",
  submitTime: 1723456789012,
  startTime: 1723456790100,
  finishTime: 1723456840500,
  imageUrl: `https://cdn.discordapp.com/attachments/1/2/user_a_red_fox_${JOB}.png?ex=66b9&is=66b8&hm=ab12`,
  imageUrls: null,
  failReason: "",
  botType: "MID_JOURNEY",
  realBotType: null,
  mode: "FAST",
  requestMode: null,
  jobId: JOB,
  instanceId: CHANNEL,
  subInstanceId: null,
  parentId: null,
  isWhite: false,
  isDiscord: true,
  isPartner: false,
  isOfficial: false,
  buttons: [
    { customId: `MJ::JOB::upsample::1::${JOB}`, emoji: "", label: "U1", style: 2, type: 2 },
    { customId: `MJ::JOB::upsample::2::${JOB}`, emoji: "", label: "U2", style: 2, type: 2 },
    { customId: `MJ::JOB::upsample::3::${JOB}`, emoji: "", label: "U3", style: 2, type: 2 },
    { customId: `MJ::JOB::upsample::4::${JOB}`, emoji: "", label: "U4", style: 2, type: 2 },
    { customId: `MJ::JOB::reroll::0::${JOB}::SOLO`, emoji: "🔄", label: "", style: 2, type: 2 },
    { customId: `MJ::JOB::variation::1::${JOB}`, emoji: "", label: "V1", style: 2, type: 2 },
    { customId: `MJ::JOB::variation::2::${JOB}`, emoji: "", label: "V2", style: 2, type: 2 },
    { customId: `MJ::JOB::variation::3::${JOB}`, emoji: "", label: "V3", style: 2, type: 2 },
    { customId: `MJ::JOB::variation::4::${JOB}`, emoji: "", label: "V4", style: 2, type: 2 },
  ],
  properties: {
    notifyHook: null,
    botType: "MID_JOURNEY",
    nonce: "1270000000000000000",
    discordInstanceId: CHANNEL,
    discordChannelId: CHANNEL,
    finalPrompt: "a red fox in snow --ar 3:2 --v 7 --fast",
    messageId: "1270000000000000001",
    flags: 0,
    messageHash: JOB,
    messageContent: "**a red fox in snow --ar 3:2 --v 7** - <@123456789> (fast)",
  },
  url: "https://cdn.discordapp.com/attachments/1/2/fox.png",
  proxyUrl: "https://media.discordapp.net/attachments/1/2/fox.png",
  width: 1456,
  height: 976,
  size: 7340032,
  contentType: "image/png",
  videoUrl: null,
  videoUrls: null,
  videoType: null,
  isHdVideo: false,
  isCompleted: true,
  useTime: "50.40 s",
  version: "v 7",
  displays: {
    status: "SUCCESS",
    submitTime: "2024-08-12 17:59:49",
    startTime: "2024-08-12 17:59:50",
    finishTime: "2024-08-12 18:00:40",
    action: "IMAGINE",
    discordInstanceId: CHANNEL,
  },
};

/** §8: new-api's reduced DTO right after submit (Go zero values, nulls, `videoUrls` as `[{url}]`). */
const NEW_API_DTO = {
  id: "1723456789099999",
  action: "VIDEO",
  customId: "",
  botType: "",
  prompt: "https://example.com/start.png a paper boat drifting",
  promptEn: "",
  description: "",
  state: "",
  submitTime: 1723456789099,
  startTime: 0,
  finishTime: 0,
  imageUrl: "",
  videoUrl: "",
  videoUrls: [{ url: "https://cdn.midjourney.com/video/abc/0_0.mp4" }],
  status: "",
  progress: "0%",
  failReason: "",
  buttons: null,
  maskBase64: "",
  properties: null,
};

/** novicezk: the original open-source proxy (no buttons, no trueai extras, nulls for unset). */
const NOVICEZK_UPSCALE = {
  id: "1689231405853",
  action: "UPSCALE",
  status: "SUCCESS",
  prompt: "pixel art lighthouse",
  promptEn: "pixel art lighthouse",
  description: "/up 1689231405800 U2",
  state: null,
  submitTime: 1689231405854,
  startTime: 1689231442755,
  finishTime: 1689231544312,
  imageUrl: "https://cdn.discordapp.com/attachments/1/2/lighthouse.png",
  progress: "100%",
  failReason: null,
  properties: {
    notifyHook: null,
    finalPrompt: "pixel art lighthouse --v 5.2",
    progressMessageId: "1129000000000000000",
    referencedMessageId: "1129000000000000001",
    messageId: "1129000000000000002",
    messageHash: JOB,
    flags: 0,
    nonce: "1129000000000000003",
    discordInstanceId: CHANNEL,
  },
};

/** The response example of the fetch page in /work/shared/seeds (doc-rendered enums, JSON as published). */
const SEED_DOC_EXAMPLE = JSON.parse(String.raw`{
    "properties": { "property1": null, "property2": null },
    "id": "string",
    "parentId": "string",
    "botType": "/** MID_JOURNEY */\r\nMID_JOURNEY = 'MID_JOURNEY'",
    "realBotType": "/** MID_JOURNEY */\r\nMID_JOURNEY = 'MID_JOURNEY'",
    "userId": "string",
    "isWhite": true,
    "nonce": "string",
    "interactionMetadataId": "string",
    "messageId": "string",
    "remixModalMessageId": "string",
    "remixAutoSubmit": true,
    "remixModaling": true,
    "instanceId": "string",
    "subInstanceId": "string",
    "messageIds": ["string"],
    "action": "/** IMAGINE */\r\nIMAGINE = 'IMAGINE'",
    "status": "/** NOT_START */\r\nNOT_START = 'NOT_START'",
    "isCompleted": true,
    "prompt": "string",
    "promptEn": "string",
    "promptFull": "string",
    "description": "string",
    "state": "string",
    "submitTime": 0,
    "startTime": 0,
    "finishTime": 0,
    "imageUrl": "string",
    "baseImageUrl": "string",
    "imageUrls": [{ "url": "string", "thumbnail": "string" }],
    "thumbnailUrl": "string",
    "progress": "string",
    "failReason": "string",
    "buttons": [{ "customId": "string", "emoji": "string", "label": "string", "style": 0, "type": 0 }],
    "displays": { "property1": null, "property2": null },
    "seed": "string",
    "seedMessageId": "string",
    "jobId": "string",
    "isReplicate": true,
    "replicateSource": "string",
    "replicateTarget": "string",
    "mode": "/** RELAX */\r\nRELAX = 'RELAX'",
    "requestMode": "/** RELAX */\r\nRELAX = 'RELAX'",
    "url": "string",
    "proxyUrl": "string",
    "height": 0,
    "width": 0,
    "size": 0,
    "contentType": "string",
    "imageHeight": 0,
    "imageWidth": 0,
    "videoGenOriginImageUrl": "string",
    "videoDuration": 0,
    "frameCount": 0,
    "videoUrls": [{ "url": "string", "thumbnail": "string" }],
    "useTime": "string",
    "version": "string",
    "videoType": "string",
    "isHdVideo": true,
    "isVideo": true,
    "isVideoUpscale": true
}`) as Record<string, unknown>;

describe("taskSchema", () => {
  it("parses the trueai fetch example of §4.8", () => {
    const task = taskSchema.parse(TRUEAI_IMAGINE);
    expect(task).toMatchObject({
      id: "1723456789012345",
      action: "IMAGINE",
      status: "SUCCESS",
      progress: "100%",
      prompt: "a red fox in snow --ar 3:2 --v 7",
      description: "/imagine a red fox in snow --ar 3:2 --v 7",
      state: "",
      submitTime: 1723456789012,
      startTime: 1723456790100,
      finishTime: 1723456840500,
      imageUrl: TRUEAI_IMAGINE.imageUrl,
      imageUrls: null,
      videoUrl: null,
      videoUrls: null,
      failReason: "",
      botType: "MID_JOURNEY",
      mode: "FAST",
      parentId: null,
      width: 1456,
      height: 976,
      contentType: "image/png",
    });
    expect(task.buttons).toEqual(TRUEAI_IMAGINE.buttons);
    expect(task.properties).toEqual(TRUEAI_IMAGINE.properties);
    // Fields the schema does not name survive untouched.
    expect(task).toMatchObject({
      jobId: JOB,
      promptFull: "a red fox in snow --ar 3:2 --v 7",
      realBotType: null,
      isCompleted: true,
      useTime: "50.40 s",
      version: "v 7",
      size: 7340032,
      displays: TRUEAI_IMAGINE.displays,
    });
  });

  it("parses new-api's reduced DTO: zero times, empty status, null buttons/properties, [{url}] videos", () => {
    const task = taskSchema.parse(NEW_API_DTO);
    expect(task).toMatchObject({
      id: "1723456789099999",
      action: "VIDEO",
      status: "",
      progress: "0%",
      botType: "",
      submitTime: 1723456789099,
      startTime: null,
      finishTime: null,
      imageUrl: "",
      videoUrl: "",
      buttons: [],
      properties: {},
      customId: "",
      maskBase64: "",
    });
    expect(task.videoUrls).toEqual([
      { url: "https://cdn.midjourney.com/video/abc/0_0.mp4", thumbnail: null },
    ]);
    expect(task.imageUrls).toBeNull();
    expect(statusRank(task)).toBe(-1);
    expect(isTerminalStatus(task.status)).toBe(false);
  });

  it("parses a novicezk task (no buttons field at all)", () => {
    const task = taskSchema.parse(NOVICEZK_UPSCALE);
    expect(task).toMatchObject({
      id: "1689231405853",
      action: "UPSCALE",
      status: "SUCCESS",
      description: "/up 1689231405800 U2",
      state: null,
      failReason: null,
      progress: "100%",
      submitTime: 1689231405854,
      finishTime: 1689231544312,
      buttons: [],
      imageUrls: null,
      videoUrls: null,
      botType: null,
      mode: null,
    });
    expect(task.properties).toEqual(NOVICEZK_UPSCALE.properties);
  });

  it("reads the doc-rendered enum strings of the seed doc as bare names", () => {
    const task = taskSchema.parse(SEED_DOC_EXAMPLE);
    expect({ action: task.action, status: task.status, botType: task.botType, mode: task.mode }).toEqual({
      action: "IMAGINE",
      status: "NOT_START",
      botType: "MID_JOURNEY",
      mode: "RELAX",
    });
    // Only the named enum fields are normalised; unnamed ones are kept as sent.
    expect(task.realBotType).toBe("/** MID_JOURNEY */\r\nMID_JOURNEY = 'MID_JOURNEY'");
    expect(task).toMatchObject({
      id: "string",
      submitTime: null,
      startTime: null,
      finishTime: null,
      width: 0,
      height: 0,
      progress: "string",
      properties: { property1: null, property2: null },
      isVideo: true,
      isVideoUpscale: true,
    });
    expect(task.imageUrls).toEqual([{ url: "string", thumbnail: "string" }]);
    expect(task.buttons).toEqual([
      { customId: "string", emoji: "string", label: "string", style: 0, type: 0 },
    ]);
    expect(progressPercent(task.progress)).toBeNull();
  });

  it.each([
    ["IN_PROGRESS", "IN_PROGRESS"],
    ["  SUCCESS ", "SUCCESS"],
    ['/** FAILURE */\nFAILURE = "FAILURE"', "FAILURE"],
    ["/** MODAL */\r\nMODAL = 'MODAL'", "MODAL"],
    ["", ""],
    [null, ""],
    [undefined, ""],
  ])("normalises status %j to %j", (status, expected) => {
    expect(taskSchema.parse({ id: "1", status }).status).toBe(expected);
  });

  it("turns numeric id, progress, times and button fields into the wire forms", () => {
    const task = taskSchema.parse({
      id: 1723456789012345,
      status: "IN_PROGRESS",
      progress: 45,
      submitTime: "1723456789012",
      prompt: 42,
      buttons: [{ customId: `MJ::JOB::upsample::1::${JOB}`, emoji: null, label: null, style: "2", type: 2 }],
    });
    expect(task).toMatchObject({
      id: "1723456789012345",
      progress: "45%",
      submitTime: 1723456789012,
      prompt: "42",
    });
    expect(task.buttons).toEqual([
      { customId: `MJ::JOB::upsample::1::${JOB}`, emoji: "", label: "", style: null, type: 2 },
    ]);
    expect(statusRank(task)).toBeCloseTo(3.45, 10);
  });

  it("reads explicit nulls everywhere as null (or the empty default)", () => {
    const nulls = Object.fromEntries(Object.keys(TRUEAI_IMAGINE).map((key) => [key, null]));
    const task = taskSchema.parse({ ...nulls, id: "1723456789012345" });
    expect(task).toMatchObject({
      id: "1723456789012345",
      action: null,
      status: "",
      prompt: null,
      progress: null,
      submitTime: null,
      imageUrl: null,
      imageUrls: null,
      videoUrls: null,
      failReason: null,
      botType: null,
      mode: null,
      width: null,
      height: null,
      buttons: [],
      properties: {},
    });
  });

  it("keeps the task when single fields have the wrong type", () => {
    const task = taskSchema.parse({
      ...TRUEAI_IMAGINE,
      prompt: { text: "a fox" },
      submitTime: "yesterday",
      startTime: true,
      progress: ["100%"],
      width: 1456.5,
      height: "976",
      imageUrls: "https://cdn.midjourney.com/x/0_0.png",
      videoUrls: [
        { url: 5 },
        "https://cdn.midjourney.com/video/x/0_0.mp4",
        { thumbnail: "t.webp" },
        { url: "" },
      ],
      buttons: { customId: "MJ::JOB::upsample::1::x" },
      properties: ["finalPrompt"],
      botType: 7,
    });
    expect(task).toMatchObject({
      id: "1723456789012345",
      status: "SUCCESS",
      prompt: null,
      submitTime: null,
      startTime: null,
      finishTime: 1723456840500,
      progress: null,
      width: null,
      height: null,
      imageUrls: null,
      buttons: [],
      properties: {},
      botType: "7",
    });
    expect(task.videoUrls).toEqual([{ url: "https://cdn.midjourney.com/video/x/0_0.mp4", thumbnail: null }]);
  });

  it("keeps unknown fields, including ones a future server might add", () => {
    const task = taskSchema.parse({ ...TRUEAI_IMAGINE, isVideo: false, novelField: { nested: [1, 2] } });
    expect(task).toMatchObject({
      isVideo: false,
      novelField: { nested: [1, 2] },
      isWhite: false,
      instanceId: CHANNEL,
    });
  });

  it("drops link buttons and other buttons without a usable customId, keeping the order of the rest", () => {
    const task = taskSchema.parse({
      ...TRUEAI_IMAGINE,
      buttons: [
        { customId: `MJ::JOB::upsample::1::${JOB}`, emoji: "", label: "U1", style: 2, type: 2 },
        { label: "Web", style: 5, type: 2, url: `https://www.midjourney.com/jobs/${JOB}` },
        { customId: "", label: "Empty", style: 2, type: 2 },
        { customId: null, label: "Null", style: 2, type: 2 },
        "MJ::JOB::upsample::2",
        { customId: `MJ::BOOKMARK::${JOB}`, emoji: "❤️", label: "", style: 2, type: 2 },
      ],
    });
    expect(task.buttons.map((b) => b.customId)).toEqual([
      `MJ::JOB::upsample::1::${JOB}`,
      `MJ::BOOKMARK::${JOB}`,
    ]);
  });

  it("reads imageUrls items as {url, thumbnail} objects or bare strings", () => {
    const task = taskSchema.parse({
      id: "1",
      imageUrls: [
        {
          url: `https://cdn.midjourney.com/${JOB}/0_0.png`,
          thumbnail: `https://cdn.midjourney.com/${JOB}/0_0_640_N.webp`,
        },
        `https://cdn.midjourney.com/${JOB}/0_1.png`,
        { url: `https://cdn.midjourney.com/${JOB}/0_2.png`, thumbnail: null },
      ],
    });
    expect(task.imageUrls).toEqual([
      {
        url: `https://cdn.midjourney.com/${JOB}/0_0.png`,
        thumbnail: `https://cdn.midjourney.com/${JOB}/0_0_640_N.webp`,
      },
      { url: `https://cdn.midjourney.com/${JOB}/0_1.png`, thumbnail: null },
      { url: `https://cdn.midjourney.com/${JOB}/0_2.png`, thumbnail: null },
    ]);
  });

  it.each([
    ["missing id", { status: "SUCCESS" }],
    ["empty id", { id: "" }],
    ["object id", { id: { value: "1" } }],
    ["not an object", "1723456789012345"],
    ["null", null],
  ])("refuses a task with %s", (_, value) => {
    expect(taskSchema.safeParse(value).success).toBe(false);
  });
});

describe("bounded text", () => {
  it("cuts long text with an ellipsis, never halving an emoji, and leaves short text alone", () => {
    expect(boundText("short", 10)).toBe("short");
    expect(boundText("abcdefghijk", 10)).toBe("abcdefghi…");
    const cut = boundText("😀".repeat(10), 6);
    expect(cut).toBe("😀😀…");
    expect(boundText(cut, 6)).toBe(cut);
  });

  it("bounds prompts, free text and unknown fields but never a URL", () => {
    const url = `https://cdn.example.com/${"u".repeat(20_000)}.png`;
    const task = taskSchema.parse({
      ...TRUEAI_IMAGINE,
      prompt: "p".repeat(50_000),
      failReason: "f".repeat(50_000),
      imageUrl: url,
      promptFull: "x".repeat(50_000),
    });
    expect(task.prompt).toHaveLength(TASK_TEXT_LIMITS.promptChars);
    expect(task.failReason).toHaveLength(TASK_TEXT_LIMITS.textChars);
    expect(task.promptFull).toHaveLength(TASK_TEXT_LIMITS.promptChars);
    expect(task.imageUrl).toBe(url);
    expect(taskSchema.parse(task)).toEqual(task);
  });

  it("keeps the first 50 buttons, drops one whose customId is too long, and caps media lists", () => {
    const label = "l".repeat(4_000);
    const tooLong = { customId: `MJ::JOB::${"x".repeat(LIMITS.customIdChars)}`, label: "long" };
    const task = taskSchema.parse({
      ...TRUEAI_IMAGINE,
      buttons: [
        tooLong,
        ...Array.from({ length: 50_000 }, (_, i) => ({ customId: `MJ::JOB::upsample::${i}`, label })),
      ],
      imageUrls: Array.from({ length: 5_000 }, (_, i) => ({ url: `https://cdn.example.com/${i}.png` })),
      videoUrls: Array.from({ length: 5_000 }, (_, i) => `https://cdn.example.com/${i}.mp4`),
    });
    expect(task.buttons).toHaveLength(50);
    expect(task.buttons[0]?.customId).toBe("MJ::JOB::upsample::0");
    expect(task.buttons.at(-1)?.customId).toBe("MJ::JOB::upsample::49");
    expect(task.imageUrls).toHaveLength(100);
    expect(task.imageUrls?.[0]?.url).toBe("https://cdn.example.com/0.png");
    expect(task.videoUrls).toHaveLength(100);
    expect(taskSchema.parse(task)).toEqual(task);
  });

  it("bounds strings nested in properties, unknown fields and unknown button fields", () => {
    const long = "n".repeat(50_000);
    const task = taskSchema.parse({
      ...TRUEAI_IMAGINE,
      properties: { nested: { deeper: [long] } },
      extra: { list: Array.from({ length: 1_000 }, () => long) },
      buttons: [{ customId: "MJ::JOB::upsample::1", label: "U1", meta: { note: long } }],
    });
    const serialized = JSON.stringify(task);
    expect(serialized.length).toBeLessThan(1_000_000);
    expect(serialized).not.toContain("n".repeat(TASK_TEXT_LIMITS.textChars + 1));
    expect(task.properties.nested).toEqual({ deeper: [boundText(long, TASK_TEXT_LIMITS.textChars)] });
    expect(taskSchema.parse(task)).toEqual(task);
  });
});

describe("taskListSchema", () => {
  it("drops only the broken items, in order", () => {
    const tasks = taskListSchema.parse([
      TRUEAI_IMAGINE,
      { status: "SUCCESS" },
      NEW_API_DTO,
      null,
      "1723456789012345",
      { id: "" },
      NOVICEZK_UPSCALE,
      { id: 17, status: "FAILURE", progress: "" },
    ]);
    expect(tasks.map((t) => [t.id, t.status])).toEqual([
      ["1723456789012345", "SUCCESS"],
      ["1723456789099999", ""],
      ["1689231405853", "SUCCESS"],
      ["17", "FAILURE"],
    ]);
  });

  it("accepts an empty list and refuses a non-list", () => {
    expect(taskListSchema.parse([])).toEqual([]);
    expect(taskListSchema.safeParse({ items: [] }).success).toBe(false);
  });
});

describe("statusRank", () => {
  it.each([
    ["", null, -1],
    ["NOT_START", null, 0],
    ["MODAL", null, 0],
    ["SOMETHING_NEW", null, 0.5],
    ["SUBMITTED", "0%", 1],
    ["IN_PROGRESS", null, 3],
    ["IN_PROGRESS", "", 3],
    ["IN_PROGRESS", "0%", 3],
    ["IN_PROGRESS", "45%", 3.45],
    ["IN_PROGRESS", "100%", 4],
    ["FAILURE", "", 4],
    ["CANCEL", null, 4],
    ["SUCCESS", "100%", 5],
  ])("%j at %j ranks %d", (status, progress, rank) => {
    expect(statusRank({ status, progress })).toBeCloseTo(rank, 10);
  });

  it("orders the lifecycle strictly, so a stale update never wins", () => {
    const lifecycle = [
      { status: "", progress: "0%" },
      { status: "NOT_START", progress: null },
      { status: "SUBMITTED", progress: "0%" },
      { status: "IN_PROGRESS", progress: "12%" },
      { status: "IN_PROGRESS", progress: "64%" },
      { status: "FAILURE", progress: "" },
      { status: "SUCCESS", progress: "100%" },
    ];
    const ranks = lifecycle.map(statusRank);
    expect([...ranks].sort((a, b) => a - b)).toEqual(ranks);
    expect(new Set(ranks).size).toBe(ranks.length);
  });
});

describe("progressPercent", () => {
  it.each([
    ["45%", 45],
    ["0%", 0],
    ["100%", 100],
    ["12.5%", 12.5],
    ["150%", 100],
    ["", null],
    [null, null],
    ["string", null],
  ])("%j → %j", (progress, percent) => {
    expect(progressPercent(progress)).toBe(percent);
  });
});

describe("isTerminalStatus", () => {
  it.each([
    ["SUCCESS", true],
    ["FAILURE", true],
    ["CANCEL", true],
    ["NOT_START", false],
    ["SUBMITTED", false],
    ["MODAL", false],
    ["IN_PROGRESS", false],
    ["", false],
    ["success", false],
  ])("%s → %s", (status, terminal) => {
    expect(isTerminalStatus(status)).toBe(terminal);
  });
});
