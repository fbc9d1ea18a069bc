import { Rng, seedOf } from "./rng";
import { decodeInput, type Raster } from "./render-raster";
import { rgbToHsl, type Rgb } from "./render-scene";

/**
 * DESCRIBE for the simulator: four prompts read off the picture itself (its colours, brightness,
 * where the light and the detail sit, its aspect ratio), worded from fixed phrase lists picked by
 * a hash of the pixels, so the same image always gets the same four prompts.
 */

/** Sampling grid: enough to tell where things are, small enough to be instant. */
const PROBE = 24;

const COLOUR_NAMES: readonly { name: string; hue: number }[] = [
  { name: "crimson", hue: 350 },
  { name: "red", hue: 5 },
  { name: "orange", hue: 28 },
  { name: "amber", hue: 42 },
  { name: "golden", hue: 50 },
  { name: "olive", hue: 70 },
  { name: "green", hue: 120 },
  { name: "emerald", hue: 150 },
  { name: "teal", hue: 175 },
  { name: "cyan", hue: 190 },
  { name: "azure", hue: 205 },
  { name: "blue", hue: 225 },
  { name: "indigo", hue: 250 },
  { name: "violet", hue: 272 },
  { name: "magenta", hue: 300 },
  { name: "pink", hue: 330 },
];

function colourName(rgb: Rgb): string {
  const { h, s, l } = rgbToHsl(rgb);
  if (l < 0.12) return "inky black";
  if (l > 0.9) return "pale white";
  if (s < 0.12) return l < 0.45 ? "charcoal grey" : "silver grey";
  const distance = (hue: number) => Math.min(Math.abs(hue - h), 360 - Math.abs(hue - h));
  const nearest = COLOUR_NAMES.reduce((best, c) => (distance(c.hue) < distance(best.hue) ? c : best));
  const shade = l < 0.3 ? "deep " : l > 0.72 ? "soft " : s > 0.7 ? "vivid " : "";
  return shade + nearest.name;
}

interface Features {
  colours: string[];
  brightness: number;
  saturation: number;
  /** Positive when the top half is brighter than the bottom (sky over land). */
  skyward: number;
  /** Mean difference between neighbouring samples: how busy the picture is. */
  detail: number;
  /** Brightness of the centre against the border: a lit subject or a vignette. */
  focus: number;
}

function luma(data: Buffer, i: number): number {
  return (0.299 * (data[i] ?? 0) + 0.587 * (data[i + 1] ?? 0) + 0.114 * (data[i + 2] ?? 0)) / 255;
}

function featuresOf(probe: Raster): Features {
  const { data, width, height } = probe;
  const buckets = new Map<string, { count: number; rgb: Rgb }>();
  let brightness = 0;
  let saturation = 0;
  let top = 0;
  let centre = 0;
  let centreCount = 0;
  let detail = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      const rgb = { r: data[i] ?? 0, g: data[i + 1] ?? 0, b: data[i + 2] ?? 0 };
      const l = luma(data, i);
      brightness += l;
      saturation += rgbToHsl(rgb).s;
      if (y < height / 2) top += l;
      const inner = Math.abs(x - width / 2) < width / 4 && Math.abs(y - height / 2) < height / 4;
      if (inner) {
        centre += l;
        centreCount++;
      }
      if (x > 0) detail += Math.abs(l - luma(data, i - 4));
      const name = colourName(rgb);
      const bucket = buckets.get(name) ?? { count: 0, rgb };
      bucket.count++;
      buckets.set(name, bucket);
    }
  }
  const pixels = width * height;
  const colours = [...buckets.entries()].sort((a, b) => b[1].count - a[1].count || (a[0] < b[0] ? -1 : 1));
  return {
    colours: colours.slice(0, 3).map(([name]) => name),
    brightness: brightness / pixels,
    saturation: saturation / pixels,
    skyward: (2 * top) / pixels - (2 * (brightness - top)) / pixels,
    detail: detail / (pixels - height),
    focus: centre / Math.max(1, centreCount) - (brightness - centre) / Math.max(1, pixels - centreCount),
  };
}

/** The closest "w:h" with small whole numbers, the way people write --ar. */
function aspectParameter(width: number, height: number): string {
  const ratio = width / height;
  let best = { w: 1, h: 1, error: Infinity };
  for (let h = 1; h <= 21; h++) {
    const w = Math.max(1, Math.round(ratio * h));
    const error = Math.abs(w / h - ratio) / ratio;
    // Smaller numbers win unless a larger pair is clearly more exact.
    if (error < best.error - 0.005) best = { w, h, error };
  }
  return `--ar ${best.w}:${best.h}`;
}

export async function describeImage(image: Buffer): Promise<string[]> {
  let size = { width: 1, height: 1 };
  const probe = await decodeInput(image, "image", (pipeline, width, height) => {
    size = { width, height };
    return pipeline.resize(PROBE, PROBE, { fit: "fill" });
  });
  const f = featuresOf(probe);
  const rng = new Rng(seedOf("describe", probe.data.toString("base64")));
  const [c1 = "muted", c2 = c1, c3 = c2] = f.colours;

  const light =
    f.brightness < 0.25
      ? rng.pick(["moody low-key lighting", "nocturnal glow", "deep shadows"])
      : f.brightness > 0.65
        ? rng.pick(["bright airy light", "soft high-key lighting", "luminous haze"])
        : rng.pick(["golden hour light", "diffused natural light", "cinematic lighting"]);
  const palette =
    f.saturation < 0.15
      ? "restrained monochrome palette"
      : f.saturation > 0.5
        ? rng.pick(["saturated colours", "vibrant palette", "bold colour contrast"])
        : rng.pick(["muted tones", "harmonious palette", "gentle gradients"]);
  const scene =
    f.skyward > 0.12
      ? rng.pick([
          "a wide landscape under an open sky",
          "a quiet horizon at the edge of the world",
          "rolling land beneath a vast sky",
        ])
      : f.skyward < -0.12
        ? rng.pick([
            "a glowing ground beneath a dark sky",
            "light pooling on the ground",
            "a lit valley under heavy darkness",
          ])
        : rng.pick([
            "a balanced dreamlike scene",
            "a layered composition of soft shapes",
            "an atmospheric scene",
          ]);
  const composition =
    f.focus > 0.06
      ? "centered focal point"
      : f.focus < -0.06
        ? "dark vignette framing"
        : "evenly balanced composition";
  const texture =
    f.detail > 0.06
      ? rng.pick(["intricate detail", "rich texture", "fine crisp detail"])
      : rng.pick(["smooth minimal forms", "clean flat shapes", "soft painterly gradients"]);
  const medium = rng.pick([
    "digital painting",
    "matte painting",
    "vector illustration",
    "gouache artwork",
    "concept art",
  ]);
  const artist = rng.pick([
    "in the style of Studio Ghibli backgrounds",
    "inspired by Hiroshi Nagai",
    "in the style of Kilian Eng",
    "reminiscent of Roger Dean",
  ]);
  const ar = aspectParameter(size.width, size.height);

  return [
    `${scene}, ${c1} and ${c2} tones, ${light}, ${composition} ${ar}`,
    `${medium} of ${scene.replace(/^an? /, "")} in ${c1}, ${c2} and ${c3}, ${palette}, ${texture} ${ar}`,
    `minimalist poster, ${c2} sky fading into ${c1}, ${texture}, ${artist} ${ar}`,
    `${light}, ${palette}, layered silhouettes in ${c3}, ${medium}, ${composition}, highly detailed ${ar}`,
  ];
}
