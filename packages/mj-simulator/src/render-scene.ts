import { Rng, seedOf } from "./rng";
import { renderSvg, type Raster } from "./render-raster";

/**
 * The simulator's "model": a prompt becomes a style (palette, mood, motifs), and a style plus a
 * slot becomes a landscape painted in SVG and rasterised by sharp. Words in the prompt steer it
 * (a "red forest at night" is red, dark and has trees), the hash of the text and seed decides the
 * rest, so every prompt looks different while the four cells of one grid clearly belong together.
 * No SVG <text> anywhere: a fresh server may have no fonts.
 */

export interface Rgb {
  r: number;
  g: number;
  b: number;
}

type Mood = "day" | "sunset" | "night" | "mist";
type Motif = "mountains" | "hills" | "dunes" | "water" | "city" | "trees" | "clouds" | "orbs" | "figure";

interface Hsl {
  h: number;
  s: number;
  l: number;
}

interface Palette {
  skyTop: Hsl;
  skyHorizon: Hsl;
  sun: Hsl;
  /** Land from the farthest (hazy, close to the horizon colour) to the nearest (dark, saturated). */
  land: readonly [Hsl, Hsl, Hsl, Hsl];
  accent: Hsl;
  orbs: readonly Hsl[];
}

export interface Style {
  /** Mixes prompt text and seed; every random choice of a scene derives from it. */
  seed: number;
  mood: Mood;
  palette: Palette;
  motifs: ReadonlySet<Motif>;
}

const COLOUR_HUES: Record<string, number> = {
  red: 2,
  crimson: 350,
  scarlet: 5,
  ruby: 345,
  orange: 28,
  amber: 40,
  copper: 22,
  rust: 18,
  gold: 46,
  golden: 44,
  yellow: 52,
  lemon: 56,
  lime: 85,
  green: 125,
  emerald: 145,
  jade: 155,
  mint: 160,
  olive: 70,
  teal: 178,
  turquoise: 172,
  cyan: 186,
  aqua: 182,
  blue: 215,
  azure: 205,
  sapphire: 222,
  navy: 228,
  cobalt: 220,
  indigo: 250,
  purple: 275,
  violet: 268,
  lavender: 262,
  lilac: 280,
  magenta: 305,
  pink: 330,
  rose: 340,
  fuchsia: 310,
  peach: 20,
  coral: 12,
  brown: 28,
  chocolate: 24,
};

const MOOD_WORDS: Record<Exclude<Mood, "day">, readonly string[]> = {
  night: [
    "night",
    "midnight",
    "moon",
    "moonlit",
    "moonlight",
    "starry",
    "galaxy",
    "space",
    "cosmic",
    "nebula",
    "dark",
    "noir",
    "neon",
    "cyberpunk",
    "gothic",
    "nocturnal",
    "stars",
  ],
  sunset: [
    "sunset",
    "sunrise",
    "dawn",
    "dusk",
    "twilight",
    "autumn",
    "fire",
    "warm",
    "fiery",
    "evening",
    "sun",
  ],
  mist: [
    "fog",
    "foggy",
    "mist",
    "misty",
    "rain",
    "rainy",
    "winter",
    "snow",
    "snowy",
    "ethereal",
    "dreamy",
    "minimal",
    "minimalist",
    "ice",
    "frozen",
    "haze",
  ],
};

const MOTIF_WORDS: Record<Motif, readonly string[]> = {
  mountains: [
    "mountain",
    "mountains",
    "peak",
    "peaks",
    "alps",
    "cliff",
    "cliffs",
    "volcano",
    "canyon",
    "glacier",
  ],
  hills: [
    "hill",
    "hills",
    "valley",
    "meadow",
    "field",
    "fields",
    "landscape",
    "countryside",
    "prairie",
    "farm",
  ],
  dunes: ["desert", "dune", "dunes", "sand", "mars", "sahara", "wasteland"],
  water: [
    "ocean",
    "sea",
    "beach",
    "lake",
    "river",
    "water",
    "wave",
    "waves",
    "island",
    "coast",
    "harbor",
    "underwater",
    "boat",
    "ship",
    "reflection",
    "pond",
    "waterfall",
  ],
  city: [
    "city",
    "street",
    "building",
    "buildings",
    "skyline",
    "tower",
    "towers",
    "cyberpunk",
    "town",
    "castle",
    "temple",
    "village",
    "metropolis",
    "skyscraper",
    "futuristic",
  ],
  trees: ["forest", "tree", "trees", "jungle", "woods", "pine", "pines", "garden", "park", "grove", "bamboo"],
  clouds: ["cloud", "clouds", "cloudy", "sky", "storm", "heaven", "heavenly", "fluffy", "wind"],
  orbs: [
    "abstract",
    "orb",
    "orbs",
    "bubble",
    "bubbles",
    "planet",
    "planets",
    "galaxy",
    "cosmic",
    "nebula",
    "dream",
    "fractal",
    "geometric",
    "pattern",
    "surreal",
    "psychedelic",
    "magic",
    "magical",
  ],
  figure: [
    "cat",
    "dog",
    "fox",
    "wolf",
    "girl",
    "boy",
    "woman",
    "man",
    "person",
    "portrait",
    "robot",
    "astronaut",
    "knight",
    "warrior",
    "wizard",
    "dragon",
    "bird",
    "horse",
    "deer",
    "owl",
    "child",
    "traveler",
    "samurai",
    "monk",
    "princess",
    "king",
    "queen",
    "lion",
    "tiger",
    "bear",
    "rabbit",
    "character",
  ],
};

const GROUND_MOTIFS: readonly Motif[] = ["mountains", "hills", "dunes", "water"];
const EXTRA_MOTIFS: readonly Motif[] = ["city", "trees", "clouds", "orbs", "figure", "clouds", "trees"];

/** The words of a prompt that describe the picture: image URLs and `--parameters` (and the em dash
 * phones turn `--` into) are not part of the subject. */
function promptText(prompt: string): string {
  const withoutUrls = prompt.replace(/<?https?:\/\/\S+/gi, " ");
  const subject = withoutUrls.split(/(?:^|\s)(?:--|\u2014)[a-z]/i)[0] ?? "";
  return subject.toLowerCase().replace(/\s+/g, " ").trim();
}

function wrapHue(h: number): number {
  return ((h % 360) + 360) % 360;
}

function hsl(h: number, s: number, l: number): Hsl {
  return { h: wrapHue(h), s: Math.min(1, Math.max(0, s)), l: Math.min(1, Math.max(0, l)) };
}

function toRgb({ h, s, l }: Hsl): Rgb {
  const k = (n: number) => (n + h / 30) % 12;
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => Math.round(255 * (l - a * Math.max(-1, Math.min(k(n) - 3, 9 - k(n), 1))));
  return { r: f(0), g: f(8), b: f(4) };
}

export function rgbToHsl({ r, g, b }: Rgb): Hsl {
  const [rn, gn, bn] = [r / 255, g / 255, b / 255];
  const max = Math.max(rn, gn, bn);
  const min = Math.min(rn, gn, bn);
  const l = (max + min) / 2;
  const d = max - min;
  if (d === 0) return { h: 0, s: 0, l };
  const s = d / (1 - Math.abs(2 * l - 1));
  const h = max === rn ? ((gn - bn) / d) % 6 : max === gn ? (bn - rn) / d + 2 : (rn - gn) / d + 4;
  return hsl(h * 60, s, l);
}

function css(colour: Hsl): string {
  const { r, g, b } = toRgb(colour);
  return `#${[r, g, b].map((v) => v.toString(16).padStart(2, "0")).join("")}`;
}

/** Circular mean of hues weighted by saturation, so grey references do not drag the hue around. */
function meanHue(colours: readonly Hsl[]): Hsl | null {
  let x = 0;
  let y = 0;
  for (const c of colours) {
    x += Math.cos((c.h * Math.PI) / 180) * c.s;
    y += Math.sin((c.h * Math.PI) / 180) * c.s;
  }
  const strength = Math.hypot(x, y) / Math.max(1, colours.length);
  if (strength < 0.08) return null;
  return hsl((Math.atan2(y, x) * 180) / Math.PI, strength, 0.5);
}

/**
 * `named` is true when the prompt asked for a colour: the land then stays close to that hue (it
 * covers most of the picture); otherwise it takes a contrasting one for a livelier scheme.
 */
function paletteFor(mood: Mood, hue: number, saturation: number, named: boolean, rng: Rng): Palette {
  const landHue = hue + rng.pick(named ? [-20, 12, 25] : [30, 150, 180, 200, -35]);
  const s = saturation;
  const sky: Record<Mood, [Hsl, Hsl, Hsl]> = {
    day: [hsl(hue, s * 0.65, 0.55), hsl(hue + 25, s * 0.5, 0.86), hsl(hue + 40, 0.9, 0.94)],
    sunset: [hsl(hue - 40, s * 0.7, 0.27), hsl(18 + (hue % 36), 0.85, 0.63), hsl(42, 0.95, 0.8)],
    night: [hsl(hue, s * 0.6, 0.07), hsl(hue + 20, s * 0.55, 0.25), hsl(hue, 0.25, 0.9)],
    mist: [hsl(hue, s * 0.3, 0.74), hsl(hue, s * 0.2, 0.9), hsl(hue, 0.2, 0.97)],
  };
  const [skyTop, skyHorizon, sun] = sky[mood];
  const farL = mood === "night" ? 0.2 : skyHorizon.l * 0.8;
  const nearL = mood === "night" ? 0.04 : mood === "mist" ? 0.35 : 0.13;
  const land = [0, 1, 2, 3].map((i) =>
    hsl(landHue + i * 6, s * (0.35 + i * 0.12), farL + ((nearL - farL) * i) / 3),
  ) as [Hsl, Hsl, Hsl, Hsl];
  return {
    skyTop,
    skyHorizon,
    sun,
    land,
    accent: hsl(landHue + 180, 0.85, 0.62),
    orbs: [hsl(hue, s, 0.62), hsl(landHue, s, 0.55), hsl(hue + 60, s, 0.68)],
  };
}

/**
 * The style of a prompt. `tints` are dominant colours of reference or blended images; they pull
 * the hue towards them the way an image prompt steers Midjourney.
 */
export function styleFor(prompt: string, seed: number, tints: readonly Rgb[] = []): Style {
  const text = promptText(prompt);
  const words = new Set(text.match(/[a-z]+/g) ?? []);
  const styleSeed = seedOf("style", text, seed);
  // Prompt-only choices use a seed without the job seed, so rerolls keep the prompt's look.
  const promptRng = new Rng(seedOf("prompt", text));
  const seedRng = new Rng(styleSeed);

  const colourHue = [...words].map((w) => COLOUR_HUES[w]).find((h) => h !== undefined);
  const tintHue = meanHue(tints.map(rgbToHsl));
  let hue = colourHue ?? promptRng.range(0, 360);
  if (tintHue) hue = tintHue.h;
  hue += seedRng.range(-16, 16);

  let saturation = promptRng.range(0.45, 0.75);
  if (words.has("pastel")) saturation = 0.35;
  if (words.has("neon") || words.has("vivid") || words.has("vibrant")) saturation = 0.95;
  if (["monochrome", "noir", "grayscale", "greyscale"].some((w) => words.has(w))) saturation = 0.04;

  const worded = (Object.keys(MOOD_WORDS) as Exclude<Mood, "day">[]).find((m) =>
    MOOD_WORDS[m].some((w) => words.has(w)),
  );
  const mood: Mood = worded ?? promptRng.pick(["day", "day", "day", "sunset", "sunset", "night", "mist"]);

  const motifs = new Set<Motif>(
    (Object.keys(MOTIF_WORDS) as Motif[]).filter((m) => MOTIF_WORDS[m].some((w) => words.has(w))),
  );
  if (!GROUND_MOTIFS.some((m) => motifs.has(m))) motifs.add(promptRng.pick(GROUND_MOTIFS));
  while (motifs.size < 3) motifs.add(promptRng.pick(EXTRA_MOTIFS));

  return {
    seed: styleSeed,
    mood,
    palette: paletteFor(mood, hue, saturation, colourHue !== undefined, promptRng),
    motifs,
  };
}

/** A ridge line across the width: `sharpness` 0 gives rolling hills, 1 gives peaked mountains. */
function ridge(
  rng: Rng,
  width: number,
  base: number,
  amplitude: number,
  sharpness: number,
): (x: number) => number {
  const waves = [1, 2.3, 4.1, 7.7].map((f, i) => ({
    f: f * rng.range(0.8, 1.3),
    phase: rng.range(0, Math.PI * 2),
    a: 1 / (i + 1) ** 1.2,
  }));
  const total = waves.reduce((sum, w) => sum + w.a, 0);
  return (x: number) => {
    const t = (x / width) * Math.PI * 2;
    const v = waves.reduce((sum, w) => {
      const s = Math.sin(t * w.f + w.phase);
      return sum + w.a * ((1 - sharpness) * (s * 0.5 + 0.5) + sharpness * (1 - Math.abs(s)));
    }, 0);
    return base - amplitude * (v / total);
  };
}

function areaUnder(
  line: (x: number) => number,
  width: number,
  height: number,
  fill: string,
  extra = "",
): string {
  const steps = 64;
  const points: string[] = [];
  for (let i = 0; i <= steps; i++) {
    const x = (i / steps) * width;
    points.push(`${x.toFixed(1)},${line(x).toFixed(1)}`);
  }
  return `<path d="M0,${height} L${points.join(" L")} L${width},${height} Z" fill="${fill}"${extra}/>`;
}

interface Canvas {
  rng: Rng;
  style: Style;
  width: number;
  height: number;
  horizon: number;
  sunX: number;
  sunY: number;
  /** Extra gradient and filter definitions collected while painting. */
  defs: string[];
}

function paintSky(c: Canvas): string {
  const { palette } = c.style;
  c.defs.push(
    `<linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${css(palette.skyTop)}"/>` +
      `<stop offset="${(c.horizon / c.height).toFixed(3)}" stop-color="${css(palette.skyHorizon)}"/></linearGradient>`,
    `<radialGradient id="glow"><stop offset="0" stop-color="${css(palette.sun)}" stop-opacity="0.85"/>` +
      `<stop offset="1" stop-color="${css(palette.sun)}" stop-opacity="0"/></radialGradient>`,
  );
  const r = Math.min(c.width, c.height) * c.rng.range(0.05, 0.11);
  let stars = "";
  if (c.style.mood === "night") {
    const count = c.rng.int(50, 110);
    for (let i = 0; i < count; i++) {
      const x = c.rng.range(0, c.width);
      const y = c.rng.range(0, c.horizon) * c.rng.next();
      const size = c.rng.range(0.4, 1.6) * (c.width / 512);
      stars += `<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="${size.toFixed(2)}" fill="#fff" opacity="${c.rng.range(0.35, 1).toFixed(2)}"/>`;
    }
  }
  return (
    `<rect width="${c.width}" height="${c.height}" fill="url(#sky)"/>${stars}` +
    `<circle cx="${c.sunX.toFixed(1)}" cy="${c.sunY.toFixed(1)}" r="${(r * 4).toFixed(1)}" fill="url(#glow)"/>` +
    `<circle cx="${c.sunX.toFixed(1)}" cy="${c.sunY.toFixed(1)}" r="${r.toFixed(1)}" fill="${css(c.style.palette.sun)}"/>`
  );
}

function paintClouds(c: Canvas): string {
  const { palette, mood } = c.style;
  const tone = css(
    mood === "night" ? hsl(palette.skyTop.h, 0.2, 0.35) : hsl(palette.skyHorizon.h, 0.3, 0.95),
  );
  // Soft edges come from a radial gradient per puff: a blur filter looks the same and costs ten times more.
  c.defs.push(
    `<radialGradient id="puff"><stop offset="0.3" stop-color="${tone}" stop-opacity="0.9"/>` +
      `<stop offset="1" stop-color="${tone}" stop-opacity="0"/></radialGradient>`,
  );
  let puffs = "";
  const clusters = c.rng.int(2, 5);
  for (let i = 0; i < clusters; i++) {
    const cx = c.rng.range(-0.1, 1.1) * c.width;
    const cy = c.rng.range(0.08, 0.8) * c.horizon;
    const size = c.rng.range(0.05, 0.12) * c.width;
    for (let j = 0; j < 7; j++) {
      const x = cx + c.rng.range(-2.2, 2.2) * size;
      const y = cy + c.rng.range(-0.35, 0.35) * size;
      puffs += `<ellipse cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" rx="${(size * c.rng.range(1, 2)).toFixed(1)}" ry="${(size * c.rng.range(0.45, 0.8)).toFixed(1)}"/>`;
    }
  }
  return `<g fill="url(#puff)" opacity="${c.rng.range(0.6, 0.9).toFixed(2)}">${puffs}</g>`;
}

function paintOrbs(c: Canvas): string {
  c.style.palette.orbs.forEach((colour, i) =>
    c.defs.push(
      `<radialGradient id="orb${i}"><stop offset="0" stop-color="${css(colour)}" stop-opacity="0.85"/>` +
        `<stop offset="0.6" stop-color="${css(colour)}" stop-opacity="0.45"/>` +
        `<stop offset="1" stop-color="${css(colour)}" stop-opacity="0"/></radialGradient>`,
    ),
  );
  let orbs = "";
  const count = c.rng.int(3, 6);
  for (let i = 0; i < count; i++) {
    const r = c.rng.range(0.08, 0.25) * Math.min(c.width, c.height);
    const x = c.rng.range(0, c.width);
    const y = c.rng.range(0.05, 0.9) * c.height;
    orbs += `<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="${r.toFixed(1)}" fill="url(#orb${c.rng.int(0, c.style.palette.orbs.length - 1)})"/>`;
  }
  return orbs;
}

function paintWater(c: Canvas): string {
  const { palette } = c.style;
  c.defs.push(
    `<linearGradient id="water" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${css(palette.skyHorizon)}"/>` +
      `<stop offset="1" stop-color="${css(hsl(palette.skyTop.h, palette.skyTop.s, palette.skyTop.l * 0.7))}"/></linearGradient>`,
  );
  let glints = "";
  const depth = c.height - c.horizon;
  for (let i = 0; i < 26; i++) {
    const t = c.rng.next() ** 1.6;
    const y = c.horizon + t * depth;
    const nearSun = c.rng.chance(0.6);
    const x = nearSun ? c.sunX + c.rng.range(-0.08, 0.08) * c.width * (1 + t * 2) : c.rng.range(0, c.width);
    const len = c.rng.range(0.02, 0.09) * c.width * (1 + t * 2);
    glints += `<rect x="${(x - len / 2).toFixed(1)}" y="${y.toFixed(1)}" width="${len.toFixed(1)}" height="${(1 + t * 3).toFixed(1)}" rx="1" fill="${css(palette.sun)}" opacity="${c.rng.range(0.15, 0.5).toFixed(2)}"/>`;
  }
  return `<rect y="${c.horizon.toFixed(1)}" width="${c.width}" height="${depth.toFixed(1)}" fill="url(#water)"/>${glints}`;
}

function paintCity(c: Canvas, colour: Hsl, base: number): string {
  let x = c.rng.range(-0.05, 0) * c.width;
  let blocks = "";
  let windows = "";
  const windowColour = css(
    c.style.mood === "day" ? hsl(colour.h, colour.s, colour.l + 0.15) : c.style.palette.accent,
  );
  while (x < c.width) {
    const w = c.rng.range(0.035, 0.09) * c.width;
    const h = c.rng.range(0.06, 0.32) * c.height;
    blocks += `<rect x="${x.toFixed(1)}" y="${(base - h).toFixed(1)}" width="${(w + 1).toFixed(1)}" height="${(h + c.height).toFixed(1)}"/>`;
    const size = Math.max(1.5, c.width * 0.006);
    for (let wy = base - h + size * 2; wy < base - size; wy += size * 3) {
      for (let wx = x + size; wx < x + w - size; wx += size * 2.5) {
        if (c.rng.chance(0.22))
          windows += `<rect x="${wx.toFixed(1)}" y="${wy.toFixed(1)}" width="${size.toFixed(1)}" height="${size.toFixed(1)}"/>`;
      }
    }
    x += w + c.rng.range(0, 0.01) * c.width;
  }
  return `<g fill="${css(colour)}">${blocks}</g><g fill="${windowColour}" opacity="0.85">${windows}</g>`;
}

function paintTrees(c: Canvas, line: (x: number) => number, colour: Hsl): string {
  let trees = "";
  const count = c.rng.int(8, 22);
  for (let i = 0; i < count; i++) {
    const x = c.rng.range(0, c.width);
    const h = c.rng.range(0.05, 0.14) * c.height;
    const w = h * c.rng.range(0.3, 0.45);
    const y = line(x) + h * 0.15;
    trees += c.rng.chance(0.7)
      ? `<path d="M${(x - w / 2).toFixed(1)},${y.toFixed(1)} L${x.toFixed(1)},${(y - h).toFixed(1)} L${(x + w / 2).toFixed(1)},${y.toFixed(1)} Z"/>`
      : `<rect x="${(x - w * 0.06).toFixed(1)}" y="${(y - h * 0.5).toFixed(1)}" width="${(w * 0.12).toFixed(1)}" height="${(h * 0.5).toFixed(1)}"/>` +
        `<ellipse cx="${x.toFixed(1)}" cy="${(y - h * 0.62).toFixed(1)}" rx="${(w * 0.6).toFixed(1)}" ry="${(h * 0.38).toFixed(1)}"/>`;
  }
  return `<g fill="${css(colour)}">${trees}</g>`;
}

function paintFigure(c: Canvas, line: (x: number) => number, colour: Hsl): string {
  const x = c.rng.range(0.25, 0.75) * c.width;
  const h = c.rng.range(0.07, 0.13) * c.height;
  const y = line(x) + h * 0.05;
  const head = h * 0.13;
  return (
    `<g fill="${css(colour)}"><circle cx="${x.toFixed(1)}" cy="${(y - h + head).toFixed(1)}" r="${head.toFixed(1)}"/>` +
    `<path d="M${(x - h * 0.16).toFixed(1)},${y.toFixed(1)} Q${x.toFixed(1)},${(y - h * 1.05).toFixed(1)} ${(x + h * 0.16).toFixed(1)},${y.toFixed(1)} Z"/></g>`
  );
}

/** Atmospheric perspective: a band of horizon colour that fades distant land into the sky. */
function paintHaze(c: Canvas): string {
  const colour = css(c.style.palette.skyHorizon);
  c.defs.push(
    `<linearGradient id="haze" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${colour}" stop-opacity="0"/>` +
      `<stop offset="0.5" stop-color="${colour}" stop-opacity="0.55"/><stop offset="1" stop-color="${colour}" stop-opacity="0"/></linearGradient>`,
  );
  const band = c.height * 0.16;
  return `<rect y="${(c.horizon - band).toFixed(1)}" width="${c.width}" height="${(band * 1.4).toFixed(1)}" fill="url(#haze)"/>`;
}

/** The SVG of one scene of `style` at `width` x `height`. `slot` picks the composition, so grid
 * cells, zoom surroundings and region fills of one style each get their own picture. */
function sceneSvg(style: Style, slot: number, width: number, height: number): string {
  const rng = new Rng(seedOf(style.seed, slot));
  const horizon = height * rng.range(0.48, 0.72);
  const c: Canvas = {
    rng,
    style,
    width,
    height,
    horizon,
    sunX: rng.range(0.12, 0.88) * width,
    sunY: horizon * (style.mood === "sunset" ? rng.range(0.7, 0.98) : rng.range(0.15, 0.6)),
    defs: [],
  };
  const { palette } = style;
  // Each cell drops some of the optional motifs so the four pictures of a grid differ in content,
  // not only in layout; the landform always stays.
  const has = (m: Motif) => style.motifs.has(m) && (GROUND_MOTIFS.includes(m) || rng.chance(0.8));
  const [far, mid, near, front] = palette.land;
  const shadow = hsl(front.h, front.s, front.l * 0.6);
  const layers: string[] = [paintSky(c)];
  if (has("orbs")) layers.push(paintOrbs(c));
  if (has("clouds")) layers.push(paintClouds(c));

  const peaked = style.motifs.has("mountains") ? 0.85 : style.motifs.has("dunes") ? 0.05 : 0.25;
  const relief = (style.motifs.has("mountains") ? rng.range(0.25, 0.42) : rng.range(0.08, 0.18)) * height;
  layers.push(areaUnder(ridge(rng, width, horizon, relief, peaked), width, height, css(far)));
  layers.push(paintHaze(c));
  if (has("city")) layers.push(paintCity(c, mid, horizon + height * 0.01));
  else
    layers.push(
      areaUnder(
        ridge(rng, width, horizon + height * 0.02, relief * 0.6, peaked * 0.8),
        width,
        height,
        css(mid),
      ),
    );

  const water = style.motifs.has("water");
  if (water) layers.push(paintWater(c));
  else {
    const hill = ridge(
      rng,
      width,
      horizon + (height - horizon) * rng.range(0.3, 0.55),
      height * 0.1,
      peaked * 0.3,
    );
    layers.push(areaUnder(hill, width, height, css(near)));
    if (has("trees")) layers.push(paintTrees(c, hill, front));
  }
  const ground = ridge(rng, width, height * rng.range(water ? 0.92 : 0.88, 0.98), height * 0.07, 0.15);
  layers.push(areaUnder(ground, width, height, css(front)));
  if (water && has("trees")) layers.push(paintTrees(c, ground, shadow));
  if (has("figure")) layers.push(paintFigure(c, ground, shadow));

  c.defs.push(
    `<radialGradient id="vignette" cx="0.5" cy="0.5" r="0.75"><stop offset="0.55" stop-color="#000" stop-opacity="0"/>` +
      `<stop offset="1" stop-color="#000" stop-opacity="0.22"/></radialGradient>`,
  );
  layers.push(`<rect width="${width}" height="${height}" fill="url(#vignette)"/>`);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">` +
    `<defs>${c.defs.join("")}</defs>${layers.join("")}</svg>`
  );
}

export function renderScene(style: Style, slot: number, width: number, height: number): Promise<Raster> {
  return renderSvg(sceneSvg(style, slot, width, height));
}
