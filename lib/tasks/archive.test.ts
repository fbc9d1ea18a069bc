import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { strToU8, unzipSync, zipSync } from "fflate";
import sharp from "sharp";
import { afterEach, describe, expect, it } from "vitest";
import { AppError } from "@/lib/http/errors";
import { taskSchema } from "@/lib/mj/task";
import { readBlob } from "@/lib/media/blob-store";
import { serveMedia } from "@/lib/media/serve";
import { closeWorlds, finished, world } from "@/lib/testing/world";
import { archiveIdsSchema, downloadArchive, exportArchive, importArchive } from "./archive";

/** Bulk download, export and import of zip archives, including hostile uploads. */

afterEach(closeWorlds);

async function png(): Promise<Uint8Array> {
  return new Uint8Array(
    await sharp({ create: { width: 8, height: 8, channels: 3, background: "#3366cc" } })
      .png()
      .toBuffer(),
  );
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
    const cacheA = a.media;
    const fox = await finished(a.tasks, "a red fox in snow");
    const owl = await finished(a.tasks, "an owl at night --ar 2:3");
    await cacheA.idle();

    const archive = await exportArchive(null, a.archive);
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
    const cacheB = b.media;
    expect(await importArchive(upload(zip), b.archive)).toEqual({
      imported: 2,
      skipped: 0,
      invalid: 0,
    });
    await cacheB.idle();
    expect(await b.store.get(fox.id)).toMatchObject({ status: "SUCCESS", prompt: "a red fox in snow" });
    expect((await cacheB.get(fox.id, "image"))?.sha256).toBe((await cacheA.get(fox.id, "image"))?.sha256);
    // B's upstream never knew these tasks: the image comes from the imported file.
    const served = await serveMedia({ taskId: owl.id, slot: "image", version: null }, b.mediaDeps);
    expect(served.headers.get("etag")).toBe(`"${(await cacheA.get(owl.id, "image"))?.sha256}"`);
    expect(b.mediaRequests).toHaveLength(0);

    expect(await importArchive(upload(zip), b.archive)).toEqual({
      imported: 0,
      skipped: 2,
      invalid: 0,
    });
    expect((await b.store.list({ limit: 10, cursor: null })).items).toHaveLength(2);
  });

  it("exports a selection only", async () => {
    const w = world();
    const cache = w.media;
    const one = await finished(w.tasks, "a green apple");
    await finished(w.tasks, "a yellow pear");
    await cache.idle();
    const entries = unzipSync(await read((await exportArchive([one.id], w.archive)).body));
    const tasks = (JSON.parse(new TextDecoder().decode(entries["tasks.json"])) as { tasks: { id: string }[] })
      .tasks;
    expect(tasks.map((t) => t.id)).toEqual([one.id]);
    expect(Object.keys(entries).filter((n) => n.startsWith("media/"))).toEqual([`media/${one.id}/image.png`]);
  });
});

describe("bulk download", () => {
  it("zips the originals with readable names, from the cache or the upstream", async () => {
    const w = world();
    const cache = w.media;
    const cached = await finished(w.tasks, "a copper kettle");
    await cache.idle();
    const original = await readBlob((await cache.open((await cache.get(cached.id, "image"))!))!);
    // Restarted with the cache emptied: the originals come from the upstream.
    fs.rmSync(path.join(w.dir, "media"), { recursive: true });
    await w.restart();
    const archive = await downloadArchive([cached.id, "999"], w.archive);
    expect(archive.filename).toMatch(/^mj-studio-\d{4}-\d{2}-\d{2}\.zip$/);
    const entries = unzipSync(await read(archive.body));
    const name = `a-copper-kettle-${cached.id}-image.png`;
    expect(Object.keys(entries)).toEqual([name]);
    expect(Buffer.from(entries[name]!).equals(original)).toBe(true);
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
    ["tasks.json cut short after a good record", { "tasks.json": tasksJson([good]).subarray(0, -2) }],
    ["tasks.json of another shape", { "tasks.json": strToU8(JSON.stringify({ tasks: [good] })) }],
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
    const error = await importArchive(upload(zipSync(files)), w.archive).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({
      status: 400,
      code: "invalid_input",
      message: expect.stringMatching(/^Invalid archive/),
    });
    expect(await w.store.get("1234")).toBeNull();
    expect(fs.existsSync(path.join(w.dir, "evil.png"))).toBe(false);
    expect(await w.blobKeys("staging/")).toEqual([]);
  });

  it("refuses bytes that are not a zip", async () => {
    const w = world();
    await expect(
      importArchive(upload(strToU8("just some text, not a zip at all")), w.archive),
    ).rejects.toMatchObject({ status: 400 });
    await expect(importArchive(upload(new Uint8Array(4096).fill(0x50)), w.archive)).rejects.toMatchObject({
      status: 400,
    });
  });

  it("refuses another content type (415) and a declared size over 2 GB (413)", async () => {
    const w = world();
    const zip = zipSync({ "tasks.json": tasksJson([good]) });
    await expect(importArchive(upload(zip, "text/plain"), w.archive)).rejects.toMatchObject({
      status: 415,
    });
    await expect(
      importArchive({ ...upload(zip), contentLength: String(3 * 1024 ** 3) }, w.archive),
    ).rejects.toMatchObject({ status: 413 });
    expect(await importArchive(upload(zip), w.archive)).toEqual({
      imported: 1,
      skipped: 0,
      invalid: 0,
    });
  });
});

describe("restoring an export", () => {
  it("brings back the tasks deleted since, with their media, and counts what the history holds", async () => {
    const w = world();
    const cache = w.media;
    const made: string[] = [];
    for (let i = 0; i < 6; i++) made.push((await finished(w.tasks, `restore me ${i}`)).id);
    await cache.idle();
    const zip = await read((await exportArchive(made, w.archive)).body);

    expect(await w.tasks.delete(made)).toEqual({ deleted: 6 });
    const result = await importArchive(upload(zip), w.archive);
    for (const id of made) {
      expect((await w.tasks.detail(id)).task).toMatchObject({ id, status: "SUCCESS" });
      expect(await cache.get(id, "image")).not.toBeNull();
    }
    expect(result).toEqual({ imported: 6, skipped: 0, invalid: 0 });
    expect(await importArchive(upload(zip), w.archive)).toEqual({
      imported: 0,
      skipped: 6,
      invalid: 0,
    });
  });

  it("skips and counts the records that are not tasks, and restores the rest", async () => {
    const w = world();
    const cache = w.media;
    const good = { id: "1234", status: "SUCCESS", prompt: "ok" };
    const records = [
      good,
      { ...good, id: "../../etc/passwd" },
      { ...good, id: "a b" },
      { ...good, id: "x".repeat(200) },
      { status: "SUCCESS", prompt: "no id" },
      42,
      { ...good, id: "5678", prompt: "p".repeat(9 * 1024 * 1024) },
    ];
    const zip = zipSync({
      "tasks.json": strToU8(JSON.stringify({ format: "mj-studio-archive", version: 1, tasks: records })),
      "media/1234/image.png": await png(),
    });
    expect(await importArchive(upload(zip), w.archive)).toEqual({
      imported: 1,
      skipped: 0,
      invalid: 6,
    });
    expect((await w.store.list({ limit: 10, cursor: null })).items.map((task) => task.id)).toEqual(["1234"]);
    expect(await cache.get("1234", "image")).not.toBeNull();
  });

  it("counts a task id repeated in the archive as skipped, keeping its first record", async () => {
    const w = world();
    const first = { id: "1234", status: "SUCCESS", prompt: "first" };
    const records = [first, { ...first, prompt: "again" }, { id: "5678", status: "SUCCESS" }, first];
    const zip = zipSync({
      "tasks.json": strToU8(JSON.stringify({ format: "mj-studio-archive", version: 1, tasks: records })),
    });
    expect(await importArchive(upload(zip), w.archive)).toEqual({
      imported: 2,
      skipped: 2,
      invalid: 0,
    });
    expect((await w.tasks.detail("1234")).task).toMatchObject({ prompt: "first" });
  });

  it("keeps only media that are what they claim to be", async () => {
    const w = world();
    const cache = w.media;
    const ids = ["10", "11", "12", "13", "14", "15"];
    const ftyp = Uint8Array.from(
      Buffer.from("0000001c6674797069736f6d0000020069736f6d6d70343100000008", "hex"),
    );
    const zip = zipSync({
      "tasks.json": strToU8(
        JSON.stringify({
          format: "mj-studio-archive",
          version: 1,
          tasks: ids.map((id) => ({ id, status: "SUCCESS", prompt: `task ${id}` })),
        }),
      ),
      "media/10/image.png": await png(),
      "media/11/image.png": new Uint8Array(64 * 1024),
      "media/12/image.jpg": await png(),
      "media/13/video.mp4": strToU8("<html><script>alert(1)</script></html>".padEnd(200)),
      "media/14/video.mp4": ftyp,
      // The PNG signature with nothing an image decoder can read after it.
      "media/15/image.png": Uint8Array.from([
        0x89,
        0x50,
        0x4e,
        0x47,
        0x0d,
        0x0a,
        0x1a,
        0x0a,
        ...new Uint8Array(200),
      ]),
    });
    const result = await importArchive(upload(zip), w.archive);
    expect((await cache.get("10", "image"))?.contentType).toBe("image/png");
    expect(await cache.get("11", "image")).toBeNull();
    expect(await cache.get("12", "image")).toBeNull();
    expect(await cache.get("13", "video")).toBeNull();
    expect((await cache.get("14", "video"))?.contentType).toBe("video/mp4");
    expect(await cache.get("15", "image")).toBeNull();
    // Nothing else stored either (no half-written blob of a refused one).
    const originals = (await w.blobKeys("media/")).filter((key) => /\.(png|jpg|mp4)/.test(key));
    expect(originals).toEqual(["media/10/image.png", "media/14/video.mp4"]);
    expect(result).toEqual({ imported: 6, skipped: 0, invalid: 0 });
  });

  it("keeps no image whose header is valid but whose pixel data is junk or cut short", async () => {
    const w = world();
    const cache = w.media;
    // Noise, so the compressed pixel data is long enough to cut in half.
    const noise = Uint8Array.from({ length: 128 * 128 * 3 }, (_, i) => (i * 2654435761) >>> 24);
    const real = await sharp(noise, { raw: { width: 128, height: 128, channels: 3 } })
      .png()
      .toBuffer();
    const header = real.subarray(0, 8 + 25); // signature and IHDR, as the encoder wrote them
    const chunk = (type: string, data: Buffer) => {
      const length = Buffer.alloc(4);
      length.writeUInt32BE(data.length);
      const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
      const crc = Buffer.alloc(4);
      crc.writeUInt32BE(zlib.crc32(body));
      return Buffer.concat([length, body, crc]);
    };
    const junk = Buffer.alloc(1024 * 1024, "junk, not pixels ");
    const zip = zipSync({
      "tasks.json": strToU8(
        JSON.stringify({
          format: "mj-studio-archive",
          version: 1,
          tasks: ["20", "21", "22"].map((id) => ({ id, status: "SUCCESS", prompt: id })),
        }),
      ),
      "media/20/image.png": real,
      // Every chunk well formed (lengths, CRCs): only decoding the pixels tells it apart.
      "media/21/image.png": Buffer.concat([header, chunk("IDAT", junk), chunk("IEND", Buffer.alloc(0))]),
      "media/22/image.png": real.subarray(0, real.length >> 1),
    });
    expect(await importArchive(upload(zip), w.archive)).toEqual({
      imported: 3,
      skipped: 0,
      invalid: 0,
    });
    expect((await cache.get("20", "image"))?.contentType).toBe("image/png");
    expect(await cache.get("21", "image")).toBeNull();
    expect(await cache.get("22", "image")).toBeNull();
  });

  it("restores a media file whose bytes contain zip signatures, exactly", async () => {
    // fflate's streaming unzip took these bytes for the end of the file and the start of another.
    const a = world();
    const cacheA = a.media;
    await a.record(taskSchema.parse({ id: "2000", status: "SUCCESS", prompt: "signatures inside" }));
    const bytes = Buffer.concat([
      await png(),
      Buffer.from("PK\x07\x08PK\x03\x04PK\x01\x02 trailing", "latin1"),
    ]);
    const original = await cacheA.put("2000", "image", "image/png", [bytes]);
    const zip = await read((await exportArchive(null, a.archive)).body);

    const b = world();
    const cacheB = b.media;
    const result = await importArchive(upload(zip), b.archive);
    expect((await cacheB.get("2000", "image"))?.sha256).toBe(original.sha256);
    expect(result).toEqual({ imported: 1, skipped: 0, invalid: 0 });
  });
});
