import { readdirSync } from "node:fs";
import path from "node:path";
import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import { LIMITS } from "@/lib/mj/requests";
import { callRoute, errorCode, type RouteCall } from "@/lib/testing/routes";
import { testServer } from "@/lib/testing/server-env";
import { waitForStatus } from "@/lib/testing/wait";

/**
 * The drop-in API's newer parts, called as Next calls them (demo mode, MJ_SPEED_VIA=both): the
 * speed prefixes `/api/mj-{fast,relax,turbo}/mj/...` (app/api/[speed]), shorten,
 * upload-discord-images, video, edits (and its alias edit) and retexture, with their limits.
 */

testServer();

const mirror = () => import("./[speed]/mj/[...path]/route");
const routes = {
  imagine: () => import("./mj/submit/imagine/route"),
  shorten: () => import("./mj/submit/shorten/route"),
  upload: () => import("./mj/submit/upload-discord-images/route"),
  video: () => import("./mj/submit/video/route"),
  edits: () => import("./mj/submit/edits/route"),
  edit: () => import("./mj/submit/edit/route"),
  retexture: () => import("./mj/submit/retexture/route"),
};

/**
 * Whether the demo simulator makes videos and edits yet (its own branch adds the routes): until
 * it does, a body that passes the app's checks reaches it and comes back not_supported (501).
 */

/** A call of `/api/<speed>/mj/<rest>` through the mirror, as Next routes it. */
function prefixed(speed: string, rest: string, init: RouteCall = {}) {
  return callRoute(mirror, {
    ...init,
    path: `/api/${speed}/mj/${rest}`,
    params: { speed, path: rest.split("/") } as unknown as Record<string, string>,
  });
}

const MB = 1024 * 1024;
let png = Buffer.alloc(0);

beforeAll(async () => {
  png = await sharp({ create: { width: 8, height: 8, channels: 3, background: "#3366cc" } })
    .png()
    .toBuffer();
});

/** A PNG padded with trailing bytes to exactly `bytes` bytes, as a data URL. */
const pngOfExactly = (bytes: number) =>
  `data:image/png;base64,${Buffer.concat([png, Buffer.alloc(bytes - png.length)]).toString("base64")}`;

describe("speed prefixes", () => {
  it("mirror every /api/mj route", async () => {
    const folders = (readdirSync(path.join(import.meta.dirname, "mj"), { recursive: true }) as string[])
      .filter((file) => path.basename(file) === "route.ts")
      .map((file) => path.dirname(file).split(path.sep).join("/"))
      // The catch-all of unknown paths, which the mirror answers the same way (below).
      .filter((folder) => folder !== "[...rest]");
    expect(folders.length).toBeGreaterThan(10);
    for (const folder of folders) {
      const rest = folder.replace("[id]", "1000000000000000");
      const reads = ["fetch", "image-seed", "task/list"];
      const method = reads.some((read) => folder.endsWith(read)) ? "GET" : "POST";
      const { status, json } = await prefixed("mj-fast", rest, {
        method,
        ...(method === "POST" ? { body: "{" } : {}),
      });
      // Reached the route's own handler: its validation or its answer, never "no such route".
      expect(JSON.stringify(json), folder).not.toMatch(/No such API route/);
      expect(status, folder).not.toBe(405);
    }
  });

  it("a submit under /api/mj-relax runs at Relax, forwarded as the prefix, and its reads work there too", async () => {
    // accountFilter's FAST would win over the flag alone: only the prefix makes it RELAX (§3).
    const submitted = await prefixed("mj-relax", "submit/imagine", {
      body: { prompt: "a lighthouse at dusk", accountFilter: { modes: ["FAST"] } },
    });
    expect(submitted.status).toBe(200);
    const { code, result } = submitted.json as { code: number; result: string };
    expect(code).toBe(1);
    const read = async (id: string) =>
      (await prefixed("mj-relax", `task/${id}/fetch`)).json as { id: string; status: string; mode: string };
    const task = await waitForStatus(read, result, "SUCCESS");
    expect(task.mode).toBe("RELAX");
    const listed = await prefixed("mj-turbo", "task/list-by-ids", { body: { ids: [result] } });
    expect((listed.json as { id: string }[]).map((t) => t.id)).toEqual([result]);
  });

  it.each([
    { name: "an unknown prefix", speed: "mj-slow", rest: "submit/imagine", status: 404, code: "not_found" },
    { name: "a prefix without mj-", speed: "relax", rest: "submit/imagine", status: 404, code: "not_found" },
    { name: "an unknown route", speed: "mj-fast", rest: "submit/teleport", status: 404, code: "not_found" },
    {
      name: "a route one level too deep",
      speed: "mj-fast",
      rest: "task/1/2/fetch",
      status: 404,
      code: "not_found",
    },
  ])("$name is a 404 in the one error shape", async ({ speed, rest, status, code }) => {
    const answer = await prefixed(speed, rest, { body: { prompt: "cat" } });
    expect(answer.status).toBe(status);
    expect(answer.json).toMatchObject({
      error: { code, message: expect.stringMatching(/mj-fast, mj-relax and mj-turbo/) },
    });
    // Under a real speed prefix it is a drop-in route: the protocol's fields too (code 3, not found).
    if (speed === "mj-fast") expect(answer.json).toMatchObject({ code: 3, result: null });
  });

  it("a method the route does not take is a 405 in the one error shape", async () => {
    const answer = await prefixed("mj-fast", "submit/imagine", { method: "GET" });
    expect(answer.status).toBe(405);
    expect(errorCode(answer.json)).toBe("method_not_allowed");
  });

  it("validates like the plain route: bad input is a 400, a body over the limit a 413", async () => {
    const bad = await prefixed("mj-relax", "submit/imagine", { body: { prompt: "" } });
    expect(bad.status).toBe(400);
    expect(errorCode(bad.json)).toBe("invalid_input");
    const ids = JSON.stringify({ ids: ["1000000000000000"] });
    const atLimit = await prefixed("mj-relax", "task/list-by-ids", {
      body: ids.padEnd(LIMITS.bodyBytes, " "),
    });
    expect(atLimit.status).toBe(200);
    const over = await prefixed("mj-relax", "task/list-by-ids", {
      body: ids.padEnd(LIMITS.bodyBytes + 1, " "),
    });
    expect(over.status).toBe(413);
    expect(errorCode(over.json)).toBe("payload_too_large");
  });
});

describe("shorten", () => {
  it("is accepted or refused as the upstream says, after the prompt is checked like imagine's", async () => {
    const tooLong = await callRoute(routes.shorten, { body: { prompt: "a".repeat(LIMITS.promptChars + 1) } });
    expect(tooLong.status).toBe(400);
    expect(errorCode(tooLong.json)).toBe("invalid_input");
    const empty = await callRoute(routes.shorten, { body: { prompt: " " } });
    expect(errorCode(empty.json)).toBe("invalid_input");
    // The demo simulator speaks shorten: the envelope of a SHORTEN task (lib/tasks/shorten-upload.test.ts).
    const answer = await callRoute(routes.shorten, { body: { prompt: "a very beautiful cat in a garden" } });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ code: 1, result: expect.stringMatching(/^\d+$/) });
  });
});

describe("upload-discord-images", () => {
  it.each([
    { name: "no images", body: { base64Array: [] }, code: "invalid_input" },
    {
      name: "six images",
      body: () => ({ base64Array: Array(6).fill(pngOfExactly(100)) }),
      code: "invalid_input",
    },
    { name: "not a list", body: { base64Array: "abc" }, code: "invalid_input" },
    {
      name: "a URL (public already)",
      body: { base64Array: ["https://example.com/a.png"] },
      code: "invalid_input",
    },
    {
      name: "text renamed to PNG",
      body: { base64Array: [`data:image/png;base64,${btoa("hello, not an image")}`] },
      code: "invalid_input",
    },
    {
      name: "an SVG",
      body: { base64Array: [`data:image/svg+xml;base64,${btoa("<svg/>")}`] },
      code: "invalid_input",
    },
  ])("refuses $name in the one error shape", async ({ body, code }) => {
    const answer = await callRoute(routes.upload, { body: typeof body === "function" ? body() : body });
    expect(answer.status).toBe(400);
    expect(errorCode(answer.json)).toBe(code);
  });

  it("takes an image of exactly the limit; one byte more is a 413", async () => {
    const atLimit = await callRoute(routes.upload, {
      body: { base64Array: [pngOfExactly(LIMITS.imageBytes)] },
    });
    expect(atLimit.status).toBe(200);
    expect(atLimit.json).toMatchObject({ code: 1, result: [expect.stringMatching(/^http/)] });
    const over = await callRoute(routes.upload, {
      body: { base64Array: [pngOfExactly(LIMITS.imageBytes + 1)] },
    });
    expect(over.status).toBe(413);
    expect(errorCode(over.json)).toBe("payload_too_large");
  });

  it("takes a JSON body of exactly 40 MB; one byte more is a 413", async () => {
    const json = JSON.stringify({ base64Array: [pngOfExactly(2 * MB)] });
    const atLimit = await callRoute(routes.upload, { body: json.padEnd(LIMITS.bodyBytes, " ") });
    expect(atLimit.status).toBe(200);
    const over = await callRoute(routes.upload, { body: json.padEnd(LIMITS.bodyBytes + 1, " ") });
    expect(over.status).toBe(413);
  });

  it("demo mode hosts the images: one URL per image, in order (an upstream without the route: lib/tasks/shorten-upload.test.ts)", async () => {
    const answer = await callRoute(routes.upload, {
      body: { base64Array: [pngOfExactly(200), pngOfExactly(300)] },
    });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({
      code: 1,
      result: [expect.stringMatching(/^http/), expect.stringMatching(/^http/)],
    });
  });
});

describe("video, edits, edit and retexture: bounded, validated images", () => {
  /** What a body that passed the app's checks gets from the demo upstream. */
  function expectForwarded(answer: { status: number; json: unknown }) {
    expect(answer.status, JSON.stringify(answer.json)).toBe(200);
    expect(answer.json).toMatchObject({ code: 1, result: expect.stringMatching(/^\d+$/) });
  }

  function expectTooLarge(answer: { status: number; json: unknown }, words: RegExp) {
    expect(answer.status).toBe(413);
    expect(errorCode(answer.json)).toBe("payload_too_large");
    expect((answer.json as { error: { message: string } }).error.message).toMatch(words);
  }

  /** Each route, plain and under a speed prefix, with a body holding `image`. */
  const ROUTES = [
    { name: "video", call: (body: object) => callRoute(routes.video, { body }) },
    {
      name: "edits",
      call: (body: object) => callRoute(routes.edits, { body: { prompt: "a red boat", ...body } }),
    },
    {
      name: "edit",
      call: (body: object) => callRoute(routes.edit, { body: { prompt: "a red boat", ...body } }),
    },
    {
      name: "retexture",
      call: (body: object) => callRoute(routes.retexture, { body: { prompt: "oil paint", ...body } }),
    },
    { name: "mj-relax video", call: (body: object) => prefixed("mj-relax", "submit/video", { body }) },
    {
      name: "mj-fast retexture",
      call: (body: object) =>
        prefixed("mj-fast", "submit/retexture", { body: { prompt: "oil paint", ...body } }),
    },
  ];

  it.each(ROUTES)(
    "$name takes an image of exactly the limit; one byte more is a 413 that says so",
    async ({ call }) => {
      expectForwarded(await call({ image: pngOfExactly(LIMITS.imageBytes) }));
      expectTooLarge(
        await call({ image: pngOfExactly(LIMITS.imageBytes + 1) }),
        /image: image is larger than 10 MB/,
      );
    },
  );

  it("a video's end frame is bounded the same way", async () => {
    const start = pngOfExactly(200);
    expectForwarded(
      await callRoute(routes.video, { body: { image: start, endImage: pngOfExactly(LIMITS.imageBytes) } }),
    );
    expectTooLarge(
      await callRoute(routes.video, {
        body: { image: start, endImage: pngOfExactly(LIMITS.imageBytes + 1) },
      }),
      /endImage: image is larger than 10 MB/,
    );
  });

  it.each([
    { name: "video", load: routes.video, body: () => ({ image: pngOfExactly(2 * MB) }) },
    {
      name: "edits",
      load: routes.edits,
      body: () => ({ prompt: "a red boat", image: pngOfExactly(2 * MB) }),
    },
  ])(
    "$name takes a JSON body of exactly 40 MB; one byte more is a 413 that says so",
    async ({ load, body }) => {
      const json = JSON.stringify(body());
      expectForwarded(await callRoute(load, { body: json.padEnd(LIMITS.bodyBytes, " ") }));
      expectTooLarge(
        await callRoute(load, { body: json.padEnd(LIMITS.bodyBytes + 1, " ") }),
        /Request body is larger than 40 MB/,
      );
    },
  );

  it.each([
    {
      name: "a video without a start frame",
      load: routes.video,
      body: { prompt: "waves" },
      words: /start frame/,
    },
    {
      name: "an extend without its clip",
      load: routes.video,
      body: { action: "extend", taskId: "1780000000000001" },
      words: /clip index/,
    },
    {
      name: "a taskId without extend",
      load: routes.video,
      body: { image: "https://example.com/a.png", taskId: "1780000000000001" },
      words: /only for action "extend"/,
    },
    {
      name: "a batch of 3",
      load: routes.video,
      body: { image: "https://example.com/a.png", batchSize: 3 },
      words: /batchSize must be 1, 2 or 4/,
    },
    { name: "an edit without an image", load: routes.edits, body: { prompt: "a red boat" }, words: /image/ },
    {
      name: "a retexture without a prompt",
      load: routes.retexture,
      body: { image: "https://example.com/a.png" },
      words: /prompt/,
    },
    {
      name: "an edit of text renamed to PNG",
      load: routes.edit,
      body: { prompt: "x", image: `data:image/png;base64,${btoa("not an image at all")}` },
      words: /not a PNG, JPEG, WebP or GIF/,
    },
  ])("refuses $name with a 400 that says why", async ({ load, body, words }) => {
    const answer = await callRoute(load, { body });
    expect(answer.status).toBe(400);
    expect(errorCode(answer.json)).toBe("invalid_input");
    expect((answer.json as { error: { message: string } }).error.message).toMatch(words);
  });
});
