import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import {
  actionRequestSchema,
  base64ByteLength,
  blendRequestSchema,
  describeRequestSchema,
  editRequestSchema,
  imageInputSchema,
  imagineRequestSchema,
  LIMITS,
  listByConditionRequestSchema,
  listByIdsRequestSchema,
  modalRequestSchema,
  sniffBase64Image,
  taskIdSchema,
  TOO_LARGE,
  VIDEO_TYPES,
  videoRequestSchema,
} from "./requests";

type Format = "png" | "jpeg" | "webp" | "gif";
const FORMATS: Format[] = ["png", "jpeg", "webp", "gif"];

/** Real encoded bytes of a tiny image per format, as bare base64. */
const images = {} as Record<Format, string>;
const dataUrl = (format: Format) => `data:image/${format};base64,${images[format]}`;

beforeAll(async () => {
  const raw = sharp({ create: { width: 8, height: 6, channels: 3, background: { r: 200, g: 80, b: 40 } } });
  for (const format of FORMATS) {
    const bytes = await raw.clone().toFormat(format).toBuffer();
    images[format] = bytes.toString("base64");
  }
});

const TEXT_FILE = Buffer.from("This is a plain text file, not an image.\nSecond line.\n").toString("base64");

/** The 8-byte PNG signature plus an IHDR chunk header, then `size` zero bytes in total. */
function fakePng(size: number): string {
  const header = Buffer.from([
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
  ]);
  const bytes = Buffer.alloc(size);
  header.copy(bytes);
  return bytes.toString("base64");
}

function issuesOf(result: z.ZodSafeParseResult<unknown>) {
  expect(result.success).toBe(false);
  return result.error!.issues.map((i) => ({
    path: i.path,
    message: i.message,
    params: "params" in i ? i.params : undefined,
  }));
}

describe("imageInputSchema", () => {
  it.each(FORMATS)("accepts a real %s as a data URL and as bare base64", (format) => {
    expect(imageInputSchema.safeParse(dataUrl(format))).toEqual({ success: true, data: dataUrl(format) });
    expect(imageInputSchema.safeParse(images[format])).toEqual({ success: true, data: images[format] });
    expect(sniffBase64Image(images[format])).toBe(`image/${format}`);
  });

  it("accepts the jpg spelling and upper-case data URL prefixes (they are case-insensitive)", () => {
    expect(imageInputSchema.safeParse(`data:image/jpg;base64,${images.jpeg}`).success).toBe(true);
    expect(imageInputSchema.safeParse(`data:IMAGE/PNG;base64,${images.png}`).success).toBe(true);
    expect(imageInputSchema.safeParse(`DATA:IMAGE/PNG;BASE64,${images.png}`).success).toBe(true);
    expect(imageInputSchema.safeParse(`DATA:TEXT/PLAIN;BASE64,${images.png}`).success).toBe(false);
  });

  it.each([
    ["a text file as bare base64", TEXT_FILE],
    ["a text file behind an image data URL", `data:image/png;base64,${TEXT_FILE}`],
    ["a text/plain data URL", `data:text/plain;base64,${TEXT_FILE}`],
    ["an SVG data URL", `data:image/svg+xml;base64,${Buffer.from("<svg/>").toString("base64")}`],
    ["ftp://", "ftp://example.com/cat.png"],
    ["javascript:", "javascript:alert(document.cookie)"],
    ["a relative path", "/uploads/cat.png"],
    ["an http URL that does not parse", "https://"],
    ["an empty string", ""],
    ["base64 with a line break", () => `${images.png.slice(0, 40)}\n${images.png.slice(40)}`],
  ])("refuses %s", (_, value) => {
    const input = typeof value === "function" ? value() : value;
    const [issue, ...rest] = issuesOf(imageInputSchema.safeParse(input));
    expect(rest).toEqual([]);
    expect(issue!.params).toBeUndefined();
  });

  it("refuses a PNG-looking data URL whose text is garbage with the 'not an image' message", () => {
    expect(issuesOf(imageInputSchema.safeParse(`data:image/png;base64,${TEXT_FILE}`))).toEqual([
      {
        path: [],
        message: "image is not a PNG, JPEG, WebP or GIF (data URL, base64 or http(s) URL)",
        params: undefined,
      },
    ]);
    expect(issuesOf(imageInputSchema.safeParse(`data:text/plain;base64,${TEXT_FILE}`))).toEqual([
      {
        path: [],
        message: "image data URL must be data:image/(png|jpeg|webp|gif);base64,…",
        params: undefined,
      },
    ]);
  });

  it.each([
    "https://cdn.discordapp.com/attachments/1/2/cat.png?ex=66b9&is=66b8&hm=ab12",
    "http://127.0.0.1:8080/a.jpg",
    "HTTPS://EXAMPLE.COM/A.PNG",
  ])("accepts the http(s) URL %s", (url) => {
    expect(imageInputSchema.safeParse(url)).toEqual({ success: true, data: url });
  });

  it("refuses an http URL longer than 2048 characters", () => {
    expect(imageInputSchema.safeParse(`https://example.com/${"a".repeat(2030)}`).success).toBe(false);
  });

  it("marks an 11 MB image as TOO_LARGE", () => {
    const big = fakePng(11 * 1024 * 1024);
    expect(sniffBase64Image(big)).toBe("image/png");
    for (const value of [big, `data:image/png;base64,${big}`]) {
      expect(issuesOf(imageInputSchema.safeParse(value))).toEqual([
        { path: [], message: "image is larger than 10 MB", params: TOO_LARGE },
      ]);
    }
  });

  it("draws the size line at exactly 10 MB decoded", () => {
    expect(imageInputSchema.safeParse(fakePng(LIMITS.imageBytes)).success).toBe(true);
    expect(issuesOf(imageInputSchema.safeParse(fakePng(LIMITS.imageBytes + 1)))[0]!.params).toEqual(
      TOO_LARGE,
    );
  });

  it("reports TOO_LARGE at the image's path inside a request", () => {
    const big = fakePng(11 * 1024 * 1024);
    const issues = issuesOf(
      blendRequestSchema.safeParse({ base64Array: [dataUrl("png"), `data:image/png;base64,${big}`] }),
    );
    expect(issues).toEqual([
      { path: ["base64Array", 1], message: "image is larger than 10 MB", params: TOO_LARGE },
    ]);
  });

  it.each([0, 1, 2, 3, 4, 5, 100, 1001])("base64ByteLength matches the decoded size of %d bytes", (size) => {
    expect(base64ByteLength(Buffer.alloc(size).toString("base64"))).toBe(size);
  });
});

describe("blendRequestSchema", () => {
  const many = (n: number) => Array.from({ length: n }, (_, i) => dataUrl(FORMATS[i % FORMATS.length]!));

  it.each([
    [1, false],
    [2, true],
    [5, true],
    [6, false],
  ])("with %d images: accepted %s", (n, ok) => {
    const result = blendRequestSchema.safeParse({ base64Array: many(n), dimensions: "SQUARE" });
    expect(result.success).toBe(ok);
    if (!ok) expect(issuesOf(result).map((i) => i.message)).toEqual(["blend needs 2 to 5 images"]);
  });

  it("refuses an unknown dimensions value and a bad image among good ones", () => {
    expect(blendRequestSchema.safeParse({ base64Array: many(2), dimensions: "WIDE" }).success).toBe(false);
    expect(
      issuesOf(blendRequestSchema.safeParse({ base64Array: [dataUrl("png"), TEXT_FILE] })).map((i) => i.path),
    ).toEqual([["base64Array", 1]]);
  });
});

describe("imagineRequestSchema", () => {
  it("trims the prompt", () => {
    expect(imagineRequestSchema.parse({ prompt: "  a red fox in snow --ar 3:2 \n" })).toEqual({
      prompt: "a red fox in snow --ar 3:2",
    });
  });

  it.each([
    ["whitespace only", " \n\t  ", "prompt must not be empty"],
    ["8001 characters", "x".repeat(8001), "prompt is longer than 8000 characters"],
    ["a number", 42, "prompt must be a string"],
  ])("refuses a prompt of %s", (_, prompt, message) => {
    expect(issuesOf(imagineRequestSchema.safeParse({ prompt }))).toEqual([
      { path: ["prompt"], message, params: undefined },
    ]);
  });

  it("accepts 8000 characters, and 8001 when the extra one is whitespace", () => {
    expect(imagineRequestSchema.safeParse({ prompt: "x".repeat(8000) }).success).toBe(true);
    expect(imagineRequestSchema.safeParse({ prompt: `${"x".repeat(8000)} ` }).success).toBe(true);
  });

  it("takes up to 5 reference images", () => {
    const refs = (n: number) => Array.from({ length: n }, () => images.jpeg);
    expect(imagineRequestSchema.safeParse({ prompt: "a cat", base64Array: refs(5) }).success).toBe(true);
    expect(
      issuesOf(imagineRequestSchema.safeParse({ prompt: "a cat", base64Array: refs(6) })).map(
        (i) => i.message,
      ),
    ).toEqual(["at most 5 reference images"]);
  });

  it.each([
    [{ botType: "NIJI_JOURNEY" }, true],
    [{ botType: "niji_journey" }, false],
    [{ notifyHook: "https://hooks.example.com/mj" }, true],
    [{ notifyHook: "ftp://hooks.example.com/mj" }, false],
    [{ state: "s".repeat(255) }, true],
    [{ state: "s".repeat(256) }, false],
  ])("checks the common fields: %j → %s", (extra, ok) => {
    expect(imagineRequestSchema.safeParse({ prompt: "a cat", ...extra }).success).toBe(ok);
  });
});

describe("videoRequestSchema (§3.7)", () => {
  const START = "https://cdn.example.com/start.png";
  const ID = "1780000000000001";
  const messages = (body: unknown) => issuesOf(videoRequestSchema.safeParse(body)).map((i) => i.message);

  it("a new video: start and end frames (URL, data URL or base64), loop, motion, batch, SD/HD", () => {
    const body = {
      prompt: "  waves roll in  ",
      image: dataUrl("png"),
      endImage: images.jpeg,
      loop: true,
      motion: "high",
      batchSize: 2,
      videoType: VIDEO_TYPES.hd,
      sourceTaskId: ID,
      state: "s",
    };
    expect(videoRequestSchema.parse(body)).toEqual({ ...body, prompt: "waves roll in" });
    for (const image of [START, images.webp, dataUrl("gif")]) {
      expect(videoRequestSchema.safeParse({ image }).success).toBe(true);
    }
  });

  it.each([1, 2, 4])("takes a batch of %i", (batchSize) => {
    expect(videoRequestSchema.safeParse({ image: START, batchSize }).success).toBe(true);
  });

  it.each([
    ["a batch of 3", { batchSize: 3 }, "batchSize must be 1, 2 or 4"],
    ["a batch given as text", { batchSize: "4" }, "batchSize must be 1, 2 or 4"],
    ["a motion Midjourney does not have", { motion: "medium" }, "motion must be low or high"],
    ["loop as text", { loop: "true" }, "loop must be true or false"],
    [
      "a videoType that is not a token",
      { videoType: "vid 720; rm -rf" },
      "videoType must be a short token such as vid_1.1_i2v_720",
    ],
    [
      "an end frame that is not an image",
      { endImage: TEXT_FILE },
      "image is not a PNG, JPEG, WebP or GIF (data URL, base64 or http(s) URL)",
    ],
    [
      "a path-like sourceTaskId",
      { sourceTaskId: "../../etc" },
      "task id must be 1-64 letters, digits, '-' or '_'",
    ],
    [
      "a prompt with a control character",
      { prompt: "waves\u0000" },
      "prompt must not contain control characters",
    ],
  ])("refuses %s", (_, extra, message) => {
    expect(messages({ image: START, ...extra })).toEqual([message]);
  });

  it("passes on a videoType it does not know: the upstream is the authority", () => {
    expect(videoRequestSchema.safeParse({ image: START, videoType: "vid_2.0_i2v_1080" }).success).toBe(true);
    expect(VIDEO_TYPES).toEqual({ sd: "vid_1.1_i2v_480", hd: "vid_1.1_i2v_720" });
  });

  it("a prompt may be absent, empty or blank (Auto: the service sends the motion flag)", () => {
    expect(videoRequestSchema.parse({ image: START })).toEqual({ image: START });
    expect(videoRequestSchema.parse({ image: START, prompt: "   " })).toEqual({ image: START, prompt: "" });
  });

  it("a new video needs a start frame: image, or an image URL leading the prompt", () => {
    const needed = "a new video needs a start frame: image, or an image URL first in the prompt";
    expect(messages({ prompt: "waves roll in" })).toEqual([needed]);
    expect(messages({})).toEqual([needed]);
    expect(messages({ endImage: START, loop: true })).toEqual([needed]);
    expect(messages({ prompt: "waves https://cdn.example.com/a.png" })).toEqual([needed]);
    expect(messages({ prompt: "ftp://cdn.example.com/a.png waves" })).toEqual([needed]);
    for (const prompt of [`${START} waves`, ` <${START}> waves --motion high`]) {
      expect(videoRequestSchema.safeParse({ prompt }).success).toBe(true);
    }
  });

  it("an extend names the VIDEO task and its 0-based clip; a prompt is optional", () => {
    expect(videoRequestSchema.parse({ action: "extend", taskId: ID, index: 0 })).toEqual({
      action: "extend",
      taskId: ID,
      index: 0,
    });
    expect(
      videoRequestSchema.safeParse({
        action: "extend",
        taskId: ID,
        index: 3,
        prompt: "pull back",
        motion: "low",
      }).success,
    ).toBe(true);
  });

  it.each([
    ["no taskId", { action: "extend", index: 0 }, "extend needs the video's taskId and the clip index (0-3)"],
    [
      "no index",
      { action: "extend", taskId: ID },
      "extend needs the video's taskId and the clip index (0-3)",
    ],
    ["clip 4", { action: "extend", taskId: ID, index: 4 }, "index is the clip, 0 to 3"],
    ["clip -1", { action: "extend", taskId: ID, index: -1 }, "index is the clip, 0 to 3"],
    ["clip 1.5", { action: "extend", taskId: ID, index: 1.5 }, "index must be a whole number"],
    ["another action", { action: "upscale", taskId: ID, index: 0 }, 'action must be "extend"'],
    ["a taskId without extend", { image: START, taskId: ID }, 'taskId is only for action "extend"'],
    [
      "a path-like taskId",
      { action: "extend", taskId: "../1", index: 0 },
      "task id must be 1-64 letters, digits, '-' or '_'",
    ],
  ])("refuses an extend with %s", (_, body, message) => {
    expect(messages(body)).toContain(message);
  });

  it.each(["image", "endImage"])("marks an 11 MB %s as TOO_LARGE (413)", (field) => {
    const [issue] = issuesOf(
      videoRequestSchema.safeParse({ image: START, [field]: fakePng(11 * 1024 * 1024) }),
    );
    expect(issue).toEqual({ path: [field], message: "image is larger than 10 MB", params: TOO_LARGE });
  });
});

describe("editRequestSchema (§3.8, edits and retexture)", () => {
  const A_URL = "https://cdn.example.com/a.png";
  it("takes a prompt and an image (the erased area as transparency), with the app's lineage", () => {
    const body = {
      prompt: " a red boat ",
      image: dataUrl("png"),
      sourceTaskId: "1780000000000001",
      state: "e",
    };
    expect(editRequestSchema.parse(body)).toEqual({ ...body, prompt: "a red boat" });
    expect(editRequestSchema.safeParse({ prompt: "x", image: "https://cdn.example.com/a.png" }).success).toBe(
      true,
    );
  });

  it("has no mask: a maskBase64 (which no upstream reads here) is not passed on", () => {
    expect(editRequestSchema.parse({ prompt: "x", image: images.png, maskBase64: images.png })).toEqual({
      prompt: "x",
      image: images.png,
    });
  });

  it.each([
    ["no image", { prompt: "a red boat" }, ["image"]],
    ["no prompt", { image: A_URL }, ["prompt"]],
    ["a blank prompt", { prompt: "  ", image: A_URL }, ["prompt"]],
    ["text as the image", { prompt: "x", image: TEXT_FILE }, ["image"]],
    ["a path-like sourceTaskId", { prompt: "x", image: A_URL, sourceTaskId: "a/b" }, ["sourceTaskId"]],
  ])("refuses %s", (_, body, path) => {
    expect(issuesOf(editRequestSchema.safeParse(body)).map((i) => i.path)).toEqual([path]);
  });

  it("marks an 11 MB image as TOO_LARGE (413)", () => {
    const [issue] = issuesOf(editRequestSchema.safeParse({ prompt: "x", image: fakePng(11 * 1024 * 1024) }));
    expect(issue?.params).toEqual(TOO_LARGE);
  });
});

describe("describeRequestSchema", () => {
  it("needs base64 or link", () => {
    expect(issuesOf(describeRequestSchema.safeParse({}))).toEqual([
      { path: [], message: "describe needs an image: base64 or link", params: undefined },
    ]);
  });

  it.each([
    [{ base64: undefined as unknown as string }, false],
    [{ link: "https://cdn.example.com/cat.png" }, true],
    [{ link: "javascript:alert(1)" }, false],
    [{ link: "ftp://cdn.example.com/cat.png" }, false],
    [{ base64: "DATA_URL_PNG" }, true],
    [{ base64: "TEXT_FILE" }, false],
  ])("%j → accepted %s", (body, ok) => {
    const resolved = Object.fromEntries(
      Object.entries(body).map(([k, v]) => [
        k,
        v === "DATA_URL_PNG" ? dataUrl("png") : v === "TEXT_FILE" ? TEXT_FILE : v,
      ]),
    );
    expect(describeRequestSchema.safeParse(resolved).success).toBe(ok);
  });
});

describe("modalRequestSchema", () => {
  it("validates maskBase64 as an image", () => {
    expect(
      modalRequestSchema.parse({ taskId: "1723456789012346", prompt: "a fox", maskBase64: dataUrl("png") }),
    ).toEqual({
      taskId: "1723456789012346",
      prompt: "a fox",
      maskBase64: dataUrl("png"),
    });
    expect(
      issuesOf(modalRequestSchema.safeParse({ taskId: "1723456789012346", maskBase64: TEXT_FILE })).map(
        (i) => i.path,
      ),
    ).toEqual([["maskBase64"]]);
    expect(
      issuesOf(
        modalRequestSchema.safeParse({ taskId: "1723456789012346", maskBase64: fakePng(11 * 1024 * 1024) }),
      )[0]!.params,
    ).toEqual(TOO_LARGE);
  });

  it("lets the prompt be empty or absent but not too long, and checks the task id", () => {
    expect(modalRequestSchema.safeParse({ taskId: "1723456789012346" }).success).toBe(true);
    expect(modalRequestSchema.safeParse({ taskId: "1723456789012346", prompt: "" }).success).toBe(true);
    expect(
      modalRequestSchema.safeParse({ taskId: "1723456789012346", prompt: "x".repeat(8001) }).success,
    ).toBe(false);
    expect(modalRequestSchema.safeParse({ taskId: "../1723456789012346" }).success).toBe(false);
  });
});

describe("actionRequestSchema", () => {
  const customId = "MJ::JOB::upsample::1::3f1c8a2e-5b7d-4e2a-9c1f-0a1b2c3d4e5f";

  it("accepts a button press", () => {
    expect(actionRequestSchema.parse({ taskId: "1723456789012345", customId, enableRemix: true })).toEqual({
      taskId: "1723456789012345",
      customId,
      enableRemix: true,
    });
  });

  it.each([
    ["missing", { taskId: "1723456789012345" }, ["customId"]],
    ["empty", { taskId: "1723456789012345", customId: "" }, ["customId"]],
    ["too long", { taskId: "1723456789012345", customId: "M".repeat(513) }, ["customId"]],
    ["without a task", { customId }, ["taskId"]],
    [
      "with enableRemix as text",
      { taskId: "1723456789012345", customId, enableRemix: "yes" },
      ["enableRemix"],
    ],
  ])("refuses a customId %s", (_, body, path) => {
    expect(issuesOf(actionRequestSchema.safeParse(body)).map((i) => i.path)).toEqual([path]);
  });
});

describe("taskIdSchema", () => {
  it.each([
    ["1723456789012345", true],
    ["abc_DEF-123", true],
    ["a".repeat(64), true],
    ["../etc", false],
    ["a/b", false],
    ["a\\b", false],
    ["%2e%2e", false],
    ["..", false],
    ["", false],
    ["a".repeat(65), false],
    ["1723456789012345 ", false],
    ["1723456789012345\n", false],
  ])("%j → accepted %s", (id, ok) => {
    expect(taskIdSchema.safeParse(id).success).toBe(ok);
  });

  it("refuses a number", () => {
    expect(issuesOf(taskIdSchema.safeParse(1723456789012345))).toEqual([
      { path: [], message: "task id must be a string", params: undefined },
    ]);
  });
});

describe("id lists", () => {
  const ids = (n: number) => Array.from({ length: n }, (_, i) => String(1723456789012345 + i));

  it.each([
    [0, true],
    [200, true],
    [201, false],
  ])("list-by-ids with %d ids: accepted %s", (n, ok) => {
    expect(listByIdsRequestSchema.safeParse({ ids: ids(n) }).success).toBe(ok);
    expect(listByConditionRequestSchema.safeParse({ ids: ids(n) }).success).toBe(ok);
  });

  it("names the limit and refuses a path-like id inside the list", () => {
    expect(issuesOf(listByIdsRequestSchema.safeParse({ ids: ids(201) })).map((i) => i.message)).toEqual([
      "at most 200 ids per request",
    ]);
    expect(issuesOf(listByIdsRequestSchema.safeParse({ ids: ["1", "../etc"] })).map((i) => i.path)).toEqual([
      ["ids", 1],
    ]);
    expect(listByConditionRequestSchema.parse({})).toEqual({});
  });
});
