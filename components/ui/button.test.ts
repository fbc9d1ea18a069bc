import { describe, expect, it } from "vitest";
import { buttonClasses } from "./button";

describe("buttonClasses", () => {
  it("lets a caller's class win over the look's own (the mask editor's icon buttons' px-2)", () => {
    const classes = buttonClasses({ variant: "ghost", className: "px-2" }).split(" ");
    expect(classes).toContain("px-2");
    expect(classes).not.toContain("px-3");
    expect(classes).toContain("py-1.5");
  });

  it("keeps each size's own spacing and text", () => {
    expect(buttonClasses({ size: "sm" }).split(" ")).toEqual(
      expect.arrayContaining(["px-2", "py-1", "text-xs", "gap-1"]),
    );
    expect(buttonClasses().split(" ")).toEqual(
      expect.arrayContaining(["px-3", "py-1.5", "text-sm", "gap-1.5"]),
    );
  });
});
