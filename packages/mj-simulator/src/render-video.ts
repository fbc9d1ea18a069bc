import type { H264MP4Encoder } from "h264-mp4-encoder";
import { Rng, seedOf } from "./rng";
import type { Camera, Raster } from "./render-raster";

/**
 * The simulator's "video model" is a camera moving over a still: every frame is a view of the
 * animated image (see `view` in render-raster), optionally dissolving into an end frame. A frame
 * plan is a pure function of the recipe, so the animated grid, the mp4 of one of its clips and
 * every extension of that mp4 all show the same motion, and an extension simply continues where
 * its parent stopped.
 */

export type Motion = "high" | "low";

/**
 * 12 fps keeps a 5 s HD clip around a second and a half of rendering and encoding; players show
 * it smoothly enough for a stand-in.
 */
export const VIDEO_FPS = 12;
/** A new clip: 5 s, as Midjourney's (§7). */
export const CLIP_FRAMES = 5 * VIDEO_FPS;
/** What one extension adds: 4 s (§7: +~4 s up to four times, ~21 s). */
export const EXTEND_FRAMES = 4 * VIDEO_FPS;
/** The animated grid shows the same 5 s at a lower rate to keep the WebP small. */
export const GRID_FPS = 6;

/** How a clip ends: where its camera path leads, or back on its own first frame. */
export type Ending = "free" | "loop" | "end-frame";

/** One frame: where the camera looks, and how much of the end frame shows (0 = only the start). */
export interface FrameSpec {
  camera: Camera;
  end: number;
}

/** Low motion moves the camera a bit under half as far as high motion. */
const AMPLITUDE: Record<Motion, number> = { high: 1, low: 0.45 };
const CENTRE: Camera = { zoom: 1, cx: 0.5, cy: 0.5, angle: 0 };

type PathKind = "push-in" | "pan" | "pull-out" | "drift";
const PATH_KINDS: readonly PathKind[] = ["push-in", "pan", "pull-out", "drift"];

function lerp(a: number, b: number, t: number): number {
  return a + (b - a) * t;
}

function ease(t: number): number {
  return 0.5 - 0.5 * Math.cos(Math.PI * Math.min(1, Math.max(0, t)));
}

function smoothstep(edge0: number, edge1: number, v: number): number {
  const t = Math.min(1, Math.max(0, (v - edge0) / (edge1 - edge0)));
  return t * t * (3 - 2 * t);
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

/** The camera of clip `cell` (1..4) at time `t` in [0, 1]. The four clips of one job always get
 * four different kinds of movement, in a seed-determined order. */
function cellCamera(seed: number, cell: number, motion: Motion, t: number): Camera {
  const slot = Math.min(4, Math.max(1, Math.round(cell)));
  const kind = new Rng(seedOf("video-grid", seed)).shuffle(PATH_KINDS)[slot - 1];
  const rng = new Rng(seedOf("video-cell", seed, slot));
  const amp = AMPLITUDE[motion];
  const e = ease(t);
  switch (kind) {
    case "push-in":
    case "pull-out": {
      const close: Camera = {
        zoom: 1 + 0.55 * amp,
        cx: rng.range(0.35, 0.65),
        cy: rng.range(0.35, 0.65),
        angle: 0,
      };
      return kind === "push-in" ? mix(CENTRE, close, e) : mix(close, CENTRE, e);
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

/**
 * Frame `t` (0..1) of clip `cell`. A looping clip travels its path and comes back, so its last
 * frame is its first; a clip with an end frame settles on the whole picture while the end frame
 * fades in, so its last frame is the end frame.
 */
export function clipFrame(seed: number, cell: number, motion: Motion, ending: Ending, t: number): FrameSpec {
  switch (ending) {
    case "loop":
      return { camera: cellCamera(seed, cell, motion, 1 - Math.abs(2 * t - 1)), end: 0 };
    case "end-frame":
      return {
        camera: mix(cellCamera(seed, cell, motion, t), CENTRE, ease(smoothstep(0.45, 1, t))),
        end: smoothstep(0.3, 1, t),
      };
    case "free":
      return { camera: cellCamera(seed, cell, motion, t), end: 0 };
  }
}

/** The next 4 s after a video ending at `last`: an eased move towards a seed-chosen framing,
 * showing whatever the last frame showed (the start picture, or the end frame it reached). */
export function extensionFrames(last: FrameSpec, seed: number, motion: Motion): FrameSpec[] {
  const rng = new Rng(seedOf("extend", seed));
  const amp = AMPLITUDE[motion];
  const goal = contain({
    zoom: 1 + rng.range(0.1, 0.7),
    cx: rng.range(0.25, 0.75),
    cy: rng.range(0.25, 0.75),
    angle: rng.range(-0.04, 0.04),
  });
  const target = mix(last.camera, goal, amp);
  return Array.from({ length: EXTEND_FRAMES }, (_, i) => ({
    camera: mix(last.camera, target, ease((i + 1) / EXTEND_FRAMES)),
    end: last.end,
  }));
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

/**
 * H.264 in an MP4 container at {@link VIDEO_FPS}; frames share one size whose sides are multiples
 * of 16. Frames are asked for one at a time, so a 21 s HD clip never holds more than one in memory.
 */
export async function encodeMp4(
  size: { width: number; height: number },
  count: number,
  frame: (index: number) => Raster,
): Promise<Buffer> {
  if (count < 1) throw new Error("a video needs at least one frame");
  const encoder = await (await loadEncoder()).createH264MP4Encoder();
  // The encoder's virtual file system is shared by every encoder instance, so each run writes its own file.
  const file = `render-${++encodeCounter}.mp4`;
  try {
    encoder.outputFilename = file;
    encoder.width = size.width;
    encoder.height = size.height;
    encoder.frameRate = VIDEO_FPS;
    // The fastest preset: a 5 s HD clip stays near 100 KB, and encoding is most of a clip's cost.
    encoder.speed = 10;
    encoder.quantizationParameter = 26;
    encoder.groupOfPictures = 2 * VIDEO_FPS;
    encoder.initialize();
    for (let i = 0; i < count; i++) encoder.addFrameRgba(frame(i).data);
    encoder.finalize();
    const mp4 = Buffer.from(encoder.FS.readFile(file));
    encoder.FS.unlink(file);
    return withoutTimestamps(mp4);
  } finally {
    encoder.delete();
  }
}
