import { describe, expect, it } from "vitest";
import { createTasksFileReader, TasksFileError } from "./archive-json";

/** The streaming reader of tasks.json agrees with JSON.parse, however the text is cut. */

function read(text: string, cut: number, limits = { maxRecordChars: 1000, maxFieldChars: 1000 }) {
  const fields: Record<string, unknown> = {};
  const records: unknown[] = [];
  const events: string[] = [];
  const reader = createTasksFileReader(
    {
      field: (key, value) => {
        fields[key] = value;
        events.push(`field ${key}`);
      },
      tasksStart: () => events.push("tasks"),
      record: (record) => records.push(record === null ? null : JSON.parse(record)),
    },
    limits,
  );
  for (let at = 0; at < text.length; at += cut) reader.write(text.slice(at, at + cut));
  reader.end();
  return { fields, records, events };
}

const tasks = [
  {
    id: "1",
    prompt: 'brackets ] } [ { and "quotes" and \\ backslashes',
    properties: { nested: [1, [2, { a: 3 }]] },
  },
  { id: "2", prompt: "unicode 雪の狐 🦊 \u2028", buttons: [] },
  { id: "3", prompt: "" },
];

describe("tasks.json as a stream", () => {
  it.each([
    [
      "as exported",
      `{"format":"mj-studio-archive","version":1,"tasks":[\n${tasks.map((t) => JSON.stringify(t)).join(",\n")}\n]}\n`,
    ],
    ["pretty-printed", JSON.stringify({ format: "mj-studio-archive", version: 1, tasks }, null, 2)],
    [
      "with nested fields on both sides of tasks",
      JSON.stringify({ format: "mj-studio-archive", meta: { a: [1, { b: "]" }] }, tasks, after: [1, 2] }),
    ],
  ])("%s, in chunks of any size", (_, text) => {
    const others = JSON.parse(text) as Record<string, unknown>;
    delete others.tasks;
    for (const cut of [1, 2, 3, 7, 64, text.length]) {
      const { fields, records } = read(text, cut);
      expect(records).toEqual(tasks);
      expect(fields).toEqual(others);
    }
  });

  it("hands over every field before tasks before its first record", () => {
    const { events } = read(JSON.stringify({ format: "x", version: 1, tasks: [], after: true }), 5);
    expect(events).toEqual(["field format", "field version", "tasks", "field after"]);
  });

  it("hands over a record too long or nested too deeply as null, and goes on", () => {
    const text = JSON.stringify({
      tasks: [
        { id: "1" },
        { id: "2", prompt: "x".repeat(2000) },
        { id: "3", deep: JSON.parse("[".repeat(100) + "]".repeat(100)) },
        { id: "4" },
      ],
    });
    expect(read(text, 100).records).toEqual([{ id: "1" }, null, null, { id: "4" }]);
  });

  it.each([
    ["not an object", "[1, 2]"],
    ["cut short", '{"format":"x","tasks":[{"id":"1"}'],
    ["cut short inside a string", '{"format":"x","tasks":[{"id":"1'],
    ["a key that is not a string", '{format: "x"}'],
    ["text after the object", '{"tasks":[]} {}'],
    ["a field too long", JSON.stringify({ format: "x".repeat(2000), tasks: [] })],
    ["nesting too deep outside tasks", `{"meta":${"[".repeat(100)}${"]".repeat(100)}}`],
  ])("refuses %s", (_, text) => {
    expect(() => read(text, 3)).toThrow(TasksFileError);
  });
});
