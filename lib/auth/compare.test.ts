import { describe, expect, it } from "vitest";
import { safeEqual } from "./compare";

describe("safeEqual", () => {
  it("is true only for the same string", () => {
    expect(safeEqual("hunter2", "hunter2")).toBe(true);
    expect(safeEqual("hunter2", "hunter3")).toBe(false);
    expect(safeEqual("", "hunter2")).toBe(false);
    expect(safeEqual("hunter2 and more", "hunter2")).toBe(false);
    expect(safeEqual("密码", "密码")).toBe(true);
  });
});
