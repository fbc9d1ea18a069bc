import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { chunksOfSource, readBlob, type BlobStore } from "@/lib/media/blob-store";
import { openDiskStudio, seedStudio } from "@/lib/testing/studio";
import { copyStudio, MigrationError, type StudioStorage } from "./migrate";

const dirs: string[] = [];
const opened: ReturnType<typeof openDiskStudio>[] = [];

afterEach(async () => {
  for (const storage of opened.splice(0)) await storage.close();
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A studio on a fresh data directory, as `npm run migrate` opens one (SQLite + disk). */
function studio() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mj-migrate-"));
  dirs.push(dir);
  const storage = openDiskStudio(dir);
  opened.push(storage);
  return { ...storage, dir };
}

/** Files under a directory with their bytes, the databases left out (they differ in layout, not content). */
function filesOf(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const file = path.join(entry.parentPath, entry.name);
    if (!entry.isFile() || /\.sqlite(-wal|-shm)?$/.test(entry.name) || file.includes(`${path.sep}.tmp`))
      continue;
    files.set(path.relative(dir, file), fs.readFileSync(file).toString("base64"));
  }
  return files;
}

async function everyTask(side: StudioStorage) {
  const tasks = [];
  let cursor: string | null = null;
  do {
    const page = await side.store.list({ limit: 100, cursor });
    tasks.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return tasks.sort((a, b) => a.id.localeCompare(b.id));
}

describe("copyStudio", () => {
  it("moves a lived-in studio to empty storage and back, and both copies hold the same", async () => {
    const source = studio();
    const ids = await seedStudio(source, { tasks: 300, mediaEvery: 3 });
    const copy = studio();
    const logged: string[] = [];

    const there = await copyStudio(source, copy, { log: (line) => logged.push(line) });
    expect(there.target).toEqual(there.source);
    expect(there.source).toMatchObject({ tasks: 300, folders: 3, smartFolders: 2 });
    expect(there.source.favorites).toBeGreaterThan(0);
    expect(there.source.hidden).toBeGreaterThan(0);
    expect(there.source.requests).toBe(240); // the upscales carry no request of their own
    expect(there.source.mediaFiles).toBeGreaterThan(100);
    expect(there.source.blobs).toBe(there.source.mediaFiles + 3); // and the three reference images
    expect(there.table).toContain("| tasks | 300 | 300 | yes |");
    expect(logged).toContain("tasks: 300 copied");

    // What the app reads: records and flags, requests with their images, lineage, folders, media.
    expect(await everyTask(copy)).toEqual(await everyTask(source));
    const withReference = ids[10]!;
    const request = await copy.store.getRequest(withReference);
    expect(request).toEqual(await source.store.getRequest(withReference));
    const input = (request!.body.base64Array as { input: string }[])[0]!.input;
    expect((await readBlob((await copy.blobs.get(`inputs/${input}`))!)).length).toBeGreaterThan(0);
    expect((await copy.store.lineage(ids[4]!)).parents.map((t) => t.id)).toEqual([ids[3]]);
    expect(await copy.mediaIndex.files(ids[0]!)).toEqual(await source.mediaIndex.files(ids[0]!));
    expect(await copy.mediaIndex.job(ids[1]!)).toEqual(await source.mediaIndex.job(ids[1]!));
    const folders = await copy.store.listFolders();
    expect(folders.map((f) => [f.name, f.count])).toEqual(
      (await source.store.listFolders()).map((f) => [f.name, f.count]),
    );
    // The smart folder that shows a folder shows the copied folder, by its new id.
    const smart = await copy.store.listSmartFolders();
    expect(smart[1]!.search).toBe(`folder=${folders[0]!.id}&favorite=1`);
    expect(filesOf(copy.dir)).toEqual(filesOf(source.dir));

    // And back, into another empty data directory.
    const back = studio();
    const again = await copyStudio(copy, back);
    expect(again.target).toEqual(there.source);
    expect(await everyTask(back)).toEqual(await everyTask(source));
    expect(filesOf(back.dir)).toEqual(filesOf(source.dir));
  });

  it("refuses a target that holds anything, and writes nothing into it", async () => {
    const source = studio();
    await seedStudio(source, { tasks: 20 });

    const withFolder = studio();
    await withFolder.store.createFolder("Mine", 10);
    await expect(copyStudio(source, withFolder)).rejects.toThrow(/target is not empty \(it holds folders\)/);
    expect((await withFolder.store.list({ limit: 1, cursor: null })).items).toEqual([]);
    expect(filesOf(withFolder.dir).size).toBe(0);

    const withTasks = studio();
    await seedStudio(withTasks, { tasks: 5 });
    const before = filesOf(withTasks.dir);
    await expect(copyStudio(source, withTasks)).rejects.toThrow(MigrationError);
    expect((await everyTask(withTasks)).length).toBe(5);
    expect(filesOf(withTasks.dir)).toEqual(before);

    const withBlob = studio();
    await withBlob.blobs.put("media/1/image.png", new Uint8Array([1, 2, 3]), { contentType: "image/png" });
    await expect(copyStudio(source, withBlob)).rejects.toThrow(/it holds blobs/);
    expect((await everyTask(withBlob)).length).toBe(0);
  });

  it("fails with the numbers when the target does not keep what it was given", async () => {
    const source = studio();
    await seedStudio(source, { tasks: 30, mediaEvery: 2 });
    const target = studio();
    // A blob store that drops the last byte of every original and says it stored what it got.
    const lossy: BlobStore = {
      ...target.blobs,
      put(key, body, options) {
        async function* shorter() {
          const chunks: Uint8Array[] = [];
          for await (const chunk of chunksOfSource(body)) chunks.push(chunk);
          const all = Buffer.concat(chunks);
          yield key.endsWith(".png") && key.startsWith("media/") ? all.subarray(0, all.length - 1) : all;
        }
        return target.blobs.put(key, shorter(), options);
      },
    };
    const error = await copyStudio(source, { ...target, blobs: lossy }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationError);
    const message = (error as Error).message;
    const originals = [...(await source.store.list({ limit: 100, cursor: null })).items].length;
    expect(originals).toBe(30);
    let sourceBytes = 0;
    let pngs = 0;
    for await (const blob of source.blobs.list("")) {
      sourceBytes += blob.size;
      if (blob.key.startsWith("media/") && blob.key.endsWith(".png")) pngs++;
    }
    expect(message).toContain(`blob bytes: source ${sourceBytes}, target ${sourceBytes - pngs}`);
    expect(message).toMatch(
      /blob media\/\d+\/image\.png: source 4096 bytes sha256 [0-9a-f]{64}, target 4095 bytes/,
    );
    expect(message).toContain("| blob bytes |");
  });
});
