/**
 * The simulator's public surface: an in-process midjourney-proxy that speaks the wire protocol of
 * docs/protocol.md as one of three server families, used for demo mode and tests.
 */

export type SimulatorFamily = "trueai" | "novicezk" | "new-api";

export interface SimulatorFaults {
  /** Wait this long before answering (abortable). */
  latencyMs?: number;
  /** 0..1: share of API calls answered with HTTP 500/502. */
  errorRate?: number;
  /** 0..1: share of API calls that never answer until the request's AbortSignal fires. */
  timeoutRate?: number;
  /** 0..1: share of API calls answered 200 with a truncated JSON body. */
  malformedRate?: number;
  /** Every API call is refused with the family's 401. */
  unauthorized?: boolean;
  /**
   * `upload-discord-images` fails as trueai does when its file storage does: code 9
   * `上传图片到云存储异常`, without `result` or `properties` (§3.9).
   */
  uploadStorageDown?: boolean;
}

export interface SimulatorOptions {
  /** Which server the simulator imitates; default "trueai". */
  family?: SimulatorFamily;
  /** null/undefined = no auth (trueai "demo mode"); otherwise enforced per family (§1.3). */
  apiKey?: string | null;
  /** 1 = realistic demo (a job takes ~6-8 s); tests use 20-50. Divides every duration. */
  speed?: number;
  /** Origin used in the media URLs it hands out; default "http://simulator.invalid". */
  baseUrl?: string;
  /** SQLite file holding task records and input images; null/undefined = memory only. */
  persistPath?: string | null;
  /** Jobs running at once before new ones queue with code 22 (default 3). */
  maxConcurrent?: number;
  /**
   * The account has Remix on without auto-submit: V, Vary, pan, 🔄, Animate and Extend always open
   * the remix modal (code 21), not only when `enableRemix` is sent (§5.6). Default false.
   */
  remix?: boolean;
  /**
   * trueai family: list a finished grid's four images in `imageUrls`, as trueai does for official
   * and partner accounts, or for Discord ones with its "fill official CDN" option on (§4). Default
   * false: a Discord account's grid is the one `imageUrl`.
   */
  listImages?: boolean;
  /**
   * Imagines draw one of this many pictures (per aspect ratio) instead of one per prompt and seed,
   * so after the first few every grid and progress step is served from the render cache, as a
   * CDN serves files: the load bench's way to measure the app without the renderer beside it on
   * the same cores. Default null: every job draws its own.
   */
  renderPool?: number | null;
  /** new-api family: how stale its task copy is (default 15000 / speed). */
  relayLagMs?: number;
  /** Media links answer 404 this long after they were issued; null/undefined = never. */
  linkTtlMs?: number | null;
  /** Injectable clock (epoch ms) for tests. */
  now?: () => number;
  faults?: SimulatorFaults;
}

export interface SimulatorStats {
  requests: number;
  /**
   * Keyed by path as requested, speed prefix included (`/mj-relax/mj/submit/imagine`), with task
   * ids replaced by `{id}`, media paths collapsed to `/sim/media` and uploads to `/attachments`.
   */
  byPath: Record<string, number>;
}

export interface Simulator {
  /** A drop-in `fetch` for the app's upstream client; honours `init.signal` like fetch does. */
  fetch: (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
  handle: (request: Request) => Promise<Response>;
  setFaults(faults: SimulatorFaults): void;
  stats(): SimulatorStats;
  close(): void;
}
