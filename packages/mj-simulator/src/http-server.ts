import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";
import { createSimulator } from "./simulator";
import type { Simulator, SimulatorOptions } from "./types";

/**
 * The simulator on a real port, for `npm run simulator` and for tests that need an HTTP upstream.
 * Each request becomes a fetch `Request` whose signal aborts when the client goes away, so a
 * "timeout" fault ends when the client gives up, as it would against a real hung server.
 *
 * `POST /__faults` with a JSON body of fault switches (see SimulatorFaults; `{}` clears them) flips
 * them at runtime, so a test can take the upstream down and bring it back while the app runs. It
 * exists only here, on the standalone server for tests: never in the app or its in-process demo.
 * `GET /__stats` answers the request counts by path (prefixed paths such as `/mj-relax/mj/...` kept
 * apart), so a test can check what the app really sent.
 */

export const FAULTS_PATH = "/__faults";
export const STATS_PATH = "/__stats";

const rate = z.number().min(0).max(1);
const faultsBody = z.strictObject({
  latencyMs: z.number().int().min(0).max(600_000).optional(),
  errorRate: rate.optional(),
  timeoutRate: rate.optional(),
  malformedRate: rate.optional(),
  unauthorized: z.boolean().optional(),
  uploadStorageDown: z.boolean().optional(),
});

export interface SimulatorServerOptions extends SimulatorOptions {
  /** 0 = a free port. */
  port: number;
  host: string;
}

export interface SimulatorServer {
  url: string;
  simulator: Simulator;
  close(): Promise<void>;
}

function toHeaders(req: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) value.forEach((v) => headers.append(name, v));
    else if (value !== undefined) headers.set(name, value);
  }
  return headers;
}

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function setFaults(simulator: Simulator, req: IncomingMessage, res: ServerResponse): Promise<void> {
  let parsed: ReturnType<typeof faultsBody.safeParse>;
  try {
    parsed = faultsBody.safeParse(JSON.parse((await readAll(req)).toString("utf8")));
  } catch {
    return void res.writeHead(400, { "content-type": "text/plain" }).end("body is not JSON");
  }
  if (!parsed.success) {
    return void res.writeHead(400, { "content-type": "text/plain" }).end(z.prettifyError(parsed.error));
  }
  simulator.setFaults(parsed.data);
  res.writeHead(204).end();
}

async function serve(
  simulator: Simulator,
  origin: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const aborter = new AbortController();
  res.on("close", () => {
    if (!res.writableFinished) aborter.abort();
  });
  const method = req.method ?? "GET";
  const body = method === "GET" || method === "HEAD" ? undefined : new Uint8Array(await readAll(req));
  const request = new Request(new URL(req.url ?? "/", origin), {
    method,
    headers: toHeaders(req),
    body,
    signal: aborter.signal,
  });
  try {
    const response = await simulator.handle(request);
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  } catch (error) {
    if (aborter.signal.aborted) return;
    throw error;
  }
}

/** A hostname clients can reach: a wildcard bind is announced as loopback. */
function reachableHost(host: string): string {
  if (host === "0.0.0.0" || host === "" || host === "::") return "127.0.0.1";
  return host.includes(":") ? `[${host}]` : host;
}

export function startSimulatorServer(options: SimulatorServerOptions): Promise<SimulatorServer> {
  const { port, host, ...simulatorOptions } = options;
  let simulator: Simulator | null = null;
  let origin = "";
  const server = createServer((req, res) => {
    if (!simulator) return void res.writeHead(503).end();
    if (req.method === "GET" && req.url === STATS_PATH) {
      return void res
        .writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify(simulator.stats()));
    }
    const work =
      req.method === "POST" && req.url === FAULTS_PATH
        ? setFaults(simulator, req, res)
        : serve(simulator, origin, req, res);
    work.catch((error: unknown) => {
      console.error("simulator server:", error);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      const address = server.address() as AddressInfo;
      origin = `http://${reachableHost(host)}:${address.port}`;
      const sim = createSimulator({ ...simulatorOptions, baseUrl: simulatorOptions.baseUrl ?? origin });
      simulator = sim;
      resolve({
        url: origin,
        simulator: sim,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => {
              sim.close();
              done();
            });
          }),
      });
    });
  });
}
