import { describe, expect, it } from "vitest";
import type { Task } from "@/lib/mj/task";
import { makeTask } from "@/lib/testing/tasks";
import { mergeRule } from "./merge";

/**
 * The history's rules for an arriving copy, as pure functions: what `record` writes for a
 * stored copy and an incoming one. `apply` plays the store: it keeps what the rule returns.
 */

/** Feeds copies through the rule in order, as the store would; returns what ends up stored. */
function apply(...copies: Task[]): Task | null {
  let stored: Task | null = null;
  for (const copy of copies) stored = mergeRule(stored, copy, false) ?? stored;
  return stored;
}

describe("deleted stays deleted", () => {
  it("writes nothing for a deleted id, whatever the copy", () => {
    expect(mergeRule(null, makeTask({ status: "SUCCESS" }), true)).toBeNull();
  });

  it("writes a first copy as it is, validated", () => {
    expect(mergeRule(null, makeTask({ prompt: "cat" }), false)).toMatchObject({ prompt: "cat" });
  });
});

describe("stale statuses never win", () => {
  it("keeps SUCCESS when a late IN_PROGRESS 80% arrives", () => {
    const stored = makeTask({ status: "SUCCESS", progress: "100%", imageUrl: "https://cdn/final.png" });
    expect(
      mergeRule(
        stored,
        makeTask({ status: "IN_PROGRESS", progress: "80%", imageUrl: "https://cdn/p.png" }),
        false,
      ),
    ).toBeNull();
    expect(
      apply(stored, makeTask({ status: "IN_PROGRESS", progress: "80%", imageUrl: "https://cdn/p.png" })),
    ).toMatchObject({ status: "SUCCESS", progress: "100%", imageUrl: "https://cdn/final.png" });
  });

  it("keeps 40% when 20% arrives late", () => {
    expect(
      apply(
        makeTask({ status: "IN_PROGRESS", progress: "40%" }),
        makeTask({ status: "IN_PROGRESS", progress: "20%" }),
      )?.progress,
    ).toBe("40%");
  });

  it("never lets a relay's empty status overwrite anything, even NOT_START", () => {
    expect(
      apply(makeTask({ status: "NOT_START", prompt: "cat" }), makeTask({ status: "", prompt: "dog" })),
    ).toMatchObject({
      status: "NOT_START",
      prompt: "cat",
    });
  });

  it("accepts MODAL -> SUBMITTED", () => {
    expect(
      apply(makeTask({ status: "MODAL", progress: null }), makeTask({ status: "SUBMITTED", progress: "0%" })),
    ).toMatchObject({ status: "SUBMITTED", progress: "0%" });
  });

  it("accepts FAILURE -> SUCCESS (higher rank) and clears the failure reason", () => {
    expect(
      apply(
        makeTask({ status: "FAILURE", progress: "", failReason: "timeout" }),
        makeTask({ status: "SUCCESS", progress: "100%", failReason: null }),
      ),
    ).toMatchObject({ status: "SUCCESS", progress: "100%", failReason: null });
  });

  it("keeps FAILURE against a late IN_PROGRESS; FAILURE takes its '' progress and null preview", () => {
    expect(
      apply(
        makeTask({ status: "IN_PROGRESS", progress: "60%", imageUrl: "https://cdn/preview.png" }),
        makeTask({ status: "FAILURE", progress: "", failReason: "banned", imageUrl: null }),
        makeTask({ status: "IN_PROGRESS", progress: "70%" }),
      ),
    ).toMatchObject({ status: "FAILURE", progress: "", failReason: "banned", imageUrl: null });
  });

  it("accepts an equal rank, so buttons and new previews arrive", () => {
    const merged = apply(
      makeTask({ status: "SUCCESS", progress: "100%", buttons: [] }),
      makeTask({
        status: "SUCCESS",
        progress: "100%",
        buttons: [{ customId: "MJ::JOB::upsample::1::abc", label: "U1" }],
      }),
    );
    expect(merged?.buttons.map((b) => b.customId)).toEqual(["MJ::JOB::upsample::1::abc"]);
  });

  it("at an equal rank, a reduced copy without buttons or image does not erase them", () => {
    const buttons = [{ customId: "MJ::JOB::upsample::1::abc", label: "U1" }];
    expect(
      apply(
        makeTask({ status: "SUCCESS", progress: "100%", imageUrl: "https://cdn/grid.png", buttons }),
        makeTask({ status: "SUCCESS", progress: "100%", imageUrl: null, buttons: null }),
      ),
    ).toMatchObject({
      imageUrl: "https://cdn/grid.png",
      buttons: [expect.objectContaining({ customId: "MJ::JOB::upsample::1::abc" })],
    });
  });
});

describe("merging copies", () => {
  it("does not let null fields of a reduced copy erase the richer stored ones", () => {
    const merged = apply(
      makeTask({
        status: "IN_PROGRESS",
        progress: "50%",
        prompt: "a lighthouse --ar 16:9",
        parentId: "parent-1",
        action: "VARIATION",
        width: 1456,
        properties: { finalPrompt: "a lighthouse --ar 16:9 --v 7", nonce: "n1" },
        customField: "kept",
      }),
      makeTask({
        status: "SUCCESS",
        progress: "100%",
        prompt: null,
        parentId: null,
        action: null,
        width: null,
        imageUrl: "https://cdn/final.png",
        properties: { messageHash: "hash" },
      }),
    );
    expect(merged).toMatchObject({
      status: "SUCCESS",
      progress: "100%",
      prompt: "a lighthouse --ar 16:9",
      parentId: "parent-1",
      action: "VARIATION",
      width: 1456,
      imageUrl: "https://cdn/final.png",
      properties: { finalPrompt: "a lighthouse --ar 16:9 --v 7", nonce: "n1", messageHash: "hash" },
      customField: "kept",
    });
  });
});
