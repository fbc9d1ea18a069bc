import { z } from "zod";
import { InvalidCursorError, type SortOrder } from "./task-store";

/**
 * Keyset cursors, the same for every backend. Opaque to clients; base64url so it travels in a
 * query string untouched. It holds the sort order and the position (sort time, id) of the last
 * item, not the filters: the next page is "the same query, after this position", and a cursor
 * used with the other order is refused.
 */
export function encodeCursor(sort: SortOrder, sortTime: number, id: string): string {
  return Buffer.from(JSON.stringify([sort === "newest" ? "n" : "o", sortTime, id])).toString("base64url");
}

const cursorSchema = z.tuple([z.enum(["n", "o"]), z.number().int(), z.string().min(1)]);

export function decodeCursor(cursor: string, sort: SortOrder): { sortTime: number; id: string } {
  // Node's base64url decoder skips characters outside the alphabet instead of failing.
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw new InvalidCursorError();
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw new InvalidCursorError();
  }
  const parsed = cursorSchema.safeParse(decoded);
  if (!parsed.success || parsed.data[0] !== (sort === "newest" ? "n" : "o")) throw new InvalidCursorError();
  const [, sortTime, id] = parsed.data;
  return { sortTime, id };
}
