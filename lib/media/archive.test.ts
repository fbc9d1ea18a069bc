import fs from "node:fs";
import path from "node:path";
import { strToU8, unzipSync, zipSync } from "fflate";
import { afterEach, describe, expect, it } from "vitest";
import { AppError } from "@/lib/http/errors";
import { taskSchema } from "@/lib/mj/task";
import { archiveIdsSchema, downloadArchive, exportArchive, importArchive, type ArchiveDeps } from "./archive";
import type { MediaCache } from "./cache";
import { inProcessGuard } from "./fetch";
import { serveMedia } from "./serve";
import { closeWorlds, finished, world, type World } from "./test-support";

/** Bulk download, export and import of zip archives, including hostile uploads. */

afterEach(closeWorlds);

function archiveDeps(w: World, cache: MediaCache): ArchiveDeps {
  return {
    store: w.store,
    cache,
    upstream: w.upstream,
    guard: inProcessGuard,
    tmpDir: path.join(w.dir, "tmp"),
    log: () => {},
  };
}

async function read(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function upload(bytes: Uint8Array, contentType = "application/zip") {
  return {
    body: new Response(new Uint8Array(bytes)).body,
    contentType,
    contentLength: String(bytes.byteLength),
  };
}

describe("export and import", () => {
  it("round-trips tasks and media into a fresh DATA_DIR, without duplicates on a second import", async () => {
    const a = world();
    const cacheA = a.cache();
    const fox = await finished(a.service, "a red fox in snow");
    const owl = await finished(a.service, "an owl at night --ar 2:3");
    await cacheA.idle();

    const archive = exportArchive(null, archiveDeps(a, cacheA));
    expect(archive.filename).toMatch(/^mj-studio-export-\d{4}-\d{2}-\d{2}\.zip$/);
    const zip = await read(archive.body);
    const entries = unzipSync(zip);
    expect(Object.keys(entries).sort()).toEqual(
      ["media.json", `media/${fox.id}/image.png`, `media/${owl.id}/image.png`, "tasks.json"].sort(),
    );
    const tasksJson = JSON.parse(new TextDecoder().decode(entries["tasks.json"])) as {
      format: string;
      tasks: { id: string; imageUrl: string }[];
    };
    expect(tasksJson.format).toBe("mj-studio-archive");
    expect(tasksJson.tasks.map((t) => t.id).sort()).toEqual([fox.id, owl.id].sort());
    // As stored: the upstream's own URLs, not the app's.
    expect(tasksJson.tasks[0]!.imageUrl).toMatch(/^http:\/\/simulator\.invalid\/sim\/media\//);

    const b = world();
    const cacheB = b.cache();
    expect(await importArchive(upload(zip), archiveDeps(b, cacheB))).toEqual({ imported: 2, skipped: 0 });
    await cacheB.idle();
    expect(b.store.get(fox.id)).toMatchObject({ status: "SUCCESS", prompt: "a red fox in snow" });
    expect(cacheB.get(fox.id, "image")?.sha256).toBe(cacheA.get(fox.id, "image")?.sha256);
    // B's upstream never knew these tasks: the image comes from the imported file.
    const served = await serveMedia(
      { taskId: owl.id, slot: "image", version: null },
      { upstream: b.upstream, store: b.store, cache: cacheB, guard: inProcessGuard },
    );
    expect(served.headers.get("etag")).toBe(`"${cacheA.get(owl.id, "image")?.sha256}"`);
    expect(b.mediaRequests).toHaveLength(0);

    expect(await importArchive(upload(zip), archiveDeps(b, cacheB))).toEqual({ imported: 0, skipped: 2 });
    expect(b.store.list({ limit: 10, cursor: null }).items).toHaveLength(2);
  });

  it("exports a selection only", async () => {
    const w = world();
    const cache = w.cache();
    const one = await finished(w.service, "a green apple");
    await finished(w.service, "a yellow pear");
    await cache.idle();
    const entries = unzipSync(await read(exportArchive([one.id], archiveDeps(w, cache)).body));
    const tasks = (JSON.parse(new TextDecoder().decode(entries["tasks.json"])) as { tasks: { id: string }[] })
      .tasks;
    expect(tasks.map((t) => t.id)).toEqual([one.id]);
    expect(Object.keys(entries).filter((n) => n.startsWith("media/"))).toEqual([`media/${one.id}/image.png`]);
  });
});

describe("bulk download", () => {
  it("zips the originals with readable names, from the cache or the upstream", async () => {
    const w = world();
    const cache = w.cache();
    const cached = await finished(w.service, "a copper kettle");
    await cache.idle();
    const uncachedCache = w.cache({ dir: path.join(w.dir, "media-empty") });
    const archive = downloadArchive([cached.id, "999"], archiveDeps(w, uncachedCache));
    expect(archive.filename).toMatch(/^mj-studio-\d{4}-\d{2}-\d{2}\.zip$/);
    const entries = unzipSync(await read(archive.body));
    const name = `a-copper-kettle-${cached.id.slice(-6)}-image.png`;
    expect(Object.keys(entries)).toEqual([name]);
    expect(Buffer.from(entries[name]!).equals(fs.readFileSync(cache.get(cached.id, "image")!.path))).toBe(
      true,
    );
  });

  it("bounds the id list", () => {
    expect(archiveIdsSchema.parse("a, b,a")).toEqual(["a", "b"]);
    expect(archiveIdsSchema.safeParse("").success).toBe(false);
    expect(archiveIdsSchema.safeParse("../x").success).toBe(false);
  });
});

describe("hostile archives are a 400, and nothing is written", () => {
  const tasksJson = (tasks: unknown[]) =>
    strToU8(JSON.stringify({ format: "mj-studio-archive", version: 1, tasks }));
  const good = taskSchema.parse({ id: "1234", status: "SUCCESS", prompt: "ok" });

  it.each([
    ["a traversal name", { "tasks.json": tasksJson([good]), "media/../../evil.png": strToU8("x") }],
    ["an absolute name", { "tasks.json": tasksJson([good]), "/etc/cron.d/x": strToU8("x") }],
    ["an unexpected file", { "tasks.json": tasksJson([good]), "run.sh": strToU8("x") }],
    ["a bad slot", { "tasks.json": tasksJson([good]), "media/1234/thumb.webp": strToU8("x") }],
    ["no tasks.json", { "media.json": strToU8("[]") }],
    ["tasks.json that is not JSON", { "tasks.json": strToU8("{tasks: [") }],
    ["tasks.json of another shape", { "tasks.json": strToU8(JSON.stringify({ tasks: [good] })) }],
    ["a task with a hostile id", { "tasks.json": tasksJson([{ ...good, id: "../../x" }]) }],
    [
      "media.json with a non-media type",
      {
        "tasks.json": tasksJson([good]),
        "media.json": strToU8(JSON.stringify([{ path: "x", contentType: "text/html" }])),
      },
    ],
    [
      "media.json labelling a file as SVG (script on the app's origin)",
      {
        "tasks.json": tasksJson([good]),
        "media.json": strToU8(JSON.stringify([{ path: "x", contentType: "image/svg+xml" }])),
      },
    ],
  ])("%s", async (_, files) => {
    const w = world();
    const cache = w.cache();
    const error = await importArchive(upload(zipSync(files)), archiveDeps(w, cache)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({
      status: 400,
      code: "invalid_input",
      message: expect.stringMatching(/^Invalid archive/),
    });
    expect(w.store.get("1234")).toBeNull();
    expect(fs.existsSync(path.join(w.dir, "evil.png"))).toBe(false);
    expect(fs.readdirSync(path.join(w.dir, "tmp"))).toEqual([]);
  });

  it("refuses bytes that are not a zip", async () => {
    const w = world();
    const cache = w.cache();
    await expect(
      importArchive(upload(strToU8("just some text, not a zip at all")), archiveDeps(w, cache)),
    ).rejects.toMatchObject({ status: 400 });
    await expect(
      importArchive(upload(new Uint8Array(4096).fill(0x50)), archiveDeps(w, cache)),
    ).rejects.toMatchObject({ status: 400 });
  });

  it("refuses another content type (415) and a declared size over 2 GB (413)", async () => {
    const w = world();
    const cache = w.cache();
    const zip = zipSync({ "tasks.json": tasksJson([good]) });
    await expect(importArchive(upload(zip, "text/plain"), archiveDeps(w, cache))).rejects.toMatchObject({
      status: 415,
    });
    await expect(
      importArchive({ ...upload(zip), contentLength: String(3 * 1024 ** 3) }, archiveDeps(w, cache)),
    ).rejects.toMatchObject({ status: 413 });
    expect(await importArchive(upload(zip), archiveDeps(w, cache))).toEqual({ imported: 1, skipped: 0 });
  });
});
