/**
 * An answer already serialized to JSON (UTF-8), which `respond()` sends as it is: what a route
 * answers when it put the bytes together from parts it keeps (lib/http/drop-in.ts, `pageBody`),
 * instead of an object to stringify again.
 */
export class JsonBody {
  constructor(readonly bytes: Uint8Array<ArrayBuffer>) {}

  static of(value: unknown): JsonBody {
    return new JsonBody(Buffer.from(JSON.stringify(value)));
  }
}

/**
 * Each item's JSON, kept with the item: a page's items are objects handed out unchanged to every
 * reader (the store gives the same task object for the same row and flags, the task service the
 * same presented copy of it: lib/store/parsed-tasks.ts), so a changed task is a new key, never a
 * stale answer, and what is kept goes with its object. A feed page read every few seconds by
 * every open tab stringified the same 20 tasks each time (a fifth of the request's CPU).
 */
const kept = new WeakMap<object, Buffer<ArrayBuffer>>();

function itemJson(item: object): Buffer<ArrayBuffer> {
  let bytes = kept.get(item);
  if (!bytes) {
    bytes = Buffer.from(JSON.stringify(item));
    kept.set(item, bytes);
  }
  return bytes;
}

const OPEN = Buffer.from("[");
const COMMA = Buffer.from(",");
const CLOSE = Buffer.from("]");

/** Values already serialized, as the parts of one JSON array of them (for one `Buffer.concat`). */
export function jsonArrayParts(values: readonly Uint8Array[]): Uint8Array[] {
  const parts: Uint8Array[] = [OPEN];
  values.forEach((value, i) => {
    if (i > 0) parts.push(COMMA);
    parts.push(value);
  });
  parts.push(CLOSE);
  return parts;
}

const PAGE = Buffer.from('{"items":');

/** A page of shared items (see `kept`) as `{"items":[…],"nextCursor":…}`, from their kept JSON. */
export function pageBody(page: { items: readonly object[]; nextCursor: string | null }): JsonBody {
  return new JsonBody(
    Buffer.concat([
      PAGE,
      ...jsonArrayParts(page.items.map(itemJson)),
      Buffer.from(`,"nextCursor":${JSON.stringify(page.nextCursor)}}`),
    ]),
  );
}
