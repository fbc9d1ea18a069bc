import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { MediaFileRecord, MediaIndex } from "./media-index";

/**
 * The behaviour every MediaIndex adapter promises, on a fresh index per test. An adapter's test
 * file calls `describeMediaIndex("sqlite", factory)`; the factory's cleanup runs after each test.
 */
export function describeMediaIndex(
  name: string,
  factory: () => Promise<{ index: MediaIndex; cleanup: () => Promise<void> }>,
): void {
  describe(`MediaIndex contract: ${name}`, () => {
    let index: MediaIndex;
    let cleanup: () => Promise<void>;

    beforeEach(async () => {
      ({ index, cleanup } = await factory());
    });
    afterEach(async () => {
      await cleanup();
    });

    const file = (taskId: string, slot: MediaFileRecord["slot"], extra: Partial<MediaFileRecord> = {}) => ({
      taskId,
      slot,
      key: `media/${taskId}/${slot}.png`,
      contentType: "image/png",
      bytes: 10,
      sha256: "a".repeat(64),
      source: `src-${slot}`,
      ...extra,
    });

    it("records files, replaces a slot's, and lists a task's by slot", async () => {
      expect(await index.file("1", "image")).toBeNull();
      await index.putFile(file("1", "image"), 1);
      await index.putFile(file("1", "images.1"), 1);
      await index.putFile(file("1", "images.0"), 1);
      await index.putFile(file("2", "image"), 1);
      expect(await index.file("1", "image")).toEqual(file("1", "image"));

      await index.putFile(file("1", "image", { bytes: 99, sha256: "b".repeat(64), source: "other" }), 2);
      expect(await index.file("1", "image")).toMatchObject({
        bytes: 99,
        sha256: "b".repeat(64),
        source: "other",
      });
      expect((await index.files("1")).map((f) => f.slot)).toEqual(["image", "images.0", "images.1"]);
      expect(await index.files("3")).toEqual([]);
    });

    it("finds a task's file by its source", async () => {
      await index.putFile(file("1", "image", { source: "v1", key: "media/1/image.mp4" }), 1);
      expect(await index.fileFrom("1", "v1")).toMatchObject({ slot: "image", key: "media/1/image.mp4" });
      expect(await index.fileFrom("1", "v2")).toBeNull();
      expect(await index.fileFrom("2", "v1")).toBeNull();
    });

    it("reads the files and jobs of many tasks at once, and records jobs as they are", async () => {
      await index.putFile(file("1", "image"), 1);
      await index.putFile(file("1", "thumb"), 1);
      await index.putFile(file("2", "image"), 1);
      await index.putFile(file("3", "image"), 1);
      const slots = async (ids: string[]) =>
        (await index.filesOf(ids)).map((f) => `${f.taskId}/${f.slot}`).sort();
      expect(await slots(["1", "3", "9"])).toEqual(["1/image", "1/thumb", "3/image"]);
      expect(await index.filesOf([])).toEqual([]);

      await index.openJob("1", 5);
      await index.claimJob("1", "a", 10, 1_000);
      const copied = [
        { taskId: "1", state: "pending", attempts: 2, nextAt: 40, error: "slow" },
        { taskId: "2", state: "failed", attempts: 6, nextAt: 50, error: "expired link" },
        { taskId: "3", state: "done", attempts: 1, nextAt: 60, error: null },
      ] as const;
      await index.putJobs(copied);
      await index.putJobs([]);
      const byId = (jobs: { taskId: string }[]) => [...jobs].sort((x, y) => x.taskId.localeCompare(y.taskId));
      expect(byId(await index.jobsOf(["1", "2", "3", "4"]))).toEqual(copied);
      // Recorded as they are, held by nobody: the copied pending job may run at once.
      expect(await index.claimJob("1", "b", 20, 1_000)).toMatchObject({ attempts: 2 });
    });

    it("deletes one file, or all of a task with its job", async () => {
      await index.putFile(file("1", "image"), 1);
      await index.putFile(file("1", "thumb"), 1);
      await index.putFile(file("2", "image"), 1);
      await index.openJob("1", 5);
      await index.openJob("2", 5);
      await index.deleteFile("1", "thumb");
      expect((await index.files("1")).map((f) => f.slot)).toEqual(["image"]);
      await index.forgetTask("1");
      expect(await index.files("1")).toEqual([]);
      expect(await index.job("1")).toBeNull();
      expect(await index.files("2")).toHaveLength(1);
      expect(await index.job("2")).not.toBeNull();
    });

    it("opens a job once, and again only after it failed", async () => {
      expect(await index.job("1")).toBeNull();
      expect(await index.openJob("1", 100)).toBe(true);
      expect(await index.job("1")).toEqual({
        taskId: "1",
        state: "pending",
        attempts: 0,
        nextAt: 100,
        error: null,
      });
      expect(await index.openJob("1", 200)).toBe(false);

      await index.updateJob("1", { state: "done", attempts: 2, nextAt: 300, error: null });
      expect(await index.openJob("1", 400)).toBe(false);
      expect(await index.job("1")).toMatchObject({ state: "done", attempts: 2 });

      await index.updateJob("1", { state: "failed", attempts: 6, nextAt: 500, error: "down" });
      expect(await index.job("1")).toMatchObject({ state: "failed", attempts: 6, error: "down" });
      expect(await index.openJob("1", 600)).toBe(true);
      expect(await index.job("1")).toMatchObject({ state: "pending", attempts: 0, nextAt: 600 });
    });

    it("reopens only a done job", async () => {
      expect(await index.reopenJob("1", 1)).toBe(false);
      await index.openJob("1", 1);
      expect(await index.reopenJob("1", 2)).toBe(false);
      await index.updateJob("1", { state: "done", attempts: 1, nextAt: 2, error: null });
      expect(await index.reopenJob("1", 3)).toBe(true);
      expect(await index.job("1")).toMatchObject({ state: "pending", attempts: 0, nextAt: 3 });
      await index.updateJob("1", { state: "failed", attempts: 1, nextAt: 4, error: "x" });
      expect(await index.reopenJob("1", 5)).toBe(false);
    });

    it("lets one runner hold a pending job at a time, until it updates the job or its hold runs out", async () => {
      expect(await index.claimJob("1", "a", 10, 100)).toBeNull();
      await index.openJob("1", 10);
      expect(await index.claimJob("1", "a", 20, 100)).toEqual({
        taskId: "1",
        state: "pending",
        attempts: 0,
        nextAt: 10,
        error: null,
      });
      expect(await index.claimJob("1", "a", 50, 100)).toBeNull();
      // The hold ran out at 120: its runner died.
      expect(await index.claimJob("1", "a", 121, 100)).not.toBeNull();
      await index.updateJob("1", { state: "pending", attempts: 1, nextAt: 130, error: "x" });
      expect(await index.claimJob("1", "a", 122, 100)).toMatchObject({ attempts: 1, nextAt: 130 });
      await index.updateJob("1", { state: "done", attempts: 1, nextAt: 130, error: null });
      expect(await index.claimJob("1", "a", 500, 100)).toBeNull();
      // A fresh round is free to run at once.
      await index.reopenJob("1", 510);
      expect(await index.claimJob("1", "a", 520, 100)).not.toBeNull();
      await index.updateJob("1", { state: "failed", attempts: 6, nextAt: 530, error: "x" });
      await index.openJob("1", 540);
      expect(await index.claimJob("1", "a", 550, 100)).not.toBeNull();
    });

    it("renews a hold for its runner only, while it runs and the job is pending", async () => {
      await index.openJob("1", 10);
      expect(await index.renewClaim("1", "a", 10, 100)).toBe(false); // nobody holds it
      await index.claimJob("1", "a", 20, 100);
      expect(await index.renewClaim("1", "b", 50, 100)).toBe(false);
      expect(await index.renewClaim("1", "a", 100, 100)).toBe(true);
      // Held until 200 now, not 120.
      expect(await index.claimJob("1", "b", 150, 100)).toBeNull();
      // A runner that stopped renewing loses it once the hold has run out, and cannot take it back.
      expect(await index.claimJob("1", "b", 201, 100)).not.toBeNull();
      expect(await index.renewClaim("1", "a", 202, 100)).toBe(false);
      expect(await index.renewClaim("1", "b", 202, 100)).toBe(true);
      await index.updateJob("1", { state: "done", attempts: 1, nextAt: 210, error: null });
      expect(await index.renewClaim("1", "b", 220, 100)).toBe(false);
    });

    it("takes a runner's update only while the job is that runner's", async () => {
      await index.openJob("1", 10);
      await index.claimJob("1", "a", 20, 100);
      // a's hold ran out (its renewal came too late) and b claimed the job.
      await index.claimJob("1", "b", 121, 100);
      expect(await index.updateJob("1", { state: "failed", attempts: 1, nextAt: 130, error: "x" }, "a")).toBe(
        false,
      );
      expect(await index.job("1")).toMatchObject({ state: "pending", attempts: 0, error: null });
      expect(await index.claimJob("1", "c", 140, 100)).toBeNull(); // still b's
      expect(
        await index.updateJob("1", { state: "pending", attempts: 1, nextAt: 150, error: "y" }, "b"),
      ).toBe(true);
      expect(await index.job("1")).toMatchObject({ state: "pending", attempts: 1, nextAt: 150, error: "y" });
      // Let go by that update: b's no more.
      expect(await index.updateJob("1", { state: "done", attempts: 1, nextAt: 160, error: null }, "b")).toBe(
        false,
      );
      // A hold that ran out with nobody else claiming the job is still its runner's to end.
      await index.claimJob("1", "a", 170, 100);
      expect(await index.updateJob("1", { state: "done", attempts: 1, nextAt: 300, error: null }, "a")).toBe(
        true,
      );
      expect(await index.job("1")).toMatchObject({ state: "done", nextAt: 300 });
      // Without a holder (a fixture, a copy) an update is taken as it is; a missing job has none.
      expect(await index.updateJob("1", { state: "failed", attempts: 6, nextAt: 310, error: "z" })).toBe(
        true,
      );
      expect(await index.updateJob("2", { state: "done", attempts: 0, nextAt: 320, error: null })).toBe(
        false,
      );
    });

    it("lists the pending jobs that are due and held by nobody", async () => {
      for (const [id, at] of [
        ["1", 10],
        ["2", 20],
        ["3", 500],
        ["4", 30],
      ] as const) {
        await index.openJob(id, at);
      }
      await index.updateJob("4", { state: "done", attempts: 1, nextAt: 30, error: null });
      await index.claimJob("2", "a", 40, 100);
      expect((await index.dueJobs(100, 10)).map((job) => job.taskId)).toEqual(["1"]);
      // Its runner died: once the hold has run out the job is anyone's again.
      expect((await index.dueJobs(141, 10)).map((job) => job.taskId)).toEqual(["1", "2"]);
      expect((await index.dueJobs(141, 1)).map((job) => job.taskId)).toEqual(["1"]);
    });

    it("lists pending jobs, and gives every failed one a fresh round", async () => {
      for (const id of ["1", "2", "3"]) await index.openJob(id, 1);
      await index.updateJob("2", { state: "failed", attempts: 6, nextAt: 2, error: "x" });
      await index.updateJob("3", { state: "done", attempts: 0, nextAt: 2, error: null });
      expect((await index.pendingJobs()).map((job) => job.taskId)).toEqual(["1"]);
      await index.retryFailedJobs(10);
      expect((await index.pendingJobs()).map((job) => job.taskId).sort()).toEqual(["1", "2"]);
      expect(await index.job("2")).toMatchObject({ attempts: 0, nextAt: 10 });
      await index.deleteJob("1");
      expect(await index.job("1")).toBeNull();
    });
  });
}
