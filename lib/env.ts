import "server-only";
import path from "node:path";
import { z } from "zod";

/**
 * The server's configuration, parsed once from the environment. Without MJ_API_URL the app runs
 * in demo mode on the in-process simulator.
 */

const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .optional();

const envSchema = z.object({
  MJ_API_URL: optionalText.pipe(
    z
      .url({
        protocol: /^https?$/,
        error: "MJ_API_URL must be an http(s) URL such as https://mj.example.com",
      })
      // The app adds `/mj/...` itself; a trailing `/mj` or slash would double it.
      .transform((v) => v.replace(/\/+$/, "").replace(/\/mj$/, ""))
      .optional(),
  ),
  MJ_API_KEY: optionalText,
  MJ_AUTH_HEADER: z.enum(["authorization", "bearer", "mj-api-secret"]).default("authorization"),
  MJ_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(300_000).default(30_000),
  MJ_READ_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
  MJ_BREAKER_FAILURES: z.coerce.number().int().min(1).max(1_000).default(5),
  MJ_BREAKER_COOLDOWN_MS: z.coerce.number().int().min(100).max(600_000).default(2_000),
  DATA_DIR: z.string().default("./.data"),
  SIMULATOR_SPEED: z.coerce.number().positive().max(1_000).default(1),
});

export interface AppEnv {
  mode: "demo" | "upstream";
  upstream: {
    baseUrl: string;
    apiKey: string | undefined;
    authHeader: "authorization" | "bearer" | "mj-api-secret";
  } | null;
  timeoutMs: number;
  /** Tries of an idempotent upstream read; submits are tried once. */
  readAttempts: number;
  /** Consecutive failed calls that open the circuit breaker, and its first cool-down. */
  breaker: { failureThreshold: number; cooldownMs: number };
  dataDir: string;
  simulatorSpeed: number;
}

let cached: AppEnv | undefined;

export function parseEnv(source: Record<string, string | undefined>): AppEnv {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Invalid configuration: ${details}`);
  }
  const e = parsed.data;
  return {
    mode: e.MJ_API_URL ? "upstream" : "demo",
    upstream: e.MJ_API_URL
      ? { baseUrl: e.MJ_API_URL, apiKey: e.MJ_API_KEY, authHeader: e.MJ_AUTH_HEADER }
      : null,
    timeoutMs: e.MJ_TIMEOUT_MS,
    readAttempts: e.MJ_READ_ATTEMPTS,
    breaker: { failureThreshold: e.MJ_BREAKER_FAILURES, cooldownMs: e.MJ_BREAKER_COOLDOWN_MS },
    // turbopackIgnore: DATA_DIR is runtime data, not something the build should trace into the bundle.
    dataDir: path.resolve(/*turbopackIgnore: true*/ process.cwd(), e.DATA_DIR),
    simulatorSpeed: e.SIMULATOR_SPEED,
  };
}

export function env(): AppEnv {
  cached ??= parseEnv(process.env);
  return cached;
}
