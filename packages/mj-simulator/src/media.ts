import { createHmac, timingSafeEqual } from "node:crypto";
import { phaseAt, PROGRESS_STEPS } from "./lifecycle";
import { subjectOf } from "./prompt";
import type { MediaInfo, TaskRecord } from "./record";
import {
  clipOf,
  isStillGrid,
  render,
  renderCell,
  renderPoster,
  renderPreview,
  videoShape,
  type Recipe,
} from "./render";
import type { TaskStore } from "./store";

/**
 * The simulator's CDN: media URLs shaped like Discord attachment links, signed with `ex`/`is`/`hm`
 * query parameters, and optionally expiring as Discord's do. The image itself is rendered from the
 * task's recipe when the URL is requested.
 */

export type MediaVariant =
  | { kind: "result" }
  | { kind: "preview"; percent: number }
  /** A single video's poster (its first frame). */
  | { kind: "thumb" }
  /** Clip `index` (1-based) of a video job, and its poster: the `videoUrls` of a new video (§7). */
  | { kind: "clip"; index: number }
  | { kind: "clip-thumb"; index: number }
  /** Image `index` (1-based) of a still grid on its own, and its thumbnail: the `imageUrls` of a grid (§4). */
  | { kind: "image"; index: number }
  | { kind: "image-thumb"; index: number };

export const MEDIA_PREFIX = "/sim/media/";
/** Where `upload-discord-images` files are served, as trueai's file storage names them (§3.9). */
export const ATTACHMENT_PREFIX = "/attachments/";
const ATTACHMENT_PATH = /^\d{8}\/[0-9a-f-]{36}\.(png|jpg|webp|gif)$/;

/** Shown in `ex` when links never expire: Discord's usual one day. */
const DISPLAY_TTL_MS = 24 * 60 * 60 * 1000;

export interface MediaBody {
  data: Buffer;
  contentType: string;
  width: number;
  height: number;
}

const EXTENSIONS: Record<string, string> = {
  "image/png": "png",
  "image/jpeg": "jpg",
  "image/webp": "webp",
  "image/gif": "gif",
  "video/mp4": "mp4",
};

function resultContentType(record: TaskRecord): string {
  if (record.source?.type === "image") return record.source.contentType;
  if (record.output === "video-grid") return "image/webp";
  if (record.output === "video") return "video/mp4";
  return "image/png";
}

function variantToken(variant: MediaVariant): string {
  switch (variant.kind) {
    case "preview":
      return `preview-${variant.percent}`;
    case "clip":
      return `clip-${variant.index}`;
    case "clip-thumb":
      return `clip-${variant.index}-thumb`;
    case "image":
      return `image-${variant.index}`;
    case "image-thumb":
      return `image-${variant.index}-thumb`;
    default:
      return variant.kind;
  }
}

function parseVariant(token: string): MediaVariant | null {
  if (token === "result" || token === "thumb") return { kind: token };
  const clip = /^clip-([1-4])(-thumb)?$/.exec(token);
  if (clip) return { kind: clip[2] ? "clip-thumb" : "clip", index: Number(clip[1]) };
  const image = /^image-([1-4])(-thumb)?$/.exec(token);
  if (image) return { kind: image[2] ? "image-thumb" : "image", index: Number(image[1]) };
  const match = /^preview-(\d{1,2})$/.exec(token);
  const percent = Number(match?.[1]);
  return match && (PROGRESS_STEPS as readonly number[]).includes(percent) && percent > 0
    ? { kind: "preview", percent }
    : null;
}

function variantContentType(record: TaskRecord, variant: MediaVariant): string {
  switch (variant.kind) {
    case "result":
      return resultContentType(record);
    case "clip":
      return "video/mp4";
    case "image":
      return "image/png";
    default:
      return "image/webp";
  }
}

/**
 * Discord names attachments after the prompt: `user_a_red_fox_<uuid>.png`; the clips and images
 * of one job are told apart by their number, as on Midjourney's CDN (`<uuid>/0_<i>.mp4`).
 */
function fileName(record: TaskRecord, variant: MediaVariant): string {
  const slug = subjectOf(record.prompt)
    .replace(/^<?https?:\/\/\S+/i, "")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean)
    .slice(0, 6)
    .join("_");
  const clip = "index" in variant ? `_${variant.index - 1}` : "";
  return `user_${slug ? `${slug}_` : ""}${record.jobId}${clip}.${EXTENSIONS[variantContentType(record, variant)] ?? "bin"}`;
}

const hex = (ms: number, round: (n: number) => number) => round(ms / 1000).toString(16);

export class MediaLinks {
  private readonly origin: string;

  constructor(
    baseUrl: string,
    private readonly secret: string,
    private readonly ttlMs: number | null,
  ) {
    this.origin = new URL(baseUrl).origin;
  }

  /** The URL of a task's media, issued at `issuedAt` (the moment the media came to exist). */
  url(record: TaskRecord, variant: MediaVariant, issuedAt: number): string {
    const pathname = `${MEDIA_PREFIX}${record.id}/${variantToken(variant)}/${fileName(record, variant)}`;
    const ex = hex(issuedAt + (this.ttlMs ?? DISPLAY_TTL_MS), Math.ceil);
    const is = hex(issuedAt, Math.floor);
    return `${this.origin}${pathname}?ex=${ex}&is=${is}&hm=${this.sign(pathname, ex, is)}`;
  }

  /** A task's media or an uploaded attachment of this simulator. */
  isOwn(url: URL): boolean {
    return (
      url.origin === this.origin &&
      (url.pathname.startsWith(MEDIA_PREFIX) || url.pathname.startsWith(ATTACHMENT_PREFIX))
    );
  }

  attachmentUrl(path: string): string {
    return `${this.origin}${ATTACHMENT_PREFIX}${path}`;
  }

  /** The stored path an attachment URL names (query ignored, as a file server does), or null. */
  attachmentPath(url: URL): string | null {
    if (url.origin !== this.origin || !url.pathname.startsWith(ATTACHMENT_PREFIX)) return null;
    const path = url.pathname.slice(ATTACHMENT_PREFIX.length);
    return ATTACHMENT_PATH.test(path) ? path : null;
  }

  /** What a media URL points at, or null when it is forged, malformed or expired. */
  verify(url: URL, now: number): { taskId: string; variant: MediaVariant } | null {
    const match = /^\/sim\/media\/(\d{1,20})\/([a-z0-9-]+)\/[^/]+$/.exec(url.pathname);
    const variant = match ? parseVariant(match[2]!) : null;
    const ex = url.searchParams.get("ex") ?? "";
    const is = url.searchParams.get("is") ?? "";
    const hm = Buffer.from(url.searchParams.get("hm") ?? "", "hex");
    const expected = Buffer.from(this.sign(url.pathname, ex, is), "hex");
    if (!match || !variant || hm.length !== expected.length || !timingSafeEqual(hm, expected)) return null;
    if (this.ttlMs !== null && now > Number.parseInt(ex, 16) * 1000) return null;
    return { taskId: match[1]!, variant };
  }

  private sign(pathname: string, ex: string, is: string): string {
    return createHmac("sha256", this.secret).update(`${pathname}|${ex}|${is}`).digest("hex");
  }
}

function clip(recipe: Recipe, index: number): Recipe {
  const found = clipOf(recipe, index - 1);
  if (!found) throw new Error(`no clip ${index} in a ${recipe.kind} result`);
  return found;
}

/** Renders (or recalls) one of a task's media. Callers check the task has reached that point. */
async function renderMedia(record: TaskRecord, variant: MediaVariant): Promise<MediaBody> {
  const source = record.source;
  if (!source) throw new Error(`task ${record.id} has no content yet`);
  if (source.type === "image") return source;
  switch (variant.kind) {
    case "result":
      return render(source.recipe);
    case "preview":
      return renderPreview(source.recipe, variant.percent);
    case "thumb":
      return renderPoster(source.recipe);
    case "clip":
      return render(clip(source.recipe, variant.index));
    case "clip-thumb":
      return renderPoster(clip(source.recipe, variant.index));
    case "image":
    case "image-thumb":
      return renderCell(source.recipe, variant.index, variant.kind === "image-thumb");
  }
}

/**
 * The clips a video job makes, as numbered in its clip links (4 unless its recipe says how many);
 * 0 for any other task.
 */
export function clipCount(record: TaskRecord): number {
  if (record.output !== "video-grid") return 0;
  const recipe = record.source?.type === "recipe" ? record.source.recipe : null;
  return (recipe && videoShape(recipe)?.clips) ?? 4;
}

/**
 * The images a finished job has one by one (what a server that lists them puts in `imageUrls`):
 * the four cells of a still grid; 0 for any other task.
 */
export function gridImageCount(record: TaskRecord): number {
  const recipe = record.source?.type === "recipe" ? record.source.recipe : null;
  return record.output === "grid" && recipe && isStillGrid(recipe) ? 4 : 0;
}

function producedAtSuccess(record: TaskRecord, variant: MediaVariant): boolean {
  switch (variant.kind) {
    case "thumb":
      return record.output === "video";
    case "clip":
    case "clip-thumb":
      return variant.index <= clipCount(record);
    case "image":
    case "image-thumb":
      return variant.index <= gridImageCount(record);
    default:
      return true;
  }
}

/** Whether the task, at `now`, has already produced this media. */
function isAvailable(record: TaskRecord, variant: MediaVariant, now: number): boolean {
  const phase = phaseAt(record, now);
  if (phase.status === "SUCCESS") return producedAtSuccess(record, variant);
  return (
    variant.kind === "preview" &&
    phase.status === "IN_PROGRESS" &&
    phase.percent >= variant.percent &&
    record.source?.type === "recipe"
  );
}

export interface MediaDeps {
  store: TaskStore;
  links: MediaLinks;
}

/** The media a URL of this simulator points at, or null (unknown, expired, not produced yet). */
export async function resolveMedia(deps: MediaDeps, url: URL, now: number): Promise<MediaBody | null> {
  const attachment = deps.links.attachmentPath(url);
  if (attachment !== null) return deps.store.attachment(attachment) ?? null;
  const target = deps.links.verify(url, now);
  const record = target && deps.store.get(target.taskId);
  if (!target || !record || !isAvailable(record, target.variant, now)) return null;
  const body = await renderMedia(record, target.variant);
  if (target.variant.kind === "result") rememberMediaInfo(deps.store, record, body);
  return body;
}

export async function serveMedia(deps: MediaDeps, url: URL, now: number): Promise<Response> {
  const body = await resolveMedia(deps, url, now);
  if (!body)
    return new Response("404: Not Found", { status: 404, headers: { "content-type": "text/plain" } });
  return new Response(new Uint8Array(body.data), {
    headers: {
      "content-type": body.contentType,
      "content-length": String(body.data.length),
      "cache-control": "public, max-age=86400",
    },
  });
}

function rememberMediaInfo(store: TaskStore, record: TaskRecord, body: MediaBody): MediaInfo {
  const media = {
    width: body.width,
    height: body.height,
    size: body.data.length,
    contentType: body.contentType,
  };
  // Re-read: rendering took a while and the record may have changed meanwhile (a cancel, a seed).
  const latest = store.get(record.id) ?? record;
  if (!latest.media) store.save({ ...latest, media });
  return media;
}

/**
 * Size and type of a finished task's result. A real server knows them from the attachment; the
 * simulator learns them by rendering once, then keeps them with the record. Null for a task that
 * makes no media (SHORTEN).
 */
export async function ensureMediaInfo(store: TaskStore, record: TaskRecord): Promise<MediaInfo | null> {
  if (record.output === "shorten") return null;
  if (record.media) return record.media;
  return rememberMediaInfo(store, record, await renderMedia(record, { kind: "result" }));
}
