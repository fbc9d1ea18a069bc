import { QueryClient } from "@tanstack/react-query";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { historyItemSchema, type HistoryPage } from "@/lib/mj/history-query";
import type { TaskListData } from "./list-cache";
import { taskListHeadQuery, taskListQuery } from "./queries";

/**
 * Races between the feed's reads, played against a real QueryClient with the network held in
 * hand: each `fetch` waits until the test answers it, so a read can be made to overtake another.
 */
const item = (id: string, status: string) =>
  historyItemSchema.parse({ id, status, submitTime: 1_700_000_000_000, progress: null });

let answers: Array<(page: HistoryPage) => void> = [];
beforeEach(() => {
  answers = [];
  vi.stubGlobal(
    "fetch",
    () =>
      new Promise<Response>((resolve) => {
        answers.push((page) => resolve(Response.json(page)));
      }),
  );
});
afterEach(() => vi.unstubAllGlobals());

/** Lets the awaiting code run until the next fetch is waiting for its answer. */
async function nextRead(): Promise<(page: HistoryPage) => void> {
  await vi.waitFor(() => expect(answers.length).toBeGreaterThan(0));
  return answers.shift()!;
}

/**
 * Lets an answered read run to its end. A cancelled query's promise settles at once, before the
 * read it abandoned has finished, so awaiting it proves nothing; the control below shows that
 * this wait is long enough for a read that is not cancelled to be folded in.
 */
const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

const options = taskListQuery({}, 10);
const statusOf = (client: QueryClient, id: string) =>
  client
    .getQueryData<TaskListData>(options.queryKey)
    ?.pages.flatMap((page) => page.items)
    .find((task) => task.id === id)?.status;

describe("the feed's cache under racing reads", () => {
  it("a list read that started before a poll and ends after it leaves the finished job finished", async () => {
    const client = new QueryClient();
    const first = client.fetchInfiniteQuery(options);
    (await nextRead())({ items: [item("u", "NOT_START")], nextCursor: null });
    await first;

    // A write re-reads the list; the server answers from before the upscale finished...
    const refetch = client.refetchQueries({ queryKey: options.queryKey });
    const answerRefetch = await nextRead();
    // ...while the batched poll sees it finish and writes that into the list.
    client.setQueryData<TaskListData>(
      options.queryKey,
      (data) => data && { ...data, pages: data.pages.map((p) => ({ ...p, items: [item("u", "SUCCESS")] })) },
    );
    expect(statusOf(client, "u")).toBe("SUCCESS");
    answerRefetch({ items: [item("u", "NOT_START")], nextCursor: null });
    await refetch;
    expect(statusOf(client, "u")).toBe("SUCCESS");
  });

  it("a head read cancelled by a write folds nothing into the list", async () => {
    const client = new QueryClient();
    const onHead = vi.fn();
    const head = client.fetchQuery(taskListHeadQuery({}, 10, onHead, true)).catch(() => null);
    const answerHead = await nextRead();
    await client.cancelQueries({ queryKey: ["tasks", "head"] });
    answerHead({ items: [item("h", "SUCCESS")], nextCursor: null });
    await head;
    await settle();
    expect(onHead).not.toHaveBeenCalled();
  });

  it("a head read that is not cancelled is folded in", async () => {
    const client = new QueryClient();
    const onHead = vi.fn();
    void client.fetchQuery(taskListHeadQuery({}, 10, onHead, true));
    (await nextRead())({ items: [item("h", "SUCCESS")], nextCursor: null });
    await settle();
    expect(onHead).toHaveBeenCalledOnce();
  });
});
