import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";
import { until } from "./wait";

/**
 * The process stacks of e2e and bench: `next start` (the production build) and the standalone
 * simulator, each in its own process group so a spec can SIGKILL the app while the upstream keeps
 * running, as in a real crash, and waited for until they answer.
 */

/** The repository's root (`__dirname`: Playwright and tsx both load this file as CommonJS). */
export const ROOT = path.resolve(__dirname, "..", "..");

export interface Proc {
  url: string;
  child: ChildProcess;
  /** Everything the process printed, to check that no secret reached a log. */
  output(): string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** A port nothing listens on right now, on loopback: for servers a bench or a spec starts. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no free port")),
      );
    });
  });
}

/** Spawns `command` in its own process group and waits until `url + probe` answers below 500. */
async function start(
  command: string,
  args: string[],
  env: Record<string, string>,
  url: string,
  probe: string,
): Promise<Proc> {
  const child = spawn(command, args, {
    cwd: ROOT,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let printed = "";
  child.stdout!.on("data", (chunk: Buffer) => (printed += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (printed += chunk.toString()));
  const output = () => printed;
  const proc: Proc = {
    url,
    child,
    output,
    async kill(signal = "SIGTERM") {
      if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
      const exited = new Promise((r) => child.once("exit", r));
      try {
        process.kill(-child.pid, signal);
      } catch {
        return; // already gone
      }
      await exited;
    },
  };
  try {
    await until(
      async () => {
        if (child.exitCode !== null) throw new Error(`${url} exited early`);
        try {
          return (await fetch(`${url}${probe}`)).status < 500;
        } catch {
          return false; // not listening yet
        }
      },
      `${url} coming up`,
      { timeoutMs: 60_000, intervalMs: 200 },
    );
  } catch (error) {
    await proc.kill("SIGKILL");
    throw new Error(`${(error as Error).message}:\n${output()}`);
  }
  return proc;
}

/** The standalone simulator (`npm run simulator`) on a free port, speaking trueai's dialect. */
export async function startSimulator(options: {
  key: string;
  speed: number;
  /** Jobs running at once (the simulator's default: 3); more wait in its queue. */
  maxConcurrent?: number;
  /** Imagines draw one of this many pictures, served from the render cache (SIMULATOR_RENDER_POOL). */
  renderPool?: number;
}): Promise<Proc> {
  const port = await freePort();
  return start(
    path.join(ROOT, "node_modules/.bin/tsx"),
    ["packages/mj-simulator/src/cli.ts"],
    {
      PORT: String(port),
      HOST: "127.0.0.1",
      SIMULATOR_FAMILY: "trueai",
      SIMULATOR_KEY: options.key,
      SIMULATOR_SPEED: String(options.speed),
      ...(options.maxConcurrent ? { SIMULATOR_MAX_CONCURRENT: String(options.maxConcurrent) } : {}),
      ...(options.renderPool ? { SIMULATOR_RENDER_POOL: String(options.renderPool) } : {}),
    },
    `http://127.0.0.1:${port}`,
    "/mj/task/list",
  );
}

/**
 * `next start` on a free port with `env` (DATA_DIR, MJ_API_URL...) over this process's environment,
 * started as `npm start` starts it (scripts/start.sh, its memory settings included), so the bench
 * measures what users run. The script `exec`s node: the child is the server itself.
 */
export async function startApp(env: Record<string, string>): Promise<Proc> {
  const port = await freePort();
  return start(
    "sh",
    [path.join(ROOT, "scripts/start.sh"), "--hostname", "127.0.0.1", "--port", String(port)],
    // Specs and the bench submit dozens of tasks in seconds on purpose; the per-session limit is auth.spec's.
    { APP_SUBMIT_RATE_LIMIT: "0", ...env },
    `http://127.0.0.1:${port}`,
    "/api/health",
  );
}

/** Flips the standalone simulator's fault switches (POST /__faults; `{}` clears them). */
export async function setFaults(simulator: Proc, faults: Record<string, number | boolean>): Promise<void> {
  const response = await fetch(`${simulator.url}/__faults`, { method: "POST", body: JSON.stringify(faults) });
  if (response.status !== 204)
    throw new Error(`/__faults answered ${response.status}: ${await response.text()}`);
}
