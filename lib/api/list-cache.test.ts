import { describe, expect, it } from "vitest";
import { historyItemSchema, type HistoryPage } from "@/lib/mj/history-query";
import { taskSchema } from "@/lib/mj/task";
import {
  keepNewestCopies,
  mergeHead,
  newerCopy,
  patchTasks,
  withoutTasks,
  type TaskListData,
} from "./list-cache";

const item = (id: string, fields: Record<string, unknown> = {}) =>
  historyItemSchema.parse({ id, status: "SUCCESS", submitTime: 1_700_000_000_000, ...fields });
const page = (ids: string[], nextCursor: string | null): HistoryPage => ({
  items: ids.map((id) => item(id)),
  nextCursor,
});
const ids = (data: TaskListData | undefined) => data?.pages.map((p) => p.items.map((i) => i.id));

/** Newest first: f e d | c b a, two pages of three with keyset cursors after c and after a. */
const cached: TaskListData = {
  pages: [page(["f", "e", "d"], "after-d"), page(["c", "b", "a"], null)],
  pageParams: [null, "after-d"],
};

describe("mergeHead", () => {
  it("leaves a list that is not loaded alone", () => {
    expect(mergeHead(undefined, page(["x"], null))).toBeUndefined();
  });

  it("puts new jobs on top of the first page, once, and keeps the pages below and their cursors", () => {
    const merged = mergeHead(cached, page(["h", "g", "f"], "after-f"));
    expect(ids(merged)).toEqual([
      ["h", "g", "f", "e", "d"],
      ["c", "b", "a"],
    ]);
    expect(merged?.pages[0]?.nextCursor).toBe("after-d");
    expect(merged?.pageParams).toEqual([null, "after-d"]);
  });

  it("changes nothing when the head says what the cache already holds", () => {
    expect(mergeHead(cached, page(["f", "e", "d"], "after-d"))).toEqual(cached);
  });

  it("drops a task above the last shared one that the head no longer lists (deleted or hidden)", () => {
    expect(ids(mergeHead(cached, page(["g", "f", "d"], "after-d")))).toEqual([
      ["g", "f", "d"],
      ["c", "b", "a"],
    ]);
  });

  it("takes the head's copy of a task it shares (a favourite set in another tab)", () => {
    const head: HistoryPage = {
      items: [item("f", { favorite: true }), item("e"), item("d")],
      nextCursor: "x",
    };
    expect(mergeHead(cached, head)?.pages[0]?.items[0]?.favorite).toBe(true);
  });

  it("reaches into later pages when the head spans them, merging what it covers into the first", () => {
    // Two tasks deleted elsewhere: the head of three now reaches c, on the second cached page.
    const merged = mergeHead(cached, page(["g", "f", "c"], "after-c"));
    expect(ids(merged)).toEqual([["g", "f", "c", "b", "a"]]);
    expect(merged?.pages[0]?.nextCursor).toBeNull();
    expect(merged?.pageParams).toEqual([null]);
  });

  it("starts over from the head when it shares nothing with the cache, rather than leave a gap", () => {
    const head = page(["k", "j", "i"], "after-i");
    expect(mergeHead(cached, head)).toEqual({ pages: [head], pageParams: [null] });
  });

  it("fills an empty view, and empties a view whose tasks are all gone", () => {
    const empty: TaskListData = { pages: [page([], null)], pageParams: [null] };
    expect(ids(mergeHead(empty, page(["a"], null)))).toEqual([["a"]]);
    expect(ids(mergeHead(cached, page([], null)))).toEqual([[]]);
  });
});

describe("optimistic edits", () => {
  it("removes tasks from every page", () => {
    expect(ids(withoutTasks(cached, ["e", "b"]))).toEqual([
      ["f", "d"],
      ["c", "a"],
    ]);
  });

  it("patches the user's flags of the named tasks only", () => {
    const patched = patchTasks(cached, ["d"], { favorite: true });
    expect(patched.pages.flatMap((p) => p.items.filter((i) => i.favorite).map((i) => i.id))).toEqual(["d"]);
    expect(patched.pages[1]?.items[0]).toBe(cached.pages[1]?.items[0]);
  });
});

describe("copies that arrive out of order", () => {
  const queued = item("u", { status: "NOT_START", progress: null });
  const running = item("u", { status: "IN_PROGRESS", progress: "40%" });
  const done = item("u", { status: "SUCCESS", progress: "100%", imageUrl: "https://cdn.example/u.png" });
  /** The feed as it stands after the poll saw the upscale finish. */
  const afterPoll: TaskListData = {
    pages: [{ items: [done, item("a")], nextCursor: null }],
    pageParams: [null],
  };

  it("keeps the newer status, and takes a copy that moved on", () => {
    expect(newerCopy(done, queued)).toBe(done);
    expect(newerCopy(done, running)).toBe(done);
    expect(newerCopy(running, item("u", { status: "IN_PROGRESS", progress: "10%" }))).toBe(running);
    expect(newerCopy(queued, done).status).toBe("SUCCESS");
  });

  it("keeps the app's flags a poll does not carry", () => {
    const liked = { ...running, favorite: true };
    // A poll answers protocol tasks, which have no `favorite` of their own.
    const polled = taskSchema.parse({ id: "u", status: "SUCCESS", progress: "100%" });
    expect(newerCopy(liked, polled)).toMatchObject({ status: "SUCCESS", favorite: true });
  });

  it("a head read before the poll and applied after it does not send a finished job back to Queued", () => {
    const staleHead: HistoryPage = { items: [queued, item("a")], nextCursor: null };
    const merged = mergeHead(afterPoll, staleHead);
    expect(merged?.pages[0]?.items[0]).toBe(done);
  });

  it("a head still brings new jobs and the newer copies of the others", () => {
    const before: TaskListData = { pages: [{ items: [running], nextCursor: null }], pageParams: [null] };
    const head: HistoryPage = { items: [item("n", { status: "SUBMITTED" }), done], nextCursor: null };
    expect(mergeHead(before, head)?.pages[0]?.items.map((i) => [i.id, i.status])).toEqual([
      ["n", "SUBMITTED"],
      ["u", "SUCCESS"],
    ]);
  });

  it("a page read before the poll and answered after it keeps the finished copy, and the read's order", () => {
    const staleRead: TaskListData = {
      pages: [{ items: [item("a"), queued], nextCursor: null }],
      pageParams: [null],
    };
    const shared = keepNewestCopies(afterPoll, staleRead) as TaskListData;
    expect(shared.pages[0]?.items.map((i) => i.id)).toEqual(["a", "u"]);
    expect(shared.pages[0]?.items[1]).toEqual(done);
  });

  it("shares what did not change, and lets a read drop what it no longer lists", () => {
    const sameRead = structuredClone(afterPoll);
    expect(keepNewestCopies(afterPoll, sameRead)).toBe(afterPoll);
    const withoutA: TaskListData = { pages: [{ items: [done], nextCursor: null }], pageParams: [null] };
    expect((keepNewestCopies(afterPoll, withoutA) as TaskListData).pages[0]?.items).toEqual([done]);
    expect(keepNewestCopies(undefined, withoutA)).toBe(withoutA);
  });
});
