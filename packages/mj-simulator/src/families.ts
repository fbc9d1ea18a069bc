import { randomBytes } from "node:crypto";
import type { SpeedMode } from "./prompt";
import type { TaskRecord } from "./record";
import { relayError, relayPollTime, relayTaskLabel } from "./relay";
import type { RouteName } from "./routes";
import type { TaskSnapshot } from "./snapshot";
import type { SimulatorFamily } from "./types";
import { novicezkTask, relayTask, trueaiTask } from "./wire";

/**
 * How the three server families differ on the wire (§1.3, §2.2, §3.12-3.15, §8): which routes
 * exist, how keys are sent and refused, what an unknown id or a broken body gets, and how a task
 * is serialised.
 */

export interface FamilyConfig {
  instanceId: string;
  /** trueai: `imageUrls` lists a grid's images (SimulatorOptions.listImages). */
  listImages: boolean;
  /** new-api: interval of the relay's upstream poll. */
  relayLagMs: number;
}

export type SnapshotAt = (record: TaskRecord, t: number) => Promise<TaskSnapshot>;

export interface Family {
  name: SimulatorFamily;
  routes: ReadonlySet<RouteName>;
  /** Whether `/<prefix>/mj/...` is mounted, and the speed mode the prefix asks for. */
  prefix(prefix: string): { mounted: boolean; mode: SpeedMode | null };
  authorize(headers: Headers, apiKey: string): boolean;
  unauthorized(headers: Headers): Response;
  notFound(pathname: string, now: number): Response;
  /** The body could not be bound (broken JSON, wrong types, unknown enum string). */
  bindingError(pathname: string, message: string, now: number): Response;
  /** `fetch` of an id the server does not know. */
  unknownTask(): Response;
  taskJson(record: TaskRecord, now: number, snapshotAt: SnapshotAt): Promise<Record<string, unknown>>;
  /** novicezk checks banned words at submit (code 24); the others fail the job later. */
  bannedAtSubmit: boolean;
  /** ASP.NET binds JSON property names case-insensitively; Jackson and Go's relay do not. */
  caseInsensitiveFields: boolean;
  /** new-api: the relay's own checks and rewrites apply (relay.ts). */
  isRelay: boolean;
}

const SUBMIT_ROUTES: RouteName[] = ["imagine", "describe", "blend", "action", "modal"];
/** trueai's later routes that new-api relays (§3.6, §3.7, §3.8, §3.9, §8.1); novicezk has none. */
const NEWER_SUBMIT_ROUTES: RouteName[] = ["shorten", "upload", "video", "edits"];
/** trueai's routes that new-api main does not relay (§8.1): the `edit` alias and retexture. */
const TRUEAI_ONLY_ROUTES: RouteName[] = ["edit", "retexture"];

/** .NET DateTime ticks (100 ns since 0001-01-01), as trueai's `Result.timestamp`. */
function dotnetTicks(ms: number): string {
  return ((BigInt(Math.floor(ms)) + 62135596800000n) * 10000n).toString();
}

function springError(status: number, error: string, pathname: string, now: number): Response {
  return Response.json({ timestamp: new Date(now).toISOString(), status, error, path: pathname }, { status });
}

const SPEED_PREFIXES: Record<string, SpeedMode> = {
  "mj-fast": "FAST",
  "mj-relax": "RELAX",
  "mj-turbo": "TURBO",
};

function trueai(config: FamilyConfig): Family {
  return {
    name: "trueai",
    routes: new Set<RouteName>([
      ...SUBMIT_ROUTES,
      ...NEWER_SUBMIT_ROUTES,
      ...TRUEAI_ONLY_ROUTES,
      "fetch",
      "image-seed",
      "cancel",
      "list-by-ids",
      "list-by-condition",
      "list",
    ]),
    prefix: (prefix) => ({
      mounted: Object.hasOwn(SPEED_PREFIXES, prefix),
      mode: SPEED_PREFIXES[prefix] ?? null,
    }),
    // The token is compared verbatim: `Bearer <key>` is not `<key>` (§1.3). Authorization wins.
    authorize: (headers, apiKey) => (headers.get("authorization") || headers.get("mj-api-secret")) === apiKey,
    unauthorized: () =>
      new Response("Authorization header missing.", {
        status: 401,
        headers: { "content-type": "text/plain; charset=utf-8" },
      }),
    notFound: () => new Response(null, { status: 404 }),
    bindingError: (_pathname, message, now) =>
      Response.json({ success: false, code: -1, message, timestamp: dotnetTicks(now) }),
    unknownTask: () => new Response(null, { status: 204 }),
    taskJson: async (record, now, snapshotAt) =>
      trueaiTask(await snapshotAt(record, now), config.instanceId, config.listImages),
    bannedAtSubmit: false,
    caseInsensitiveFields: true,
    isRelay: false,
  };
}

function novicezk(config: FamilyConfig): Family {
  return {
    name: "novicezk",
    routes: new Set<RouteName>([...SUBMIT_ROUTES, "fetch", "image-seed", "list-by-condition", "list"]),
    prefix: () => ({ mounted: false, mode: null }),
    authorize: (headers, apiKey) => headers.get("mj-api-secret") === apiKey,
    unauthorized: () => new Response(null, { status: 401 }),
    notFound: (pathname, now) => springError(404, "Not Found", pathname, now),
    bindingError: (pathname, _message, now) => springError(400, "Bad Request", pathname, now),
    // The controller returns null and Spring writes an empty 200 (§3.12).
    unknownTask: () => new Response(null, { status: 200 }),
    taskJson: async (record, now, snapshotAt) =>
      novicezkTask(await snapshotAt(record, now), config.instanceId),
    bannedAtSubmit: true,
    caseInsensitiveFields: false,
    isRelay: false,
  };
}

/**
 * new-api's token: `Bearer sk-…`, bare `sk-…`, or `mj-api-secret` when Authorization is empty or
 * the literal `midjourney-proxy`; `sk-` optional, and `-<channel>` after the key pins a channel.
 */
function relayToken(headers: Headers): string | null {
  const auth = headers.get("authorization") ?? "";
  const raw = auth === "" || auth === "midjourney-proxy" ? (headers.get("mj-api-secret") ?? "") : auth;
  const token = raw
    .replace(/^Bearer\s+/i, "")
    .replace(/^sk-/, "")
    .trim();
  return token === "" ? null : token;
}

function newApi(config: FamilyConfig): Family {
  return {
    name: "new-api",
    routes: new Set<RouteName>([
      ...SUBMIT_ROUTES,
      ...NEWER_SUBMIT_ROUTES,
      "fetch",
      "image-seed",
      "list-by-condition",
    ]),
    // The relay mounts `/:anything/mj/...` and forwards it as `/mj/...` (§1.1).
    prefix: () => ({ mounted: true, mode: null }),
    authorize: (headers, apiKey) => {
      const token = relayToken(headers);
      const key = apiKey.replace(/^sk-/, "");
      return token !== null && (token === key || token.startsWith(`${key}-`));
    },
    unauthorized: (headers) => {
      const message = relayToken(headers) === null ? "未提供令牌" : "无效的令牌";
      const requestId = `${Date.now()}${randomBytes(4).toString("hex")}`;
      return Response.json(
        { error: { message: `${message} (request id: ${requestId})`, type: "new_api_error", code: "" } },
        { status: 401 },
      );
    },
    notFound: () =>
      new Response("404 page not found", { status: 404, headers: { "content-type": "text/plain" } }),
    bindingError: () => relayError("bind_request_body_failed"),
    unknownTask: () => relayError("task_no_found"),
    taskJson: async (record, now, snapshotAt) => {
      const polledAt = relayPollTime(record, now, config.relayLagMs);
      return relayTask(
        record,
        relayTaskLabel(record),
        polledAt === null ? null : await snapshotAt(record, polledAt),
      );
    },
    bannedAtSubmit: false,
    caseInsensitiveFields: false,
    isRelay: true,
  };
}

const FACTORIES: Record<SimulatorFamily, (config: FamilyConfig) => Family> = {
  trueai,
  novicezk,
  "new-api": newApi,
};

export function createFamily(name: SimulatorFamily, config: FamilyConfig): Family {
  return FACTORIES[name](config);
}
