import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
import { expect, test } from "@playwright/test";
import { startApp, type Proc } from "@/lib/testing/processes";

/**
 * Every documented size limit, from outside, against a production server: 10 MB per image,
 * 40 MB per JSON body, 2 GB per archive. A body at the limit passes, one byte more is a 413 that
 * says which limit, a declared Content-Length over the limit is refused before the body is sent,
 * and the app's own export of more than 10 MB restores into a fresh DATA_DIR.
 */

const MB = 1024 * 1024;
test.setTimeout(300_000);
test.describe.configure({ mode: "serial" });

const dirs: string[] = [];
const procs: Proc[] = [];
let app: Proc;

function dataDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "mj-limits-"));
  dirs.push(dir);
  return dir;
}

async function demoApp(): Promise<Proc> {
  const proc = await startApp({ DATA_DIR: dataDir(), MJ_API_URL: "", MJ_API_KEY: "", SIMULATOR_SPEED: "20" });
  procs.push(proc);
  return proc;
}

test.beforeAll(async () => {
  app = await demoApp();
});

test.afterAll(async () => {
  for (const proc of procs) await proc.kill("SIGKILL");
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A real PNG of noise (incompressible) of at least `bytes` bytes. */
async function noisePng(bytes: number): Promise<Buffer> {
  const side = Math.ceil(Math.sqrt(bytes / 3));
  return sharp(randomBytes(side * side * 3), { raw: { width: side, height: side, channels: 3 } })
    .png({ compressionLevel: 0 })
    .toBuffer();
}

/** A real PNG padded with trailing bytes to exactly `bytes` bytes. */
async function pngOfExactly(bytes: number): Promise<Buffer> {
  const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: "#3a6" } })
    .png()
    .toBuffer();
  return Buffer.concat([png, Buffer.alloc(bytes - png.length)]);
}

const dataUrl = (png: Buffer) => `data:image/png;base64,${png.toString("base64")}`;

async function post(
  pathname: string,
  body: string | Uint8Array<ArrayBuffer>,
  contentType = "application/json",
) {
  const response = await fetch(`${app.url}${pathname}`, {
    method: "POST",
    headers: { "content-type": contentType },
    body,
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

const errorOf = (json: Record<string, unknown>) => json.error as { code: string; message: string };

test("an imagine with an 8 MB reference and a blend of five 5 MB images go through; a 12 MB describe is a 413 that names the image", async () => {
  const imagine = await post(
    "/api/mj/submit/imagine",
    JSON.stringify({ prompt: "a fox in the snow", base64Array: [dataUrl(await noisePng(8 * MB))] }),
  );
  expect(imagine.status).toBe(200);
  expect(imagine.json.code).toBe(1);

  const five = await Promise.all(Array.from({ length: 5 }, () => noisePng(5 * MB)));
  const blend = await post("/api/mj/submit/blend", JSON.stringify({ base64Array: five.map(dataUrl) }));
  expect(blend.status).toBe(200);
  expect(blend.json.code).toBe(1);

  const describe = await post(
    "/api/mj/submit/describe",
    JSON.stringify({ base64: dataUrl(await noisePng(12 * MB)) }),
  );
  expect(describe.status).toBe(413);
  expect(errorOf(describe.json).code).toBe("payload_too_large");
  expect(errorOf(describe.json).message).toMatch(/image is larger than 10 MB/);
});

test("an image of exactly 10 MB passes; one byte more is a 413 that says so", async () => {
  const atLimit = await post(
    "/api/mj/submit/imagine",
    JSON.stringify({ prompt: "a heron", base64Array: [dataUrl(await pngOfExactly(10 * MB))] }),
  );
  expect(atLimit.status).toBe(200);
  expect(atLimit.json.code).toBe(1);
  const over = await post(
    "/api/mj/submit/imagine",
    JSON.stringify({ prompt: "a heron", base64Array: [dataUrl(await pngOfExactly(10 * MB + 1))] }),
  );
  expect(over.status).toBe(413);
  expect(errorOf(over.json).message).toMatch(/image is larger than 10 MB/);
});

test("a JSON body of exactly 40 MB passes; one byte more is a 413 that says so", async () => {
  const json = JSON.stringify({ ids: ["1000000000000000"] });
  const atLimit = await post("/api/mj/task/list-by-ids", json.padEnd(40 * MB, " "));
  expect(atLimit.status).toBe(200);
  expect(Array.isArray(atLimit.json)).toBe(true);
  const over = await post("/api/mj/task/list-by-ids", json.padEnd(40 * MB + 1, " "));
  expect(over.status).toBe(413);
  expect(errorOf(over.json)).toEqual({
    code: "payload_too_large",
    message: "Request body is larger than 40 MB",
  });
});

/** Sends headers declaring `length` bytes and only the first KB: the answer must come anyway. */
function declareOnly(pathname: string, length: number, contentType: string) {
  const { port } = new URL(app.url);
  return new Promise<{ code: number; body: string }>((resolve, reject) => {
    const req = http.request(
      {
        host: "127.0.0.1",
        port,
        path: pathname,
        method: "POST",
        headers: { "content-type": contentType, "content-length": length },
      },
      (res) => {
        let body = "";
        res.on("data", (chunk: Buffer) => (body += chunk.toString()));
        res.on("end", () => {
          req.destroy();
          resolve({ code: res.statusCode ?? 0, body });
        });
      },
    );
    req.on("error", reject);
    req.write(Buffer.alloc(1024, 32));
  });
}

test("a declared Content-Length over the limit is refused before the body is sent", async () => {
  const json = await declareOnly("/api/mj/submit/imagine", 40 * MB + 1, "application/json");
  expect(json.code).toBe(413);
  expect(json.body).toMatch(/larger than 40 MB/);
  const archive = await declareOnly("/api/tasks/import-archive", 2 * 1024 * MB + 1, "application/zip");
  expect(archive.code).toBe(413);
  expect(archive.body).toMatch(/larger than 2 GB/);
});

async function finished(base: string, ids: string[]) {
  await expect
    .poll(
      async () => {
        const response = await fetch(`${base}/api/mj/task/list-by-ids`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ ids }),
        });
        return ((await response.json()) as { status: string }[]).filter((t) => t.status === "SUCCESS").length;
      },
      { timeout: 120_000 },
    )
    .toBe(ids.length);
  // The export carries the media once the cache holds it (its ETag is the content's hash).
  for (const id of ids) {
    await expect
      .poll(async () => (await fetch(`${base}/api/media/${id}/image`)).headers.get("etag"), {
        timeout: 60_000,
      })
      .toMatch(/^"[0-9a-f]{64}"$/);
  }
}

test("the app's own export of over 10 MB restores into a fresh DATA_DIR, and brings deleted tasks back", async () => {
  const ids: string[] = [];
  for (let i = 0; ids.length < 36; i++) {
    const submitted = await post(
      "/api/mj/submit/imagine",
      JSON.stringify({ prompt: `restore word ${i} a lighthouse --ar 3:2` }),
    );
    ids.push(submitted.json.result as string);
  }
  await finished(app.url, ids);
  const exported = new Uint8Array(
    await (await fetch(`${app.url}/api/tasks/export?ids=${ids.join(",")}`)).arrayBuffer(),
  );
  expect(exported.length).toBeGreaterThan(10 * MB);

  const fresh = await demoApp();
  const restored = await fetch(`${fresh.url}/api/tasks/import-archive`, {
    method: "POST",
    headers: { "content-type": "application/zip" },
    body: exported,
  });
  expect(restored.status).toBe(200);
  expect(await restored.json()).toEqual({ imported: ids.length, skipped: 0, invalid: 0 });
  const listed = (await (await fetch(`${fresh.url}/api/tasks?q=restore&limit=100`)).json()) as {
    items: { id: string }[];
  };
  expect(listed.items.map((t) => t.id).sort()).toEqual([...ids].sort());
  expect((await fetch(`${fresh.url}/api/media/${ids[0]}/image`)).headers.get("content-type")).toBe(
    "image/png",
  );

  // Deleted, then restored from the same archive: every one is back, and the counts say so.
  const gone = ids.slice(0, 6);
  expect((await post("/api/tasks/delete", JSON.stringify({ ids: gone }))).status).toBe(200);
  expect((await fetch(`${app.url}/api/tasks/${gone[0]}`)).status).toBe(404);
  const back = await post("/api/tasks/import-archive", exported, "application/zip");
  expect(back.status).toBe(200);
  expect(back.json).toEqual({ imported: 6, skipped: ids.length - 6, invalid: 0 });
  for (const id of gone) expect((await fetch(`${app.url}/api/tasks/${id}`)).status, id).toBe(200);
});
