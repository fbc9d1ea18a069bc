/**
 * `npm run migrate`: copies this studio's whole state into other, empty storage and checks the
 * copy (lib/tasks/migrate.ts). The source is the app's own settings (DATA_DIR, and the database and
 * bucket settings when set); the target is the same names prefixed TO_ (TO_DATA_DIR, ...), both
 * read by the app's own schema (lib/env.ts). It opens storage only: no poller, no upstream.
 */
import { parseEnv } from "@/lib/env";
import { openStorage, type Storage } from "@/lib/server/storage";
import { copyStudio } from "@/lib/tasks/migrate";

const PREFIX = "TO_";

const USAGE = `Copies this studio (tasks, favourites, hidden flags, stored requests, folders, smart folders,
media index and every blob) into other, empty storage, then checks both sides hold the same.

The source is read from the app's usual settings; the target from the same names prefixed ${PREFIX}:

  DATA_DIR=./.data TO_DATA_DIR=/srv/studio-copy npm run migrate

Set at least one ${PREFIX}* variable. The target must be empty; the source is only read. Stop the
app first, so nothing changes in the source while it is copied.`;

function targetSettings(environment: NodeJS.ProcessEnv): Record<string, string> | null {
  const settings = Object.fromEntries(
    Object.entries(environment)
      .filter(([name, value]) => name.startsWith(PREFIX) && value !== undefined && value !== "")
      .map(([name, value]) => [name.slice(PREFIX.length), value!]),
  );
  return Object.keys(settings).length > 0 ? settings : null;
}

function describe(storage: Storage): string {
  return `history ${storage.where.store}; blobs ${storage.where.blobs}; media index ${storage.where.mediaIndex}`;
}

async function main(): Promise<number> {
  const targetEnv = targetSettings(process.env);
  if (!targetEnv) {
    console.error(USAGE);
    return 2;
  }
  const sourceConfig = parseEnv(process.env);
  let targetConfig;
  try {
    targetConfig = parseEnv(targetEnv);
  } catch (error) {
    throw new Error(`Target (${PREFIX}*): ${(error as Error).message}`);
  }

  const source = openStorage(sourceConfig);
  const target = openStorage(targetConfig);
  try {
    const shared = (Object.keys(source.where) as (keyof Storage["where"])[]).filter(
      (part) => source.where[part] === target.where[part],
    );
    if (shared.length > 0) {
      console.error(`The source and the target share storage (${shared.join(", ")}): nothing was copied.`);
      return 1;
    }
    console.log(`From: ${describe(source)}`);
    console.log(`To:   ${describe(target)}`);
    const started = performance.now();
    const report = await copyStudio(source, target, { log: (line) => console.log(`  ${line}`) });
    const seconds = (performance.now() - started) / 1000;
    console.log(`\n${report.table}\n`);
    const { blobs, tasks, folders, verify } = report.ms;
    console.log(
      `Copied and verified in ${seconds.toFixed(1)} s (blobs ${blobs} ms, tasks ${tasks} ms, folders ${folders} ms, ` +
        `verification ${verify} ms; peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB).`,
    );
    return 0;
  } finally {
    await source.close();
    await target.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
