import { describe, expect, it } from "vitest";
import { facetsOf } from "./facets";
import { taskSchema } from "./task";

const task = (fields: Record<string, unknown>) => taskSchema.parse({ id: "t", status: "SUCCESS", ...fields });

describe("facetsOf", () => {
  it.each([
    ["a fox", { model: "default", aspect: "1:1", speed: null, sref: false }],
    ["a fox --v 8.1 --ar 16:9", { model: "v8.1", aspect: "16:9", speed: null, sref: false }],
    ["a fox --version 7 --aspect 2:3 --relax", { model: "v7", aspect: "2:3", speed: "relax", sref: false }],
    ["a fox --niji 6 --sref 123456", { model: "niji6", aspect: "1:1", speed: null, sref: true }],
    ["a fox --niji", { model: "niji7", aspect: "1:1", speed: null, sref: false }],
    ["a fox --v 9 --turbo", { model: "v9", aspect: "1:1", speed: "turbo", sref: false }],
    [
      "a fox --sref https://x.test/a.png --sw 200",
      { model: "default", aspect: "1:1", speed: null, sref: true },
    ],
  ])("%s", (prompt, facets) => {
    expect(facetsOf(task({ prompt }))).toEqual(facets);
  });

  it("takes the upstream's mode over the prompt's flag, and ignores a mode that is no speed", () => {
    expect(facetsOf(task({ prompt: "a --fast", mode: "RELAX" })).speed).toBe("relax");
    expect(facetsOf(task({ prompt: "a --fast", mode: "STEALTH" })).speed).toBe("fast");
    expect(facetsOf(task({ prompt: null, mode: "turbo" }))).toEqual({
      model: "default",
      aspect: "1:1",
      speed: "turbo",
      sref: false,
    });
  });
});
