import { describe, expect, it, vi } from "vitest";
import { progressPercent, taskSchema, type Task } from "@/lib/mj/task";
import { InvalidCursorError, type MergeRule, type TaskListQuery, type TaskStore } from "./task-store";

/**
 * The contract every TaskStore adapter passes: run `describeTaskStore(name, harness)` from the
 * adapter's test file with a harness whose `open()` opens the store over a fresh, empty backing
 * (per test), and opens it again over the same data when called a second time (a restart).
 * The merge rules are not the store's: these tests record with a plain rule that writes every
 * incoming copy unless the id was deleted; the history's own rules are tested in lib/tasks.
 */

export interface TaskStoreHarness {
  open(): Promise<TaskStore>;
}

/** Writes the incoming copy; a deleted id stays deleted. */
const writeIncoming: MergeRule = (_stored, incoming, deleted) => (deleted ? null : incoming);

async function upsertMany(store: TaskStore, tasks: Task[], options?: { undelete?: boolean }) {
  return store.record(tasks, writeIncoming, options);
}

async function upsert(store: TaskStore, task: Task) {
  const [stored] = await store.record([task], writeIncoming);
  return stored!;
}

function task(fields: Record<string, unknown>): Task {
  return taskSchema.parse({ status: "SUCCESS", submitTime: 1_000, action: "IMAGINE", ...fields });
}

async function ids(store: TaskStore, query: Partial<TaskListQuery>): Promise<string[]> {
  return (await store.list({ limit: 100, cursor: null, ...query })).items.map((t) => t.id);
}

/** Every page of a query, following nextCursor. */
async function allPages(store: TaskStore, query: Partial<TaskListQuery>, limit: number): Promise<string[][]> {
  const pages: string[][] = [];
  let cursor: string | null = null;
  do {
    const page = await store.list({ ...query, limit, cursor });
    pages.push(page.items.map((t) => t.id));
    cursor = page.nextCursor;
  } while (cursor !== null && pages.length < 100);
  return pages;
}

export function describeTaskStore(name: string, harness: () => TaskStoreHarness): void {
  describe(`TaskStore contract: ${name}`, () => {
    const openStore = () => harness().open();

    describe("record", () => {
      it("keeps sort_time fixed at the first insert even if a later copy brings another submitTime", async () => {
        const store = await openStore();
        await upsert(store, task({ id: "x", submitTime: 1_000 }));
        await upsert(store, task({ id: "y", submitTime: 2_000 }));
        await upsert(store, task({ id: "x", status: "SUCCESS", submitTime: 3_000 }));
        expect((await store.list({ limit: 10, cursor: null })).items.map((t) => t.id)).toEqual(["y", "x"]);
      });
      it("uses the time of first sight when the task has no submitTime", async () => {
        const store = await openStore();
        const before = Date.now();
        await upsert(store, task({ id: "old", submitTime: before - 60_000 }));
        await upsert(store, task({ id: "new", submitTime: null }));
        expect((await store.list({ limit: 10, cursor: null })).items.map((t) => t.id)).toEqual([
          "new",
          "old",
        ]);
      });
      it("records all tasks and returns them as stored", async () => {
        const store = await openStore();
        await upsert(store, task({ id: "a", status: "SUCCESS" }));
        // A rule that writes only first copies: "a" is not written again and comes back as stored.
        const firstWins: MergeRule = (stored, incoming) => (stored ? null : incoming);
        const result = await store.record(
          [task({ id: "a", status: "IN_PROGRESS" }), task({ id: "b", status: "SUBMITTED" })],
          firstWins,
        );
        expect(result.map((t) => [t.id, t.status])).toEqual([
          ["a", "SUCCESS"],
          ["b", "SUBMITTED"],
        ]);
        expect(await store.getMany(["a", "b"])).toHaveLength(2);
      });
      it("is atomic: one failing task leaves nothing written", async () => {
        const store = await openStore();
        await upsert(store, task({ id: "existing", status: "SUBMITTED" }));
        // A BigInt cannot be serialised to JSON, so the second write throws mid-batch.
        const unserialisable = { ...task({ id: "bad" }), extra: 10n };
        await expect(
          upsertMany(store, [
            task({ id: "existing", status: "SUCCESS" }),
            unserialisable,
            task({ id: "after" }),
          ]),
        ).rejects.toThrow();
        expect((await store.get("existing"))?.status).toBe("SUBMITTED");
        expect(await store.get("bad")).toBeNull();
        expect(await store.get("after")).toBeNull();
      });
      it("keeps the favourite flag through later copies, the user's and not the upstream's", async () => {
        const store = await openStore();
        await upsert(store, task({ id: "a", status: "IN_PROGRESS", progress: "10%" }));
        expect(await store.setFavorite(["a"], true)).toBe(1);
        const after = await upsert(store, task({ id: "a", status: "SUCCESS", progress: "100%" }));
        expect(after).toMatchObject({ status: "SUCCESS", favorite: true });
        // A copy read from the store (favorite: true) written back changes the task, not the flag.
        const [stale] = await store.record(
          [{ ...(await store.get("a"))!, favorite: false, seed: "123" }],
          writeIncoming,
        );
        expect(stale).toMatchObject({ seed: "123", favorite: true });
        await store.close();
        const reopened = await openStore();
        expect(await reopened.get("a")).toMatchObject({ seed: "123", favorite: true });
      });
    });

    describe("two instances on the same data", () => {
      it("recording the same tasks at once, neither undoes the other's newer copy", async () => {
        // Two stores over the same data, as two app instances behind one load balancer.
        const [a, b] = [await openStore(), await openStore()];
        const known = Array.from({ length: 20 }, (_, i) => `race${String(i).padStart(2, "0")}`);
        // The history's rule in small: a copy further along replaces the stored one, never the reverse.
        const furtherWins: MergeRule = (stored, incoming) =>
          stored && (progressPercent(stored.progress) ?? 0) >= (progressPercent(incoming.progress) ?? 0)
            ? null
            : incoming;
        const copies = (step: number, order: string[]) =>
          order.map((id) => task({ id, status: "IN_PROGRESS", progress: `${step}%` }));
        // Both ready (a backend may set itself up at first use) before they race.
        await Promise.all([a.get("none"), b.get("none")]);
        for (let round = 0; round < 12; round++) {
          // Tasks both have recorded before, and tasks neither has seen, which both insert at once.
          const ids = [...known, ...Array.from({ length: 20 }, (_, i) => `new${round}-${i}`)];
          const [low, high] = [2 * round + 1, 2 * round + 2];
          // Both at once, listing the ids in opposite orders, the newer copy on either side.
          await Promise.all([
            a.record(copies(round % 2 === 0 ? low : high, ids), furtherWins),
            b.record(copies(round % 2 === 0 ? high : low, [...ids].reverse()), furtherWins),
          ]);
          for (const store of [a, b]) {
            const found = new Map((await store.getMany(ids)).map((t) => [t.id, t.progress]));
            expect(ids.map((id) => found.get(id))).toEqual(ids.map(() => `${high}%`));
          }
        }
      });
    });

    describe("getMany", () => {
      it("omits unknown ids and returns [] for none", async () => {
        const store = await openStore();
        await upsertMany(store, [task({ id: "a" }), task({ id: "b" })]);
        expect((await store.getMany(["b", "missing", "a", "a"])).map((t) => t.id).sort()).toEqual(["a", "b"]);
        expect(await store.getMany([])).toEqual([]);
      });

      it("reads each task as last written, however soon after a read it was written again", async () => {
        const store = await openStore();
        // Every write in one millisecond: a store that knows a row's version by its write time
        // must still never answer an older copy.
        const clock = vi.spyOn(Date, "now").mockReturnValue(1_700_000_000_000);
        const running = (progress: string) => task({ id: "a", status: "IN_PROGRESS", progress });
        // What a poll, a media request and the feed read of it.
        const reads = async () => [
          (await store.getMany(["a", "b"])).find((t) => t.id === "a")?.progress,
          (await store.get("a"))?.progress,
          (await store.list({ limit: 10, cursor: null })).items.find((t) => t.id === "a")?.progress,
        ];
        try {
          await upsertMany(store, [running("10%"), task({ id: "b" })]);
          expect(await reads()).toEqual(["10%", "10%", "10%"]);
          await store.delete(["a"]);
          await upsertMany(store, [running("20%")], { undelete: true });
          expect(await reads()).toEqual(["20%", "20%", "20%"]);
          await upsert(store, running("30%"));
          expect(await reads()).toEqual(["30%", "30%", "30%"]);
          // A batch that fails, having written the task twice, is undone; then another process on
          // the same data writes it, and this one reads that.
          const unserialisable = { ...task({ id: "bad" }), extra: 10n };
          await expect(
            upsertMany(store, [running("40%"), running("45%"), unserialisable as unknown as Task]),
          ).rejects.toThrow();
          await upsert(await openStore(), running("50%"));
          expect(await reads()).toEqual(["50%", "50%", "50%"]);
          await upsert(store, running("60%"));
          expect(await reads()).toEqual(["60%", "60%", "60%"]);
        } finally {
          clock.mockRestore();
        }
      });

      it("handles more ids than SQLite's classic 999 bound-parameter limit", async () => {
        const store = await openStore();
        const ids = Array.from({ length: 2_500 }, (_, i) => `t${i}`);
        await upsertMany(
          store,
          ids.filter((_, i) => i % 2 === 0).map((id) => task({ id })),
        );
        const found = await store.getMany(ids);
        expect(found).toHaveLength(1_250);
        expect(new Set(found.map((t) => t.id))).toEqual(new Set(ids.filter((_, i) => i % 2 === 0)));
        // Read again, whole: more rows than a store may keep anything of between reads.
        expect(await store.getMany(ids)).toEqual(found);
      });
    });

    describe("list", () => {
      async function seed(store: TaskStore): Promise<string[]> {
        // 7 tasks over 4 distinct times; 3 share one sort_time so pages split inside a tie.
        const rows = [
          { id: "a", submitTime: 1_000 },
          { id: "b", submitTime: 2_000 },
          { id: "c", submitTime: 3_000 },
          { id: "d", submitTime: 3_000 },
          { id: "e", submitTime: 3_000 },
          { id: "f", submitTime: 4_000 },
          { id: "g", submitTime: 2_000 },
        ];
        await upsertMany(
          store,
          rows.map((r) => task(r)),
        );
        return ["f", "e", "d", "c", "g", "b", "a"];
      }

      it("pages newest first across 3 pages without duplicates or gaps, splitting a tie", async () => {
        const store = await openStore();
        const expected = await seed(store);
        const seen: string[][] = [];
        let cursor: string | null = null;
        do {
          const page = await store.list({ limit: 3, cursor });
          seen.push(page.items.map((t) => t.id));
          cursor = page.nextCursor;
        } while (cursor !== null && seen.length < 10);
        expect(seen).toEqual([["f", "e", "d"], ["c", "g", "b"], ["a"]]);
        expect(seen.flat()).toEqual(expected);
      });

      it("returns a null cursor when the last page is exactly full", async () => {
        const store = await openStore();
        await seed(store);
        const first = await store.list({ limit: 4, cursor: null });
        expect(first.items).toHaveLength(4);
        const second = await store.list({ limit: 3, cursor: first.nextCursor });
        expect(second.items.map((t) => t.id)).toEqual(["g", "b", "a"]);
        expect(second.nextCursor).toBeNull();
      });

      it("respects the limit", async () => {
        const store = await openStore();
        await seed(store);
        expect((await store.list({ limit: 2, cursor: null })).items).toHaveLength(2);
        expect(await store.list({ limit: 100, cursor: null })).toMatchObject({ nextCursor: null });
        expect((await store.list({ limit: 100, cursor: null })).items).toHaveLength(7);
        await expect(store.list({ limit: 0, cursor: null })).rejects.toThrow(RangeError);
      });

      it("keeps a cursor valid when the task it points at changes status", async () => {
        const store = await openStore();
        await seed(store);
        const first = await store.list({ limit: 3, cursor: null });
        await upsert(store, task({ id: "d", status: "SUCCESS", submitTime: 9_000 }));
        expect((await store.list({ limit: 3, cursor: first.nextCursor })).items.map((t) => t.id)).toEqual([
          "c",
          "g",
          "b",
        ]);
      });

      it.each([
        ["empty", ""],
        ["not base64url", "!!!"],
        ["not JSON", Buffer.from("hello").toString("base64url")],
        ["wrong shape", Buffer.from(JSON.stringify({ t: 1, id: "a" })).toString("base64url")],
        ["wrong types", Buffer.from(JSON.stringify(["1000", "a"])).toString("base64url")],
        ["fractional time", Buffer.from(JSON.stringify([1.5, "a"])).toString("base64url")],
      ])("rejects a malformed cursor (%s)", async (_, cursor) => {
        const store = await openStore();
        await seed(store);
        await expect(store.list({ limit: 3, cursor })).rejects.toThrow(InvalidCursorError);
      });
    });

    describe("prompt search", () => {
      async function seed(store: TaskStore) {
        await upsertMany(store, [
          task({ id: "fox", prompt: "A red fox in snow --ar 3:2", submitTime: 1 }),
          task({ id: "foxes", prompt: "two foxes playing, watercolor", submitTime: 2 }),
          task({ id: "cafe", prompt: "a Café in Paris at night", submitTime: 3 }),
          task({ id: "cat", prompt: "一只可爱的猫 sitting on a sofa", submitTime: 4 }),
          task({ id: "dog", prompt: "一只小狗 in the park", submitTime: 5 }),
          task({ id: "none", prompt: null, submitTime: 6 }),
          task({ id: "ops", prompt: "cats OR dogs NEAR the sea", submitTime: 7 }),
        ]);
      }

      it("matches words and word prefixes, case- and accent-insensitively", async () => {
        const store = await openStore();
        await seed(store);
        expect(await ids(store, { q: "fox" })).toEqual(["foxes", "fox"]);
        expect(await ids(store, { q: "FOXE" })).toEqual(["foxes"]);
        expect(await ids(store, { q: "cafe" })).toEqual(["cafe"]);
        expect(await ids(store, { q: "café paris" })).toEqual(["cafe"]);
        expect(await ids(store, { q: "paris fox" })).toEqual([]);
        // Not a substring match for spaced scripts: "ox" is not the start of a word.
        expect(await ids(store, { q: "ox" })).toEqual([]);
      });

      it("matches Chinese terms as substrings, alone or with other words", async () => {
        const store = await openStore();
        await seed(store);
        expect(await ids(store, { q: "猫" })).toEqual(["cat"]);
        expect(await ids(store, { q: "一只" })).toEqual(["dog", "cat"]);
        expect(await ids(store, { q: "一只 sofa" })).toEqual(["cat"]);
      });

      it.each([
        '"',
        '"fox',
        "*",
        "fox*",
        "NEAR(",
        "NEAR(fox snow)",
        "OR",
        "fox OR",
        "AND NOT",
        "-fox",
        "prompt:fox",
        "^fox",
        "fox'); DROP TABLE tasks; --",
        "\\",
        "(((",
        "{prompt}: x",
        "\u0000",
      ])("never raises on hostile input %j", async (q) => {
        const store = await openStore();
        await seed(store);
        await expect(store.list({ limit: 10, cursor: null, q })).resolves.toBeDefined();
      });

      it("treats operators as plain words and punctuation-only searches as no search", async () => {
        const store = await openStore();
        await seed(store);
        expect(await ids(store, { q: "OR" })).toEqual(["ops"]);
        expect(await ids(store, { q: "NEAR(" })).toEqual(["ops"]);
        expect(await ids(store, { q: '"fox' })).toEqual(["foxes", "fox"]);
        expect(await ids(store, { q: '" * ( )' })).toHaveLength(7);
      });

      it("follows prompt changes and deletes", async () => {
        const store = await openStore();
        await seed(store);
        await upsert(store, task({ id: "fox", prompt: "a grey wolf", submitTime: 1 }));
        expect(await ids(store, { q: "wolf" })).toEqual(["fox"]);
        expect(await ids(store, { q: "snow" })).toEqual([]);
        await store.delete(["foxes"]);
        expect(await ids(store, { q: "fox" })).toEqual([]);
      });
    });

    describe("filters", () => {
      async function seed(store: TaskStore) {
        await upsertMany(store, [
          task({ id: "i1", action: "IMAGINE", status: "SUCCESS", submitTime: 100, prompt: "sun" }),
          task({ id: "i2", action: "IMAGINE", status: "FAILURE", submitTime: 200, prompt: "moon" }),
          task({ id: "u1", action: "UPSCALE", status: "SUCCESS", submitTime: 300, prompt: "sun" }),
          task({ id: "v1", action: "VARIATION", status: "IN_PROGRESS", submitTime: 400, prompt: "sun" }),
          task({ id: "d1", action: "DESCRIBE", status: "SUCCESS", submitTime: 500, prompt: "" }),
        ]);
        await store.setFavorite(["i1", "v1"], true);
      }

      it("filter by action, status, favourite and time, alone and combined", async () => {
        const store = await openStore();
        await seed(store);
        expect(await ids(store, { action: ["IMAGINE"] })).toEqual(["i2", "i1"]);
        expect(await ids(store, { action: ["UPSCALE", "VARIATION"] })).toEqual(["v1", "u1"]);
        expect(await ids(store, { status: ["SUCCESS"] })).toEqual(["d1", "u1", "i1"]);
        expect(await ids(store, { status: ["FAILURE", "IN_PROGRESS"] })).toEqual(["v1", "i2"]);
        expect(await ids(store, { favorite: true })).toEqual(["v1", "i1"]);
        expect(await ids(store, { favorite: false })).toEqual(["d1", "u1", "i2"]);
        // Inclusive at both ends.
        expect(await ids(store, { from: 200, to: 400 })).toEqual(["v1", "u1", "i2"]);
        expect(await ids(store, { from: 401 })).toEqual(["d1"]);
        expect(await ids(store, { to: 100 })).toEqual(["i1"]);
        expect(await ids(store, { q: "sun", status: ["SUCCESS"] })).toEqual(["u1", "i1"]);
        expect(await ids(store, { q: "sun", favorite: true, action: ["VARIATION", "IMAGINE"] })).toEqual([
          "v1",
          "i1",
        ]);
        expect(
          await ids(store, { q: "sun", from: 150, to: 350, status: ["SUCCESS"], favorite: false }),
        ).toEqual(["u1"]);
        expect(await ids(store, { action: ["IMAGINE"], status: ["IN_PROGRESS"] })).toEqual([]);
        expect(await ids(store, { sort: "oldest", action: ["IMAGINE", "UPSCALE"] })).toEqual([
          "i1",
          "i2",
          "u1",
        ]);
      });

      it("excludeStatus leaves statuses out; asking for them by status still finds them", async () => {
        const store = await openStore();
        await seed(store);
        await upsert(
          store,
          task({ id: "m1", action: "VARIATION", status: "MODAL", submitTime: 600, prompt: "sun" }),
        );
        expect(await ids(store, { excludeStatus: ["MODAL"] })).toEqual(["d1", "v1", "u1", "i2", "i1"]);
        expect(await ids(store, { excludeStatus: ["MODAL", "FAILURE"], q: "sun" })).toEqual([
          "v1",
          "u1",
          "i1",
        ]);
        expect(await ids(store, { status: ["MODAL"] })).toEqual(["m1"]);
        expect(await ids(store, {})).toContain("m1");
      });

      it("media: videos (VIDEO jobs, video links, an mp4 image) or everything else, kept in step with each copy", async () => {
        const store = await openStore();
        await seed(store);
        await upsertMany(store, [
          task({ id: "vg", action: "VIDEO", status: "IN_PROGRESS", submitTime: 600, prompt: "sun" }),
          task({
            id: "vu",
            action: "UPSCALE",
            submitTime: 700,
            imageUrl: "https://cdn.example/video/j/0_1.MP4?ex=1",
          }),
          task({ id: "vl", action: "UPSCALE", submitTime: 800, videoUrls: [{ url: "https://cdn/v.mp4" }] }),
          task({ id: "gif", action: "IMAGINE", submitTime: 900, imageUrl: "https://cdn/mp4.png" }),
        ]);
        expect(await ids(store, { media: "video" })).toEqual(["vl", "vu", "vg"]);
        expect(await ids(store, { media: "image" })).toEqual(["gif", "d1", "v1", "u1", "i2", "i1"]);
        expect(await ids(store, { media: "video", q: "sun", favorite: false })).toEqual(["vg"]);
        // A later copy that turns out to carry a video moves the task over.
        await upsert(
          store,
          task({ id: "u1", action: "UPSCALE", submitTime: 300, videoUrl: "https://cdn/u.mp4" }),
        );
        expect(await ids(store, { media: "video", sort: "oldest" })).toEqual(["u1", "vg", "vu", "vl"]);
        expect(await ids(store, { media: "image" })).not.toContain("u1");
      });

      it("hidden: the flag is the user's, kept through later copies; list leaves hidden tasks out or in on request", async () => {
        const store = await openStore();
        await seed(store);
        expect(await store.setHidden(["i2", "u1", "missing"], true)).toBe(2);
        expect(await ids(store, { hidden: false })).toEqual(["d1", "v1", "i1"]);
        expect(await ids(store, { hidden: true })).toEqual(["u1", "i2"]);
        expect(await ids(store, {})).toEqual(["d1", "v1", "u1", "i2", "i1"]);
        expect(await ids(store, { hidden: true, q: "sun" })).toEqual(["u1"]);
        // A later copy from the upstream (a poll) does not unhide it, and what it returns says so.
        const [again] = await upsertMany(store, [
          task({ id: "u1", action: "UPSCALE", submitTime: 300, hidden: false }),
        ]);
        expect(again?.hidden).toBe(true);
        expect((await store.get("u1"))?.hidden).toBe(true);
        expect((await store.get("i1"))?.hidden).toBe(false);
        expect((await store.lineage("u1")).children).toEqual([]);
        expect(await store.setHidden(["u1"], false)).toBe(1);
        expect(await ids(store, { hidden: true })).toEqual(["i2"]);
        expect(await store.setHidden([], true)).toBe(0);
      });

      it("model, aspect, speed and sref filter as facetsOf reads each copy", async () => {
        const store = await openStore();
        await upsertMany(store, [
          task({ id: "f1", submitTime: 100, prompt: "sun --v 8.1 --ar 16:9" }),
          task({ id: "f2", submitTime: 200, prompt: "sun --niji 6 --sref 123 --relax" }),
          task({ id: "f3", submitTime: 300, prompt: "moon", mode: "TURBO" }),
          task({ id: "f4", submitTime: 400, prompt: "moon --v 7 --ar 16:9 --sref https://x.test/a.png" }),
        ]);
        expect(await ids(store, { model: ["v8.1"] })).toEqual(["f1"]);
        expect(await ids(store, { model: ["default", "niji6"] })).toEqual(["f3", "f2"]);
        expect(await ids(store, { aspect: ["16:9"] })).toEqual(["f4", "f1"]);
        expect(await ids(store, { aspect: ["1:1"] })).toEqual(["f3", "f2"]);
        expect(await ids(store, { speed: "relax" })).toEqual(["f2"]);
        expect(await ids(store, { speed: "turbo" })).toEqual(["f3"]);
        expect(await ids(store, { sref: true })).toEqual(["f4", "f2"]);
        expect(await ids(store, { sref: false, q: "moon" })).toEqual(["f3"]);
        expect(await ids(store, { sref: true, aspect: ["16:9"], model: ["v7"] })).toEqual(["f4"]);
        // A later copy with another prompt (a relay's rewritten one) moves the task.
        await upsert(store, task({ id: "f1", submitTime: 100, prompt: "sun --v 8.1 --ar 2:3" }));
        expect(await ids(store, { aspect: ["16:9"] })).toEqual(["f4"]);
      });

      it("setFavorite counts the recorded tasks among the ids", async () => {
        const store = await openStore();
        await seed(store);
        expect(await store.setFavorite(["i2", "missing"], true)).toBe(1);
        expect((await store.get("i2"))?.favorite).toBe(true);
        expect(await store.setFavorite(["i2"], false)).toBe(1);
        expect((await store.getMany(["i2"]))[0]?.favorite).toBe(false);
        expect(await store.setFavorite([], true)).toBe(0);
      });
    });

    describe("keyset paging", () => {
      async function seed(store: TaskStore, count: number) {
        // Pairs share a sort time so pages split inside ties.
        await upsertMany(
          store,
          Array.from({ length: count }, (_, i) =>
            task({
              id: `t${String(i).padStart(3, "0")}`,
              submitTime: 1_000 + Math.floor(i / 2),
              prompt: `scene ${i % 3 === 0 ? "forest" : "city"}`,
            }),
          ),
        );
      }

      it.each(["newest", "oldest"] as const)("pages %s first without duplicates or gaps", async (sort) => {
        const store = await openStore();
        await seed(store, 25);
        const pages = await allPages(store, { sort }, 4);
        expect(pages).toHaveLength(7);
        const flat = pages.flat();
        expect(flat).toEqual(await ids(store, { sort }));
        expect(new Set(flat).size).toBe(25);
        expect(flat[0]).toBe(sort === "newest" ? "t024" : "t000");
      });

      it.each(["newest", "oldest"] as const)(
        "with a filter, rows inserted between pages (%s) neither repeat nor shift what follows",
        async (sort) => {
          const store = await openStore();
          await seed(store, 30);
          const query = { sort, q: "forest" } as const;
          const expected = await ids(store, query);
          const seen: string[] = [];
          let cursor: string | null = null;
          let round = 0;
          do {
            const page = await store.list({ ...query, limit: 3, cursor });
            seen.push(...page.items.map((t) => t.id));
            cursor = page.nextCursor;
            // New tasks at both ends of time, matching the filter.
            await upsertMany(store, [
              task({ id: `new-late-${round}`, submitTime: 9_000 + round, prompt: "forest" }),
              task({ id: `new-early-${round}`, submitTime: 10 + round, prompt: "forest" }),
            ]);
            round++;
          } while (cursor !== null && round < 50);
          const inserted = seen.filter((id) => id.startsWith("new-"));
          expect(seen.filter((id) => !id.startsWith("new-"))).toEqual(expected);
          expect(new Set(seen).size).toBe(seen.length);
          // Only rows behind the cursor's position can appear: the early ones for newest, late for oldest.
          for (const id of inserted) expect(id).toContain(sort === "newest" ? "early" : "late");
        },
      );

      it("gives the same pages for a broad search (hundreds of matches) as for a narrow one", async () => {
        const store = await openStore();
        await upsertMany(
          store,
          Array.from({ length: 1_200 }, (_, i) =>
            task({
              id: `b${String(i).padStart(4, "0")}`,
              submitTime: 5_000 - (i % 7) * 100 - i,
              prompt: i % 2 === 0 ? "common word" : "rare word",
            }),
          ),
        );
        await store.setFavorite(["b0000", "b0002", "b0003"], true);
        for (const sort of ["newest", "oldest"] as const) {
          const broad = (await allPages(store, { sort, q: "common" }, 50)).flat();
          expect(broad).toHaveLength(600);
          expect(new Set(broad).size).toBe(600);
          const times = new Map((await store.getMany(broad)).map((t) => [t.id, t.submitTime!]));
          const bySortKey = [...broad].sort((a, b) => {
            const [ta, tb] = [times.get(a)!, times.get(b)!];
            return (ta - tb || a.localeCompare(b)) * (sort === "newest" ? -1 : 1);
          });
          expect(broad).toEqual(bySortKey);
          expect(await ids(store, { sort, q: "common", favorite: true })).toEqual(
            sort === "newest" ? ["b0000", "b0002"] : ["b0002", "b0000"],
          );
        }
      });

      it("refuses a cursor of the other sort order", async () => {
        const store = await openStore();
        await seed(store, 10);
        const { nextCursor } = await store.list({ limit: 3, cursor: null, sort: "newest" });
        await expect(store.list({ limit: 3, cursor: nextCursor, sort: "oldest" })).rejects.toThrow(
          InvalidCursorError,
        );
        await expect(store.list({ limit: 3, cursor: nextCursor, sort: "newest" })).resolves.toBeDefined();
      });
    });

    describe("delete", () => {
      it("removes tasks for good: a re-upsert is ignored, also after a restart", async () => {
        const store = await openStore();
        await upsertMany(store, [task({ id: "a", prompt: "keep" }), task({ id: "b", prompt: "gone" })]);
        await store.setFavorite(["b"], true);
        expect((await store.delete(["b", "missing", "b"])).deleted).toEqual(["b"]);
        expect(await store.get("b")).toBeNull();
        const echoed = await upsert(store, task({ id: "b", prompt: "gone", status: "SUCCESS" }));
        expect(echoed).toMatchObject({ id: "b", prompt: "gone", favorite: false });
        expect(await store.get("b")).toBeNull();
        await store.close();

        const reopened = await openStore();
        expect((await upsertMany(reopened, [task({ id: "b" }), task({ id: "c" })])).map((t) => t.id)).toEqual(
          ["b", "c"],
        );
        expect(await reopened.get("b")).toBeNull();
        expect(await ids(reopened, {})).toEqual(["c", "a"]);
        expect((await reopened.getMany(["a", "b", "c"])).map((t) => t.id).sort()).toEqual(["a", "c"]);
        expect(await reopened.delete(["b"])).toEqual({ deleted: [], orphanedInputs: [] });
      });

      it("an explicit undelete brings a deleted task back", async () => {
        const store = await openStore();
        await upsert(store, task({ id: "a" }));
        await store.delete(["a"]);
        await upsertMany(store, [task({ id: "a", prompt: "back" })], { undelete: true });
        expect(await store.get("a")).toMatchObject({ prompt: "back", favorite: false });
      });
    });

    describe("lineage", () => {
      it("walks the parents nearest first to the root, and lists direct children", async () => {
        const store = await openStore();
        await upsertMany(store, [
          task({ id: "root", submitTime: 1 }),
          task({ id: "u1", parentId: "root", action: "UPSCALE", submitTime: 2 }),
          task({ id: "u2", parentId: "root", action: "UPSCALE", submitTime: 3 }),
          task({ id: "zoom", parentId: "u1", action: "ZOOM", submitTime: 4 }),
          task({ id: "zoom-v", parentId: "zoom", action: "VARIATION", submitTime: 5 }),
        ]);
        expect(await store.lineage("zoom")).toMatchObject({
          parents: [{ id: "u1" }, { id: "root" }],
          children: [{ id: "zoom-v" }],
        });
        expect((await store.lineage("root")).parents).toEqual([]);
        expect((await store.lineage("root")).children.map((t) => t.id)).toEqual(["u1", "u2"]);
        expect((await store.lineage("zoom-v")).parents.map((t) => t.id)).toEqual(["zoom", "u1", "root"]);
        expect(await store.lineage("missing")).toEqual({ parents: [], children: [] });
      });

      it("stops at a parent it never recorded, and survives a loop in parent ids", async () => {
        const store = await openStore();
        await upsertMany(store, [
          task({ id: "orphan", parentId: "never-seen" }),
          task({ id: "x", parentId: "y" }),
          task({ id: "y", parentId: "x" }),
        ]);
        expect((await store.lineage("orphan")).parents).toEqual([]);
        expect((await store.lineage("x")).parents.map((t) => t.id)).toEqual(["y"]);
      });
    });

    describe("folders", () => {
      async function seed(store: TaskStore) {
        await upsertMany(store, [
          task({ id: "a", submitTime: 100, prompt: "sun" }),
          task({ id: "b", submitTime: 200, prompt: "moon" }),
          task({ id: "c", submitTime: 300, prompt: "sun" }),
        ]);
      }

      it("creates, lists (oldest first, with counts and the newest visible task as cover), renames and deletes; the tasks stay", async () => {
        const store = await openStore();
        await seed(store);
        const trips = (await store.createFolder("Trips", 10))!;
        const cats = (await store.createFolder("Cats", 10))!;
        expect(trips).toMatchObject({ name: "Trips", count: 0, cover: null });
        expect(trips.id).not.toBe(cats.id);
        expect(await store.addToFolder(trips.id, ["a", "c", "missing"])).toBe(2);
        // Adding again is not an error, and a task may be in several folders.
        expect(await store.addToFolder(trips.id, ["a"])).toBe(1);
        expect(await store.addToFolder(cats.id, ["a"])).toBe(1);
        let folders = await store.listFolders();
        expect(folders.map((f) => [f.name, f.count, f.cover?.id])).toEqual([
          ["Trips", 2, "c"],
          ["Cats", 1, "a"],
        ]);
        await store.setHidden(["c"], true);
        expect((await store.listFolders())[0]?.cover?.id).toBe("a");
        expect(await store.renameFolder(trips.id, "Holidays")).toMatchObject({ name: "Holidays", count: 2 });
        expect(await store.renameFolder("missing", "x")).toBeNull();
        expect(await store.deleteFolder(cats.id)).toBe(true);
        expect(await store.deleteFolder(cats.id)).toBe(false);
        folders = await store.listFolders();
        expect(folders.map((f) => f.name)).toEqual(["Holidays"]);
        expect(await ids(store, {})).toEqual(["c", "b", "a"]);
      });

      it("lists a folder's tasks with the other filters, keyset-paged", async () => {
        const store = await openStore();
        await seed(store);
        const folder = (await store.createFolder("F", 10))!;
        await store.addToFolder(folder.id, ["a", "b", "c"]);
        expect(await ids(store, { folder: folder.id })).toEqual(["c", "b", "a"]);
        expect(await ids(store, { folder: folder.id, q: "sun" })).toEqual(["c", "a"]);
        expect(await allPages(store, { folder: folder.id }, 2)).toEqual([["c", "b"], ["a"]]);
        expect(await ids(store, { folder: "missing" })).toEqual([]);
        expect(await store.removeFromFolder(folder.id, ["b", "missing"])).toBe(1);
        expect(await ids(store, { folder: folder.id })).toEqual(["c", "a"]);
        expect(await store.removeFromFolder("missing", ["a"])).toBeNull();
      });

      it("moves tasks from one folder to another atomically; an unknown folder changes nothing", async () => {
        const store = await openStore();
        await seed(store);
        const from = (await store.createFolder("From", 10))!;
        const to = (await store.createFolder("To", 10))!;
        await store.addToFolder(from.id, ["a", "b", "c"]);
        expect(await store.addToFolder(to.id, ["a", "b"], from.id)).toBe(2);
        expect(await ids(store, { folder: from.id })).toEqual(["c"]);
        expect(await ids(store, { folder: to.id })).toEqual(["b", "a"]);
        expect(await store.addToFolder(to.id, ["c"], "missing")).toBeNull();
        expect(await store.addToFolder("missing", ["c"], from.id)).toBeNull();
        expect(await ids(store, { folder: from.id })).toEqual(["c"]);
      });

      it("deleting a task removes it from its folders; folders survive a restart", async () => {
        const store = await openStore();
        await seed(store);
        const folder = (await store.createFolder("Kept", 10))!;
        await store.addToFolder(folder.id, ["a", "b"]);
        await store.delete(["a"]);
        expect((await store.listFolders())[0]?.count).toBe(1);
        await store.close();
        const again = await openStore();
        expect((await again.listFolders()).map((f) => [f.name, f.count])).toEqual([["Kept", 1]]);
        expect(await ids(again, { folder: folder.id })).toEqual(["b"]);
      });

      it("refuses a folder beyond the limit", async () => {
        const store = await openStore();
        expect(await store.createFolder("1", 2)).not.toBeNull();
        expect(await store.createFolder("2", 2)).not.toBeNull();
        expect(await store.createFolder("3", 2)).toBeNull();
        expect(await store.listFolders()).toHaveLength(2);
      });
    });

    describe("smart folders", () => {
      it("creates, lists, updates, deletes, within a limit, and keeps them across a restart", async () => {
        const store = await openStore();
        const one = (await store.createSmartFolder({ name: "Videos", search: "media=video" }, 2))!;
        expect(one).toMatchObject({ name: "Videos", search: "media=video" });
        expect(await store.createSmartFolder({ name: "Sun", search: "q=sun" }, 2)).not.toBeNull();
        expect(await store.createSmartFolder({ name: "Over", search: "" }, 2)).toBeNull();
        expect(await store.updateSmartFolder(one.id, { name: "Clips" })).toMatchObject({
          name: "Clips",
          search: "media=video",
        });
        expect(await store.updateSmartFolder(one.id, { search: "media=video&favorite=true" })).toMatchObject({
          name: "Clips",
          search: "media=video&favorite=true",
        });
        expect(await store.updateSmartFolder("missing", { name: "x" })).toBeNull();
        await store.close();
        const again = await openStore();
        expect((await again.listSmartFolders()).map((f) => f.name)).toEqual(["Clips", "Sun"]);
        expect(await again.deleteSmartFolder(one.id)).toBe(true);
        expect(await again.deleteSmartFolder(one.id)).toBe(false);
        expect((await again.listSmartFolders()).map((f) => f.name)).toEqual(["Sun"]);
      });
    });

    describe("requests", () => {
      const red = { input: `${"a".repeat(64)}.png` };
      const blue = { input: `${"b".repeat(64)}.jpg` };

      it("keeps the body as submitted (with image references) for every task it created", async () => {
        const store = await openStore();
        const body = { prompt: "cat", base64Array: [red, "https://example.com/ref.png", blue] };
        await store.saveRequest(["t1"], "imagine", body, [red.input, blue.input]);
        await store.saveRequest(["t2", "t3"], "blend", { base64Array: [red, blue], dimensions: "SQUARE" }, [
          red.input,
          blue.input,
        ]);
        expect(await store.getRequest("t1")).toEqual({ kind: "imagine", body });
        expect(await store.getRequest("t3")).toEqual(await store.getRequest("t2"));
        expect((await store.getRequest("t2"))?.kind).toBe("blend");
        expect(await store.getRequest("none")).toBeNull();
        await store.close();
        const reopened = await openStore();
        expect(await reopened.getRequest("t1")).toEqual({ kind: "imagine", body });
      });

      it("a later request for the same task replaces the earlier one (the modal that finally ran)", async () => {
        const store = await openStore();
        await store.saveRequest(["m"], "action", { taskId: "p", customId: "MJ::x" }, []);
        await store.saveRequest(["m"], "modal", { taskId: "m", prompt: "x", maskBase64: blue }, [blue.input]);
        expect(await store.getRequest("m")).toEqual({
          kind: "modal",
          body: { taskId: "m", prompt: "x", maskBase64: blue },
        });
      });

      it("deleting tasks removes their requests and names the images no other request refers to", async () => {
        const store = await openStore();
        await upsertMany(store, [task({ id: "t1" }), task({ id: "t2" })]);
        await store.saveRequest(["t1"], "imagine", { prompt: "a", base64Array: [red, blue] }, [
          red.input,
          blue.input,
        ]);
        await store.saveRequest(["t2"], "imagine", { prompt: "b", base64Array: [red] }, [red.input]);
        expect(await store.delete(["t1"])).toEqual({ deleted: ["t1"], orphanedInputs: [blue.input] });
        expect(await store.getRequest("t1")).toBeNull();
        expect(await store.delete(["t2"])).toEqual({ deleted: ["t2"], orphanedInputs: [red.input] });
        expect(await store.getRequest("t2")).toBeNull();
      });
    });
  });
}
