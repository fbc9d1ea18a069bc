import { spawn } from "node:child_process";
import path from "node:path";
import sharp from "sharp";
import { afterEach, describe, expect, it } from "vitest";
import { startSimulatorServer, type SimulatorServer } from "./http-server";
import { envelopeSchema, wireTaskSchema, type Task } from "./test-support";

const servers: SimulatorServer[] = [];

afterEach(async () => {
  while (servers.length > 0) await servers.pop()!.close();
});

const KEY = "http-test-key";

async function poll(url: string, id: string, headers: Record<string, string>): Promise<Task> {
  for (let i = 0; i < 200; i++) {
    const task = wireTaskSchema.parse(await (await fetch(`${url}/mj/task/${id}/fetch`, { headers })).json());
    if (task.status === "SUCCESS" || task.status === "FAILURE") return task;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`task ${id} did not finish`);
}

async function imagineOver(url: string, headers: Record<string, string>): Promise<Task> {
  const res = await fetch(`${url}/mj/submit/imagine`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ prompt: "over the wire --ar 2:1" }),
  });
  const envelope = envelopeSchema.parse(await res.json());
  expect(envelope.code).toBe(1);
  return poll(url, envelope.result as string, headers);
}

describe("the simulator over HTTP", () => {
  it("serves the protocol and its media on a real port", async () => {
    const server = await startSimulatorServer({ port: 0, host: "127.0.0.1", speed: 50, apiKey: KEY });
    servers.push(server);
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const done = await imagineOver(server.url, { authorization: KEY });
    expect(done.status).toBe("SUCCESS");
    expect(done.imageUrl!.startsWith(`${server.url}/sim/media/`)).toBe(true);
    const image = await fetch(done.imageUrl!);
    expect(image.headers.get("content-type")).toBe("image/png");
    const meta = await sharp(Buffer.from(await image.arrayBuffer())).metadata();
    expect(meta.width! / meta.height!).toBeCloseTo(2, 1);

    const refused = await fetch(`${server.url}/mj/task/list`);
    expect(refused.status).toBe(401);
    expect(await refused.text()).toBe("Authorization header missing.");
  });

  it("a hung request ends when the client gives up, and the server keeps serving", async () => {
    const server = await startSimulatorServer({ port: 0, host: "127.0.0.1", speed: 50 });
    servers.push(server);
    server.simulator.setFaults({ timeoutRate: 1 });
    await expect(
      fetch(`${server.url}/mj/task/list`, { signal: AbortSignal.timeout(100) }),
    ).rejects.toMatchObject({
      name: "TimeoutError",
    });
    server.simulator.setFaults({});
    expect((await fetch(`${server.url}/mj/task/list`)).status).toBe(200);
  });

  it("GET /__stats counts requests by path, a speed prefix kept apart", async () => {
    const server = await startSimulatorServer({ port: 0, host: "127.0.0.1", speed: 50, apiKey: KEY });
    servers.push(server);
    const submit = (path: string) =>
      fetch(`${server.url}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: KEY },
        body: JSON.stringify({ prompt: "a kite" }),
      });
    await submit("/mj-relax/mj/submit/imagine");
    await submit("/mj/submit/imagine");
    const stats = (await (await fetch(`${server.url}/__stats`)).json()) as { byPath: Record<string, number> };
    expect(stats.byPath["/mj-relax/mj/submit/imagine"]).toBe(1);
    expect(stats.byPath["/mj/submit/imagine"]).toBe(1);
  });

  it("POST /__faults flips the fault switches at runtime; bad switches are a 400", async () => {
    const server = await startSimulatorServer({ port: 0, host: "127.0.0.1", speed: 50, apiKey: KEY });
    servers.push(server);
    const flip = (body: string) => fetch(`${server.url}/__faults`, { method: "POST", body });
    const list = () => fetch(`${server.url}/mj/task/list`, { headers: { authorization: KEY } });
    expect((await flip(JSON.stringify({ errorRate: 1 }))).status).toBe(204);
    expect((await list()).status).toBeGreaterThanOrEqual(500);
    expect((await flip(JSON.stringify({ unauthorized: true }))).status).toBe(204);
    expect((await list()).status).toBe(401);
    expect((await flip(JSON.stringify({ errorRate: 2 }))).status).toBe(400);
    expect((await flip(JSON.stringify({ explode: true }))).status).toBe(400);
    expect((await flip("{")).status).toBe(400);
    // A refused switch leaves the last good one in place.
    expect((await list()).status).toBe(401);
    expect((await flip("{}")).status).toBe(204);
    expect((await list()).status).toBe(200);
  });

  it("the CLI (npm run simulator): listens, logs one line, answers, and stops on SIGTERM", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/cli.ts"], {
      cwd: path.resolve(import.meta.dirname, ".."),
      env: {
        ...process.env,
        PORT: "0",
        SIMULATOR_FAMILY: "novicezk",
        SIMULATOR_KEY: KEY,
        SIMULATOR_SPEED: "50",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const output: string[] = [];
    child.stderr.on("data", (chunk: Buffer) => output.push(chunk.toString()));
    const line = await new Promise<string>((resolve, reject) => {
      child.stdout.on("data", (chunk: Buffer) => resolve(chunk.toString()));
      child.once("exit", (code) => reject(new Error(`exited ${code}: ${output.join("")}`)));
    });
    expect(line).toMatch(
      /^simulator \(novicezk, speed 50, key required, memory only\) listening on http:\/\/127\.0\.0\.1:\d+\n$/,
    );
    const url = /(http:\/\/\S+)/.exec(line)![1]!;
    const done = await imagineOver(url, { "mj-api-secret": KEY });
    expect(done.status).toBe("SUCCESS");
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  });
});
