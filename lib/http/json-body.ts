/**
 * An answer already serialized to JSON (UTF-8), which `respond()` sends as it is: what a route
 * answers when it put the bytes together from parts it keeps (lib/http/drop-in.ts), instead of an
 * object to stringify again.
 */
export class JsonBody {
  constructor(readonly bytes: Uint8Array<ArrayBuffer>) {}

  static of(value: unknown): JsonBody {
    return new JsonBody(Buffer.from(JSON.stringify(value)));
  }
}
