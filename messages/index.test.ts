import { describe, expect, it } from "vitest";
import { MESSAGES } from ".";

/** Every message path of a catalogue with the placeholders it uses: `task.queue {count}`. */
function paths(messages: unknown, prefix = ""): string[] {
  if (typeof messages === "string") {
    const placeholders = [...new Set([...messages.matchAll(/\{\s*(\w+)\s*[,}]/g)].map((m) => m[1]))].sort();
    return [`${prefix} {${placeholders.join(",")}}`];
  }
  return Object.entries(messages as Record<string, unknown>).flatMap(([key, value]) =>
    paths(value, prefix ? `${prefix}.${key}` : key),
  );
}

describe("message catalogues", () => {
  it("say every word in both languages, with the same placeholders", () => {
    expect(paths(MESSAGES.zh).sort()).toEqual(paths(MESSAGES.en).sort());
  });
});
