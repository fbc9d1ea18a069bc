import { describe, expect, it } from "vitest";
import {
  parsePrompt,
  setParam,
  validatePrompt,
  type PromptIssue,
  type PromptParamKey,
  type PromptParams,
} from "./prompt-params";

const NONE: PromptParams = {
  aspect: null,
  version: null,
  niji: null,
  stylize: null,
  chaos: null,
  weird: null,
  quality: null,
  seed: null,
  no: null,
  tile: false,
  raw: false,
  speed: null,
};

describe("parsePrompt", () => {
  it.each<[string, string, string, Partial<PromptParams>, string[]]>([
    ["empty text", "", "", {}, []],
    [
      "canonical short names",
      "a cat --ar 16:9 --v 7 --s 250 --c 10 --w 100 --q 2 --seed 42 --no cars, trees --tile --style raw --turbo",
      "a cat",
      {
        aspect: "16:9",
        version: "7",
        stylize: 250,
        chaos: 10,
        weird: 100,
        quality: 2,
        seed: 42,
        no: "cars, trees",
        tile: true,
        raw: true,
        speed: "turbo",
      },
      [],
    ],
    [
      "long aliases and --raw",
      "a cat --aspect 3:2 --version 6.1 --stylize 100 --chaos 5 --weird 10 --quality .5 --raw",
      "a cat",
      { aspect: "3:2", version: "6.1", stylize: 100, chaos: 5, weird: 10, quality: 0.5, raw: true },
      [],
    ],
    [
      "em dashes from iOS",
      "a cat —ar 16:9 —no cars —fast",
      "a cat",
      { aspect: "16:9", no: "cars", speed: "fast" },
      [],
    ],
    [
      "upper-case names and values",
      "a cat --AR 2:3 --Style RAW --RELAX --NIJI 6",
      "a cat",
      { aspect: "2:3", raw: true, speed: "relax", niji: "6" },
      [],
    ],
    ["bare --niji is the default Niji", "a cat --niji", "a cat", { niji: "" }, []],
    ["--niji with a version", "a cat --niji 5 --s 50", "a cat", { niji: "5", stylize: 50 }, []],
    ["--niji before prompt words", "a --niji cat", "a cat", { niji: "" }, []],
    ["parameters before the text", "--ar 1:1 a cat", "a cat", { aspect: "1:1" }, []],
    ["parameters on their own lines", "a cat\n--ar 1:1\n--s 50", "a cat", { aspect: "1:1", stylize: 50 }, []],
    ["words between parameters", "a cat --ar 16:9 in the rain", "a cat in the rain", { aspect: "16:9" }, []],
    [
      "unmodelled parameters kept verbatim, values and all",
      "a cat --sref 123 456 --zoom 1.5 --cref https://x/y.png --iw 2 --p --exp 10 --sw 100 --stop 50 --video 1 --motion high --ar 1:1",
      "a cat",
      { aspect: "1:1" },
      [
        "--sref 123 456",
        "--zoom 1.5",
        "--cref https://x/y.png",
        "--iw 2",
        "--p",
        "--exp 10",
        "--sw 100",
        "--stop 50",
        "--video 1",
        "--motion high",
      ],
    ],
    ["--style other than raw is unmodelled", "a --niji 6 --style cute", "a", { niji: "6" }, ["--style cute"]],
    [
      "multi-prompt weights",
      "space ship::2 mars::-0.5 --ar 2:1",
      "space ship::2 mars::-0.5",
      { aspect: "2:1" },
      [],
    ],
    [
      "-- inside URLs is text",
      "https://x/a--b.png https://cdn.x/i.png?a=--ar a cat --v 6",
      "https://x/a--b.png https://cdn.x/i.png?a=--ar a cat",
      { version: "6" },
      [],
    ],
    [
      "CJK, emoji and Chinese dashes",
      "一只猫 🐱 在雨中——水彩 --ar 3:4",
      "一只猫 🐱 在雨中——水彩",
      { aspect: "3:4" },
      [],
    ],
    ["dashes without a name are text", "a -- b --- c --ar 1:1", "a -- b --- c", { aspect: "1:1" }, []],
    [
      "--no runs to the next parameter",
      "a cat --no cars,\n  red trees --tile",
      "a cat",
      { no: "cars, red trees", tile: true },
      [],
    ],
    ["the last repeat wins", "a --ar 1:1 --aspect 16:9", "a", { aspect: "16:9" }, []],
    ["a value that isn't a number reads as null", "a --s abc", "a", {}, []],
    ["an out-of-range value is kept for the control", "a --s 5000", "a", { stylize: 5000 }, []],
    ["a missing value reads as null", "a cat --ar", "a cat", {}, []],
  ])("%s", (_name, input, text, params, unknown) => {
    const parsed = parsePrompt(input);
    expect(parsed.text).toBe(text);
    expect(parsed.params).toEqual({ ...NONE, ...params });
    expect(parsed.unknown).toEqual(unknown);
  });
});

describe("validatePrompt", () => {
  it.each([
    "",
    "a cat",
    "a cat --ar 16:9 --v 7 --s 1000 --c 100 --w 3000 --q 4 --seed 4294967295 --no x --tile --style raw --turbo",
    "a --v 5.2 --q .25",
    "a --niji 6 --style cute",
    "a --niji 5 --style expressive",
    "a --niji --ar 4:1",
    "a --ar 1:4 --seed 0 --s 0 --c 0 --w 0",
    "a --sref 123 --zoom 1.5 --p --exp 10 --video 1 --motion high",
    "https://x/a--b.png a::2 --v 6.1",
    "一只猫 🐱\n--ar 3:4",
    "a --v 8",
    "a --v 8.1 --ar 4:1 --raw",
    "a --v 8.2 --q 2",
  ])("accepts %j", (prompt) => {
    expect(validatePrompt(prompt)).toEqual([]);
  });

  it.each<[string, PromptIssue["param"], PromptIssue["code"], PromptIssue["severity"], string]>([
    [
      "a --ar 0:1",
      "aspect",
      "aspect_not_positive",
      "error",
      "Both sides of the aspect ratio (--ar) must be at least 1, not 0:1.",
    ],
    [
      "a --ar 1:5",
      "aspect",
      "aspect_range",
      "warning",
      "Aspect ratio 1:5 is wider than 4:1 (or 1:4); some models refuse or crop it.",
    ],
    [
      "a --ar 14:1",
      "aspect",
      "aspect_range",
      "warning",
      "Aspect ratio 14:1 is wider than 4:1 (or 1:4); some models refuse or crop it.",
    ],
    [
      "a --ar 3:x",
      "aspect",
      "aspect_format",
      "error",
      'Aspect ratio (--ar) must be two whole numbers like 16:9, not "3:x".',
    ],
    [
      "a --ar 16-9",
      "aspect",
      "aspect_format",
      "error",
      'Aspect ratio (--ar) must be two whole numbers like 16:9, not "16-9".',
    ],
    [
      "a --ar 1.5:1",
      "aspect",
      "aspect_format",
      "error",
      'Aspect ratio (--ar) must be two whole numbers like 16:9, not "1.5:1".',
    ],
    ["a --s 5000", "stylize", "out_of_range", "error", "Stylize (--s) must be between 0 and 1000, not 5000."],
    [
      "a --stylize -1",
      "stylize",
      "out_of_range",
      "error",
      "Stylize (--s) must be between 0 and 1000, not -1.",
    ],
    ["a --s 10.5", "stylize", "not_integer", "error", "Stylize (--s) must be a whole number, not 10.5."],
    ["a --s abc", "stylize", "not_a_number", "error", 'Stylize (--s) must be a number, not "abc".'],
    ["a --c 200", "chaos", "out_of_range", "error", "Chaos (--c) must be between 0 and 100, not 200."],
    ["a --w 4000", "weird", "out_of_range", "error", "Weird (--w) must be between 0 and 3000, not 4000."],
    ["a --q 3", "quality", "not_allowed", "error", "Quality (--q) must be one of 0.25, 0.5, 1, 2, 4, not 3."],
    [
      "a --seed -1",
      "seed",
      "out_of_range",
      "error",
      "Seed (--seed) must be between 0 and 4294967295, not -1.",
    ],
    ["a --seed 1.5", "seed", "not_integer", "error", "Seed (--seed) must be a whole number, not 1.5."],
    [
      "a --seed 4294967296",
      "seed",
      "out_of_range",
      "error",
      "Seed (--seed) must be between 0 and 4294967295, not 4294967296.",
    ],
    [
      "a --v 7 --niji",
      "version",
      "model_conflict",
      "error",
      "Use either --v or --niji, not both: they choose different models.",
    ],
    [
      "a --v 9",
      "version",
      "version_unknown",
      "warning",
      "Model version 9 isn't one MJ Studio knows (1, 2, 3, 4, 5, 5.0, 5.1, 5.2, 6, 6.0, 6.1, 7, 8, 8.1, 8.2); it is sent as typed for Midjourney to judge.",
    ],
    [
      "a --niji 8",
      "niji",
      "version_unknown",
      "warning",
      "Niji version 8 isn't one MJ Studio knows (4, 5, 6, 7); it is sent as typed for Midjourney to judge.",
    ],
    [
      "a --v latest",
      "version",
      "not_a_number",
      "error",
      'Model version (--v) must be a number, not "latest".',
    ],
    [
      "a --v 8.1 --q 1",
      "quality",
      "model_unsupported",
      "warning",
      "Quality (--q) isn't supported on V8.1; Midjourney may ignore or refuse it.",
    ],
    [
      "a --ar 1:1 --ar 16:9",
      "aspect",
      "duplicate",
      "warning",
      "Aspect ratio is set 2 times; only the last one (--ar 16:9) counts.",
    ],
    [
      "a --fast --fast",
      "speed",
      "duplicate",
      "warning",
      "Speed is set 2 times; only the last one (--fast) counts.",
    ],
    [
      "a --ar",
      "aspect",
      "missing_value",
      "error",
      "Aspect ratio (--ar) needs a value, for example --ar 16:9.",
    ],
    [
      "a --ar --tile",
      "aspect",
      "missing_value",
      "error",
      "Aspect ratio (--ar) needs a value, for example --ar 16:9.",
    ],
    [
      "a --no",
      "no",
      "missing_value",
      "error",
      "Excluded items (--no) needs a value, for example --no cars, trees.",
    ],
    ["a --style", "raw", "missing_value", "error", "Style (--style) needs a value, for example --style raw."],
    [
      "a --style cute",
      "raw",
      "style_unsupported",
      "warning",
      "--style cute only works with Niji 5 or 6 (cute, expressive, original, scenic); other models take only --style raw.",
    ],
    [
      "a --niji 7 --style scenic",
      "raw",
      "style_unsupported",
      "warning",
      "--style scenic only works with Niji 5 or 6 (cute, expressive, original, scenic); other models take only --style raw.",
    ],
    [
      "a --fast --relax",
      "speed",
      "speed_conflict",
      "error",
      "Choose one speed: --fast and --relax can't be used together.",
    ],
    [
      "a --ar 16:9 blue sky",
      "prompt",
      "stray_text",
      "warning",
      `"blue sky" sits among the parameters, where Midjourney doesn't expect prompt text; move it before the first --parameter.`,
    ],
  ])("%j: %s %s", (prompt, param, code, severity, message) => {
    expect(validatePrompt(prompt)).toEqual([{ param, code, severity, message, args: expect.any(Object) }]);
  });

  it("gives translations the values behind a message", () => {
    expect(validatePrompt("a --c 200")[0]?.args).toEqual({ flag: "--c", value: "200", min: 0, max: 100 });
    expect(validatePrompt("a --ar 1:1 --ar 16:9 --ar 2:3")[0]?.args).toEqual({ count: 3, used: "--ar 2:3" });
  });

  it("reports every problem of a prompt, each once", () => {
    const codes = validatePrompt("a --v 9 --niji --s 5000 --fast --turbo").map((issue) => issue.code);
    expect(codes.sort()).toEqual(["model_conflict", "out_of_range", "speed_conflict", "version_unknown"]);
  });

  it("never holds a submit for a newer model or a wide ratio: the composer blocks on errors only", () => {
    for (const prompt of ["a --v 8.1 --ar 14:1", "a --v 9 --ar 1:20", "a --niji 8 --ar 5:1"]) {
      expect(validatePrompt(prompt).filter((issue) => issue.severity === "error")).toEqual([]);
    }
    expect(validatePrompt("a --v 8.1 --ar 14:1").map((issue) => issue.code)).toEqual(["aspect_range"]);
  });

  it("is what parsePrompt reports", () => {
    const prompt = "a --ar 0:1 --q 3";
    expect(validatePrompt(prompt)).toEqual(parsePrompt(prompt).issues);
  });
});

describe("setParam", () => {
  it.each<[string, string, PromptParamKey, PromptParams[PromptParamKey], string]>([
    [
      "rewrites an alias in place, canonically",
      "a cat --aspect 3:2 --v 7",
      "aspect",
      "16:9",
      "a cat --ar 16:9 --v 7",
    ],
    [
      "keeps the separators around it",
      "a cat\n—ar 3:2\n--sref 1",
      "aspect",
      "1:1",
      "a cat\n--ar 1:1\n--sref 1",
    ],
    ["writes --raw as --style raw", "a cat --raw --fast", "raw", true, "a cat --style raw --fast"],
    ["switches speed in place", "a cat --fast --tile", "speed", "relax", "a cat --relax --tile"],
    [
      "keeps the last of repeats, drops the others",
      "a --ar 1:1 b —aspect 16:9 c",
      "aspect",
      "4:3",
      "a b --ar 4:3 c",
    ],
    ["writes a bare --niji for the default", "a cat --niji 6 --s 50", "niji", "", "a cat --niji --s 50"],
    ["replaces all of --no", "a cat --no cars,\n trees --tile", "no", "dogs", "a cat --no dogs --tile"],
    ["fixes an unreadable value", "a cat --s abc --c 5", "stylize", 100, "a cat --s 100 --c 5"],
    ["fills a missing value", "a cat --ar --v 7", "aspect", "1:1", "a cat --ar 1:1 --v 7"],
    ["appends an explicit 1:1", "a cat", "aspect", "1:1", "a cat --ar 1:1"],
    ["writes into empty text", "", "seed", 42, "--seed 42"],
    ["inserts before later parameters", "a cat --v 7", "aspect", "16:9", "a cat --ar 16:9 --v 7"],
    ["inserts past unmodelled ones", "a cat --sref 1 --s 50", "version", "7", "a cat --sref 1 --v 7 --s 50"],
    ["inserts with the same separator", "a cat\n--v 7", "aspect", "1:1", "a cat\n--ar 1:1\n--v 7"],
    [
      "ends --no before the next parameter",
      "a cat --tile",
      "no",
      "cars, trees",
      "a cat --no cars, trees --tile",
    ],
    ["appends after unmodelled ones", "a cat --zoom 1.5", "tile", true, "a cat --zoom 1.5 --tile"],
    ["keeps trailing whitespace last", "a cat\n", "quality", 2, "a cat --q 2\n"],
    ["inserts in front of a leading parameter", "--v 7 a cat", "aspect", "1:1", "--ar 1:1 --v 7 a cat"],
    ["removes for null", "a cat --ar 1:1 --v 7", "aspect", null, "a cat --v 7"],
    ["removes for false", "a cat --tile --v 7", "tile", false, "a cat --v 7"],
    ["removes for an empty string", "a cat --no cars", "no", "", "a cat"],
    ["removes for NaN", "a cat --s 100", "stylize", Number.NaN, "a cat"],
    ["removes every repeat", "a --ar 1:1 b --ar 16:9 c", "aspect", null, "a b c"],
    ["removes a leading parameter", "--ar 1:1 a cat", "aspect", null, "a cat"],
    ["keeps leading whitespace", "  --tile a", "tile", false, "  a"],
    ["removes conflicting speeds", "a cat --fast --relax", "speed", null, "a cat"],
    ["leaves other --style values alone", "a cat --style cute --raw", "raw", false, "a cat --style cute"],
    [
      "leaves look-alikes in unmodelled values alone",
      "a --sref x --ar --p",
      "aspect",
      "2:3",
      "a --sref x --ar 2:3 --p",
    ],
    ["takes the spaces out of one-word values", "a", "aspect", " 16 : 9", "a --ar 16:9"],
    ["collapses whitespace in --no", "a", "no", " cars,\n  trees ", "a --no cars, trees"],
  ])("%s", (_name, text, key, value, expected) => {
    expect(setParam(text, key, value)).toBe(expected);
  });

  const ALL: [PromptParamKey, PromptParams[PromptParamKey]][] = [
    ["aspect", "16:9"],
    ["version", "7"],
    ["niji", "6"],
    ["stylize", 250],
    ["chaos", 10],
    ["weird", 100],
    ["quality", 2],
    ["seed", 42],
    ["no", "cars, trees"],
    ["tile", true],
    ["raw", true],
    ["speed", "fast"],
  ];
  const CANONICAL =
    "a cat --ar 16:9 --v 7 --niji 6 --s 250 --c 10 --w 100 --q 2 --seed 42 --no cars, trees --tile --style raw --fast";
  // Deterministic shuffles: forward, backward, and strides through the list that interleave it.
  const orders = [1, 11, 5, 7].map((stride) => ALL.map((_, i) => ALL[(i * stride) % ALL.length]!));

  it.each(orders.map((order) => [order.map(([key]) => key).join(" "), order] as const))(
    "builds the canonical order whatever the order of setting: %s",
    (_keys, order) => {
      expect(order.reduce((text, [key, value]) => setParam(text, key, value), "a cat")).toBe(CANONICAL);
    },
  );
});

describe("round trips", () => {
  const BASES = [
    "",
    "a cat",
    "a cat\n",
    "https://x/a--b.png a cat::2 dog::-0.5",
    "一只猫 🐱 在雨中\n第二行 --ar 3:4",
    "a cat --sref 123 --zoom 1.5 --p",
    "a cat —ar 3:2 --s 50 —fast",
    "--v 6 a cat",
    "a cat --no cars,\n trees --tile",
    "a --ar 1:1 b --aspect 16:9",
    "  indented\n\n--c 5\n--raw  ",
  ];
  const VALUES: [PromptParamKey, PromptParams[PromptParamKey]][] = [
    ["aspect", "1:1"],
    ["aspect", "21:9"],
    ["version", "6.1"],
    ["niji", ""],
    ["niji", "7"],
    ["stylize", 0],
    ["chaos", 100],
    ["weird", 3000],
    ["quality", 0.25],
    ["seed", 4294967295],
    ["no", "red, blue"],
    ["tile", true],
    ["raw", true],
    ["speed", "relax"],
    ["speed", "turbo"],
  ];
  const cases = BASES.flatMap((base) => VALUES.map(([key, value]) => [base, key, value] as const));

  it.each(cases)("%j with %s = %j", (base, key, value) => {
    const once = setParam(base, key, value);
    const before = parsePrompt(base);
    const after = parsePrompt(once);

    // The value reads back as written, and writing what was read back changes nothing.
    expect(after.params[key]).toEqual(value);
    expect(setParam(base, key, after.params[key])).toBe(once);
    expect(setParam(once, key, value)).toBe(once);

    // Nothing but that parameter moved: the text, unmodelled and other parameters read the same...
    expect(after.text).toBe(before.text);
    expect(after.unknown).toEqual(before.unknown);
    expect({ ...after.params, [key]: null }).toEqual({ ...before.params, [key]: null });
    // ...and without the parameter both texts are the same string.
    expect(setParam(once, key, null)).toBe(setParam(base, key, null));

    // Setting then clearing a parameter the text didn't have restores it exactly.
    if (before.params[key] === NONE[key]) expect(setParam(once, key, null)).toBe(base);
  });

  it.each(BASES)("setting every parameter to its own value keeps the meaning of %j", (base) => {
    const before = parsePrompt(base);
    const keys = Object.keys(NONE) as PromptParamKey[];
    const rewritten = keys.reduce((text, key) => setParam(text, key, before.params[key]), base);
    const after = parsePrompt(rewritten);
    expect(after.params).toEqual(before.params);
    expect(after.text).toBe(before.text);
    expect(after.unknown).toEqual(before.unknown);
  });
});
