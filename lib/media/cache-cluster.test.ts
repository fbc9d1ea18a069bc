import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
import { afterEach, describe, expect, it } from "vitest";
import type { Task } from "@/lib/mj/task";
import { createPool } from "@/lib/store/postgres";
import type { TaskStore } from "@/lib/store/task-store";
import { postgresFixture } from "@/lib/testing/postgres-fixture";
import { NO_POSTGRES, openPgTaskStore, postgresOrSkip } from "@/lib/testing/postgres";
import { openDiskStudio } from "@/lib/testing/studio";
import { makeTask } from "@/lib/testing/tasks";
import { until } from "@/lib/testing/wait";
import type { BlobStore } from "./blob-store";
import { createMediaCache, type MediaCache, type MediaCacheOptions } from "./cache";
import { MediaFetchError, type MediaDownload } from "./fetch";
import { createFsBlobStore } from "./fs-blob-store";
import type { MediaIndex } from "./media-index";
import { createPgMediaIndex } from "./pg-media-index";

/**
 * The media cache as two instances of a cluster run it, on the real stores (SQLite, and
 * PostgreSQL when there is one) and a shared blob directory: a task deleted through one while the
 * other downloads its media leaves nothing behind, and a job whose runner died is taken by the
 * other soon after its hold runs out, never while the runner lives.
 */

const postgres = await postgresOrSkip();
const fixture = postgresFixture(postgres);

const toClose: { close(): unknown }[] = [];
const dirs: string[] = [];
/** Every gated download is let through at the end, so no job of a failed test hangs its cache's close. */
const gates: (() => void)[] = [];
afterEach(async () => {
  for (const open of gates.splice(0)) open();
  for (const handle of toClose.splice(0).reverse()) await handle.close();
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});
const track = <T extends { close(): unknown }>(handle: T): T => {
  toClose.push(handle);
  return handle;
};

const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: "#c33" } })
  .png()
  .toBuffer();

function answer(): MediaDownload {
  return { body: new Blob([new Uint8Array(png)]).stream(), contentType: "image/png", length: png.length };
}

/** A download that waits for `open()`; `started` says it was asked for. */
function gatedDownload() {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  gates.push(() => open());
  const state = {
    started: 0,
    open: () => open(),
    download: async (): Promise<MediaDownload> => {
      state.started++;
      await gate;
      return answer();
    },
  };
  return state;
}

/** The upstream's copy as it comes (there is nothing recorded to merge it with). */
const asRecorded = (_stored: Task | null, incoming: Task) => incoming;

const finishedTask = (id: string): Task =>
  makeTask({
    id,
    action: "UPSCALE",
    status: "SUCCESS",
    progress: "100%",
    imageUrl: `https://cdn.example.com/${id}.png`,
  });

interface Shared {
  store: TaskStore;
  blobs: BlobStore;
  /** The media index as one more instance opens it. */
  openIndex(): Promise<MediaIndex>;
}

function instanceCache(
  shared: Shared,
  index: MediaIndex,
  download: () => Promise<MediaDownload>,
  options: Pick<MediaCacheOptions, "claimMs" | "now"> = {},
): MediaCache {
  const cache = createMediaCache({
    blobs: shared.blobs,
    index,
    getTask: (id) => shared.store.get(id),
    refreshTask: async () => null,
    download,
    ...options,
    log: () => {},
  });
  return track({
    ...cache,
    close: async () => {
      cache.close();
      await cache.idle();
    },
  });
}

function blobDir(): BlobStore {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mj-cache-cluster-"));
  dirs.push(dir);
  return createFsBlobStore(dir);
}

async function sqliteShared(): Promise<Shared> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mj-cache-cluster-"));
  dirs.push(dir);
  // A studio on one machine: both caches are this process's, on its one index file.
  const studio = track(openDiskStudio(dir));
  return { store: studio.store, blobs: studio.blobs, openIndex: async () => studio.mediaIndex };
}

async function postgresShared(): Promise<Shared> {
  const { url } = await fixture.state();
  const store = fixture.track(openPgTaskStore(url));
  return {
    store,
    blobs: blobDir(),
    async openIndex() {
      // A pool of its own per instance, as each app process has.
      const pool = createPool(url, () => {});
      fixture.track({ close: () => pool.end() });
      return createPgMediaIndex(pool);
    },
  };
}

const backends: [string, () => Promise<Shared>, boolean][] = [
  ["SQLite", sqliteShared, true],
  [`PostgreSQL${postgres ? "" : ` (skipped: ${NO_POSTGRES})`}`, postgresShared, postgres !== null],
];

for (const [name, open, available] of backends) {
  describe.skipIf(!available)(`media of a deleted task, on ${name}`, () => {
    it("is not recorded when the task is deleted through another instance while its media downloads", async () => {
      const shared = await open();
      const task = finishedTask("5001");
      await shared.store.record([task], asRecorded);
      const gated = gatedDownload();
      const a = instanceCache(shared, await shared.openIndex(), gated.download);
      const b = instanceCache(shared, await shared.openIndex(), async () => answer());
      a.enqueue([task]);
      await until(async () => gated.started > 0, "A downloading");

      // Instance B deletes the task: the record (tombstoned) and whatever is cached of it.
      await shared.store.delete([task.id]);
      await b.remove([task.id]);
      gated.open();
      await a.idle();

      expect(await a.lookup(task.id, "image")).toBeNull();
      expect(await b.lookup(task.id, "image")).toBeNull();
      const left: string[] = [];
      for await (const blob of shared.blobs.list(`media/${task.id}/`)) left.push(blob.key);
      expect(left).toEqual([]);
    });

    it("keeps the outcome of the runner that took a job over from one whose hold ran out", async () => {
      const shared = await open();
      const task = finishedTask("5003");
      await shared.store.record([task], asRecorded);
      // A's clock is a minute behind: its 30 s hold has run out by everyone else's clock as it starts.
      const gated = gatedDownload();
      const a = instanceCache(
        shared,
        await shared.openIndex(),
        async () => {
          await gated.download();
          throw new MediaFetchError("refused", "upstream_bad_response", "not an image");
        },
        { now: () => Date.now() - 60_000 },
      );
      a.enqueue([task]);
      await until(async () => gated.started > 0, "A downloading");
      // B, looking for jobs left behind, takes it over and caches the task.
      const b = instanceCache(shared, await shared.openIndex(), async () => answer(), { claimMs: 200 });
      await until(async () => (await b.job(task.id))?.state === "done", "B caching the task");
      // A's download then fails for good: its round is not recorded over B's.
      gated.open();
      await a.idle();
      expect(await b.job(task.id)).toMatchObject({ state: "done", attempts: 0, error: null });
      expect(await b.lookup(task.id, "image")).toMatchObject({ contentType: "image/png", bytes: png.length });
    });

    it("keeps an imported file, which comes before its task is recorded", async () => {
      const shared = await open();
      const cache = instanceCache(shared, await shared.openIndex(), async () => answer());
      const media = await cache.put("5002", "image", "image/png", [png]);
      expect(await cache.lookup("5002", "image")).toMatchObject({ key: media.key, bytes: png.length });
      expect(await shared.blobs.head(media.key)).not.toBeNull();
    });
  });
}

describe.skipIf(!postgres)(
  `a media job whose runner died, two instances on one PostgreSQL${postgres ? "" : ` (skipped: ${NO_POSTGRES})`}`,
  () => {
    // Production holds a job 30 s unrenewed; short here, still long for a busy machine.
    const CLAIM_MS = 900;

    it("is taken by the other instance soon after the runner stops renewing, never while it runs", async () => {
      const shared = await postgresShared();
      const task = finishedTask("6001");
      await shared.store.record([task], asRecorded);

      const { url } = await fixture.state();
      const poolA = createPool(url, () => {});
      fixture.track({ close: () => poolA.end().catch(() => {}) });
      const gated = gatedDownload();
      const a = instanceCache(shared, createPgMediaIndex(poolA), gated.download, { claimMs: CLAIM_MS });
      let downloadsOnB = 0;
      const b = instanceCache(
        shared,
        await shared.openIndex(),
        async () => {
          downloadsOnB++;
          return answer();
        },
        { claimMs: CLAIM_MS },
      );

      a.enqueue([task]);
      await until(async () => gated.started > 0, "A downloading");
      // A renews its hold while it downloads: B, looking for jobs left behind, leaves it alone.
      await new Promise((resolve) => setTimeout(resolve, 4 * CLAIM_MS));
      expect(downloadsOnB).toBe(0);
      expect(await b.job(task.id)).toMatchObject({ state: "pending" });

      // A dies mid-download: its connections go and it renews nothing more.
      await poolA.end();
      const diedAt = Date.now();
      await until(async () => (await b.job(task.id))?.state === "done", "B caching the task", {
        timeoutMs: 20 * CLAIM_MS,
      });
      // The hold runs out within a claim period of A's last renewal; B looks once per period.
      expect(Date.now() - diedAt).toBeLessThan(5 * CLAIM_MS);
      expect(downloadsOnB).toBe(1);
      expect(await b.lookup(task.id, "image")).toMatchObject({ contentType: "image/png", bytes: png.length });
      gated.open();
    });
  },
);
