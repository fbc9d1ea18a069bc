import { describe, expect, it } from "vitest";
import { cn } from "./cn";

describe("cn", () => {
  it("lets the later of two conflicting Tailwind classes win", () => {
    expect(cn("px-3", "px-2")).toBe("px-2");
    expect(cn("p-2", "px-4")).toBe("p-2 px-4");
    expect(cn("border-zinc-300 dark:border-zinc-700", "border-sky-500")).toBe(
      "dark:border-zinc-700 border-sky-500",
    );
  });

  it("takes conditions the way clsx does", () => {
    expect(
      cn("ring-2", false && "hidden", null, undefined, { "opacity-60": true, "cursor-wait": false }),
    ).toBe("ring-2 opacity-60");
  });
});
