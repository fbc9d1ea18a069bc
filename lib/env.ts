import "server-only";
import { isIP } from "node:net";
import path from "node:path";
import { z } from "zod";
import { SPEED_VIAS, type SpeedVia } from "@/lib/mj/speed";

/**
 * The server's configuration, parsed once from the environment. Without MJ_API_URL the app runs
 * in demo mode on the in-process simulator.
 */

const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .optional();

function splitList(value: string | undefined): string[] {
  return (value ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "");
}

const commaList = z.string().optional().transform(splitList);

function isAddressOrRange(entry: string): boolean {
  const [address = "", bits, ...rest] = entry.split("/");
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (bits === undefined) return true;
  const n = Number(bits);
  return /^\d+$/.test(bits) && n <= (family === 4 ? 32 : 128);
}

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
  MJ_SPEED_VIA: optionalText.pipe(
    z
      .enum(SPEED_VIAS, {
        error: (issue) =>
          `MJ_SPEED_VIA must be prefix, flag or both (got "${String(issue.input).slice(0, 40)}")`,
      })
      .default("both"),
  ),
  MJ_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(300_000).default(30_000),
  MJ_READ_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
  MJ_BREAKER_FAILURES: z.coerce.number().int().min(1).max(1_000).default(5),
  MJ_BREAKER_COOLDOWN_MS: z.coerce.number().int().min(100).max(600_000).default(2_000),
  MJ_POLL_INTERVAL_MS: z.coerce.number().int().min(10).max(60_000).default(2_000),
  DATA_DIR: z.string().default("./.data"),
  // Set: the history lives in this PostgreSQL database (instances sharing it act as one); unset: SQLite under DATA_DIR.
  DATABASE_URL: optionalText.pipe(
    z
      .string()
      .refine(
        (v) => URL.canParse(v) && ["postgres:", "postgresql:"].includes(new URL(v).protocol),
        "DATABASE_URL must be a PostgreSQL URL such as postgres://user:password@host:5432/mjstudio",
      )
      .optional(),
  ),
  SIMULATOR_SPEED: z.coerce.number().positive().max(1_000).default(1),
  APP_PASSWORD: optionalText,
  APP_API_TOKEN: optionalText.pipe(
    z.string().min(16, "APP_API_TOKEN must be at least 16 characters").optional(),
  ),
  APP_SESSION_SECRET: optionalText.pipe(
    z.string().min(32, "APP_SESSION_SECRET must be at least 32 characters").optional(),
  ),
  // Submissions per minute per session (or per client without a password); 0 turns the limit off.
  APP_SUBMIT_RATE_LIMIT: z.coerce.number().int().min(0).max(100_000).default(30),
  HOST: optionalText,
  // The public origin (https://studio.example.com): its host is served besides the loopback names.
  APP_URL: optionalText.pipe(
    z
      .url({
        protocol: /^https?$/,
        error: "APP_URL must be an http(s) URL such as https://studio.example.com",
      })
      .optional(),
  ),
  // More host names to serve (comma-separated; ".example.com" for every subdomain; "*" for any).
  ALLOWED_HOSTS: commaList.pipe(
    z.array(
      z
        .string()
        .regex(
          /^(\*|\.?[a-z0-9._-]+)$/i,
          "ALLOWED_HOSTS takes host names without ports, a leading dot for subdomains, or *",
        ),
    ),
  ),
  // Reverse proxies whose X-Forwarded-For and X-Forwarded-Host are believed (addresses or CIDR
  // ranges, comma-separated; "none" for none). Unset: loopback, where a local reverse proxy sits.
  TRUSTED_PROXIES: z
    .string()
    .default("127.0.0.0/8, ::1")
    .transform(splitList)
    .pipe(
      z.array(
        z
          .string()
          .refine(
            (entry) => entry === "none" || isAddressOrRange(entry),
            "TRUSTED_PROXIES takes IP addresses or CIDR ranges such as 127.0.0.1 or 10.0.0.0/8, or none",
          ),
      ),
    )
    .transform((list) => list.filter((entry) => entry !== "none")),
  // Browser origins (https://client.example.com, comma-separated) allowed to call /api/mj/* with a
  // token from their own pages (CORS). Unset: none; credentials (cookies) are never allowed.
  APP_CORS_ORIGINS: commaList.pipe(
    z.array(
      z
        .url({
          protocol: /^https?$/,
          error: "APP_CORS_ORIGINS takes origins such as https://client.example.com",
        })
        .refine(
          (entry) => URL.canParse(entry) && new URL(entry).origin === entry.replace(/\/$/, "").toLowerCase(),
          "APP_CORS_ORIGINS takes origins only: scheme, host and port, no path",
        )
        .transform((entry) => new URL(entry).origin),
    ),
  ),
  // notifyHook URLs on private or loopback addresses are refused unless this is 1 (a receiver on
  // the same machine or LAN: tests, a self-hosted bot).
  APP_NOTIFY_ALLOW_PRIVATE: z.enum(["0", "1", "true", "false"]).default("0"),
});

export interface AppEnv {
  mode: "demo" | "upstream";
  upstream: {
    baseUrl: string;
    apiKey: string | undefined;
    authHeader: "authorization" | "bearer" | "mj-api-secret";
  } | null;
  /** How a job's speed reaches the upstream: path prefix, prompt flag, or both (§8.2). */
  speedVia: SpeedVia;
  timeoutMs: number;
  /** Tries of an idempotent upstream read; submits are tried once. */
  readAttempts: number;
  /** Consecutive failed calls that open the circuit breaker, and its first cool-down. */
  breaker: { failureThreshold: number; cooldownMs: number };
  /** How often the server's one poller asks the upstream about every unfinished task. */
  pollIntervalMs: number;
  dataDir: string;
  /** PostgreSQL for the history when set; SQLite under `dataDir` when not. */
  databaseUrl: string | undefined;
  simulatorSpeed: number;
  auth: {
    /** Set: every page and API route but the open ones needs a session. */
    password: string | undefined;
    /** Set: accepted on /api/mj/* and /api/media/* as `Authorization: Bearer <token>`, `Authorization: <token>` or `mj-api-secret: <token>`. */
    apiToken: string | undefined;
    sessionSecret: string | undefined;
    submitsPerMinute: number;
  };
  /** Which Host headers are served (DNS rebinding); IP literals and localhost always are. */
  allowedHosts: { any: boolean; names: string[] };
  /** Reverse proxies whose X-Forwarded-For entries are believed. */
  trustedProxies: string[];
  /** APP_URL's origin: where links handed to other clients (media URLs) point. */
  publicOrigin: string | undefined;
  /** Browser origins allowed to call /api/mj/* (CORS); empty: none. */
  corsOrigins: string[];
  /** Whether notifyHook may point at private and loopback addresses. */
  notifyAllowPrivate: boolean;
  /** The interface the server was told to bind to, when the user set one. */
  host: string | undefined;
  /** Reachable beyond this machine with no password: anyone who can reach it can spend the key. */
  exposedWithoutPassword: boolean;
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
    speedVia: e.MJ_SPEED_VIA,
    timeoutMs: e.MJ_TIMEOUT_MS,
    readAttempts: e.MJ_READ_ATTEMPTS,
    breaker: { failureThreshold: e.MJ_BREAKER_FAILURES, cooldownMs: e.MJ_BREAKER_COOLDOWN_MS },
    pollIntervalMs: e.MJ_POLL_INTERVAL_MS,
    // turbopackIgnore: DATA_DIR is runtime data, not something the build should trace into the bundle.
    dataDir: path.resolve(/*turbopackIgnore: true*/ process.cwd(), e.DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    simulatorSpeed: e.SIMULATOR_SPEED,
    auth: {
      password: e.APP_PASSWORD,
      apiToken: e.APP_API_TOKEN,
      sessionSecret: e.APP_SESSION_SECRET,
      submitsPerMinute: e.APP_SUBMIT_RATE_LIMIT,
    },
    allowedHosts: allowedHosts(e.ALLOWED_HOSTS, e.APP_URL, e.HOST),
    trustedProxies: e.TRUSTED_PROXIES,
    publicOrigin: e.APP_URL ? new URL(e.APP_URL).origin : undefined,
    corsOrigins: [...new Set(e.APP_CORS_ORIGINS)],
    notifyAllowPrivate: e.APP_NOTIFY_ALLOW_PRIVATE === "1" || e.APP_NOTIFY_ALLOW_PRIVATE === "true",
    host: e.HOST,
    exposedWithoutPassword: e.HOST !== undefined && !isLoopback(e.HOST) && !e.APP_PASSWORD,
  };
}

function allowedHosts(listed: string[], appUrl: string | undefined, host: string | undefined) {
  const names = listed.filter((name) => name !== "*").map((name) => name.toLowerCase());
  if (appUrl) names.push(new URL(appUrl).hostname.toLowerCase());
  // A server bound to a name (HOST=studio.lan) answers to that name.
  if (host && isIP(host) === 0 && !["localhost", "0.0.0.0", "::"].includes(host))
    names.push(host.toLowerCase());
  return { any: listed.includes("*"), names: [...new Set(names)] };
}

/** 127.0.0.0/8, ::1 and localhost: the only interfaces nobody else can reach. */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, "");
  return h === "localhost" || h === "::1" || /^127(\.\d{1,3}){3}$/.test(h);
}

export function env(): AppEnv {
  cached ??= parseEnv(process.env);
  return cached;
}
