import { describe, expect, it } from "vitest";
import {
  imagePromptUrls,
  parsePrompt,
  setImagePromptUrls,
  setParam,
  splitValues,
  validatePrompt,
  type PromptIssue,
  type PromptParamKey,
  type PromptParams,
} from "./prompt-params";

const NONE: PromptParams = {
  aspect: null,
  version: null,
  niji: null,
  resolution: null,
  stylize: null,
  chaos: null,
  weird: null,
  exp: null,
  quality: null,
  seed: null,
  iw: null,
  sref: null,
  sw: null,
  sv: null,
  oref: null,
  ow: null,
  cref: null,
  cw: null,
  profile: null,
  no: null,
  tile: false,
  raw: false,
  draft: false,
  speed: null,
};

/** The issues without their fixes (functions), for comparing whole lists. */
const plain = (issues: readonly PromptIssue[]) =>
  issues.map(({ param, code, severity, message }) => ({ param, code, severity, message }));

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
      "a cat --zoom 1.5 --stop 50 --video 1 --motion high --foo 3 x --ar 1:1",
      "a cat",
      { aspect: "1:1" },
      ["--zoom 1.5", "--stop 50", "--video 1", "--motion high", "--foo 3 x"],
    ],
    [
      "references and their weights",
      "https://x/i.png a cat --iw 1.5 --sref 1234567 https://a/b.png --sw 300 --sv 4 --oref https://x/o.png --ow 200 --cref https://x/c.png https://x/d.png --cw 50",
      "https://x/i.png a cat",
      {
        iw: 1.5,
        sref: "1234567 https://a/b.png",
        sw: 300,
        sv: 4,
        oref: "https://x/o.png",
        ow: 200,
        cref: "https://x/c.png https://x/d.png",
        cw: 50,
      },
      [],
    ],
    ["--sref random", "a --sref random --v 7", "a", { sref: "random", version: "7" }, []],
    ["a bare --p is the default profile", "a cat --p", "a cat", { profile: "" }, []],
    [
      "--p with profile and moodboard codes",
      "a --p abc123 m7x9 --s 50",
      "a",
      { profile: "abc123 m7x9", stylize: 50 },
      [],
    ],
    ["--profile and --personalize are --p", "a --profile x1 --personalize y2", "a", { profile: "y2" }, []],
    [
      "V8 parameters",
      "a --v 8.1 --hd --exp 25 --draft --raw",
      "a",
      { version: "8.1", resolution: "hd", exp: 25, draft: true, raw: true },
      [],
    ],
    ["--sd", "a --sd", "a", { resolution: "sd" }, []],
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
    // No --q: any --q on V7 warns (sources disagree, D1).
    "a cat --ar 16:9 --v 7 --s 1000 --c 100 --w 3000 --seed 4294967295 --no x --tile --style raw --turbo",
    "a --niji 6 --style cute",
    "a --niji --ar 4:1",
    "a --ar 1:4 --seed 0 --s 0 --c 0 --w 0",
    "a --ar 30:1",
    "a --sref 123 --zoom 1.5 --p --exp 10 --video 1 --motion high",
    "https://x/a--b.png a::2 --v 6.1",
    "一只猫 🐱\n--ar 3:4",
    "a --v 8",
    "a --v 8.1 --ar 4:1 --raw",
    "a --v 8.1 --sd --ar 14:1",
    // The acceptance prompt of issue 10: what works on midjourney.com today.
    "a cat --v 8.1 --hd --ar 7:2 --sref 1234567 --sw 300 --p",
    "a --v 7 --oref https://x/o.png --ow 1000 --exp 100 --draft --iw 3 --sv 4",
    "a --v 6 --cref https://x/c.png --cw 0 --sref random --sw 0",
    "a --stop 50 --r 4 --repeat 2 --video 1 --motion low --loop --end https://x/e.png --bs 2 --zoom 2",
  ])("accepts %j", (prompt) => {
    expect(plain(validatePrompt(prompt))).toEqual([]);
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
      "a --v 8.1 --ar 1:5",
      "aspect",
      "aspect_hd",
      "warning",
      "Aspect ratio 1:5 is wider than 4:1 (or 1:4), the widest V8.1 takes in HD, which may be the default; with --sd it goes up to 14:1.",
    ],
    [
      "a --v 8.1 --hd --ar 7:1",
      "aspect",
      "aspect_hd",
      "warning",
      "Aspect ratio 7:1 is wider than 4:1 (or 1:4), the widest V8.1 takes in HD, which may be the default; with --sd it goes up to 14:1.",
    ],
    [
      "a --v 8.1 --sd --ar 15:1",
      "aspect",
      "aspect_range",
      "warning",
      "Aspect ratio 15:1 is wider than 14:1 (or 1:14), the widest V8.1 is documented to take.",
    ],
    [
      "a --v 8.2 --ar 5:1",
      "aspect",
      "aspect_unverified",
      "warning",
      "Aspect ratio 5:1 is wider than 4:1; how wide V8.2 goes isn't documented, and some models refuse or crop it.",
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
    ["a --s 250,", "stylize", "not_a_number", "error", 'Stylize (--s) must be a number, not "250,".'],
    ["a --c 101", "chaos", "out_of_range", "error", "Chaos (--c) must be between 0 and 100, not 101."],
    ["a --w 4000", "weird", "out_of_range", "error", "Weird (--w) must be between 0 and 3000, not 4000."],
    [
      "a --sw 1001",
      "sw",
      "out_of_range",
      "error",
      "Style weight (--sw) must be between 0 and 1000, not 1001.",
    ],
    ["a --iw 4", "iw", "out_of_range", "error", "Image weight (--iw) must be between 0 and 3, not 4."],
    [
      "a --exp 101",
      "exp",
      "out_of_range",
      "error",
      "Experimental (--exp) must be between 0 and 100, not 101.",
    ],
    [
      "a --cw 101",
      "cw",
      "out_of_range",
      "error",
      "Character weight (--cw) must be between 0 and 100, not 101.",
    ],
    [
      "a --ow 1001",
      "ow",
      "out_of_range",
      "error",
      "Omni weight (--ow) must be between 0 and 1000, not 1001.",
    ],
    ["a --sv 7", "sv", "out_of_range", "error", "Style version (--sv) must be between 1 and 6, not 7."],
    ["a --sw x", "sw", "not_a_number", "error", 'Style weight (--sw) must be a number, not "x".'],
    [
      "a --sref",
      "sref",
      "missing_value",
      "error",
      "Style reference (--sref) needs a value, for example --sref 1234567.",
    ],
    [
      "a --q 3",
      "quality",
      "quality_unlisted",
      "warning",
      "Quality 3 isn't among the values known for Default (0.25, 0.5, 1, 2, 4); Midjourney may refuse it.",
    ],
    ["a --q high", "quality", "not_a_number", "error", 'Quality (--q) must be a number, not "high".'],
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
      "Model version 9 isn't one MJ Studio knows; it is sent as typed, and checked as if it were V8.2 (the nearest older model), as a guess.",
    ],
    [
      "a --v 8.3",
      "version",
      "version_unknown",
      "warning",
      "Model version 8.3 isn't one MJ Studio knows; it is sent as typed, and checked as if it were V8.2 (the nearest older model), as a guess.",
    ],
    [
      "a --niji 8",
      "niji",
      "version_unknown",
      "warning",
      "Niji version 8 isn't one MJ Studio knows; it is sent as typed, and checked as if it were Niji 7 (the nearest older model), as a guess.",
    ],
    [
      "a --v 5.2 --q .25",
      "version",
      "version_legacy",
      "warning",
      "Model version 5.2 is older than the models MJ Studio checks; it is sent as typed, with only the checks that hold on every model.",
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
      "a --v 8.1 --turbo",
      "speed",
      "model_unsupported",
      "warning",
      "Turbo (--turbo) isn't supported on V8.1; Midjourney may ignore or refuse it.",
    ],
    [
      "a --v 8.1 --style raw",
      "raw",
      "model_unsupported",
      "warning",
      "Raw style (--style raw) isn't supported on V8.1; Midjourney may ignore or refuse it.",
    ],
    [
      "a --v 7 --cref https://x/c.png",
      "cref",
      "model_unsupported",
      "warning",
      "Character reference (--cref) isn't supported on V7; Midjourney may ignore or refuse it.",
    ],
    [
      "a --v 8.2 --sref 123",
      "sref",
      "model_unknown_support",
      "warning",
      "No source MJ Studio knows says whether V8.2 takes Style reference (--sref); it is sent for Midjourney to judge.",
    ],
    [
      "a --v 8.1 --oref https://x/o.png",
      "oref",
      "model_disputed",
      "warning",
      "Sources disagree on Omni reference (--oref) for V8.1: One source says omni reference is a V7-only feature, one that Edit replaced it; a V8.1 guide lists --oref and --ow.",
    ],
    ["a --v 6 --sv 5", "sv", "out_of_range", "error", "Style version (--sv) must be between 1 and 4, not 5."],
    [
      "a --v 7 --sv 6",
      "sv",
      "range_warning",
      "warning",
      "Style version (--sv) 6 is outside 1–4, the range given for V7; it is sent for Midjourney to judge.",
    ],
    [
      "a --v 7 --ow 0",
      "ow",
      "range_warning",
      "warning",
      "Omni weight (--ow) 0 is outside 1–1000, the range given for V7; it is sent for Midjourney to judge.",
    ],
    [
      "a --ar 1:1 --ar 16:9",
      "aspect",
      "duplicate",
      "warning",
      "Aspect ratio is set 2 times; only the last one (--ar 16:9) counts.",
    ],
    [
      "a --v 8 --v 8.1",
      "version",
      "duplicate",
      "warning",
      "Model version is set 2 times; only the last one (--v 8.1) counts.",
    ],
    [
      "a --fast --fast",
      "speed",
      "duplicate",
      "warning",
      "Speed is set 2 times; only the last one (--fast) counts.",
    ],
    [
      "a --hd --sd",
      "resolution",
      "resolution_conflict",
      "warning",
      "Choose one resolution: --hd and --sd contradict each other; the last one is what counts here.",
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
      "a --niji 6 --style scenic --style raw --niji 6",
      "niji",
      "duplicate",
      "warning",
      "Niji version is set 2 times; only the last one (--niji 6) counts.",
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
    [
      "a --foo 3",
      "prompt",
      "unknown_param",
      "warning",
      "--foo isn't a parameter MJ Studio knows; it is kept and sent as typed for Midjourney to judge.",
    ],
  ])("%j: %s %s", (prompt, param, code, severity, message) => {
    expect(plain(validatePrompt(prompt))).toEqual([{ param, code, severity, message }]);
  });

  it("gives translations the values behind a message", () => {
    expect(validatePrompt("a --c 200")[0]?.args).toEqual({ flag: "--c", value: "200", min: 0, max: 100 });
    expect(validatePrompt("a --ar 1:1 --ar 16:9 --ar 2:3")[0]?.args).toEqual({ count: 3, used: "--ar 2:3" });
    expect(validatePrompt("a --v 8.3")[0]?.args).toEqual({ value: "8.3", guess: "V8.2" });
    expect(validatePrompt("a --v 8.1 --draft")[0]?.args).toMatchObject({
      flag: "--draft",
      model: "V8.1",
      modelId: "v8.1",
      dispute: "D8",
    });
  });

  it("marks the server default by id, so the UI can word it in the user's language", () => {
    expect(validatePrompt("a --q 3")[0]?.args).toEqual({
      flag: "--q",
      value: 3,
      model: "Default",
      modelId: "default",
      allowed: "0.25, 0.5, 1, 2, 4",
    });
    expect(validatePrompt("a --v 6 --oref https://x.test/a.png")[0]?.args).toMatchObject({
      model: "V6",
      modelId: "v6",
    });
  });

  it("reports every problem of a prompt, each once", () => {
    const codes = validatePrompt("a --v 9 --niji --s 5000 --fast --turbo").map((issue) => issue.code);
    // --turbo is disputed on V8.2, whose rules stand in for the unknown V9.
    expect(codes.sort()).toEqual([
      "model_conflict",
      "model_disputed",
      "out_of_range",
      "speed_conflict",
      "version_unknown",
    ]);
  });

  it("never holds a submit for a newer model, a disputed value or a wide ratio: the composer blocks on errors only", () => {
    for (const prompt of [
      "a --v 8.1 --ar 14:1",
      "a --v 9 --ar 1:20",
      "a --niji 8 --ar 5:1",
      "a --v 8.3 --q 3 --style raw --oref https://x/o.png --ow 0",
      "a --v 8 --v 8.1 --q 4 --turbo --cref https://x/c.png",
      "a --v 7 --sv 6 --ow 0 --raw --q 0.75",
      "a --foo 3 --bar --v 10.4",
    ]) {
      expect(validatePrompt(prompt).filter((issue) => issue.severity === "error")).toEqual([]);
    }
    expect(validatePrompt("a --v 8.1 --ar 14:1").map((issue) => issue.code)).toEqual(["aspect_hd"]);
  });

  it("checks an unknown version with the nearest older model's rules", () => {
    expect(validatePrompt("a --v 8.3 --hd --ar 3:1").map((issue) => issue.code)).toEqual(["version_unknown"]);
    expect(validatePrompt("a --v 7.5 --cref https://x/c.png").map((issue) => issue.code)).toEqual([
      "version_unknown",
      "model_unsupported",
    ]);
    // A guessed model's range only warns: the newer model may have widened it.
    expect(plain(validatePrompt("a --v 6.5 --sv 5"))).toMatchObject([
      { code: "version_unknown" },
      { code: "range_warning", severity: "warning" },
    ]);
  });

  it("keeps the checks of the server's default model to those that hold on every model", () => {
    const prompt =
      "a --q 1 --hd --draft --oref https://x/o.png --cref https://x/c.png --turbo --exp 5 --ar 20:1";
    expect(validatePrompt(prompt)).toEqual([]);
  });

  it("flags unknown parameters, keeps them, and knows the ones it has no control for", () => {
    const parsed = parsePrompt("a --foo 3 --stop 50 --r 2 --personalize --ar 1:1");
    expect(parsed.unknown).toEqual(["--foo 3", "--stop 50", "--r 2"]);
    expect(parsed.issues.map((issue) => [issue.code, issue.args])).toEqual([
      ["unknown_param", { flag: "--foo" }],
    ]);
    expect(setParam("a --foo 3 --stop 50 --ar 1:1", "aspect", "2:3")).toBe("a --foo 3 --stop 50 --ar 2:3");
    expect(setParam("a --foo 3", "tile", true)).toBe("a --foo 3 --tile");
  });

  it.each<[string, string, string]>([
    ["a --v 8.1 --q 2 --s 50", "remove", "a --v 8.1 --s 50"],
    ["a --v 8.1 --turbo", "remove", "a --v 8.1"],
    ["a --v 8.1 --style raw --s 5", "use_raw", "a --v 8.1 --raw --s 5"],
    ["a --v 8.2 --style raw", "use_raw", "a --v 8.2 --raw"],
    ["a --v 7 --raw", "use_style_raw", "a --v 7 --style raw"],
    [
      "a --v 7 --cref https://x/c.png https://x/d.png --s 5",
      "use_oref",
      "a --v 7 --s 5 --oref https://x/c.png",
    ],
    ["a --v 8.1 --ar 7:1", "use_sd", "a --v 8.1 --ar 7:1 --sd"],
    ["a --v 8.1 --hd --ar 7:1", "use_sd", "a --v 8.1 --sd --ar 7:1"],
    ["a --v 6 --exp 5", "remove", "a --v 6"],
  ])("offers a fix for %j: %s", (prompt, code, fixed) => {
    const fixes = validatePrompt(prompt).flatMap((issue) => (issue.fix ? [issue.fix] : []));
    expect(fixes.map((fix) => fix.code)).toEqual([code]);
    expect(fixes[0]?.apply(prompt)).toBe(fixed);
    expect(validatePrompt(fixed).filter((issue) => issue.fix?.code === code)).toEqual([]);
  });

  it("is what parsePrompt reports", () => {
    const prompt = "a --ar 0:1 --q 3";
    expect(validatePrompt(prompt)).toEqual(parsePrompt(prompt).issues);
  });
});

describe("setParam", () => {
  it.each<[string, string, PromptParamKey, PromptParams[PromptParamKey], string]>([
    ["keeps the alias typed", "a cat --aspect 3:2 --v 7", "aspect", "16:9", "a cat --aspect 16:9 --v 7"],
    ["keeps --chaos as --chaos", "a cat --chaos 10", "chaos", 20, "a cat --chaos 20"],
    [
      "keeps --stylize",
      "a --stylize 10 --weird 5 --quality 1",
      "stylize",
      20,
      "a --stylize 20 --weird 5 --quality 1",
    ],
    ["keeps --version", "a --version 6", "version", "7", "a --version 7"],
    ["keeps --profile", "a --profile x1", "profile", "y2 z3", "a --profile y2 z3"],
    ["keeps --personalize bare", "a --personalize x1", "profile", "", "a --personalize"],
    [
      "keeps the separators around it",
      "a cat\n—ar 3:2\n--sref 1",
      "aspect",
      "1:1",
      "a cat\n--ar 1:1\n--sref 1",
    ],
    ["keeps --raw as typed", "a cat --raw --fast", "raw", true, "a cat --raw --fast"],
    ["keeps --style raw as typed", "a --v 8.1 --style raw", "raw", true, "a --v 8.1 --style raw"],
    ["writes raw as --raw on V8.x", "a --v 8.1", "raw", true, "a --v 8.1 --raw"],
    ["writes raw as --style raw on V7", "a --v 7", "raw", true, "a --v 7 --style raw"],
    ["writes raw as --style raw on Niji 6", "a --niji 6", "raw", true, "a --niji 6 --style raw"],
    ["writes raw as --raw for the default model", "a", "raw", true, "a --raw"],
    ["writes raw as --raw for an unknown version", "a --v 9", "raw", true, "a --v 9 --raw"],
    ["switches speed in place", "a cat --fast --tile", "speed", "relax", "a cat --relax --tile"],
    ["switches resolution in place", "a --v 8.1 --hd --s 5", "resolution", "sd", "a --v 8.1 --sd --s 5"],
    [
      "keeps the last of repeats, drops the others",
      "a --ar 1:1 b —aspect 16:9 c",
      "aspect",
      "4:3",
      "a b --aspect 4:3 c",
    ],
    ["writes a bare --niji for the default", "a cat --niji 6 --s 50", "niji", "", "a cat --niji --s 50"],
    ["writes a bare --p", "a cat --p abc --s 50", "profile", "", "a cat --p --s 50"],
    ["replaces all of --no", "a cat --no cars,\n trees --tile", "no", "dogs", "a cat --no dogs --tile"],
    [
      "replaces all of --sref",
      "a --sref 1 https://x/a.png --sw 5",
      "sref",
      "random",
      "a --sref random --sw 5",
    ],
    ["fixes an unreadable value", "a cat --s abc --c 5", "stylize", 100, "a cat --s 100 --c 5"],
    ["fills a missing value", "a cat --ar --v 7", "aspect", "1:1", "a cat --ar 1:1 --v 7"],
    ["appends an explicit 1:1", "a cat", "aspect", "1:1", "a cat --ar 1:1"],
    ["writes into empty text", "", "seed", 42, "--seed 42"],
    ["inserts before later parameters", "a cat --v 7", "aspect", "16:9", "a cat --ar 16:9 --v 7"],
    ["inserts past unmodelled ones", "a cat --zoom 1 --s 50", "version", "7", "a cat --zoom 1 --v 7 --s 50"],
    ["inserts with the same separator", "a cat\n--v 7", "aspect", "1:1", "a cat\n--ar 1:1\n--v 7"],
    [
      "ends --no before the next parameter",
      "a cat --tile",
      "no",
      "cars, trees",
      "a cat --no cars, trees --tile",
    ],
    ["ends --sref before the next parameter", "a --sw 5", "sref", "1 2", "a --sref 1 2 --sw 5"],
    ["appends after unmodelled ones", "a cat --zoom 1.5", "tile", true, "a cat --zoom 1.5 --tile"],
    ["keeps trailing whitespace last", "a cat\n", "quality", 2, "a cat --q 2\n"],
    ["inserts in front of a leading parameter", "--v 7 a cat", "aspect", "1:1", "--ar 1:1 --v 7 a cat"],
    ["removes for null", "a cat --ar 1:1 --v 7", "aspect", null, "a cat --v 7"],
    ["removes for false", "a cat --tile --v 7", "tile", false, "a cat --v 7"],
    ["removes for an empty string", "a cat --no cars", "no", "", "a cat"],
    ["removes a profile for null", "a cat --p x", "profile", null, "a cat"],
    ["removes for NaN", "a cat --s 100", "stylize", Number.NaN, "a cat"],
    ["removes every repeat", "a --ar 1:1 b --ar 16:9 c", "aspect", null, "a b c"],
    ["removes a leading parameter", "--ar 1:1 a cat", "aspect", null, "a cat"],
    ["keeps leading whitespace", "  --tile a", "tile", false, "  a"],
    ["removes conflicting speeds", "a cat --fast --relax", "speed", null, "a cat"],
    ["removes both spellings of raw", "a --raw --style raw", "raw", false, "a"],
    ["leaves other --style values alone", "a cat --style cute --raw", "raw", false, "a cat --style cute"],
    [
      "leaves look-alikes in other values alone",
      "a --zoom x --ar --p",
      "aspect",
      "2:3",
      "a --zoom x --ar 2:3 --p",
    ],
    ["leaves unknown flags alone", "a --foo 1 --bar", "sw", 100, "a --foo 1 --bar --sw 100"],
    ["takes the spaces out of one-word values", "a", "aspect", " 16 : 9", "a --ar 16:9"],
    ["collapses whitespace in --no", "a", "no", " cars,\n  trees ", "a --no cars, trees"],
  ])("%s", (_name, text, key, value, expected) => {
    expect(setParam(text, key, value)).toBe(expected);
  });

  // Raw's spelling follows the model, so the model here is one that spells it the same whatever was set first.
  const ALL: [PromptParamKey, PromptParams[PromptParamKey]][] = [
    ["aspect", "16:9"],
    ["version", "8.1"],
    ["resolution", "hd"],
    ["stylize", 250],
    ["chaos", 10],
    ["weird", 100],
    ["exp", 25],
    ["quality", 2],
    ["seed", 42],
    ["iw", 1.5],
    ["sref", "123 https://x/a.png"],
    ["sw", 300],
    ["sv", 4],
    ["oref", "https://x/o.png"],
    ["ow", 100],
    ["cref", "https://x/c.png"],
    ["cw", 50],
    ["profile", "abc m7x9"],
    ["no", "cars, trees"],
    ["tile", true],
    ["raw", true],
    ["draft", true],
    ["speed", "fast"],
  ];
  const CANONICAL =
    "a cat --ar 16:9 --v 8.1 --hd --s 250 --c 10 --w 100 --exp 25 --q 2 --seed 42 --iw 1.5 --sref 123 https://x/a.png --sw 300 --sv 4 --oref https://x/o.png --ow 100 --cref https://x/c.png --cw 50 --p abc m7x9 --no cars, trees --tile --raw --draft --fast";
  // Deterministic shuffles (23 keys, a prime): forward, backward, and strides that interleave it.
  const orders = [1, 22, 5, 7].map((stride) => ALL.map((_, i) => ALL[(i * stride) % ALL.length]!));

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
    "a --chaos 5 --stylize 20 --quality .5 --weird 9 --version 7 --profile x --style raw --foo 1 --hd",
    "a --v 8.1 --sref 1 https://x/s.png --sw 10 --oref https://x/o.png --ow 5 --iw 2 --exp 3 --draft",
    "a --cref https://x/c.png --cw 7 --sv 2 --p m7x9 --sd --bar",
  ];
  const VALUES: [PromptParamKey, PromptParams[PromptParamKey]][] = [
    ["aspect", "1:1"],
    ["aspect", "21:9"],
    ["version", "6.1"],
    ["version", "8.2"],
    ["niji", ""],
    ["niji", "7"],
    ["resolution", "hd"],
    ["resolution", "sd"],
    ["stylize", 0],
    ["chaos", 100],
    ["weird", 3000],
    ["exp", 100],
    ["quality", 0.25],
    ["seed", 4294967295],
    ["iw", 0.25],
    ["sref", "random"],
    ["sref", "1234567 https://a/b.png"],
    ["sw", 1000],
    ["sv", 6],
    ["oref", "https://x/o2.png"],
    ["ow", 1],
    ["cref", "https://x/c1.png https://x/c2.png"],
    ["cw", 0],
    ["profile", ""],
    ["profile", "abc123 m7x9"],
    ["no", "red, blue"],
    ["tile", true],
    ["raw", true],
    ["draft", true],
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
    // Rewriting keeps the names the text was typed with (--chaos stays --chaos): no name appears
    // that wasn't there. Speed and resolution are the exception: their name is their value.
    if (before.params[key] !== NONE[key] && key !== "speed" && key !== "resolution") {
      expect(names(base)).toEqual(expect.arrayContaining(names(once)));
    }
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

/** The parameter names a text uses, in order of first use, repeats and dash style aside. */
function names(text: string): string[] {
  return [...new Set([...text.matchAll(/(?:^|\s)(?:--|—)([a-z]\w*)/gi)].map((match) => match[1] ?? ""))];
}

describe("splitValues", () => {
  it.each<[string | null, string[]]>([
    [null, []],
    ["", []],
    ["  ", []],
    ["123", ["123"]],
    [" 123  https://x/a.png\nrandom ", ["123", "https://x/a.png", "random"]],
  ])("%j", (value, words) => {
    expect(splitValues(value)).toEqual(words);
  });

  it("joins back into what setParam writes", () => {
    const text = setParam("a", "sref", ["123", "https://x/a.png"].join(" ") || null);
    expect(splitValues(parsePrompt(text).params.sref)).toEqual(["123", "https://x/a.png"]);
    expect(setParam(text, "sref", [].join(" ") || null)).toBe("a");
  });
});

describe("image prompts", () => {
  it.each<[string, string[]]>([
    ["", []],
    ["a cat", []],
    ["https://x/a.png a cat --iw 2", ["https://x/a.png"]],
    ["  https://x/a.png\nhttp://y/b.jpg a cat https://x/c.png", ["https://x/a.png", "http://y/b.jpg"]],
    ["https://x/a--b.png", ["https://x/a--b.png"]],
    ["--ar 1:1 https://x/a.png a cat", []],
  ])("reads %j", (text, urls) => {
    expect(imagePromptUrls(text)).toEqual(urls);
  });

  it.each<[string, string[], string]>([
    ["a cat --iw 2", ["https://x/a.png"], "https://x/a.png a cat --iw 2"],
    ["", ["https://x/a.png", "https://x/b.png"], "https://x/a.png https://x/b.png"],
    ["  a cat", ["https://x/a.png"], "  https://x/a.png a cat"],
    ["https://x/a.png\n a cat", ["https://x/b.png"], "https://x/b.png\n a cat"],
    ["https://x/a.png https://x/b.png a cat", [], "a cat"],
    ["https://x/a.png", [], ""],
    ["a https://x/a.png", [], "a https://x/a.png"],
  ])("rewrites %j to %j", (text, urls, expected) => {
    expect(setImagePromptUrls(text, urls)).toBe(expected);
    expect(imagePromptUrls(expected)).toEqual(urls);
  });

  it.each(["a cat --iw 2", "", "  a\n", "https://x/a.png a", "--v 8.1 a cat"])(
    "adding and removing image prompts gives %j back",
    (text) => {
      const added = setImagePromptUrls(text, ["https://x/n.png"]);
      expect(parsePrompt(added).params).toEqual(parsePrompt(text).params);
      expect(setImagePromptUrls(added, [])).toBe(setImagePromptUrls(text, []));
      if (imagePromptUrls(text).length === 0) expect(setImagePromptUrls(added, [])).toBe(text);
    },
  );
});
