import os from "node:os";
import { afterEach, describe, expect, it, vi } from "vitest";
import { closeWorlds, finished, world } from "@/lib/testing/world";
import { AHEAD_MAX } from "./cache";
import { ImageDecodeError, makeThumbnail, sharpSlots, withSourceInSlot } from "./thumbnail";

afterEach(async () => {
  vi.restoreAllMocks();
  await closeWorlds();
});

describe("thumbnails made with the originals", () => {
  it("has a finished task's thumbnail and grid cells cached after the background download, unasked", async () => {
    const w = world();
    const task = await finished(w.tasks, "a paper crane");
    await w.media.idle();
    // Nothing asked for a thumbnail: the background job made them with the original. The full-size
    // cells are cut only when someone asks for one.
    const slots = (await w.media.list(task.id)).map((file) => file.slot).sort();
    const cells = [1, 2, 3, 4].map((n) => `cell.${n}.thumb`);
    expect(slots).toEqual([...cells, "image", "thumb"].sort());
    expect(await w.media.get(task.id, "thumb")).toMatchObject({ contentType: "image/webp" });
  });

  it("never runs more sharp work at once than the machine has cores, however many ask", async () => {
    // Every sharp job of the cache goes through the slots: counted as it enters them.
    const entered = vi.spyOn(sharpSlots, "run");
    const w = world();
    const answered = await Promise.all(
      Array.from({ length: 4 }, (_, i) => finished(w.tasks, `a burst of thumbnails, number ${i}`)),
    );
    // The recorded copies, with the upstream's links (what the media route hands the cache).
    const tasks = await Promise.all(answered.map(async (task) => (await w.store.get(task.id))!));
    // The background jobs and a burst of first requests for every derived file, all at once.
    const asked = tasks.flatMap((task) => [
      w.media.thumbnail(task, "thumb"),
      ...([1, 2, 3, 4] as const).flatMap((n) => [
        w.media.cell(task, `cell.${n}`),
        w.media.cell(task, `cell.${n}.thumb`),
      ]),
    ]);
    const made = await Promise.all(asked);
    await w.media.idle();
    expect(made.every((media) => media !== null)).toBe(true);
    // Per task: one pass for its thumbnail and its cells' thumbnails, and four cells, each made once.
    expect(entered.mock.calls.length).toBeGreaterThanOrEqual(tasks.length * 5);
    // One per core, and two of libuv's four threads always left to file reads.
    expect(sharpSlots.size).toBe(Math.min(os.availableParallelism(), 2));
    // The burst filled every slot and never more.
    expect(sharpSlots.peak).toBe(sharpSlots.size);
    expect(sharpSlots.active).toBe(0);
  });
});

/**
 * Holds every sharp slot (each released by a function of `releases`), and notes from then on
 * whether each piece of work that gets a slot is one a person waits on.
 */
async function holdSlotsNotingUrgency() {
  const releases: (() => void)[] = [];
  const blockers = Array.from({ length: sharpSlots.size }, () =>
    sharpSlots.run(() => new Promise<void>((resolve) => releases.push(resolve))),
  );
  await vi.waitFor(() => expect(releases).toHaveLength(sharpSlots.size));
  const run = sharpSlots.run.bind(sharpSlots);
  const urgentAtStart: boolean[] = [];
  vi.spyOn(sharpSlots, "run").mockImplementation(((work, urgent) =>
    run(() => {
      urgentAtStart.push(urgent?.() ?? false);
      return work();
    }, urgent)) as typeof sharpSlots.run);
  return { releases, blockers, urgentAtStart };
}

describe("work waiting for a sharp slot", () => {
  it.each([
    // The queue's own work: a poll is not held for its media.
    { made: "by the media queue", options: { mediaBeforeRecord: false } },
    // As the app runs: a poll's finish waits for its thumbnails, made ahead (lib/media/ready.ts).
    { made: "ahead of a page", options: {} },
  ])(
    "goes to a person's request ahead of grids' thumbnails made $made, queued before it",
    async ({ options }) => {
      const w = world(options);
      // A grid whose job is done: a full-size cell of it is cut only when someone asks.
      const looked = await finished(w.tasks, "a grid someone opens");
      await w.media.idle();
      const { releases, blockers, urgentAtStart } = await holdSlotsNotingUrgency();
      let asked: ReturnType<typeof w.media.cell> | null = null;
      // The slots are freed whatever happens: they are the whole process's.
      try {
        // Two jobs finish and their grids' thumbnails are queued...
        await Promise.all(["queued one", "queued two"].map((prompt) => finished(w.tasks, prompt)));
        await vi.waitFor(() => expect(sharpSlots.waiting).toBe(2), { timeout: 20_000 });
        // ...then a person opens an image: its cut waits behind them.
        const task = (await w.store.get(looked.id))!;
        asked = w.media.cell(task, "cell.1");
        await vi.waitFor(() => expect(sharpSlots.waiting).toBe(3), { timeout: 20_000 });
        releases.shift()!();
        await vi.waitFor(() => expect(urgentAtStart.length).toBeGreaterThan(0));
        expect(urgentAtStart[0]).toBe(true);
      } finally {
        for (const release of releases) release();
      }
      expect(await asked).toMatchObject({ slot: "cell.1", contentType: "image/png" });
      await Promise.all(blockers);
      await w.media.idle();
      expect(urgentAtStart).toEqual([true, false, false]);
    },
  );

  it("is made ahead for at most AHEAD_MAX tasks at once; a finish past that is recorded as it is, its job makes it", async () => {
    const w = world();
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const blockers = Array.from({ length: sharpSlots.size }, () => sharpSlots.run(() => gate));
    await vi.waitFor(() => expect(sharpSlots.active).toBe(sharpSlots.size));
    const ahead = vi.spyOn(w.media, "ahead");
    let late: Awaited<ReturnType<typeof finished>>;
    try {
      // A finish whose thumbnails wait for sharp, then as many more asks to make them ahead as
      // the bound leaves (one poll's finishes all come at once, before any reaches sharp's line).
      const first = await finished(w.tasks, "made ahead, waiting for sharp");
      const task = (await w.store.get(first.id))!;
      const more = Array.from({ length: AHEAD_MAX }, () => w.media.ahead(task, ["cell.1.thumb"]));
      expect(more.filter((promise) => promise !== null)).toHaveLength(AHEAD_MAX - 1);
      expect(more.at(-1)).toBeNull();
      ahead.mockClear();
      late = await finished(w.tasks, "a finish past the bound");
      // Asked, and nothing made ahead: the poll recorded the finish without waiting on it.
      expect(ahead.mock.results).toEqual([{ type: "return", value: null }]);
      expect(await w.media.get(late.id, "cell.1.thumb")).toBeNull();
    } finally {
      open();
    }
    await Promise.all(blockers);
    await w.media.idle();
    expect(await w.media.get(late.id, "cell.1.thumb")).toMatchObject({ contentType: "image/webp" });
    // Settled, thumbnails are made ahead again.
    const again = w.media.ahead(late, ["cell.2.thumb"]);
    expect(again).not.toBeNull();
    await again;
  });

  it("reads its source only once a slot is free, so a queue of grids holds no pixels", async () => {
    const releases: (() => void)[] = [];
    const blockers = Array.from({ length: sharpSlots.size }, () =>
      sharpSlots.run(() => new Promise<void>((resolve) => releases.push(resolve))),
    );
    await vi.waitFor(() => expect(releases).toHaveLength(sharpSlots.size));
    const read = vi.fn(async () => Buffer.from("bytes"));
    const done = withSourceInSlot(read, async (input) => input.length);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(read).not.toHaveBeenCalled();
    releases.shift()!();
    expect(await done).toBe(5);
    expect(read).toHaveBeenCalledTimes(1);
    for (const release of releases) release();
    await Promise.all(blockers);
  });

  it("downloads an original whose blob vanished after its look-up outside the slot, and still cuts the cell", async () => {
    const w = world();
    const task = (await w.store.get((await finished(w.tasks, "an original that vanishes")).id))!;
    await w.media.idle();
    const original = (await w.media.get(task.id, "image"))!;
    // The blob goes while the cut waits for its slot: after the look-up found it, before the read.
    const run = sharpSlots.run.bind(sharpSlots);
    vi.spyOn(sharpSlots, "run").mockImplementationOnce(((work, urgent) =>
      run(async () => {
        await w.blobs.delete(original.key);
        return work();
      }, urgent)) as typeof sharpSlots.run);
    // Each download of the original, with the sharp work running in the process at that moment.
    const slotsBusy: number[] = [];
    w.fault.media = () => {
      slotsBusy.push(sharpSlots.active);
      return null;
    };
    expect(await w.media.cell(task, "cell.2")).toMatchObject({ slot: "cell.2", contentType: "image/png" });
    // Once, with no slot held: downloaded in the slot, it held one of the two for the upstream's time.
    expect(slotsBusy).toEqual([0]);
  });

  it("answers null for a source with no bytes, and calls an undecodable one bad input", async () => {
    expect(await makeThumbnail(async () => null)).toBeNull();
    await expect(makeThumbnail(async () => Buffer.from("not an image"))).rejects.toBeInstanceOf(
      ImageDecodeError,
    );
    // A failure to read the bytes is the store's, not the image's: it passes as it is.
    const lost = new Error("disk gone");
    await expect(
      makeThumbnail(async () => {
        throw lost;
      }),
    ).rejects.toBe(lost);
  });
});
