/**
 * `npm run bench -- migrate`: `copyStudio` (what `npm run migrate` runs) on a 10,000-task history
 * with cached media, in three directions: SQLite + disk to a second SQLite + disk, then into
 * PostgreSQL + S3 (the test kit's local PostgreSQL and S3-compatible server), then from there back
 * to a third SQLite + disk. Without a PostgreSQL the last two rows are skipped and a line says why.
 *
 * The seeding and each copy run in a child process of their own (under the react-server
 * condition, as `npm run migrate` does, since the adapters are server-only), so a peak RSS is that
 * copy's alone; the S3 server runs in this process, as a separate server would.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { NO_POSTGRES, testPostgres } from "@/lib/testing/postgres";
import { ROOT } from "@/lib/testing/processes";
import { startLocalS3 } from "@/lib/testing/s3";

const TASKS = 10_000;
/** One finished task in this many has an original of ORIGINAL_BYTES and a thumbnail cached. */
const MEDIA_EVERY = 40;
const ORIGINAL_BYTES = 1024 * 1024;

const STEP = "MJ_BENCH_MIGRATE_STEP";
/** The source's and the target's settings (lib/env.ts names), as JSON, for the child. */
const FROM = "MJ_BENCH_MIGRATE_FROM";
const TO = "MJ_BENCH_MIGRATE_TO";

type Settings = Record<string, string>;

interface CopyFigures {
  seconds: number;
  peakRssMb: number;
  ms: { blobs: number; tasks: number; folders: number; verify: number };
  tasks: number;
  blobs: number;
  blobBytes: number;
  /** The census table when verified; null with `error` when the copy failed or did not match. */
  table: string | null;
  error: string | null;
}

function runStep(step: "seed" | "copy", from: Settings, to: Settings): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      path.join(ROOT, "node_modules/.bin/tsx"),
      ["--conditions=react-server", path.join(ROOT, "scripts/bench-migrate.ts")],
      {
        cwd: ROOT,
        env: { ...process.env, [STEP]: step, [FROM]: JSON.stringify(from), [TO]: JSON.stringify(to) },
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.once("error", reject);
    child.once("exit", (code) =>
      code === 0 ? resolve(out) : reject(new Error(`bench-migrate ${step} exited ${code}`)),
    );
  });
}

async function copy(from: Settings, to: Settings): Promise<CopyFigures> {
  return JSON.parse((await runStep("copy", from, to)).trim().split("\n").pop()!) as CopyFigures;
}

export async function benchMigrate(): Promise<void> {
  const dirs: string[] = [];
  const tempDir = (name: string) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), `mj-bench-migrate-${name}-`));
    dirs.push(dir);
    return dir;
  };
  const cleanups: (() => Promise<void>)[] = [];
  try {
    const disk = { DATA_DIR: tempDir("from") };
    await runStep("seed", disk, {});
    const rows: [string, CopyFigures][] = [];
    rows.push(["SQLite + disk → SQLite + disk", await copy(disk, { DATA_DIR: tempDir("to") })]);

    let skipped: string | null = null;
    const postgres = await testPostgres().catch((error: unknown) => {
      skipped = `PostgreSQL + S3 rows skipped: ${error instanceof Error ? error.message : String(error)}`;
      return null;
    });
    if (postgres) {
      const database = await postgres.createDatabase();
      cleanups.push(() => database.drop());
      const s3 = await startLocalS3();
      cleanups.push(() => s3.close());
      // DATA_DIR too: a cluster's studio still has one, for what stays per instance.
      const cluster = { DATA_DIR: tempDir("cluster"), DATABASE_URL: database.url, ...s3.env };
      rows.push(["SQLite + disk → PostgreSQL + S3", await copy(disk, cluster)]);
      rows.push(["PostgreSQL + S3 → SQLite + disk", await copy(cluster, { DATA_DIR: tempDir("back") })]);
    } else {
      skipped ??= `PostgreSQL + S3 rows skipped: ${NO_POSTGRES}.`;
    }

    const first = rows[0]![1];
    const mb = first.blobBytes / 1024 / 1024;
    console.log(
      `\n## Migration (copyStudio; ${TASKS} tasks, 1 in ${MEDIA_EVERY} finished ones with a 1 MiB original and a 64 KiB thumbnail cached: ${first.blobs} blobs, ${mb.toFixed(0)} MB)\n`,
    );
    console.log(
      "| direction | in all | tasks/s (tasks phase) | tasks/s (in all) | blobs MB/s | folders | verification | peak RSS | verified |",
    );
    console.log("|---|---|---|---|---|---|---|---|---|");
    const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    for (const [direction, f] of rows) {
      const blobMb = f.blobBytes / 1024 / 1024;
      console.log(
        `| ${direction} | ${f.seconds.toFixed(1)} s | ${Math.round(f.tasks / (f.ms.tasks / 1000))} | ` +
          `${Math.round(f.tasks / f.seconds)} | ${(blobMb / (f.ms.blobs / 1000)).toFixed(1)} | ${s(f.ms.folders)} | ` +
          `${s(f.ms.verify)} | ${f.peakRssMb} MB | ${f.error ? "NO" : `yes (${f.tasks} tasks, ${f.blobs} blobs)`} |`,
      );
    }
    if (skipped) console.log(`\n${skipped}`);
    for (const [direction, f] of rows) {
      console.log(`\n${direction}: ${f.error ? `FAILED\n\n${f.error}` : `verified counts:\n\n${f.table}`}`);
    }
    const failed = rows.filter(([, f]) => f.error).map(([direction]) => direction);
    if (failed.length > 0) throw new Error(`The migration did not verify: ${failed.join(", ")}`);
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
}

/** The child's side: seed the source, or copy it and print the figures as one JSON line. */
async function step(which: string): Promise<void> {
  // Loaded here, not at the top: the parent (bench.ts) runs without the react-server condition,
  // under which these server-only modules refuse to load.
  const { parseEnv } = await import("@/lib/env");
  const { openStorage } = await import("@/lib/server/storage");
  const { seedStudio } = await import("@/lib/testing/studio");
  const { copyStudio } = await import("@/lib/tasks/migrate");
  const open = (name: string) => openStorage(parseEnv(JSON.parse(process.env[name]!) as Settings));
  const source = open(FROM);
  try {
    if (which === "seed") {
      await seedStudio(source, { tasks: TASKS, mediaEvery: MEDIA_EVERY, originalBytes: ORIGINAL_BYTES });
      return;
    }
    const target = open(TO);
    try {
      const started = performance.now();
      let report = null;
      let error: string | null = null;
      try {
        report = await copyStudio(source, target);
      } catch (failure) {
        error = failure instanceof Error ? failure.message : String(failure);
      }
      const figures: CopyFigures = {
        seconds: (performance.now() - started) / 1000,
        peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
        ms: report?.ms ?? { blobs: 0, tasks: 0, folders: 0, verify: 0 },
        tasks: report?.target.tasks ?? 0,
        blobs: report?.target.blobs ?? 0,
        blobBytes: report?.target.blobBytes ?? 0,
        table: report?.table ?? null,
        error,
      };
      console.log(JSON.stringify(figures));
    } finally {
      await target.close();
    }
  } finally {
    await source.close();
  }
}

const which = process.env[STEP];
if (which) {
  step(which).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
