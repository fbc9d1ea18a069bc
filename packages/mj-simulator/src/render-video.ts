import type { H264MP4Encoder } from "h264-mp4-encoder";
import { Rng, seedOf } from "./rng";
import type { Camera, Raster } from "./render-raster";

/**
 * The simulator's "video model" is a camera moving over a still: every frame is a view of the
 * animated image (see `view` in render-raster). A camera path is a pure function of the recipe, so
 * the animated grid, the mp4 of one of its cells and every extension of that mp4 all show the same
 * motion, and an extension simply continues where its parent stopped.
 */

export type Motion = "high" | "low";

export const VIDEO_FPS = 12;
/** One generated segment: 2 s at 12 fps. */
export const SEGMENT_FRAMES = 24;
/** The animated grid shows the same 2 s in fewer frames to keep the WebP small. */
export const GRID_FRAMES = 16;

/** Low motion moves the camera a bit under half as far as high motion. */
const AMPLITUDE: Record<Motion, number> = { high: 1, low: 0.45 };

type PathKind = "push-in" | "pan" | "pull-out" | "drift";
const PATH_KINDS: readonly PathKind[] = ["push-in", "pan", "pull-out", "drift"];

function lerp(a: number, b: number, t: number): number {
  return a + (b - a) * t;
}

function ease(t: number): number {
  return 0.5 - 0.5 * Math.cos(Math.PI * Math.min(1, Math.max(0, t)));
}

/** Keeps the view inside the picture (rotation may still graze a corner; the sampler repeats edges there). */
function contain(camera: Camera): Camera {
  const zoom = Math.max(1, camera.zoom);
  const half = 0.5 / zoom;
  const clamp = (v: number) => Math.min(1 - half, Math.max(half, v));
  return { zoom, cx: clamp(camera.cx), cy: clamp(camera.cy), angle: camera.angle };
}

function mix(from: Camera, to: Camera, t: number): Camera {
  return contain({
    zoom: lerp(from.zoom, to.zoom, t),
    cx: lerp(from.cx, to.cx, t),
    cy: lerp(from.cy, to.cy, t),
    angle: lerp(from.angle, to.angle, t),
  });
}

/** The camera of grid cell `cell` (1..4) at time `t` in [0, 1]. The four cells of one grid always
 * get four different kinds of movement, in a seed-determined order. */
export function cellCamera(seed: number, cell: number, motion: Motion, t: number): Camera {
  const slot = Math.min(4, Math.max(1, Math.round(cell)));
  const kind = new Rng(seedOf("video-grid", seed)).shuffle(PATH_KINDS)[slot - 1];
  const rng = new Rng(seedOf("video-cell", seed, slot));
  const amp = AMPLITUDE[motion];
  const e = ease(t);
  const centre: Camera = { zoom: 1, cx: 0.5, cy: 0.5, angle: 0 };
  switch (kind) {
    case "push-in":
    case "pull-out": {
      const close: Camera = {
        zoom: 1 + 0.55 * amp,
        cx: rng.range(0.35, 0.65),
        cy: rng.range(0.35, 0.65),
        angle: 0,
      };
      return kind === "push-in" ? mix(centre, close, e) : mix(close, centre, e);
    }
    case "pan": {
      const zoom = 1.15 + 0.3 * amp;
      const reach = 0.5 - 0.5 / zoom;
      const sign = rng.chance(0.5) ? 1 : -1;
      const across = rng.chance(0.65);
      const offset = sign * reach * lerp(-1, 1, e);
      return contain({ zoom, cx: across ? 0.5 + offset : 0.5, cy: across ? 0.5 : 0.5 + offset, angle: 0 });
    }
    default: {
      const start = rng.range(0, Math.PI * 2);
      const a = start + e * Math.PI * 0.9 * amp;
      const radius = 0.05 * amp;
      return contain({
        zoom: 1.12 + 0.12 * amp,
        cx: 0.5 + radius * Math.cos(a),
        cy: 0.5 + radius * Math.sin(a),
        angle: (e - 0.5) * 0.05 * amp,
      });
    }
  }
}

/** The next segment after a video ending at `last`: an eased move towards a seed-chosen framing. */
export function extensionCameras(last: Camera, seed: number, motion: Motion): Camera[] {
  const rng = new Rng(seedOf("extend", seed));
  const amp = AMPLITUDE[motion];
  const goal = contain({
    zoom: 1 + rng.range(0.1, 0.7),
    cx: rng.range(0.25, 0.75),
    cy: rng.range(0.25, 0.75),
    angle: rng.range(-0.04, 0.04),
  });
  const target = mix(last, goal, amp);
  return Array.from({ length: SEGMENT_FRAMES }, (_, i) => mix(last, target, ease((i + 1) / SEGMENT_FRAMES)));
}

type EncoderModule = { createH264MP4Encoder: () => Promise<H264MP4Encoder> };
let encoderModule: Promise<EncoderModule> | undefined;

/**
 * Loads the WASM encoder once. Its Emscripten glue registers process-wide `uncaughtException` and
 * `unhandledRejection` handlers that rethrow and abort the WASM runtime; they are removed again so
 * loading the encoder cannot change how the host server treats unrelated errors.
 */
function loadEncoder(): Promise<EncoderModule> {
  encoderModule ??= (async () => {
    const emitter: NodeJS.EventEmitter = process;
    const events = ["uncaughtException", "unhandledRejection"];
    const before = events.map((event) => new Set(emitter.listeners(event)));
    const loaded = (await import("h264-mp4-encoder")) as EncoderModule & { default?: EncoderModule };
    events.forEach((event, i) => {
      for (const listener of emitter.listeners(event)) {
        if (!before[i]?.has(listener))
          emitter.removeListener(event, listener as (...args: unknown[]) => void);
      }
    });
    // Node's ESM loader may expose the CommonJS exports only as `default`.
    return typeof loaded.createH264MP4Encoder === "function" ? loaded : (loaded.default ?? loaded);
  })();
  return encoderModule;
}

/** Boxes that contain the boxes carrying timestamps. */
const CONTAINER_BOXES = new Set(["moov", "trak", "mdia"]);
const TIMESTAMPED_BOXES = new Set(["mvhd", "tkhd", "mdhd"]);

/**
 * The encoder stamps the wall-clock time into the movie, track and media headers; zeroing the
 * creation and modification times (in place) makes the same recipe give byte-identical files.
 */
function withoutTimestamps(mp4: Buffer, start = 0, end = mp4.length): Buffer {
  for (let at = start; at + 8 <= end;) {
    const size = mp4.readUInt32BE(at);
    if (size < 8 || at + size > end) break;
    const type = mp4.toString("latin1", at + 4, at + 8);
    if (CONTAINER_BOXES.has(type)) withoutTimestamps(mp4, at + 8, at + size);
    // After size, type, version (1 byte) and flags (3): two 32-bit times, or two 64-bit ones in version 1.
    if (TIMESTAMPED_BOXES.has(type)) mp4.fill(0, at + 12, at + 12 + (mp4[at + 8] === 1 ? 16 : 8));
    at += size;
  }
  return mp4;
}

let encodeCounter = 0;

/** H.264 in an MP4 container; frames must share one size whose sides are multiples of 16. */
export async function encodeMp4(frames: readonly Raster[]): Promise<Buffer> {
  const first = frames[0];
  if (!first) throw new Error("a video needs at least one frame");
  const encoder = await (await loadEncoder()).createH264MP4Encoder();
  // The encoder's virtual file system is shared by every encoder instance, so each run writes its own file.
  const file = `render-${++encodeCounter}.mp4`;
  try {
    encoder.outputFilename = file;
    encoder.width = first.width;
    encoder.height = first.height;
    encoder.frameRate = VIDEO_FPS;
    encoder.speed = 8;
    encoder.quantizationParameter = 26;
    encoder.groupOfPictures = SEGMENT_FRAMES;
    encoder.initialize();
    for (const frame of frames) encoder.addFrameRgba(frame.data);
    encoder.finalize();
    const mp4 = Buffer.from(encoder.FS.readFile(file));
    encoder.FS.unlink(file);
    return withoutTimestamps(mp4);
  } finally {
    encoder.delete();
  }
}
