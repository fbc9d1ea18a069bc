import { describe, expect, it } from "vitest";
import { createTaskParser } from "./parsed-tasks";

const row = (status: string) =>
  JSON.stringify({
    id: "1796",
    status,
    action: "IMAGINE",
    buttons: [],
    properties: { finalPrompt: "a cat" },
  });

describe("stored tasks parsed once", () => {
  it("answers the same task for the same JSON, parses a rewritten row afresh, and keeps the newest only", () => {
    const parse = createTaskParser(2);
    const first = parse(row("IN_PROGRESS"));
    expect(parse(row("IN_PROGRESS"))).toBe(first);
    const rewritten = parse(row("SUCCESS"));
    expect(rewritten.status).toBe("SUCCESS");
    expect(rewritten).not.toBe(first);
    parse(row("FAILURE"));
    // Two kept: the first has been let go, and is parsed again (an equal, new object).
    const again = parse(row("IN_PROGRESS"));
    expect(again).not.toBe(first);
    expect(again).toEqual(first);
  });

  it("applies the schema (defaults for what an older row lacks) and hands out frozen copies in tests", () => {
    const task = createTaskParser()(JSON.stringify({ id: "1797", status: "SUCCESS" }));
    expect(task.buttons).toEqual([]);
    expect(() => (task.buttons as unknown[]).push({})).toThrow(TypeError);
    expect(() => createTaskParser()("{not json")).toThrow();
  });
});
