import { createHash, randomBytes } from "node:crypto";
import sharp from "sharp";
import type { BlobStore } from "@/lib/media/blob-store";
import { createRequestInputs } from "@/lib/media/inputs";
import { openStorage, type Storage } from "@/lib/server/storage";
import type { MediaIndex } from "@/lib/media/media-index";
import type { Task } from "@/lib/mj/task";
import type { TaskStore } from "@/lib/store/task-store";
import { mergeRule } from "@/lib/tasks/merge";
import { withInputRefs } from "@/lib/tasks/request-inputs";
import { makeTask } from "./tasks";

/**
 * A lived-in studio for tests and the bench: a history of `tasks` tasks as the app leaves it
 * (finished grids and their upscales with lineage, running and failed jobs, a few records with no
 * submit time), favourites and hidden ones, stored requests (some with reference images), cached
 * media (an original and a thumbnail for every `mediaEvery`-th finished task, in the blob store
 * and the media index), media jobs in every state, three folders and two smart folders.
 */
export interface SeedOptions {
  tasks: number;
  /** One finished task in this many has its media cached (default 3). */
  mediaEvery?: number;
  /** Bytes of a cached original (its thumbnail is a sixteenth); default 4 KiB. */
  originalBytes?: number;
}

export interface SeededStudio {
  store: TaskStore;
  blobs: BlobStore;
  mediaIndex: MediaIndex;
}

/** A studio over a data directory, opened as the app and `npm run migrate` open one. */
export function openDiskStudio(dataDir: string): Storage {
  return openStorage({ dataDir, s3: null, databaseUrl: undefined });
}

const BASE_TIME = 1_760_000_000_000;
const BASE_ID = 1_760_000_000_000_000;

const SUBJECTS = [
  "a red fox",
  "an old lighthouse",
  "a koi pond",
  "一只可爱的猫",
  "a desert caravan",
  "山水画",
];

/** Records the history in batches, as the poller would, and returns the ids in the order recorded. */
export async function seedStudio(studio: SeededStudio, options: SeedOptions): Promise<string[]> {
  const { store, blobs, mediaIndex } = studio;
  const mediaEvery = options.mediaEvery ?? 3;
  const originalBytes = options.originalBytes ?? 4096;
  const inputs = createRequestInputs(blobs);
  // A few reference images, shared by many requests as a user's favourite references are.
  const references = await Promise.all(
    ["#c33", "#3c3", "#33c"].map(async (background) =>
      (
        await sharp({ create: { width: 8, height: 8, channels: 3, background } })
          .png()
          .toBuffer()
      ).toString("base64"),
    ),
  );

  const ids: string[] = [];
  const batch: Task[] = [];
  const afterRecord: (() => Promise<void>)[] = [];
  const flush = async () => {
    await store.record(batch.splice(0), mergeRule);
    for (const step of afterRecord.splice(0)) await step();
  };

  for (let i = 0; i < options.tasks; i++) {
    const id = String(BASE_ID + i);
    ids.push(id);
    const upscale = i % 5 === 4;
    const status = i % 13 === 12 ? "FAILURE" : i % 17 === 16 ? "IN_PROGRESS" : "SUCCESS";
    const prompt = `${SUBJECTS[i % SUBJECTS.length]} number ${i} --ar 3:2`;
    batch.push(
      makeTask({
        id,
        action: upscale ? "UPSCALE" : "IMAGINE",
        status,
        prompt,
        promptEn: prompt,
        // A relay that never said when a job was submitted: the store sorts it by first sight.
        ...(i % 97 === 50 ? { submitTime: undefined } : { submitTime: BASE_TIME + i * 1000 }),
        ...(upscale ? { parentId: String(BASE_ID + i - 1) } : {}),
        ...(status === "SUCCESS"
          ? {
              finishTime: BASE_TIME + i * 1000 + 40_000,
              progress: "100%",
              imageUrl: `https://cdn.example.com/${id}/grid.png`,
              buttons: [
                { customId: `MJ::JOB::upsample::1::${id}`, label: "U1", emoji: "", style: 2, type: 2 },
              ],
            }
          : status === "FAILURE"
            ? { failReason: "[Banned prompt]" }
            : { progress: "40%" }),
      }),
    );
    const cached = status === "SUCCESS" && i % mediaEvery === 0;
    afterRecord.push(async () => {
      if (!upscale) {
        const withReference = i % 10 === 0;
        const body = {
          prompt,
          ...(withReference
            ? { base64Array: [`data:image/png;base64,${references[i % references.length]}`] }
            : {}),
        };
        const stored = await withInputRefs(body, inputs);
        await store.saveRequest([id], "imagine", stored.body, stored.inputs);
      }
      if (status !== "SUCCESS") return;
      await mediaIndex.openJob(id, BASE_TIME);
      if (!cached) {
        if (i % 4 === 1) {
          await mediaIndex.updateJob(id, {
            state: "failed",
            attempts: 5,
            nextAt: BASE_TIME,
            error: "expired link",
          });
        }
        return;
      }
      for (const [slot, ext, bytes] of [
        ["image", "png", originalBytes],
        ["thumb", "webp", Math.max(1, originalBytes >> 4)],
      ] as const) {
        const key = `media/${id}/${slot}.${ext}`;
        const content = randomBytes(bytes);
        const contentType = ext === "png" ? "image/png" : "image/webp";
        const put = await blobs.put(key, content, { contentType });
        await mediaIndex.putFile(
          {
            taskId: id,
            slot,
            key,
            contentType,
            bytes: put.size,
            sha256: createHash("sha256").update(content).digest("hex"),
            source: slot === "thumb" ? "thumb:image" : `https://cdn.example.com/${id}/grid.png`,
          },
          BASE_TIME,
        );
      }
      await mediaIndex.updateJob(id, { state: "done", attempts: 1, nextAt: BASE_TIME, error: null });
    });
    if (batch.length === 200) await flush();
  }
  await flush();

  await store.setFavorite(
    ids.filter((_, i) => i % 7 === 0),
    true,
  );
  await store.setHidden(
    ids.filter((_, i) => i % 11 === 0),
    true,
  );
  const folders = [];
  for (const [n, name] of ["Portfolio", "客户 A", "Later"].entries()) {
    const folder = (await store.createFolder(name, 100))!;
    folders.push(folder);
    const members = ids.filter((_, i) => i % (n + 3) === 0);
    for (let i = 0; i < members.length; i += 200)
      await store.addToFolder(folder.id, members.slice(i, i + 200));
  }
  await store.createSmartFolder({ name: "Foxes", search: "q=fox&media=image" }, 100);
  await store.createSmartFolder(
    { name: "Portfolio favourites", search: `folder=${folders[0]!.id}&favorite=1` },
    100,
  );
  return ids;
}
