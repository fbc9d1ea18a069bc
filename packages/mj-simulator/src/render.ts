import { ByteBudgetLru, stableKey } from "./render-cache";
import { Rng, seedOf } from "./rng";
import {
  assembleGrid,
  blend,
  blur,
  cellRect,
  createRaster,
  crop,
  decodeInput,
  decodeInputCover,
  decodeOwn,
  encodeAnimatedWebp,
  encodePng,
  encodeWebp,
  featheredRectMask,
  paste,
  recolour,
  resize,
  sharpOf,
  tile,
  toRaster,
  view,
  type BlendMode,
  type Mask,
  type Raster,
  type Rect,
} from "./render-raster";
import { fillBasis, repaint, restyle } from "./render-edit";
import { renderScene, styleFor, type Rgb, type Style } from "./render-scene";
import {
  clipFrame,
  CLIP_FRAMES,
  encodeMp4,
  extensionFrames,
  GRID_FPS,
  VIDEO_FPS,
  type Ending,
  type FrameSpec,
  type Motion,
} from "./render-video";

export { describeImage } from "./render-describe";

/**
 * The simulator's pictures and videos. A recipe says how a result was made (prompt and seed, or
 * which button was pressed on which parent); rendering it is deterministic, so the simulator only
 * stores recipes and any result can be rebuilt byte for byte. Results are memoised, which also
 * makes a chain of parents (upscale of a zoom of an upscale...) render each step once.
 */

export type Aspect = { w: number; h: number };
/** How many clips a new video makes (`--bs`, §3.7). */
export type VideoBatch = 1 | 2 | 4;
export type Recipe =
  | {
      kind: "imagine";
      prompt: string;
      seed: number;
      aspect: Aspect;
      refImages?: Buffer[];
      /** `--draft`: rendered at half resolution (§11.2). */
      draft?: boolean;
    }
  | {
      kind: "variation";
      parent: Recipe;
      index: number | null;
      strength: "subtle" | "strong";
      seed: number;
      prompt: string;
    }
  | { kind: "upscale"; parent: Recipe; index: number }
  | { kind: "upscale-hd"; parent: Recipe; mode: "subtle" | "creative" | "2x" | "4x" }
  | { kind: "region"; parent: Recipe; mask: Buffer; prompt: string; seed: number }
  | { kind: "zoom"; parent: Recipe; factor: number; seed: number; square?: boolean; aspect?: Aspect }
  | { kind: "pan"; parent: Recipe; direction: "left" | "right" | "up" | "down"; seed: number }
  | { kind: "blend"; images: Buffer[]; dimensions: "PORTRAIT" | "SQUARE" | "LANDSCAPE"; seed: number }
  /** A client's image as it was sent: the start frame of a `/submit/video` job. */
  | { kind: "input"; image: Buffer }
  | {
      kind: "video-grid";
      /** The still to animate: an upscale (Animate), or a client's start frame. */
      parent: Recipe;
      seed: number;
      motion: Motion;
      /** Clips made; absent = 4, as Animate makes. */
      batch?: VideoBatch;
      /** HD (`vid_1.1_i2v_720`) frames; absent = SD. */
      hd?: boolean;
      /** Where every clip ends: on this end frame, or back on its first frame; absent = anywhere. */
      end?: Buffer | "loop";
    }
  /** Clip `index` (1-based) of a video grid: one mp4. */
  | { kind: "video"; parent: Recipe; index: number }
  | { kind: "extend"; parent: Recipe; motion: Motion; seed: number }
  /** `/submit/edits`: the transparent parts of `image` painted from the prompt, four ways. */
  | { kind: "edit"; image: Buffer; prompt: string; seed: number }
  /** `/submit/retexture`: `image`'s composition in the prompt's colours and textures, four ways. */
  | { kind: "retexture"; image: Buffer; prompt: string; seed: number };

export interface Rendered {
  data: Buffer;
  contentType: "image/png" | "image/webp" | "video/mp4";
  width: number;
  height: number;
}

/** Long side of one grid cell; a grid is two cells across, so 1024. */
const CELL_LONG_SIDE = 512;
/** A draft grid is half the resolution: 512 across. */
const DRAFT_CELL_LONG_SIDE = CELL_LONG_SIDE / 2;
const HD_MAX_LONG_SIDE = 2048;
/** Long side of a video job's animated preview: a 2x2 grid of 288 px clips, or one clip. */
const VIDEO_GRID_LONG_SIDE = 576;
/** Long side of an mp4's frames: SD (480p) and HD (720p), sized so a 4-clip job stays affordable. */
const SD_LONG_SIDE = 480;
const HD_LONG_SIDE = 720;
/** Start frames are kept no larger than this: the biggest video frame cut from them needs less. */
const INPUT_MAX_LONG_SIDE = 2048;
/** Edit cells keep the input's own size (so kept pixels stay exact) up to this long side. */
const EDIT_MAX_LONG_SIDE = 1024;
/** Sources of camera moves are prepared this much larger than the output so zooming stays sharp. */
const CAMERA_HEADROOM = 1.6;
const PREVIEW_LONG_SIDE = 384;
const CACHE_BYTES = 64 * 1024 * 1024;

const BLEND_ASPECTS: Record<"PORTRAIT" | "SQUARE" | "LANDSCAPE", Aspect> = {
  PORTRAIT: { w: 2, h: 3 },
  SQUARE: { w: 1, h: 1 },
  LANDSCAPE: { w: 3, h: 2 },
};

/** Pixel size for an aspect ratio and a long side, both sides rounded to a multiple of `step`
 * (2 for images; H.264 wants 16) and at least one step. */
function snappedSize(aspect: Aspect, longSide: number, step: number): { width: number; height: number } {
  const ratio =
    aspect.w > 0 && aspect.h > 0 && Number.isFinite(aspect.w / aspect.h) ? aspect.w / aspect.h : 1;
  const snap = (v: number) => Math.max(step, Math.round(v / step) * step);
  return ratio >= 1
    ? { width: snap(longSide), height: snap(longSide / ratio) }
    : { width: snap(longSide * ratio), height: snap(longSide) };
}

export function aspectSize(aspect: Aspect, longSide: number): { width: number; height: number } {
  return snappedSize(aspect, longSide, 2);
}

function aspectOf(raster: Raster): Aspect {
  return { w: raster.width, h: raster.height };
}

const GRID_KINDS = new Set<Recipe["kind"]>([
  "imagine",
  "variation",
  "zoom",
  "pan",
  "blend",
  "edit",
  "retexture",
]);

type VideoGridRecipe = Extract<Recipe, { kind: "video-grid" }>;
type VideoRecipe =
  | Extract<Recipe, { kind: "video" | "extend" }>
  | (Extract<Recipe, { kind: "upscale" }> & { parent: VideoGridRecipe });

/** Recipes whose result is an mp4; an upscale of a video grid is how Discord names a video U button. */
function isMp4(recipe: Recipe): recipe is VideoRecipe {
  return (
    recipe.kind === "video" ||
    recipe.kind === "extend" ||
    (recipe.kind === "upscale" && recipe.parent.kind === "video-grid")
  );
}

const cache = new ByteBudgetLru<Rendered>(CACHE_BYTES, (r) => r.data.length);

export function render(recipe: Recipe): Promise<Rendered> {
  return cache.memo(stableKey(recipe), () => produce(recipe));
}

async function png(raster: Raster): Promise<Rendered> {
  return {
    data: await encodePng(raster),
    contentType: "image/png",
    width: raster.width,
    height: raster.height,
  };
}

async function produce(recipe: Recipe): Promise<Rendered> {
  switch (recipe.kind) {
    case "imagine":
      return png(await imagine(recipe));
    case "variation":
      return png(await variation(recipe));
    case "upscale":
      return isMp4(recipe) ? mp4(recipe) : png(await upscale(recipe));
    case "upscale-hd":
      return png(await upscaleHd(recipe));
    case "region":
      return png(await region(recipe));
    case "zoom":
      return png(await zoom(recipe));
    case "pan":
      return png(await pan(recipe));
    case "blend":
      return png(await blendImages(recipe));
    case "input":
      return png(await startFrame(recipe.image));
    case "edit":
      return png(await edit(recipe));
    case "retexture":
      return png(await retexture(recipe));
    case "video-grid":
      return videoGrid(recipe);
    case "video":
    case "extend":
      return mp4(recipe);
  }
}

/**
 * The still image a recipe stands for: a grid's cell `index` (1..4; the first when none is given)
 * or a single image as a whole.
 */
async function stillOf(recipe: Recipe, index: number | null): Promise<Raster> {
  if (recipe.kind === "video-grid" || isMp4(recipe)) {
    throw new Error(`a ${recipe.kind} result is a video, not an image`);
  }
  const image = await decodeOwn((await render(recipe)).data);
  return GRID_KINDS.has(recipe.kind) ? crop(image, cellRect(image.width, image.height, index ?? 1)) : image;
}

/** Dominant colour of a client image, to tint a style the way image prompts steer Midjourney. */
async function dominant(image: Raster): Promise<Rgb> {
  const { dominant: d } = await sharpOf(image).stats();
  return d;
}

async function decodeCovers(
  images: readonly Buffer[],
  label: string,
  width: number,
  height: number,
): Promise<Raster[]> {
  return Promise.all(images.map((bytes, i) => decodeInputCover(bytes, `${label} ${i + 1}`, width, height)));
}

/** Decoded reference images of an imagine (at cell size) and the style they tint. */
function imagineCell(recipe: Extract<Recipe, { kind: "imagine" }>): { width: number; height: number } {
  return aspectSize(recipe.aspect, recipe.draft ? DRAFT_CELL_LONG_SIDE : CELL_LONG_SIDE);
}

async function imagineStyle(
  recipe: Extract<Recipe, { kind: "imagine" }>,
): Promise<{ style: Style; refs: Raster[] }> {
  const { width, height } = imagineCell(recipe);
  const refs = await decodeCovers(recipe.refImages ?? [], "reference image", width, height);
  return { style: styleFor(recipe.prompt, recipe.seed, await Promise.all(refs.map(dominant))), refs };
}

/** The style of the nearest ancestor that was generated from words, so reframing a picture
 * (zoom, pan, creative upscale) paints new areas in the palette it already has. */
async function lineageStyle(recipe: Recipe): Promise<Style> {
  switch (recipe.kind) {
    case "imagine":
      return (await imagineStyle(recipe)).style;
    case "variation":
    case "region":
    case "edit":
    case "retexture":
      return styleFor(recipe.prompt, recipe.seed);
    case "blend":
      return blendStyle(recipe, await blendInputs(recipe));
    case "input":
      return styleFor("", 0, [await dominant(await stillOf(recipe, null))]);
    default:
      return lineageStyle(recipe.parent);
  }
}

function gridOfFour(make: (slot: number) => Promise<Raster>): Promise<Raster> {
  return Promise.all([1, 2, 3, 4].map(make)).then(assembleGrid);
}

async function imagine(recipe: Extract<Recipe, { kind: "imagine" }>): Promise<Raster> {
  const { style, refs } = await imagineStyle(recipe);
  const { width, height } = imagineCell(recipe);
  return gridOfFour(async (slot) => {
    const scene = await renderScene(style, slot, width, height);
    const ref = refs[(slot - 1) % Math.max(1, refs.length)];
    // The reference lends its light (soft-light) and a faint trace of its shapes (normal).
    return ref ? blend(blend(scene, ref, "soft-light", 0.7), ref, "normal", 0.22) : scene;
  });
}

async function variation(recipe: Extract<Recipe, { kind: "variation" }>): Promise<Raster> {
  const source = await stillOf(recipe.parent, recipe.index);
  const { width, height } = aspectSize(aspectOf(source), CELL_LONG_SIDE);
  const base = await resize(source, width, height);
  const style = styleFor(recipe.prompt, recipe.seed);
  const strong = recipe.strength === "strong";
  return gridOfFour(async (slot) => {
    const rng = new Rng(seedOf("variation", recipe.seed, slot));
    const reach = strong ? 0.25 : 0.07;
    const zoomed = view(base, width, height, {
      zoom: 1 + rng.range(0.3, 1) * reach,
      cx: 0.5 + rng.range(-0.5, 0.5) * reach,
      cy: 0.5 + rng.range(-0.5, 0.5) * reach,
      angle: rng.range(-1, 1) * (strong ? 0.05 : 0.012),
    });
    const shifted = await recolour(
      zoomed,
      rng.range(-1, 1) * (strong ? 35 : 8),
      rng.range(0.9, 1.15),
      rng.range(0.95, 1.05),
    );
    const scene = await renderScene(style, slot, width, height);
    // New scenery re-lights the picture and, when strong, shows through as new shapes.
    return blend(
      blend(shifted, scene, "soft-light", strong ? 0.8 : 0.35),
      scene,
      "normal",
      strong ? 0.25 : 0.08,
    );
  });
}

async function upscale(recipe: Extract<Recipe, { kind: "upscale" }>): Promise<Raster> {
  const cell = await stillOf(recipe.parent, recipe.index);
  return enlarge(cell, 2, 0.7);
}

async function enlarge(source: Raster, factor: number, sharpen: number): Promise<Raster> {
  const long = Math.max(source.width, source.height);
  const { width, height } = aspectSize(aspectOf(source), Math.min(long * factor, HD_MAX_LONG_SIDE));
  return toRaster(
    sharpOf(source).resize(width, height, { fit: "fill", kernel: "lanczos3" }).sharpen({ sigma: sharpen }),
  );
}

async function upscaleHd(recipe: Extract<Recipe, { kind: "upscale-hd" }>): Promise<Raster> {
  const source = await stillOf(recipe.parent, null);
  if (recipe.mode !== "creative") return enlarge(source, recipe.mode === "4x" ? 4 : 2, 0.8);
  // Creative re-imagines fine detail: a new scene of the same style is worked into the lighting.
  const enlarged = await enlarge(source, 2, 1.4);
  const scene = await renderScene(
    await lineageStyle(recipe.parent),
    seedOf("creative"),
    enlarged.width,
    enlarged.height,
  );
  return blend(enlarged, scene, "soft-light", 0.3);
}

/** Mask values this close to black or white are compression noise (a JPEG mask), not intent. */
const MASK_SNAP = 8;

async function region(recipe: Extract<Recipe, { kind: "region" }>): Promise<Raster> {
  const parent = await stillOf(recipe.parent, null);
  const { width, height } = parent;
  // Transparent mask areas count as "keep" (black), whatever colour they carry.
  const maskImage = await decodeInput(recipe.mask, "mask", (image) =>
    // Nearest-neighbour scaling: every image pixel takes exactly one mask pixel's value, with no
    // interpolation or ringing that could leak into black areas.
    image.flatten({ background: "#000" }).resize(width, height, { fit: "fill", kernel: "nearest" }),
  );
  const softened = await blur(maskImage, Math.max(1, width * 0.006));
  // The green channel stands for brightness: masks are black and white, and green weighs most in luma.
  const mask: Mask = new Uint8Array(width * height);
  for (let p = 0; p < mask.length; p++) {
    const value = maskImage.data[p * 4 + 1] ?? 0;
    if (value <= MASK_SNAP) continue;
    // Feather only inwards: a black pixel never receives any of the new content.
    mask[p] = Math.min(value >= 255 - MASK_SNAP ? 255 : value, softened.data[p * 4 + 1] ?? 0);
  }
  const box = boundingBox(mask, width, height);
  if (!box) return parent;
  // A whole new scene is fitted to the painted area and fades out towards its border into the
  // picture's own blurred light, so the new content sits in the picture instead of on it.
  const [scene, hazy] = await Promise.all([
    renderScene(styleFor(recipe.prompt, recipe.seed), 1, box.width, box.height),
    blur(parent, Math.max(2, width * 0.012)),
  ]);
  const layer = createRaster(width, height);
  paste(layer, scene, box.x, box.y);
  const fade = featheredRectMask(
    width,
    height,
    box,
    Math.max(2, Math.round(0.3 * Math.min(box.width, box.height))),
  );
  return blend(parent, blend(hazy, layer, "normal", 0.85, fade), "normal", 1, mask);
}

/** The smallest rectangle holding every non-zero mask pixel, or null for an empty mask. */
function boundingBox(mask: Mask, width: number, height: number): Rect | null {
  let [left, top, right, bottom] = [width, height, -1, -1];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (!mask[y * width + x]) continue;
      left = Math.min(left, x);
      right = Math.max(right, x);
      top = Math.min(top, y);
      bottom = Math.max(bottom, y);
    }
  }
  return right < 0 ? null : { x: left, y: top, width: right - left + 1, height: bottom - top + 1 };
}

/** Weight 0-`peak` that falls off with the distance from `rect` (full inside it) over `reach` pixels. */
function nearnessMask(width: number, height: number, rect: Rect, reach: number, peak: number): Mask {
  const mask: Mask = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const dy = Math.max(rect.y - y, y - (rect.y + rect.height - 1), 0);
    for (let x = 0; x < width; x++) {
      const dx = Math.max(rect.x - x, x - (rect.x + rect.width - 1), 0);
      mask[y * width + x] = Math.round(peak * Math.max(0, 1 - Math.hypot(dx, dy) / reach) ** 2);
    }
  }
  return mask;
}

/** `placed` at `rect` with its border pixels stretched over the rest of the canvas, then blurred:
 * the colours (horizon, sky, ground) the new surroundings should continue. */
function edgeBleed(
  placed: Raster,
  rect: Rect,
  width: number,
  height: number,
  sigma: number,
): Promise<Raster> {
  const { x: left, y: top } = rect;
  const [right, bottom] = [width - rect.x - rect.width, height - rect.y - rect.height];
  return toRaster(sharpOf(placed).extend({ top, left, bottom, right, extendWith: "copy" }).blur(sigma));
}

/**
 * Four cells, each the parent placed at `rect` with new surroundings: a scene of the parent's
 * style, overlaid near the parent by its own colours continued outwards (slightly blurred close
 * by, very blurred further away, so sharpness fades gradually), and the parent on top with a
 * feathered edge.
 */
async function reframe(
  parent: Raster,
  rect: Rect,
  cell: { width: number; height: number },
  style: Style,
  seed: number,
): Promise<Raster> {
  const { width, height } = cell;
  const reach = 0.5 * Math.min(width, height);
  const placed = await resize(parent, rect.width, rect.height);
  const [near, far] = await Promise.all([
    edgeBleed(placed, rect, width, height, Math.max(1, reach * 0.02)),
    edgeBleed(placed, rect, width, height, Math.max(2, reach * 0.1)),
  ]);
  const nearMask = nearnessMask(width, height, rect, reach * 0.3, 255);
  const farMask = nearnessMask(width, height, rect, reach, 240);
  const layer = createRaster(width, height);
  paste(layer, placed, rect.x, rect.y);
  const parentMask = featheredRectMask(
    width,
    height,
    rect,
    Math.max(2, Math.round(Math.min(rect.width, rect.height) * 0.05)),
  );
  return gridOfFour(async (slot) => {
    const scene = await renderScene(style, seedOf("reframe", seed, slot), width, height);
    const surroundings = blend(blend(scene, far, "normal", 1, farMask), near, "normal", 1, nearMask);
    return blend(surroundings, layer, "normal", 1, parentMask);
  });
}

async function zoom(recipe: Extract<Recipe, { kind: "zoom" }>): Promise<Raster> {
  const parent = await stillOf(recipe.parent, null);
  const aspect = recipe.aspect ?? (recipe.square ? { w: 1, h: 1 } : aspectOf(parent));
  const cell = aspectSize(aspect, CELL_LONG_SIDE);
  const factor = Math.min(4, Math.max(1, Number.isFinite(recipe.factor) ? recipe.factor : 2));
  const fit = Math.min(cell.width / parent.width, cell.height / parent.height) / factor;
  const width = Math.min(cell.width, Math.max(2, Math.round(parent.width * fit)));
  const height = Math.min(cell.height, Math.max(2, Math.round(parent.height * fit)));
  const rect = {
    x: Math.floor((cell.width - width) / 2),
    y: Math.floor((cell.height - height) / 2),
    width,
    height,
  };
  return reframe(parent, rect, cell, await lineageStyle(recipe.parent), recipe.seed);
}

async function pan(recipe: Extract<Recipe, { kind: "pan" }>): Promise<Raster> {
  const parent = await stillOf(recipe.parent, null);
  const across = recipe.direction === "left" || recipe.direction === "right";
  const cell = aspectSize(
    { w: parent.width * (across ? 1.5 : 1), h: parent.height * (across ? 1 : 1.5) },
    CELL_LONG_SIDE,
  );
  const width = across ? Math.round(cell.width / 1.5) : cell.width;
  const height = across ? cell.height : Math.round(cell.height / 1.5);
  // The parent keeps the edge opposite to the direction the canvas grows.
  const rect = {
    x: recipe.direction === "left" ? cell.width - width : 0,
    y: recipe.direction === "up" ? cell.height - height : 0,
    width,
    height,
  };
  return reframe(parent, rect, cell, await lineageStyle(recipe.parent), recipe.seed);
}

function smoothstep(edge0: number, edge1: number, v: number): number {
  const t = Math.min(1, Math.max(0, (v - edge0) / (edge1 - edge0)));
  return t * t * (3 - 2 * t);
}

/** A seed-chosen soft transition (a tilted linear fade or a radial spot) used to mix blend inputs. */
function transitionMask(width: number, height: number, rng: Rng): Mask {
  const mask: Mask = new Uint8Array(width * height);
  const radial = rng.chance(0.4);
  const angle = rng.range(0, Math.PI * 2);
  const [ox, oy] = [rng.range(0.3, 0.7), rng.range(0.3, 0.7)];
  const radius = rng.range(0.3, 0.55);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const u = x / width - ox;
      const v = y / height - oy;
      const weight = radial
        ? 1 - smoothstep(radius * 0.4, radius, Math.hypot(u, v))
        : smoothstep(-0.3, 0.3, u * Math.cos(angle) + v * Math.sin(angle));
      mask[y * width + x] = Math.round(weight * 255);
    }
  }
  return mask;
}

const BLEND_MODES: readonly BlendMode[] = ["normal", "soft-light", "overlay", "screen", "multiply", "normal"];

async function blendInputs(recipe: Extract<Recipe, { kind: "blend" }>): Promise<Raster[]> {
  if (recipe.images.length < 2 || recipe.images.length > 5) throw new Error("blend needs 2 to 5 images");
  const { width, height } = aspectSize(BLEND_ASPECTS[recipe.dimensions], CELL_LONG_SIDE);
  return decodeCovers(recipe.images, "image", width, height);
}

async function blendStyle(
  recipe: Extract<Recipe, { kind: "blend" }>,
  inputs: readonly Raster[],
): Promise<Style> {
  return styleFor("", recipe.seed, await Promise.all(inputs.map(dominant)));
}

async function blendImages(recipe: Extract<Recipe, { kind: "blend" }>): Promise<Raster> {
  const inputs = await blendInputs(recipe);
  const style = await blendStyle(recipe, inputs);
  return gridOfFour(async (slot) => {
    const rng = new Rng(seedOf("blend", recipe.seed, slot));
    // Each cell starts from a different input and mixes the others in through soft transitions.
    const order = rng.shuffle(inputs.map((_, i) => i).filter((i) => i !== (slot - 1) % inputs.length));
    let out = inputs[(slot - 1) % inputs.length] as Raster;
    for (const i of order) {
      const mask = transitionMask(out.width, out.height, rng);
      out = blend(out, inputs[i] as Raster, rng.pick(BLEND_MODES), rng.range(0.45, 0.8), mask);
    }
    const scene = await renderScene(style, slot, out.width, out.height);
    return blend(out, scene, "soft-light", 0.3);
  });
}

/** A client's start frame, transparency on black, no larger than any video needs. */
function startFrame(image: Buffer): Promise<Raster> {
  return decodeInput(image, "start frame", (input, width, height) =>
    (Math.max(width, height) > INPUT_MAX_LONG_SIDE
      ? input.resize(INPUT_MAX_LONG_SIDE, INPUT_MAX_LONG_SIDE, { fit: "inside" })
      : input
    ).flatten({ background: "#000" }),
  );
}

async function edit(recipe: Extract<Recipe, { kind: "edit" }>): Promise<Raster> {
  // Transparency is the point here: the picture keeps its alpha until it is laid over the paint.
  const image = await decodeInput(recipe.image, "image", (input, width, height) =>
    Math.max(width, height) > EDIT_MAX_LONG_SIDE
      ? input.resize(EDIT_MAX_LONG_SIDE, EDIT_MAX_LONG_SIDE, { fit: "inside" })
      : input,
  );
  const basis = await fillBasis(image);
  const style = styleFor(recipe.prompt, recipe.seed);
  return gridOfFour(async (slot) =>
    repaint(image, basis, await renderScene(style, slot, image.width, image.height)),
  );
}

async function retexture(recipe: Extract<Recipe, { kind: "retexture" }>): Promise<Raster> {
  const image = await decodeInput(recipe.image, "image", (input, width, height) => {
    const cell = aspectSize({ w: width, h: height }, CELL_LONG_SIDE);
    return input.flatten({ background: "#808080" }).resize(cell.width, cell.height, { fit: "fill" });
  });
  // Each cell takes a palette of its own seed, so the four differ in colour, not only in texture.
  return gridOfFour(async (slot) => {
    const style = styleFor(recipe.prompt, seedOf("retexture", recipe.seed, slot));
    return restyle(image, await renderScene(style, slot, image.width, image.height));
  });
}

/** The clips a video job makes: `--bs`, 4 unless asked otherwise. */
function clipsOf(grid: VideoGridRecipe): number {
  return grid.batch ?? 4;
}

function endingOf(grid: VideoGridRecipe): Ending {
  return grid.end === "loop" ? "loop" : grid.end ? "end-frame" : "free";
}

/** Paints frames of a video grid's clips at one size: a camera view of the start still, with
 * the end frame (cropped to the same shape) dissolved over it. */
interface Painter {
  width: number;
  height: number;
  paint(frame: FrameSpec): Raster;
}

async function videoPainter(grid: VideoGridRecipe, longSide: number): Promise<Painter> {
  const still = await stillOf(grid.parent, null);
  // Sources are prepared larger than the frames so zooming in stays sharp.
  const prepared = aspectSize(aspectOf(still), longSide * CAMERA_HEADROOM);
  const [source, end] = await Promise.all([
    resize(still, prepared.width, prepared.height),
    Buffer.isBuffer(grid.end)
      ? decodeInputCover(grid.end, "end frame", prepared.width, prepared.height)
      : Promise.resolve(null),
  ]);
  // H.264 wants both sides in multiples of 16.
  const { width, height } = snappedSize(aspectOf(source), longSide, 16);
  return {
    width,
    height,
    paint: ({ camera, end: weight }) => {
      const start = view(source, width, height, camera);
      return end && weight > 0 ? blend(start, view(end, width, height, camera), "normal", weight) : start;
    },
  };
}

async function videoGrid(recipe: VideoGridRecipe): Promise<Rendered> {
  const clips = clipsOf(recipe);
  const columns = clips === 1 ? 1 : 2;
  const painter = await videoPainter(recipe, VIDEO_GRID_LONG_SIDE / columns);
  const count = (CLIP_FRAMES / VIDEO_FPS) * GRID_FPS;
  const frames = Array.from({ length: count }, (_, f) =>
    tile(
      Array.from({ length: clips }, (_, i) =>
        painter.paint(clipFrame(recipe.seed, i + 1, recipe.motion, endingOf(recipe), f / (count - 1))),
      ),
      columns,
    ),
  );
  const first = frames[0] as Raster;
  const data = await encodeAnimatedWebp(frames, Math.round(1000 / GRID_FPS));
  return { data, contentType: "image/webp", width: first.width, height: first.height };
}

/** What an mp4 shows: the video grid it comes from and one frame spec per frame. `fresh` is the
 * first frame this recipe added (0 for a clip, the parent's length for an extension). */
interface VideoPlan {
  grid: VideoGridRecipe;
  frames: FrameSpec[];
  fresh: number;
}

function videoPlan(recipe: VideoRecipe): VideoPlan {
  if (recipe.kind === "extend") {
    if (!isMp4(recipe.parent)) throw new Error(`an extend needs a video parent, not a ${recipe.parent.kind}`);
    const parent = videoPlan(recipe.parent);
    const last = parent.frames[parent.frames.length - 1] as FrameSpec;
    const frames = [...parent.frames, ...extensionFrames(last, recipe.seed, recipe.motion)];
    return { grid: parent.grid, frames, fresh: parent.frames.length };
  }
  if ((recipe.kind === "video" || recipe.kind === "upscale") && recipe.parent.kind === "video-grid") {
    const grid = recipe.parent;
    const frames = Array.from({ length: CLIP_FRAMES }, (_, f) =>
      clipFrame(grid.seed, recipe.index, grid.motion, endingOf(grid), f / (CLIP_FRAMES - 1)),
    );
    return { grid, frames, fresh: 0 };
  }
  throw new Error(`a ${recipe.kind} result is not a video of a video grid`);
}

function mp4LongSide(grid: VideoGridRecipe): number {
  return grid.hd ? HD_LONG_SIDE : SD_LONG_SIDE;
}

/**
 * Frames `from` (inclusive) to `to` (exclusive) of an mp4 recipe, as the mp4 shows them before
 * encoding: its posters, and what tests compare.
 */
export async function videoFrames(recipe: Recipe, from = 0, to = Infinity): Promise<Raster[]> {
  if (!isMp4(recipe)) throw new Error(`a ${recipe.kind} result is not an mp4`);
  const plan = videoPlan(recipe);
  const painter = await videoPainter(plan.grid, mp4LongSide(plan.grid));
  return plan.frames.slice(from, to).map((frame) => painter.paint(frame));
}

async function mp4(recipe: VideoRecipe): Promise<Rendered> {
  const plan = videoPlan(recipe);
  const painter = await videoPainter(plan.grid, mp4LongSide(plan.grid));
  const data = await encodeMp4(painter, plan.frames.length, (i) =>
    painter.paint(plan.frames[i] as FrameSpec),
  );
  return { data, contentType: "video/mp4", width: painter.width, height: painter.height };
}

/** The shape of a video result: clips made, and the frames, seconds and resolution of each. */
export interface VideoShape {
  clips: number;
  frames: number;
  seconds: number;
  hd: boolean;
}

export function videoShape(recipe: Recipe): VideoShape | null {
  const shape = (clips: number, frames: number, grid: VideoGridRecipe): VideoShape => ({
    clips,
    frames,
    seconds: frames / VIDEO_FPS,
    hd: grid.hd === true,
  });
  if (recipe.kind === "video-grid") return shape(clipsOf(recipe), CLIP_FRAMES, recipe);
  if (!isMp4(recipe)) return null;
  const plan = videoPlan(recipe);
  return shape(1, plan.frames.length, plan.grid);
}

/** The mp4 recipe of clip `index` (0-based) of a video result, or null when it has no such clip. */
export function clipOf(recipe: Recipe, index: number): Recipe | null {
  if (recipe.kind === "video-grid") {
    return Number.isInteger(index) && index >= 0 && index < clipsOf(recipe)
      ? { kind: "video", parent: recipe, index: index + 1 }
      : null;
  }
  return isMp4(recipe) && index === 0 ? recipe : null;
}

/** Whether a recipe renders as a 2×2 grid of four stills, whose cells are its images. */
export function isStillGrid(recipe: Recipe): boolean {
  return GRID_KINDS.has(recipe.kind);
}

/** A grid image's thumbnail: small, as Midjourney's CDN serves `…/0_<i>_640_N.webp` beside the PNG. */
const CELL_THUMB_LONG_SIDE = 256;
const cells = new ByteBudgetLru<Rendered>(CACHE_BYTES / 8, (r) => r.data.length);

/**
 * Image `index` (1-4) of a grid on its own, as a server that lists a grid's images (`imageUrls`)
 * serves them: the cell at full size as PNG, or a small WebP thumbnail of it.
 */
export function renderCell(recipe: Recipe, index: number, thumb: boolean): Promise<Rendered> {
  return cells.memo(stableKey({ cell: recipe, index, thumb }), async () => {
    const still = await stillOf(recipe, index);
    if (!thumb) return png(still);
    const { width, height } = aspectSize(aspectOf(still), CELL_THUMB_LONG_SIDE);
    const small = await resize(still, width, height);
    return {
      data: await encodeWebp(small, 80),
      contentType: "image/webp",
      width: small.width,
      height: small.height,
    };
  });
}

const posters = new ByteBudgetLru<Rendered>(CACHE_BYTES / 8, (r) => r.data.length);

/** A video's thumbnail: its first frame, as Midjourney's CDN serves them (WebP). */
export function renderPoster(recipe: Recipe): Promise<Rendered> {
  return posters.memo(stableKey({ poster: recipe }), async () => {
    const [first] = await videoFrames(recipe, 0, 1);
    if (!first) throw new Error("a video has at least one frame");
    return {
      data: await encodeWebp(first, 80),
      contentType: "image/webp",
      width: first.width,
      height: first.height,
    };
  });
}

const previews = new ByteBudgetLru<Rendered>(CACHE_BYTES / 8, (r) => r.data.length);

export function renderPreview(recipe: Recipe, percent: number): Promise<Rendered> {
  const progress = Math.min(100, Math.max(0, Math.round(Number.isFinite(percent) ? percent : 0)));
  return previews.memo(stableKey({ preview: recipe, progress }), () => preview(recipe, progress / 100));
}

/**
 * What every progress step of a job is made from: its still at preview size, decoded and shrunk
 * once per job, not once per step. With the blur made small, a step costs 31 ms of CPU instead of
 * 88 (2-core machine, December 2026): the load bench asks for a few steps of each of 200 jobs a
 * minute, on the cores the app under test runs on, and demo mode runs this inside the app. The
 * budget holds the stills of about 40 running jobs (590 KB each at 384 px).
 */
const previewStills = new ByteBudgetLru<Raster>((CACHE_BYTES * 3) / 8, (r) => r.data.length);

function previewStill(recipe: Recipe): Promise<Raster> {
  return previewStills.memo(stableKey({ previewStill: recipe }), async () => {
    const fresh = isMp4(recipe) ? videoPlan(recipe).fresh : null;
    // A video's still is the first frame it adds; sharp reads the first page of an animated grid.
    const still =
      fresh !== null
        ? ((await videoFrames(recipe, fresh, fresh + 1))[0] as Raster)
        : await decodeOwn((await render(recipe)).data);
    const { width, height } = aspectSize(aspectOf(still), PREVIEW_LONG_SIDE);
    return resize(still, width, height);
  });
}

async function preview(recipe: Recipe, progress: number): Promise<Rendered> {
  const still = await previewStill(recipe);
  const { width, height } = still;
  // Early previews are tiny, blurry and washed out like the first diffusion steps; they sharpen
  // towards 100%. The blur and the colour change are made at the coarse size, where they cost a
  // fraction of what they cost at the preview's (the blur's radius shrinks with the image).
  const coarse = aspectSize(aspectOf(still), PREVIEW_LONG_SIDE * (0.04 + 0.96 * progress ** 2));
  const scale = coarse.width / width;
  const small = await toRaster(
    sharpOf(still)
      .resize(coarse.width, coarse.height, { fit: "fill" })
      .blur(Math.max(0.3, (0.3 + 10 * (1 - progress) ** 2) * scale))
      .modulate({ saturation: 0.4 + 0.6 * progress }),
  );
  // Linear: a smooth enlargement (what the coarse steps want), at half the cost of lanczos.
  const data = await sharpOf(small)
    .resize(width, height, { fit: "fill", kernel: "linear" })
    .removeAlpha()
    .webp({ quality: 60, effort: 0 })
    .toBuffer();
  return { data, contentType: "image/webp", width, height };
}
