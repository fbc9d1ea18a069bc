import { describe, expect, it } from "vitest";
import { historyItemSchema, type HistoryPage } from "@/lib/mj/history-query";
import { mergeHead, patchTasks, withoutTasks, type TaskListData } from "./list-cache";

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
