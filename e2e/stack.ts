import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { freePort } from "../scripts/free-port";

/**
 * Processes a spec runs on its own, outside playwright.config.ts's web servers: the standalone
 * simulator as the upstream and `next start` in front of it, each in its own process group so a
 * spec can SIGKILL the app while the upstream keeps running, as in a real crash.
 */

const ROOT = path.resolve(__dirname, "..");

export interface Proc {
  url: string;
  child: ChildProcess;
  /** Everything the process printed, to check that no secret reached a log. */
  output(): string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

async function waitUntilUp(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${url} exited early:\n${output()}`);
    try {
      if ((await fetch(url)).status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not come up within 60 s:\n${output()}`);
}

async function start(
  command: string,
  args: string[],
  env: Record<string, string>,
  url: string,
  probe: string,
) {
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
    await waitUntilUp(`${url}${probe}`, child, output);
  } catch (error) {
    await proc.kill("SIGKILL");
    throw error;
  }
  return proc;
}

export async function startSimulator(options: { key: string; speed: number }): Promise<Proc> {
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
    },
    `http://127.0.0.1:${port}`,
    "/mj/task/list",
  );
}

export async function startApp(env: Record<string, string>): Promise<Proc> {
  const port = await freePort();
  return start(
    path.join(ROOT, "node_modules/.bin/next"),
    ["start", "--hostname", "127.0.0.1", "--port", String(port)],
    // These tests submit dozens of tasks in seconds on purpose; the per-session limit is auth.spec's.
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
