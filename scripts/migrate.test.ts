import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { postgresOrSkip, type TestDatabase } from "@/lib/testing/postgres";
import { ROOT } from "@/lib/testing/processes";
import { startLocalS3, type LocalS3 } from "@/lib/testing/s3";
import { openDiskStudio, seedStudio } from "@/lib/testing/studio";

const dirs: string[] = [];
let s3: LocalS3 | undefined;
beforeAll(async () => {
  s3 = await startLocalS3();
});
afterAll(async () => {
  await s3?.close();
});
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mj-migrate-cli-"));
  dirs.push(dir);
  return dir;
}

/**
 * `npm run migrate` as a user runs it, with only these settings in its environment. Not spawnSync:
 * the test's S3 server runs in this process and must keep answering.
 */
function migrate(
  settings: Record<string, string>,
): Promise<{ code: number | null; out: string; err: string }> {
  const { PATH, HOME } = process.env;
  const child = spawn(
    path.join(ROOT, "node_modules/.bin/tsx"),
    ["--conditions=react-server", path.join(ROOT, "scripts/migrate.ts")],
    { cwd: ROOT, env: { PATH, HOME, NODE_ENV: "production", ...settings } },
  );
  let out = "";
  let err = "";
  child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, out, err }));
  });
}

/** The output of a run that must succeed (with its errors in the failure message when it did not). */
function succeeded(result: { code: number | null; out: string; err: string }): string {
  expect(result.code, result.err).toBe(0);
  return result.out;
}

describe("npm run migrate", () => {
  it("explains itself when no TO_ setting names a target", async () => {
    const run = await migrate({ DATA_DIR: tempDir() });
    expect(run.code).toBe(2);
    expect(run.err).toContain("TO_DATA_DIR=");
  });

  it("reads the target's settings with the app's schema and names the TO_ side in its errors", async () => {
    const run = await migrate({ DATA_DIR: tempDir(), TO_DATA_DIR: tempDir(), TO_MJ_POLL_INTERVAL_MS: "1" });
    expect(run.code).toBe(1);
    expect(run.err).toContain("Target (TO_*): Invalid configuration: MJ_POLL_INTERVAL_MS");
  });

  it("copies a studio into an empty data directory, prints the checked counts, and refuses to do it twice", async () => {
    const from = tempDir();
    const source = openDiskStudio(from);
    await seedStudio(source, { tasks: 40 });
    await source.close();
    const to = path.join(tempDir(), "copy");

    const run = await migrate({ DATA_DIR: from, TO_DATA_DIR: to });
    expect(succeeded(run)).toContain("| tasks | 40 | 40 | yes |");
    expect(run.out).toMatch(/Copied and verified in/);
    const copy = openDiskStudio(to);
    expect((await copy.store.list({ limit: 100, cursor: null })).items).toHaveLength(40);
    await copy.close();

    const again = await migrate({ DATA_DIR: from, TO_DATA_DIR: to });
    expect(again.code).toBe(1);
    expect(again.err).toContain("The target is not empty");
  });

  it("moves a studio's blobs into an S3 bucket and back with one command each way", async () => {
    const from = tempDir();
    const source = openDiskStudio(from);
    await seedStudio(source, { tasks: 30, mediaEvery: 2 });
    await source.close();
    const bucket = await s3!.createBucket();
    const bucketSettings = { ...s3!.env, S3_BUCKET: bucket };
    const prefixed = (settings: Record<string, string>) =>
      Object.fromEntries(Object.entries(settings).map(([name, value]) => [`TO_${name}`, value]));

    // Into the bucket (the history and the media index into another data directory).
    const cluster = tempDir();
    const there = await migrate({ DATA_DIR: from, TO_DATA_DIR: cluster, ...prefixed(bucketSettings) });
    expect(succeeded(there)).toContain(`blobs S3 bucket ${bucket} at ${s3!.env.S3_ENDPOINT}`);
    expect(there.out).toContain("| tasks | 30 | 30 | yes |");
    expect(fs.readdirSync(cluster).filter((name) => name === "media" || name === "inputs")).toEqual([
      "media",
    ]);

    // And back to a data directory alone.
    const back = path.join(tempDir(), "back");
    const again = await migrate({ DATA_DIR: cluster, ...bucketSettings, TO_DATA_DIR: back });
    expect(succeeded(again)).toContain("| tasks | 30 | 30 | yes |");
    const blobsOf = (dir: string) =>
      fs
        .readdirSync(dir, { recursive: true, encoding: "utf8" })
        .filter((name) => /^(media|inputs)\/.+\.(png|webp)$/.test(name))
        .sort()
        .map((name) => [name, fs.readFileSync(path.join(dir, name)).toString("base64")]);
    expect(blobsOf(back)).toEqual(blobsOf(from));
    expect(blobsOf(back).length).toBeGreaterThan(10);
  });

  it("moves a studio into PostgreSQL and a bucket, a cluster's storage, and back, with counts checked", async () => {
    const postgres = await postgresOrSkip();
    if (!postgres) return;
    const database: TestDatabase = await postgres.createDatabase();
    try {
      const from = tempDir();
      const source = openDiskStudio(from);
      await seedStudio(source, { tasks: 40, mediaEvery: 2 });
      await source.close();
      const target = { DATABASE_URL: database.url, ...s3!.env, S3_BUCKET: await s3!.createBucket() };
      const prefixed = Object.fromEntries(
        Object.entries(target).map(([name, value]) => [`TO_${name}`, value]),
      );

      const there = await migrate({ DATA_DIR: from, TO_DATA_DIR: tempDir(), ...prefixed });
      expect(succeeded(there)).toContain("| tasks | 40 | 40 | yes |");
      const place = new URL(database.url);
      expect(there.out).toContain(`PostgreSQL ${place.host}${place.pathname}`);
      // Where it went is said without the credentials.
      expect(there.out + there.err).not.toContain(`${place.username}:${place.password}@`);

      const back = path.join(tempDir(), "back");
      const again = await migrate({ DATA_DIR: tempDir(), ...target, TO_DATA_DIR: back });
      expect(succeeded(again)).toContain("| tasks | 40 | 40 | yes |");
      expect(again.out).toContain("| media files |");
    } finally {
      await database.drop();
    }
  });
});
