import { describe, expect, it } from "vitest";
import {
  MODEL_PARAMS,
  MODELS,
  modelCapabilities,
  PICKER_MODELS,
  resolveModel,
  type ModelParam,
} from "./models";
import { validatePrompt, type PromptIssue } from "./prompt-params";

/** The columns of docs/protocol.md §11.2, in its order. */
const COLUMNS = ["--v 6", "--v 6.1", "--v 7", "--v 8", "--v 8.1", "--v 8.2", "--niji 6", "--niji 7"] as const;

/**
 * §11.2 transcribed by hand, one row per parameter (✓ accepted, ✗ unsupported, ? unknown, D disputed),
 * with a value every source that accepts it would take. Independent of the table in models.ts: this is
 * what the linter must say.
 */
const MATRIX: Record<ModelParam, [snippet: string, cells: string]> = {
  quality: ["--q 1", "✓ D D ✓ ✗ D ✓ ?"],
  weird: ["--w 100", "✓ ✓ ✓ ? D ? ✓ ?"],
  exp: ["--exp 10", "✗ ✗ ✓ ? D ? ✗ ?"],
  iw: ["--iw 1", "✓ ✓ ✓ ✗ D D ✓ ?"],
  sref: ["--sref 1234567", "✓ ✓ ✓ ? ✓ ? ✓ ?"],
  sw: ["--sref 1 --sw 100", "✓ ✓ ✓ ? ✓ ? ✓ ?"],
  sv: ["--sv 4", "✓ ✓ ✓ ? ? ? ✓ ?"],
  oref: ["--oref https://x/o.png", "✗ ✗ ✓ ? D ? ✗ ?"],
  ow: ["--ow 100", "✗ ✗ ✓ ? D ? ✗ ?"],
  cref: ["--cref https://x/c.png", "✓ ? ✗ ? ✗ ? ✓ ?"],
  cw: ["--cw 50", "✓ ? ✗ ? ✗ ? ✓ ?"],
  profile: ["--p", "✓ ✓ ✓ ? ✓ ? ✓ ✓"],
  draft: ["--draft", "✗ ✗ ✓ ? D D ✗ ?"],
  resolution: ["--hd", "✗ ✗ ✗ ✓ ✓ ✓ ✗ ?"],
  // `--raw` before V8 is D9: [T-PP] lists it from V5.1, the others write `--style raw`.
  raw: ["--raw", "D D D ? ✓ ? D ?"],
  styleRaw: ["--style raw", "✓ ✓ ✓ ? ✗ ? ✓ ?"],
  tile: ["--tile", "✓ ✓ ✓ ? ✓ ? ✓ ?"],
  turbo: ["--turbo", "✓ ✓ ✓ D ✗ D ✓ ?"],
};

const EXPECTED: Record<string, PromptIssue["code"] | null> = {
  "✓": null,
  "✗": "model_unsupported",
  "?": "model_unknown_support",
  D: "model_disputed",
};

/** The `sw` row also has --sref, whose own verdict isn't that row's. */
const ROW_PARAM: Partial<Record<ModelParam, PromptIssue["param"]>> = {
  styleRaw: "raw",
  turbo: "speed",
};

describe("the model table, model by parameter, as §11.2 says", () => {
  const cases = MODEL_PARAMS.flatMap((param) => {
    const [snippet, cells] = MATRIX[param];
    return cells.split(" ").map((cell, i) => [param, COLUMNS[i] ?? "", snippet, cell] as const);
  });

  it.each(cases)("%s on %s: %s is %s", (param, model, snippet, cell) => {
    const issues = validatePrompt(`a cat ${model} ${snippet}`);
    expect(issues.filter((issue) => issue.severity === "error")).toEqual([]);
    const own = issues.filter((issue) => issue.param === (ROW_PARAM[param] ?? param));
    const expected = EXPECTED[cell];
    expect(own.map((issue) => issue.code)).toEqual(expected ? [expected] : []);
    expect(own.every((issue) => issue.severity === "warning")).toBe(true);
  });

  it("covers every model of the table and every model-dependent parameter", () => {
    expect(MODELS.map((model) => `--${model.flag} ${model.version}`).sort()).toEqual([...COLUMNS].sort());
    expect(Object.keys(MATRIX).sort()).toEqual([...MODEL_PARAMS].sort());
  });
});

describe("ranges", () => {
  it.each<[string, PromptIssue["severity"] | null]>([
    // Undisputed everywhere: certainly invalid on any model, and without one.
    ["a --sw 1001", "error"],
    ["a --v 8.1 --sw 1001", "error"],
    ["a --iw 4", "error"],
    ["a --v 7 --iw 3.5", "error"],
    ["a --s 5000", "error"],
    ["a --c 101", "error"],
    ["a --v 7 --exp 150", "error"],
    // A model's undisputed range: V6 takes --sv 1–4.
    ["a --v 6 --sv 5", "error"],
    ["a --niji 6 --cw 100", null],
    // Disputed ranges (D5, D6) and guessed models only warn.
    ["a --v 7 --sv 5", "warning"],
    ["a --v 7 --ow 0", "warning"],
    ["a --v 6.2 --sv 5", "warning"],
    ["a --v 7 --ow 1000 --sv 1 --iw 0.25", null],
  ])("%j: %s", (prompt, severity) => {
    const issues = validatePrompt(prompt).filter((issue) => issue.code !== "version_unknown");
    expect(issues.map((issue) => issue.severity)).toEqual(severity ? [severity] : []);
  });

  it.each<[string, number[]]>([
    ["--v 6", [0.25, 0.5, 1]],
    ["--v 6.1", [0.25, 0.5, 1, 2]],
    ["--v 7", [0.25, 0.5, 1, 2, 4]],
    ["--v 8", [1, 4]],
    ["--v 8.1", []],
    ["--v 8.2", [1, 2]],
    ["--niji 6", [0.25, 0.5, 1]],
    ["--niji 7", [0.25, 0.5, 1, 2, 4]],
    ["", [0.25, 0.5, 1, 2, 4]],
  ])("offers the --q values of %j", (model, qualities) => {
    const [, flag, version = ""] = /^--(v|niji) (\S+)$/.exec(model) ?? [];
    const selection = { version: flag === "v" ? version : null, niji: flag === "niji" ? version : null };
    expect(modelCapabilities(selection).qualities).toEqual(qualities);
  });

  it("warns on a --q value the model doesn't list, whichever it is", () => {
    expect(validatePrompt("a --v 6 --q 2").map((issue) => [issue.code, issue.severity])).toEqual([
      ["quality_unlisted", "warning"],
    ]);
    expect(validatePrompt("a --v 8 --q 2").map((issue) => issue.args.allowed)).toEqual(["1, 4"]);
  });

  it("warns on any --q value where the sources disagree (D1), listed or not", () => {
    for (const prompt of ["a --v 7 --q 4", "a --v 7 --q 1", "a --v 6.1 --q 2", "a --v 8.2 --q 1"]) {
      expect(validatePrompt(prompt).map((issue) => [issue.code, issue.severity, issue.args.dispute])).toEqual(
        [["model_disputed", "warning", "D1"]],
      );
    }
  });
});

describe("aspect ratio limits", () => {
  it.each<[string, PromptIssue["code"][]]>([
    ["--v 8.1 --ar 4:1", []],
    ["--v 8.1 --ar 1:4 --hd", []],
    ["--v 8.1 --ar 5:1", ["aspect_hd"]],
    ["--v 8.1 --ar 5:1 --hd", ["aspect_hd"]],
    ["--v 8.1 --ar 14:1 --sd", []],
    ["--v 8.1 --ar 1:15 --sd", ["aspect_range"]],
    ["--v 8 --ar 5:1", ["aspect_unverified"]],
    ["--v 8.2 --ar 4:1", []],
    ["--niji 7 --ar 9:2", ["aspect_unverified"]],
    ["--v 7 --ar 20:1", []],
    ["--v 6 --ar 1:20", []],
    ["--ar 20:1", []],
  ])("%j", (params, codes) => {
    expect(validatePrompt(`a ${params}`).map((issue) => issue.code)).toEqual(codes);
  });
});

describe("resolveModel", () => {
  it.each<[string | null, string | null, string, string]>([
    [null, null, "default", "Default"],
    ["8.1", null, "known", "V8.1"],
    ["6.0", null, "known", "V6"],
    ["8.0", null, "known", "V8"],
    [null, "6", "known", "Niji 6"],
    // A bare --niji is Niji 7 for trueai (§11.1).
    [null, "", "known", "Niji 7"],
    ["8.3", null, "guess", "V8.2"],
    ["9", null, "guess", "V8.2"],
    ["7.5", null, "guess", "V7"],
    [null, "8", "guess", "Niji 7"],
    ["5.2", null, "unmodelled", "Default"],
    [null, "5", "unmodelled", "Default"],
    ["latest", null, "unmodelled", "Default"],
    ["7", "6", "known", "V7"],
  ])("--v %j --niji %j: %s with %s's rules", (version, niji, kind, rules) => {
    const resolution = resolveModel({ version, niji });
    expect([resolution.kind, resolution.rules.label]).toEqual([kind, rules]);
  });

  it("names a version as the prompt writes it", () => {
    expect(resolveModel({ version: "8.3", niji: null }).label).toBe("V8.3");
    expect(resolveModel({ version: null, niji: "" }).label).toBe("Niji");
  });
});

describe("the picker", () => {
  it("lists V8.2 and V8.1 first, then the rest; V8 only for old prompts", () => {
    expect(PICKER_MODELS.map((model) => model.label)).toEqual([
      "V8.2",
      "V8.1",
      "V7",
      "V6.1",
      "V6",
      "Niji 7",
      "Niji 6",
    ]);
  });

  it("spells raw per model: --raw on V8.x and when the model isn't known", () => {
    const raw = (version: string | null, niji: string | null = null) =>
      modelCapabilities({ version, niji }).rawFlag;
    expect([raw("8"), raw("8.1"), raw("8.2"), raw("9"), raw(null), raw("5.2")]).toEqual(
      Array(6).fill("--raw"),
    );
    expect([raw("6"), raw("6.1"), raw("7"), raw(null, "6"), raw(null, "7")]).toEqual(
      Array(5).fill("--style raw"),
    );
  });

  it("says why a control is off or flagged", () => {
    const v6 = modelCapabilities({ version: "6", niji: null }).params;
    expect(v6.oref).toMatchObject({ state: "unavailable", reason: { code: "unsupported", model: "V6" } });
    expect(v6.cref).toMatchObject({ state: "available", reason: null });
    const v81 = modelCapabilities({ version: "8.1", niji: null }).params;
    expect(v81.oref).toMatchObject({
      state: "flagged",
      reason: { code: "disputed", model: "V8.1", dispute: "D7" },
    });
    expect(v81.quality.state).toBe("unavailable");
    expect(v81.turbo.state).toBe("unavailable");
    expect(v81.resolution.state).toBe("available");
    const guessed = modelCapabilities({ version: "8.3", niji: null });
    expect(guessed.params.sref).toMatchObject({
      state: "flagged",
      reason: { code: "unknown", model: "V8.2" },
    });
    const fallback = modelCapabilities({ version: null, niji: null }).params;
    expect(Object.values(fallback).every((capability) => capability.state === "available")).toBe(true);
  });
});
