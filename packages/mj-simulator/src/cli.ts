import { parseArgs } from "node:util";
import { startSimulatorServer } from "./http-server";
import type { SimulatorFamily } from "./types";

/**
 * `npm run simulator` (or `npm start` in this package): the midjourney-proxy simulator on a real
 * port, to point MJ_API_URL (or any midjourney-proxy client) at. Configured by environment, or by
 * the same names as arguments (`npm run simulator -- --port 9000 --family new-api`): PORT (8787;
 * 0 = any free port), HOST (127.0.0.1), SIMULATOR_FAMILY (trueai | novicezk | new-api),
 * SIMULATOR_KEY (unset = no auth), SIMULATOR_SPEED (1 = realistic), SIMULATOR_MAX_CONCURRENT (jobs
 * running at once, 3 = Midjourney's fast-mode default; more queue), SIMULATOR_DATA (SQLite file;
 * unset = memory only), SIMULATOR_LIST_IMAGES (1 = trueai lists a grid's images in `imageUrls`),
 * SIMULATOR_RENDER_POOL (N = imagines draw one of N pictures, served from the render cache).
 * Tests flip its fault switches at runtime with `POST /__faults` (http-server.ts).
 */

const FAMILIES: readonly SimulatorFamily[] = ["trueai", "novicezk", "new-api"];

function fail(message: string): never {
  console.error(`simulator: ${message}`);
  process.exit(1);
}

function config() {
  const { values: args } = parseArgs({
    options: {
      port: { type: "string" },
      host: { type: "string" },
      family: { type: "string" },
      key: { type: "string" },
      speed: { type: "string" },
      "max-concurrent": { type: "string" },
      data: { type: "string" },
      "list-images": { type: "string" },
      "render-pool": { type: "string" },
    },
  });
  const env = {
    PORT: args.port ?? process.env.PORT,
    HOST: args.host ?? process.env.HOST,
    SIMULATOR_FAMILY: args.family ?? process.env.SIMULATOR_FAMILY,
    SIMULATOR_KEY: args.key ?? process.env.SIMULATOR_KEY,
    SIMULATOR_SPEED: args.speed ?? process.env.SIMULATOR_SPEED,
    SIMULATOR_MAX_CONCURRENT: args["max-concurrent"] ?? process.env.SIMULATOR_MAX_CONCURRENT,
    SIMULATOR_DATA: args.data ?? process.env.SIMULATOR_DATA,
    SIMULATOR_LIST_IMAGES: args["list-images"] ?? process.env.SIMULATOR_LIST_IMAGES,
    SIMULATOR_RENDER_POOL: args["render-pool"] ?? process.env.SIMULATOR_RENDER_POOL,
  };
  const port = Number(env.PORT ?? 8787);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`PORT must be 0-65535, got ${env.PORT}`);
  const family = (env.SIMULATOR_FAMILY ?? "trueai") as SimulatorFamily;
  if (!FAMILIES.includes(family))
    fail(`SIMULATOR_FAMILY must be one of ${FAMILIES.join(", ")}, got ${family}`);
  const speed = Number(env.SIMULATOR_SPEED ?? 1);
  if (!Number.isFinite(speed) || speed <= 0)
    fail(`SIMULATOR_SPEED must be a positive number, got ${env.SIMULATOR_SPEED}`);
  const maxConcurrent = Number(env.SIMULATOR_MAX_CONCURRENT ?? 3);
  if (!Number.isInteger(maxConcurrent) || maxConcurrent < 1)
    fail(`SIMULATOR_MAX_CONCURRENT must be a whole number from 1, got ${env.SIMULATOR_MAX_CONCURRENT}`);
  const renderPool = env.SIMULATOR_RENDER_POOL ? Number(env.SIMULATOR_RENDER_POOL) : null;
  if (renderPool !== null && (!Number.isInteger(renderPool) || renderPool < 1))
    fail(`SIMULATOR_RENDER_POOL must be a whole number from 1, got ${env.SIMULATOR_RENDER_POOL}`);
  return {
    port,
    host: env.HOST || "127.0.0.1",
    family,
    speed,
    maxConcurrent,
    apiKey: env.SIMULATOR_KEY || null,
    persistPath: env.SIMULATOR_DATA || null,
    listImages: env.SIMULATOR_LIST_IMAGES === "1",
    renderPool,
  };
}

async function main(): Promise<void> {
  const options = config();
  const server = await startSimulatorServer(options);
  console.log(
    `simulator (${options.family}, speed ${options.speed}, ${options.apiKey ? "key required" : "no auth"}, ` +
      `${options.persistPath ? `data in ${options.persistPath}` : "memory only"}` +
      `${options.listImages ? ", grids list their images" : ""}` +
      `${options.renderPool ? `, imagines drawn from ${options.renderPool} pictures` : ""}) listening on ${server.url}`,
  );
  const stop = () => {
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));
