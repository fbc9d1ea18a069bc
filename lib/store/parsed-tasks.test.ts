import { describe, expect, it } from "vitest";
import { createTaskReader, freezeShared } from "./parsed-tasks";

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
    const { task: parse } = createTaskReader(2);
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
    const task = createTaskReader().task(JSON.stringify({ id: "1797", status: "SUCCESS" }));
    expect(task.buttons).toEqual([]);
    expect(() => (task.buttons as unknown[]).push({})).toThrow(TypeError);
    expect(() => createTaskReader().task("{not json")).toThrow();
  });

  it("hands out one StoredTask per row content and flags: a changed row or flag is a new object", () => {
    const reader = createTaskReader(2);
    const plain = reader.stored(row("SUCCESS"), false, false);
    expect(plain).toMatchObject({ status: "SUCCESS", favorite: false, hidden: false });
    expect(reader.stored(row("SUCCESS"), false, false)).toBe(plain);
    // What callers key their own caches on (WeakMaps) changes with anything the answer shows.
    const favorite = reader.stored(row("SUCCESS"), true, false);
    expect(favorite).not.toBe(plain);
    expect(favorite).toMatchObject({ favorite: true, hidden: false });
    expect(reader.stored(row("SUCCESS"), false, true)).toMatchObject({ favorite: false, hidden: true });
    expect(reader.stored(row("FAILURE"), false, false).status).toBe("FAILURE");
    expect(Object.isFrozen(plain)).toBe(true);
    // Bounded with the parsed rows: a row let go is read again into a new (equal) object.
    reader.stored(row("IN_PROGRESS"), false, false);
    const again = reader.stored(row("SUCCESS"), false, false);
    expect(again).not.toBe(plain);
    expect(again).toEqual(plain);
  });

  it("freezes what is shared, deeply, outside production", () => {
    const shared = freezeShared({ refs: [{ url: "/a" }] });
    expect(() => shared.refs.push({ url: "/b" })).toThrow(TypeError);
    expect(() => Object.assign(shared.refs[0]!, { url: "/c" })).toThrow(TypeError);
  });
});
