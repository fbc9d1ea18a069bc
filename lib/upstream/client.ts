import "server-only";
import { SUBMIT_CODE, submitResultSchema, type SubmitResult } from "@/lib/mj/envelope";
import type { Speed } from "@/lib/mj/prompt-params";
import { speedSegment, withSpeedFlag, type SpeedVia } from "@/lib/mj/speed";
import { taskListSchema, taskSchema, type Task } from "@/lib/mj/task";
import {
  NULL_BODY_STATUSES,
  readText,
  requestAnswer,
  type AnswerRequest,
  type HttpAnswer,
} from "@/lib/http/body";
import { AppError } from "@/lib/http/errors";
import { createBreaker, DEFAULT_BREAKER, type BreakerOptions, type BreakerSnapshot } from "./breaker";
import { startDeadline, type Deadline } from "./deadline";

/**
 * The one client that holds the upstream key (vercel/commerce's vendor-module pattern). It speaks
 * to trueai, novicezk and new-api style servers and irons out where they disagree (§9), so nothing
 * above it sees raw upstream JSON, an upstream status code, or upstream error text.
 */

export type AuthHeader = "authorization" | "bearer" | "mj-api-secret";
export type SubmitKind =
  "imagine" | "describe" | "blend" | "action" | "modal" | "shorten" | "video" | "edits" | "retexture";
type Fetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface UpstreamConfig {
  /** Origin (and optional path prefix such as `/mj-fast`) in front of `/mj/...`. */
  baseUrl: string;
  /**
   * How a job's speed reaches the upstream (§8.2): the path prefix (`/mj-relax/mj/...`), the
   * prompt flag (`--relax`), or both (the default: the prefix for trueai, the flag through a relay
   * that cuts the prefix).
   */
  speedVia?: SpeedVia;
  apiKey?: string | undefined;
  authHeader: AuthHeader;
  timeoutMs: number;
  /** The simulator's fetch in demo mode, a test's; without one, calls go over undici's `request`. */
  fetch?: Fetch;
  /**
   * What `fetchMedia` sends its GET with: `fetch` when one is given (the simulator's, a test's),
   * else undici's `request` on the process's pool. Media links point anywhere, so the composition
   * root hands in one that connects to public addresses only (lib/media/fetch.ts
   * `createPinnedMediaRequest`).
   */
  mediaRequest?: MediaRequest;
  /** Where diagnostics go; upstream text may hold the key, so it is redacted before logging. */
  log?: (message: string) => void;
  /** Tries of an idempotent read on a fault (1 = no retry). Submits and cancels are tried once. */
  readAttempts?: number;
  breaker?: Partial<BreakerOptions>;
  /** Injectable for tests: the wait between read retries, and its jitter. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/** A GET of a media URL, redirects not followed, on `signal`. */
export type MediaRequest = (url: string, signal: AbortSignal) => Promise<HttpAnswer>;

/** The upstream as `/api/health` reports it. */
export interface UpstreamHealth {
  state: "ok" | "degraded" | "down";
  circuit: BreakerSnapshot["state"];
  consecutiveFailures: number;
  retryInMs: number | null;
}

export interface SubmitOptions {
  /** The job's speed, carried as `speedVia` says; null or absent leaves the account's own. */
  speed?: Speed | null;
}

/** What `upload-discord-images` answers (§3.9): one URL per image, in order; none when refused. */
export interface UploadResult {
  code: number;
  description: string;
  result: string[];
  properties: Record<string, unknown>;
}

export interface UpstreamClient {
  submit(kind: SubmitKind, body: unknown, options?: SubmitOptions): Promise<SubmitResult>;
  /** Turns images into URLs the upstream hosts (§3.9); not_supported where it has no such route. */
  uploadImages(body: { base64Array: string[] }): Promise<UploadResult>;
  /** null when the upstream does not know the id (trueai 204, novicezk empty 200, new-api task_no_found). */
  fetchTask(id: string): Promise<Task | null>;
  listByIds(ids: string[]): Promise<Task[]>;
  listByCondition(body: { ids?: string[] | undefined }): Promise<Task[]>;
  imageSeed(id: string): Promise<SubmitResult>;
  cancel(id: string): Promise<void>;
  /** Fetches a media URL a task carries. Never sends the key: media lives on CDNs. */
  fetchMedia(url: string, signal?: AbortSignal): Promise<HttpAnswer>;
  health(): UpstreamHealth;
}

/**
 * What a submit kind does, for the message of an upstream without its route: novicezk has no
 * video, edits or retexture; new-api relays no retexture (§8.1); one-hub neither video nor edits.
 */
const SUBMIT_ABILITY: Record<SubmitKind, string> = {
  imagine: "imagine",
  describe: "describe images",
  blend: "blend images",
  action: "press buttons",
  modal: "confirm dialogs",
  shorten: "shorten prompts",
  video: "make videos",
  edits: "edit images",
  retexture: "retexture images",
};

/** Full-jitter exponential backoff between read retries: random in [0, min(cap, base * 2^n)). */
export const RETRY_BACKOFF = { baseMs: 200, capMs: 2_000 } as const;

/** undici's codes for a socket that failed under a request before its answer began. */
const DROPPED_CONNECTION_CODES = new Set(["ECONNRESET", "EPIPE", "UND_ERR_SOCKET"]);
/** Same-origin redirects an API call follows before giving up. */
const API_REDIRECTS = 3;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** new-api main's "channel or group saturated", sent with HTTP 429 (§2.1): a rate limit, not an outcome. */
const RELAY_SATURATED = 30;
/** A trailing speed prefix of MJ_API_URL (`https://proxy/mj-fast`), which a job's own speed replaces. */
const BASE_SPEED_PREFIX = /\/mj-(fast|relax|turbo)$/;

interface RawResponse {
  status: number;
  text: string;
  headers: HttpAnswer["headers"];
}

export function createUpstreamClient(config: UpstreamConfig): UpstreamClient {
  const given = config.fetch;
  // API calls and media over undici's `request` unless a fetch is given. Redirects are followed
  // by hand: API calls within the upstream's origin, media by lib/media checking each hop.
  const send: (url: string, init: AnswerRequest) => Promise<HttpAnswer> = given
    ? (url, init) => given(url, { ...init, cache: "no-store", redirect: "manual" })
    : requestAnswer;
  const mediaRequest: MediaRequest = config.mediaRequest ?? ((url, signal) => send(url, { signal }));
  const log = config.log ?? ((message: string) => console.warn(message));
  // new-api and novicezk have no list-by-ids route; learnt once, then list-by-condition is used.
  let listByIdsMissing = false;
  // novicezk mounts no `/mj-<speed>/mj/...` routes (§1.1); learnt on the first prefixed submit.
  let speedPrefixMissing = false;
  const readAttempts = Math.max(1, config.readAttempts ?? 3);
  const sleep = config.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = config.random ?? Math.random;
  const breaker = createBreaker({ ...DEFAULT_BREAKER, ...config.breaker });
  /**
   * Errors that say the upstream is not answering properly (unreachable, timeout, 5xx, body cut
   * off): a read may be retried after one, and the breaker counts them. A refusal (401, 429, 4xx)
   * is an answer: retrying would not change it.
   */
  const faults = new WeakSet<AppError>();
  const fault = (error: AppError): AppError => (faults.add(error), error);

  const redact = (text: string): string =>
    config.apiKey ? text.split(config.apiKey).join("[redacted]") : text;

  /** A JSON.parse reviver: children come redacted already, so each level only sees its own strings. */
  function redactValue(_key: string, value: unknown): unknown {
    if (typeof value === "string") return redact(value);
    const apiKey = config.apiKey;
    if (apiKey && isRecord(value) && Object.keys(value).some((name) => name.includes(apiKey))) {
      return Object.fromEntries(Object.entries(value).map(([name, child]) => [redact(name), child]));
    }
    return value;
  }

  function authHeaders(): Record<string, string> {
    if (!config.apiKey) return {};
    switch (config.authHeader) {
      case "authorization":
        return { authorization: config.apiKey };
      case "bearer":
        return { authorization: `Bearer ${config.apiKey}` };
      case "mj-api-secret":
        return { "mj-api-secret": config.apiKey };
    }
  }

  async function call(
    method: "GET" | "POST",
    path: string,
    body?: unknown,
    base: string = config.baseUrl,
  ): Promise<RawResponse> {
    const deadline = startDeadline(config.timeoutMs);
    let response: HttpAnswer;
    let text: string;
    try {
      response = await followSameOrigin(method, path, new URL(`${base}${path}`), body, deadline);
      text = await deadline.race(readText(response.body));
    } catch (error) {
      throw error instanceof AppError ? error : transportError(error, method, path);
    } finally {
      deadline.done();
    }
    const raw = { status: response.status, text, headers: response.headers };
    if (response.status === 401 || response.status === 403) {
      log(
        `[upstream] ${method} ${path} refused the key: HTTP ${response.status} ${redact(text).slice(0, 300)}`,
      );
      throw new AppError(
        "upstream_unauthorized",
        `The upstream refused the API key (HTTP ${response.status}). Check MJ_API_KEY and MJ_AUTH_HEADER.`,
      );
    }
    // A relay may send a business outcome with a 4xx/5xx status and the envelope as the body
    // (§8.3): an answer like any other, so neither a fault (no retry, no breaker count) nor a limit.
    const envelope = response.status >= 200 && response.status < 300 ? null : envelopeCode(raw.text);
    if (response.status === 429 && (envelope === null || envelope === RELAY_SATURATED)) {
      const retryAfter = response.headers.get("retry-after");
      throw new AppError(
        "rate_limited",
        "The upstream is rate-limiting requests; try again in a moment.",
        retryAfter ? { "retry-after": retryAfter } : {},
      );
    }
    if (response.status >= 500 && envelope === null) {
      log(`[upstream] ${method} ${path} failed: HTTP ${response.status} ${redact(text).slice(0, 300)}`);
      throw fault(
        new AppError(
          "upstream_error",
          `The upstream failed with HTTP ${response.status}; try again shortly.`,
        ),
      );
    }
    return raw;
  }

  /**
   * Sends one API call, following redirects by hand: only within the upstream's origin (a moved
   * path prefix), a few hops at most. The key goes with every request, so a redirect to another
   * origin is an upstream error, never followed: fetch would carry `mj-api-secret` (and, on older
   * runtimes, `Authorization`) there.
   */
  async function followSameOrigin(
    method: "GET" | "POST",
    path: string,
    start: URL,
    body: unknown,
    deadline: Deadline,
  ): Promise<HttpAnswer> {
    let url = start;
    let hopMethod: "GET" | "POST" = method;
    let payload = body === undefined ? undefined : JSON.stringify(body);
    for (let hop = 0; ; hop++) {
      const response = await deadline.race(
        send(url.href, {
          method: hopMethod,
          headers: {
            accept: "application/json",
            // As fetch asked: a relay's long task lists travel compressed (media is already).
            "accept-encoding": "gzip, deflate, br",
            ...(payload === undefined ? {} : { "content-type": "application/json" }),
            ...authHeaders(),
          },
          body: payload,
          signal: deadline.signal,
        }),
      );
      const location = response.headers.get("location");
      if (!REDIRECT_STATUSES.has(response.status) || location === null) return response;
      await response.body?.cancel();
      const next = URL.canParse(location, url) ? new URL(location, url) : null;
      if (next === null || next.origin !== url.origin || hop >= API_REDIRECTS) {
        log(
          `[upstream] ${method} ${path}: HTTP ${response.status} redirect to ${redact(location).slice(0, 300)} not followed (${next?.origin === url.origin ? "too many hops" : "another origin"})`,
        );
        throw new AppError(
          "upstream_error",
          "The upstream redirected the request elsewhere; check MJ_API_URL.",
        );
      }
      // As fetch does: 303, and 301/302 after a POST, continue as a GET without the body.
      if (response.status === 303 || (hopMethod === "POST" && response.status <= 302)) {
        hopMethod = "GET";
        payload = undefined;
      }
      url = next;
    }
  }

  /** A connection that failed before any answer (reset, closed under the request), not a timeout. */
  function droppedConnection(error: unknown): boolean {
    if (!(error instanceof Error)) return false;
    // fetch wraps undici's error as its cause; `request` throws it as it is.
    const { code } = (error.cause ?? error) as { code?: unknown };
    return typeof code === "string" && DROPPED_CONNECTION_CODES.has(code);
  }

  function transportError(error: unknown, method: string, path: string): AppError {
    const name = error instanceof Error ? error.name : "";
    if (name === "TimeoutError" || name === "AbortError") {
      log(`[upstream] ${method} ${path} timed out after ${config.timeoutMs} ms`);
      return fault(
        new AppError("upstream_timeout", `The upstream did not answer within ${config.timeoutMs / 1000} s.`),
      );
    }
    log(`[upstream] ${method} ${path} unreachable: ${redact(String(error))}`);
    return fault(new AppError("upstream_error", "The upstream could not be reached."));
  }

  /**
   * Upstream JSON with the key taken out of every string (and property name) in it: descriptions,
   * failure reasons and messages pass through to the browser, and an upstream may quote the key in
   * them ("seed failed auth=..."). Parsed first, so an escaped key is found too.
   */
  function parseJson(raw: RawResponse, method: string, path: string): unknown {
    try {
      return JSON.parse(raw.text, redactValue);
    } catch {
      log(
        `[upstream] ${method} ${path}: HTTP ${raw.status}, body is not JSON: ${redact(raw.text).slice(0, 300)}`,
      );
      throw fault(
        new AppError("upstream_bad_response", "The upstream sent a response that is not valid JSON."),
      );
    }
  }

  function badShape(method: string, path: string, raw: RawResponse): AppError {
    log(
      `[upstream] ${method} ${path}: unexpected HTTP ${raw.status} body: ${redact(raw.text).slice(0, 300)}`,
    );
    // An envelope where a task or list was due: the upstream (a relay) refused, it did not break.
    const code = raw.status >= 300 ? envelopeCode(raw.text) : null;
    if (code !== null) {
      return new AppError(
        "upstream_error",
        `The upstream refused the request (HTTP ${raw.status}, code ${code}).`,
      );
    }
    return new AppError(
      "upstream_bad_response",
      "The upstream sent a response this app does not understand.",
    );
  }

  /**
   * An envelope from any family: the submit envelope (trueai/novicezk, also new-api's own
   * `{description, type, code}` errors), or trueai's generic `{success:false, code:-1, message}`
   * (model binding and limit errors), which becomes a validation outcome like `imagine` gives.
   */
  function toEnvelope(raw: RawResponse, method: string, path: string): SubmitResult {
    const json = parseJson(raw, method, path);
    if (isRecord(json) && json.success === false && typeof json.message === "string") {
      return { code: 4, description: json.message, result: null, properties: {} };
    }
    const parsed = submitResultSchema.safeParse(json);
    if (!parsed.success) throw badShape(method, path, raw);
    return parsed.data;
  }

  /**
   * Every call goes through the breaker; an idempotent read is tried again after a fault. A
   * submit or cancel never is: the upstream may have acted on it before failing to answer, and a
   * second submit would be a second charge.
   */
  async function guarded<T>(idempotent: boolean, run: () => Promise<T>): Promise<T> {
    breaker.admit();
    const attempts = idempotent ? readAttempts : 1;
    for (let attempt = 1; ; attempt++) {
      try {
        const value = await run();
        breaker.success();
        return value;
      } catch (error) {
        const isFault = error instanceof AppError && faults.has(error);
        if (!isFault) breaker.success();
        else if (attempt >= attempts) breaker.failure();
        if (!isFault || attempt >= attempts) throw error;
      }
      await sleep(random() * Math.min(RETRY_BACKOFF.capMs, RETRY_BACKOFF.baseMs * 2 ** (attempt - 1)));
    }
  }

  /** A missing route (404 without an envelope, 405) as opposed to a business "not found". */
  function isMissingRoute(raw: RawResponse): boolean {
    if (raw.status === 405) return true;
    if (raw.status !== 404) return false;
    try {
      return !submitResultSchema.safeParse(JSON.parse(raw.text)).success;
    } catch {
      return true;
    }
  }

  /** A task list, or null when the server has no such route. */
  async function postList(path: string, body: unknown): Promise<Task[] | null> {
    const raw = await call("POST", path, body);
    if (isMissingRoute(raw)) return null;
    if (raw.status !== 200) throw badShape("POST", path, raw);
    const parsed = taskListSchema.safeParse(raw.text.trim() === "" ? [] : parseJson(raw, "POST", path));
    if (!parsed.success) throw badShape("POST", path, raw);
    return parsed.data;
  }

  async function listByCondition(body: unknown): Promise<Task[]> {
    const tasks = await postList("/mj/task/list-by-condition", body);
    if (!tasks) throw new AppError("not_supported", "The upstream does not offer listing tasks.");
    return tasks;
  }

  /**
   * Where a submit goes and what it carries for its speed (§8.2). The prompt is only touched for
   * `flag` and `both`, and then only to make it say the job's speed once; a body without a prompt
   * (action, blend, describe) can carry a speed in the prefix alone. A job's own speed replaces a
   * prefix in MJ_API_URL whichever way it is sent: trueai ranks a prefix above the flag. Once the
   * upstream has shown it has no prefixed routes (novicezk), the flag carries the speed.
   */
  function speedRoute(kind: SubmitKind, body: unknown, speed: Speed | null | undefined) {
    const via = speedPrefixMissing ? "flag" : (config.speedVia ?? "both");
    const prefixed = speed && via !== "flag";
    const path = `${prefixed ? `/${speedSegment(speed)}` : ""}/mj/submit/${kind}`;
    const base = speed ? config.baseUrl.replace(BASE_SPEED_PREFIX, "") : config.baseUrl;
    const flagged =
      speed &&
      via !== "prefix" &&
      isRecord(body) &&
      typeof body.prompt === "string" &&
      body.prompt.trim() !== "";
    // The app answers a client's notifyHook itself (lib/tasks/notify.ts), with its own links; the
    // upstream's call would reach the client a second time, with the upstream's.
    const forward = isRecord(body) && "notifyHook" in body ? { ...body, notifyHook: undefined } : body;
    return {
      path,
      prefixed: Boolean(prefixed),
      base,
      body: flagged
        ? { ...(forward as object), prompt: withSpeedFlag(body.prompt as string, speed) }
        : forward,
    };
  }

  const ops: Omit<UpstreamClient, "health"> = {
    async submit(kind, body, options) {
      let route = speedRoute(kind, body, options?.speed);
      let raw = await call("POST", route.path, route.body, route.base);
      if (route.prefixed && isMissingRoute(raw)) {
        // No prefixed routes here (novicezk): nothing ran, so sending it again plainly is no double
        // charge. Learnt once, like the missing list-by-ids.
        speedPrefixMissing = true;
        log(`[upstream] no ${route.path} route; job speeds go as prompt flags from now on`);
        route = speedRoute(kind, body, options?.speed);
        raw = await call("POST", route.path, route.body, route.base);
      }
      if (isMissingRoute(raw)) {
        throw new AppError(
          "not_supported",
          `This upstream cannot ${SUBMIT_ABILITY[kind]} (it has no /mj/submit/${kind}).`,
        );
      }
      return toEnvelope(raw, "POST", route.path);
    },

    async uploadImages(body) {
      const path = "/mj/submit/upload-discord-images";
      const raw = await call("POST", path, body);
      if (isMissingRoute(raw)) {
        throw new AppError(
          "not_supported",
          "This upstream cannot host local files (it has no upload-discord-images route). " +
            "Paste a public image URL instead.",
        );
      }
      // A storage failure answers a shorter body, `{code: 9, description}` (§3.9): no URLs then.
      const { code, description, result, properties } = toEnvelope(raw, "POST", path);
      const urls = code === SUBMIT_CODE.success ? resultUrls(result) : [];
      return { code, description, result: urls, properties };
    },

    async fetchTask(id) {
      const path = `/mj/task/${encodeURIComponent(id)}/fetch`;
      const raw = await call("GET", path);
      if (raw.status === 204 || raw.status === 404 || raw.text.trim() === "") return null;
      const json = parseJson(raw, "GET", path);
      if (raw.status === 400) {
        // new-api: {"description":"task_no_found ","type":"upstream_error","code":4}
        if (isRecord(json) && String(json.description ?? "").includes("task_no_found")) return null;
        throw badShape("GET", path, raw);
      }
      const parsed = taskSchema.safeParse(json);
      if (!parsed.success) throw badShape("GET", path, raw);
      return parsed.data;
    },

    async listByIds(ids) {
      if (ids.length === 0) return [];
      if (!listByIdsMissing) {
        const tasks = await postList("/mj/task/list-by-ids", { ids });
        if (tasks) return tasks;
        listByIdsMissing = true;
        log("[upstream] no /mj/task/list-by-ids route; using /mj/task/list-by-condition from now on");
      }
      return listByCondition({ ids });
    },

    listByCondition,

    async imageSeed(id) {
      const path = `/mj/task/${encodeURIComponent(id)}/image-seed`;
      const raw = await call("GET", path);
      if (raw.status === 204 || raw.text.trim() === "") {
        throw new AppError("not_found", `Task ${id} was not found upstream.`);
      }
      if (isMissingRoute(raw)) throw new AppError("not_supported", "The upstream does not offer image-seed.");
      return toEnvelope(raw, "GET", path);
    },

    async cancel(id) {
      const path = `/mj/task/${encodeURIComponent(id)}/cancel`;
      const raw = await call("POST", path);
      if (raw.status === 404 || raw.status === 405) {
        throw new AppError("not_supported", "The upstream does not offer cancelling tasks.");
      }
      if (raw.status >= 400) {
        log(`[upstream] POST ${path} refused: HTTP ${raw.status} ${redact(raw.text).slice(0, 300)}`);
        throw new AppError(
          "conflict",
          "The upstream refused to cancel this task (trueai lets only admin keys cancel).",
        );
      }
    },

    async fetchMedia(url, signal) {
      // The deadline covers the whole body too: a CDN dripping a byte a second is cut off.
      const deadline = startDeadline(config.timeoutMs, signal);
      const get = () => deadline.race(mediaRequest(url, deadline.signal));
      let response: HttpAnswer;
      try {
        try {
          response = await get();
        } catch (error) {
          // A kept-alive connection the server closed just as it was reused fails before any
          // answer: a GET of media is safe to send once more, within the same deadline.
          if (!droppedConnection(error) || deadline.signal.aborted) throw error;
          response = await get();
        }
      } catch (error) {
        deadline.done();
        // The browser went away (navigation, closed tab): not an upstream fault, nothing to log.
        if (signal?.aborted) throw new AppError("upstream_error", "The request was cancelled.");
        throw transportError(error, "GET", "(media)");
      }
      const { status, headers, body } = response;
      if (!body || NULL_BODY_STATUSES.has(status)) {
        await body?.cancel();
        deadline.done();
        return { status, headers, body: null };
      }
      return { status, headers, body: deadline.chunks(body) };
    },
  };

  return {
    submit: (kind, body, options) => guarded(false, () => ops.submit(kind, body, options)),
    // Not idempotent either: each try would store the images again.
    uploadImages: (body) => guarded(false, () => ops.uploadImages(body)),
    fetchTask: (id) => guarded(true, () => ops.fetchTask(id)),
    // Nothing to ask is no call: it must not pass for a half-open breaker's probe.
    listByIds: (ids) => (ids.length === 0 ? Promise.resolve([]) : guarded(true, () => ops.listByIds(ids))),
    listByCondition: (body) => guarded(true, () => ops.listByCondition(body)),
    imageSeed: (id) => guarded(true, () => ops.imageSeed(id)),
    cancel: (id) => guarded(false, () => ops.cancel(id)),
    // Media lives on CDNs, not the API server: its faults say nothing about the upstream's health.
    fetchMedia: ops.fetchMedia,
    health() {
      const { state: circuit, consecutiveFailures, retryInMs } = breaker.snapshot();
      const state =
        circuit === "open" ? "down" : circuit === "half-open" || consecutiveFailures > 0 ? "degraded" : "ok";
      return { state, circuit, consecutiveFailures, retryInMs };
    },
  };
}

/** The URLs of an upload's `result`: an array of strings as documented, a lone string tolerated. */
function resultUrls(result: SubmitResult["result"]): string[] {
  if (result === null) return [];
  return Array.isArray(result) ? result : [result];
}

/**
 * The numeric `code` of a body that is an envelope: the submit envelope, new-api's
 * `{description, type, code}` or the upload failure `{code, description}` (§8.3); null for any
 * other body. trueai's `{success:false, code:-1, message}` has no description: with a 5xx it is an
 * unhandled exception, a fault.
 */
function envelopeCode(text: string): number | null {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isRecord(json) || typeof json.description !== "string") return null;
  const { code } = json;
  if (typeof code === "number" && Number.isInteger(code)) return code;
  return typeof code === "string" && /^-?\d+$/.test(code) ? Number(code) : null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
