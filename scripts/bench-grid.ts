/**
 * `npm run bench -- grid`: the sharp work each finished grid costs the app, per grid, in CPU ms
 * (every thread of the process: libvips works on several) and wall ms, median of ROUNDS.
 *
 * - before: what every finished grid cost in the background until issue 13's grid lane: its
 *   thumbnail, its four cells cut as PNGs and each cell's thumbnail made from that PNG (nine
 *   pipelines, five decodes of the grid);
 * - now: what it costs in the background: its thumbnail and its cells' thumbnails from one decode;
 * - now, per cell opened: a full-size cell, cut when someone opens, downloads or edits it.
 *
 * On the simulator's 1024 px grid and on a 2048 px one with grain (Midjourney's size; grain keeps
 * PNG from compressing it as easily as the simulator's flat shapes). The work runs in a child
 * process under the react-server condition, since the media modules are server-only.
 */
import { spawn } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { ROOT } from "@/lib/testing/processes";

const CHILD = "MJ_BENCH_GRID_CHILD";
const ROUNDS = 7;

interface Row {
  grid: string;
  work: string;
  cpuMs: number;
  wallMs: number;
  kb: number;
}

export async function benchGrid(): Promise<void> {
  const out = await new Promise<string>((resolve, reject) => {
    const child = spawn(
      path.join(ROOT, "node_modules/.bin/tsx"),
      ["--conditions=react-server", path.join(ROOT, "scripts/bench-grid.ts")],
      { cwd: ROOT, env: { ...process.env, [CHILD]: "1" }, stdio: ["ignore", "pipe", "inherit"] },
    );
    let text = "";
    child.stdout.on("data", (chunk: Buffer) => (text += chunk.toString()));
    child.once("error", reject);
    child.once("exit", (code) =>
      code === 0 ? resolve(text) : reject(new Error(`bench-grid exited ${code}`)),
    );
  });
  const rows = JSON.parse(out.trim().split("\n").pop()!) as Row[];
  const load = os.loadavg()[0]!.toFixed(2);
  console.log(`\n## Sharp work per finished grid (median of ${ROUNDS}, load average ${load})\n`);
  console.log("| grid | work | CPU ms | wall ms | bytes made |");
  console.log("|---|---|---|---|---|");
  for (const row of rows)
    console.log(
      `| ${row.grid} | ${row.work} | ${row.cpuMs.toFixed(0)} | ${row.wallMs.toFixed(0)} | ${row.kb.toFixed(0)} KB |`,
    );
}

/** The child's side: measures and prints the rows as one JSON line. */
async function measure(): Promise<void> {
  const { default: sharp } = await import("sharp");
  const { render } = await import("../packages/mj-simulator/src/render");
  const { cutCell, makeGridThumbnails, makeThumbnail } = await import("@/lib/media/thumbnail");

  const simulator = (
    await render({
      kind: "imagine",
      prompt: "a lighthouse at dusk, oil painting",
      seed: 7,
      aspect: { w: 1, h: 1 },
    })
  ).data;
  const grain = await sharp({
    create: {
      width: 2048,
      height: 2048,
      channels: 3,
      background: "#808080",
      noise: { type: "gaussian", mean: 128, sigma: 24 },
    },
  })
    .png()
    .toBuffer();
  const grainy = await sharp(simulator)
    .resize(2048, 2048)
    .composite([{ input: grain, blend: "soft-light" }])
    .png()
    .toBuffer();

  const read = (bytes: Buffer) => async () => bytes;
  /** Median CPU and wall time of ROUNDS runs, and the bytes the last run made. */
  async function time(work: () => Promise<number>): Promise<{ cpuMs: number; wallMs: number; kb: number }> {
    const cpu: number[] = [];
    const wall: number[] = [];
    let bytes = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const cpuFrom = process.cpuUsage();
      const wallFrom = performance.now();
      bytes = await work();
      wall.push(performance.now() - wallFrom);
      const used = process.cpuUsage(cpuFrom);
      cpu.push((used.user + used.system) / 1000);
    }
    const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    return { cpuMs: median(cpu), wallMs: median(wall), kb: bytes / 1024 };
  }

  const rows: Row[] = [];
  for (const [grid, bytes] of [
    ["simulator, 1024 px", simulator],
    ["with grain, 2048 px", grainy],
  ] as const) {
    rows.push({
      grid,
      work: "before: thumbnail + 4 PNG cells + 4 cell thumbnails (9 pipelines)",
      ...(await time(async () => {
        let made = (await makeThumbnail(read(bytes)))!.length;
        for (const n of [1, 2, 3, 4]) {
          const cell = (await cutCell(read(bytes), n))!;
          made += cell.bytes.length + (await makeThumbnail(read(cell.bytes)))!.length;
        }
        return made;
      })),
    });
    rows.push({
      grid,
      work: "now: thumbnail + 4 cell thumbnails from one decode",
      ...(await time(async () => {
        const thumbs = (await makeGridThumbnails(read(bytes), { cells: true }))!;
        return thumbs.grid.length + thumbs.cells!.reduce((sum, cell) => sum + cell.length, 0);
      })),
    });
    rows.push({
      grid,
      work: "now, per cell someone opens: one full-size PNG cell",
      ...(await time(async () => (await cutCell(read(bytes), 4))!.bytes.length)),
    });
  }
  console.log(JSON.stringify(rows));
}

if (process.env[CHILD]) void measure();
