import { describe, expect, it } from "vitest";
import { isValidZoom, readZoom, writeZoom } from "./zoom";

describe("--zoom", () => {
  it.each([
    ["a cat --zoom 1.5", 1.5],
    ["a cat --ar 1:1 --zoom 2 --s 50", 2],
    ["a cat —zoom 1.25", 1.25],
    ["a cat", null],
    ["a cat --zoom big", null],
    ["my--zoom 1.5", null],
  ])("reads %j as %j", (text, value) => {
    expect(readZoom(text)).toBe(value);
  });

  it("rewrites only the zoom value, in place", () => {
    expect(writeZoom("a cat --zoom 1.5 --ar 1:1", 1.8)).toBe("a cat --zoom 1.8 --ar 1:1");
    expect(writeZoom("a cat --ar 1:1", 1.25)).toBe("a cat --ar 1:1 --zoom 1.25");
    expect(writeZoom("", 2)).toBe("--zoom 2");
    expect(writeZoom("x --zoom 1.5", 1.3333)).toBe("x --zoom 1.33");
  });

  it("accepts 1.0 to 2.0 only", () => {
    expect([0.9, 1, 1.5, 2, 2.1, null].map(isValidZoom)).toEqual([false, true, true, true, false, false]);
  });
});
