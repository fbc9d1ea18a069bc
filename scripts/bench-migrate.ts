/**
 * `npm run bench -- migrate`: `copyStudio` (what `npm run migrate` runs) on a 10,000-task history
 * with cached media, SQLite + disk to a second SQLite + disk. The seeding and the copy each run in
 * a child process of their own (under the react-server condition, as `npm run migrate` does, since
 * the adapters are server-only), so the peak RSS is the copy's alone.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ROOT } from "@/lib/testing/processes";

const TASKS = 10_000;
/** One finished task in this many has an original of ORIGINAL_BYTES and a thumbnail cached. */
const MEDIA_EVERY = 40;
const ORIGINAL_BYTES = 1024 * 1024;

const STEP = "MJ_BENCH_MIGRATE_STEP";

interface CopyFigures {
  seconds: number;
  peakRssMb: number;
  table: string;
  ms: { blobs: number; tasks: number; folders: number; verify: number };
  tasks: number;
  blobs: number;
  blobBytes: number;
}

function runStep(step: "seed" | "copy", from: string, to: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      path.join(ROOT, "node_modules/.bin/tsx"),
      ["--conditions=react-server", path.join(ROOT, "scripts/bench-migrate.ts")],
      {
        cwd: ROOT,
        env: { ...process.env, [STEP]: step, FROM_DIR: from, TO_DIR: to },
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

export async function benchMigrate(): Promise<void> {
  const from = mkdtempSync(path.join(os.tmpdir(), "mj-bench-migrate-from-"));
  const to = mkdtempSync(path.join(os.tmpdir(), "mj-bench-migrate-to-"));
  try {
    await runStep("seed", from, to);
    const figures = JSON.parse((await runStep("copy", from, to)).trim().split("\n").pop()!) as CopyFigures;
    const mb = figures.blobBytes / 1024 / 1024;
    console.log(
      `\n## Migration (copyStudio, SQLite + disk to SQLite + disk; ${TASKS} tasks, 1 in ${MEDIA_EVERY} finished ones with a 1 MiB original and a 64 KiB thumbnail cached)\n`,
    );
    console.log("| measure | value |");
    console.log("|---|---|");
    const phase = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    console.log(`| copy and verify, in all | ${figures.seconds.toFixed(1)} s |`);
    console.log(
      `| blobs: ${figures.blobs}, ${mb.toFixed(0)} MB | ${phase(figures.ms.blobs)}, ${(mb / (figures.ms.blobs / 1000)).toFixed(1)} MB/s |`,
    );
    console.log(
      `| tasks with requests and media records | ${phase(figures.ms.tasks)}, ${Math.round(figures.tasks / (figures.ms.tasks / 1000))} tasks/s |`,
    );
    console.log(`| folders and smart folders | ${phase(figures.ms.folders)} |`);
    console.log(`| verification (both sides read again) | ${phase(figures.ms.verify)} |`);
    console.log(`| tasks per second, in all | ${Math.round(figures.tasks / figures.seconds)} |`);
    console.log(`| peak RSS of the copy | ${figures.peakRssMb} MB |`);
    console.log(`\nVerified counts:\n\n${figures.table}`);
  } finally {
    rmSync(from, { recursive: true, force: true });
    rmSync(to, { recursive: true, force: true });
  }
}

/** The child's side: seed the source, or copy it and print the figures as one JSON line. */
async function step(which: string): Promise<void> {
  // Loaded here, not at the top: the parent (bench.ts) runs without the react-server condition,
  // under which these server-only modules refuse to load.
  const { openDiskStudio, seedStudio } = await import("@/lib/testing/studio");
  const { copyStudio } = await import("@/lib/tasks/migrate");
  const source = openDiskStudio(process.env.FROM_DIR!);
  try {
    if (which === "seed") {
      await seedStudio(source, { tasks: TASKS, mediaEvery: MEDIA_EVERY, originalBytes: ORIGINAL_BYTES });
      return;
    }
    const target = openDiskStudio(process.env.TO_DIR!);
    try {
      const started = performance.now();
      const report = await copyStudio(source, target);
      const figures: CopyFigures = {
        seconds: (performance.now() - started) / 1000,
        peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
        table: report.table,
        ms: report.ms,
        tasks: report.target.tasks,
        blobs: report.target.blobs,
        blobBytes: report.target.blobBytes,
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
