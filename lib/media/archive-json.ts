/**
 * Reads an archive's `tasks.json` (`{"format": …, "version": …, "tasks": [ … ]}`) as text arrives:
 * the other top-level fields are parsed as each ends, and every element of `tasks` is handed over
 * as its own JSON text. A history of any length costs the memory of one record, where JSON.parse
 * of the whole would hold the text and every parsed task at once (gigabytes for a large one).
 *
 * It follows the structure (strings, escapes, nesting) and leaves each value's syntax to
 * JSON.parse; an element that is not valid JSON is the caller's bad record, not a bad file.
 */

export class TasksFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TasksFileError";
  }
}

export interface TasksFileHandlers {
  /** A top-level field other than the `tasks` array, parsed. */
  field(key: string, value: unknown): void;
  /** `tasks` begins: every field before it has been handed over. */
  tasksStart(): void;
  /** One element of `tasks`: its JSON text, or null when it is too long or too deeply nested. */
  record(text: string | null): void;
}

export interface TasksFileReader {
  write(text: string): void;
  /** Throws when the text ended before the object did. */
  end(): void;
}

/** Text collected in pieces, up to a bound. */
class Collector {
  private pieces: string[] = [];
  private length = 0;
  overflowed = false;

  constructor(private readonly max: number) {}

  /** Refuses the rest: what was collected is not usable. */
  spoil(): void {
    this.overflowed = true;
    this.pieces = [];
  }

  add(piece: string): void {
    if (this.overflowed || piece.length === 0) return;
    this.length += piece.length;
    if (this.length > this.max) this.spoil();
    else {
      this.pieces.push(piece);
    }
  }

  /** The text so far (trimmed), and a fresh start. */
  take(): string {
    const text = this.pieces.join("").trim();
    this.pieces = [];
    this.length = 0;
    this.overflowed = false;
    return text;
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
/**
 * Nesting allowed inside one value: a task is a few levels deep, and JSON.stringify (the store
 * writes every record with it) recurses, so a record nested a million deep would throw there.
 */
const MAX_NESTING = 64;

export function createTasksFileReader(
  handlers: TasksFileHandlers,
  limits: { maxRecordChars: number; maxFieldChars: number },
): TasksFileReader {
  const notJson = () => new TasksFileError("tasks.json is not valid JSON");
  /** 0 outside the top object, 1 in it, 2 in one of its values (or in `tasks`), and so on. */
  let depth = 0;
  let inString = false;
  let escaped = false;
  let closed = false;
  /** Inside the `tasks` array: depth 2 is between its elements. */
  let inTasks = false;
  let tasksSeen = false;
  /** `tasks` just closed: only `,` or `}` may follow. */
  let afterTasks = false;
  let key: string | null = null;
  /** The key, or the value, being read at depth 1 (or below it, outside `tasks`). */
  const part = new Collector(limits.maxFieldChars);
  const element = new Collector(limits.maxRecordChars);

  function endKey(): void {
    if (key !== null || afterTasks) throw notJson();
    const text = part.take();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw notJson();
    }
    if (typeof parsed !== "string") throw notJson();
    key = parsed;
  }

  function endValue(closing: boolean): void {
    if (afterTasks) {
      if (part.take() !== "") throw notJson();
      afterTasks = false;
      key = null;
      return;
    }
    if (part.overflowed) throw new TasksFileError(`tasks.json field "${key}" is too long`);
    const text = part.take();
    // `{}`: the object closes with nothing in it.
    if (key === null && text === "" && closing) return;
    if (key === null) throw notJson();
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw notJson();
    }
    handlers.field(key, value);
    key = null;
  }

  function endElement(): void {
    const overflowed = element.overflowed;
    const text = element.take();
    if (overflowed) handlers.record(null);
    else if (text !== "") handlers.record(text);
  }

  return {
    write(text) {
      /** Start of the run of characters not yet given to the collector in use. */
      let run = 0;
      const collector = () => (inTasks ? element : part);
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (inString) {
          if (escaped) escaped = false;
          else if (c === BACKSLASH) escaped = true;
          else if (c === QUOTE) inString = false;
          continue;
        }
        if (depth === 0) {
          if (isSpace(c)) {
            run = i + 1;
            continue;
          }
          if (closed || c !== OPEN_BRACE) throw new TasksFileError("tasks.json is not a JSON object");
          depth = 1;
          run = i + 1;
          continue;
        }
        if (c === QUOTE) {
          inString = true;
          continue;
        }
        if (inTasks && depth === 2 && (c === COMMA || c === CLOSE_BRACKET)) {
          element.add(text.slice(run, i));
          run = i + 1;
          endElement();
          if (c === CLOSE_BRACKET) {
            inTasks = false;
            afterTasks = true;
            depth = 1;
          }
          continue;
        }
        if (!inTasks && depth === 1) {
          if (c === COLON || c === COMMA || c === CLOSE_BRACE) {
            part.add(text.slice(run, i));
            run = i + 1;
            if (c === COLON) endKey();
            else endValue(c === CLOSE_BRACE);
            if (c === CLOSE_BRACE) {
              depth = 0;
              closed = true;
            }
            continue;
          }
          if (c === OPEN_BRACKET && key === "tasks" && !tasksSeen) {
            part.add(text.slice(run, i));
            run = i + 1;
            if (part.take() !== "") throw notJson();
            tasksSeen = true;
            handlers.tasksStart();
            inTasks = true;
            depth = 2;
            continue;
          }
        }
        if (c === OPEN_BRACE || c === OPEN_BRACKET) {
          if (++depth > MAX_NESTING + 2) {
            if (!inTasks) throw new TasksFileError("tasks.json is nested too deeply");
            element.spoil();
          }
        } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
          depth--;
          if (depth < 1) throw notJson();
        }
      }
      if (depth > 0) collector().add(text.slice(run));
    },
    end() {
      if (!closed || inString) throw notJson();
    },
  };
}
