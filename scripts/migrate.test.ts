import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ROOT } from "@/lib/testing/processes";
import { openDiskStudio, seedStudio } from "@/lib/testing/studio";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mj-migrate-cli-"));
  dirs.push(dir);
  return dir;
}

/** `npm run migrate` as a user runs it, with only these settings in its environment. */
function migrate(settings: Record<string, string>) {
  const { PATH, HOME } = process.env;
  const run = spawnSync(
    path.join(ROOT, "node_modules/.bin/tsx"),
    ["--conditions=react-server", path.join(ROOT, "scripts/migrate.ts")],
    {
      cwd: ROOT,
      env: { PATH, HOME, NODE_ENV: "production", ...settings },
      encoding: "utf8",
      timeout: 60_000,
    },
  );
  return { code: run.status, out: run.stdout, err: run.stderr };
}

describe("npm run migrate", () => {
  it("explains itself when no TO_ setting names a target", () => {
    const run = migrate({ DATA_DIR: tempDir() });
    expect(run.code).toBe(2);
    expect(run.err).toContain("TO_DATA_DIR=");
  });

  it("reads the target's settings with the app's schema and names the TO_ side in its errors", () => {
    const run = migrate({ DATA_DIR: tempDir(), TO_DATA_DIR: tempDir(), TO_MJ_POLL_INTERVAL_MS: "1" });
    expect(run.code).toBe(1);
    expect(run.err).toContain("Target (TO_*): Invalid configuration: MJ_POLL_INTERVAL_MS");
  });

  it("copies a studio into an empty data directory, prints the checked counts, and refuses to do it twice", async () => {
    const from = tempDir();
    const source = openDiskStudio(from);
    await seedStudio(source, { tasks: 40 });
    await source.close();
    const to = path.join(tempDir(), "copy");

    const run = migrate({ DATA_DIR: from, TO_DATA_DIR: to });
    expect(run.err).toBe("");
    expect(run.code).toBe(0);
    expect(run.out).toContain("| tasks | 40 | 40 | yes |");
    expect(run.out).toMatch(/Copied and verified in/);
    const copy = openDiskStudio(to);
    expect((await copy.store.list({ limit: 100, cursor: null })).items).toHaveLength(40);
    await copy.close();

    const again = migrate({ DATA_DIR: from, TO_DATA_DIR: to });
    expect(again.code).toBe(1);
    expect(again.err).toContain("The target is not empty");
  });
});
