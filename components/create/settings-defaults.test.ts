import { describe, expect, it } from "vitest";
import { cleanDefaults, pendingDefaults, withDefaults, withoutSettings } from "./settings-defaults";

describe("sticky settings", () => {
  it("keeps only the sticky parameters of what was stored", () => {
    expect(cleanDefaults("--s 250 --seed 12 --ar 16:9 --no cars --tile")).toBe("--ar 16:9 --s 250");
    expect(cleanDefaults("not parameters at all")).toBe("");
  });

  it("adds the defaults a prompt does not set, and the prompt's own value wins", () => {
    expect(withDefaults("a boat", "--ar 16:9 --s 250")).toBe("a boat --ar 16:9 --s 250");
    expect(withDefaults("a boat --ar 1:1", "--ar 16:9 --s 250")).toBe("a boat --ar 1:1 --s 250");
    expect(pendingDefaults("a boat --ar 1:1", "--ar 16:9 --s 250")).toEqual(["--s 250"]);
  });

  it("never gives a prompt two models", () => {
    expect(withDefaults("a fox --niji 6", "--v 7 --ar 2:3")).toBe("a fox --ar 2:3 --niji 6");
    // Raw is written as the default model spells it.
    expect(withDefaults("a fox", "--v 7 --raw")).toBe("a fox --v 7 --style raw");
  });

  it("reset removes every sticky parameter and leaves the rest", () => {
    expect(withoutSettings("a boat --ar 16:9 --s 250 --seed 3 --raw")).toBe("a boat --seed 3");
  });
});
