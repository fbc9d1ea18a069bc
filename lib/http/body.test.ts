import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { mapChunks, webStream, type ByteChunks } from "./body";

/** A Node stream as `requestAnswer` hands its body on, and whether it was let go of. */
function nodeBody(chunks: string[], { end = true } = {}) {
  const stream = new Readable({ read() {} });
  for (const chunk of chunks) stream.push(Buffer.from(chunk));
  if (end) stream.push(null);
  const body: ByteChunks = {
    [Symbol.asyncIterator]: () => stream[Symbol.asyncIterator](),
    cancel: async () => {
      stream.destroy();
    },
  };
  return { body, destroyed: () => stream.destroyed };
}

const passThrough = (source: ByteChunks) => mapChunks(source, (read) => read());

async function text(body: ByteChunks): Promise<string> {
  let all = "";
  for await (const chunk of body) all += Buffer.from(chunk).toString();
  return all;
}

describe("mapChunks", () => {
  it("passes a Node stream's and a web stream's chunks on in order", async () => {
    expect(await text(passThrough(nodeBody(["a", "b", "c"]).body))).toBe("abc");
    expect(await text(passThrough(new Blob(["web ", "stream"]).stream()))).toBe("web stream");
  });

  it("lets go of the source when a reader stops early, or cancels while a read waits", async () => {
    const early = nodeBody(["a", "b"], { end: false });
    for await (const chunk of passThrough(early.body)) {
      // A Node stream hands on what it holds in one chunk.
      expect(Buffer.from(chunk).toString()).toBe("ab");
      break;
    }
    expect(early.destroyed()).toBe(true);

    const waiting = nodeBody([], { end: false });
    const mapped = passThrough(waiting.body);
    const read = mapped[Symbol.asyncIterator]().next();
    await mapped.cancel();
    expect(waiting.destroyed()).toBe(true);
    await read.catch(() => {});
  });

  it("fails the read and cancels the source when the mapping throws", async () => {
    const source = nodeBody(["too much"], { end: false });
    const refused = mapChunks(source.body, async () => {
      throw new Error("over the cap");
    });
    await expect(text(refused)).rejects.toThrow("over the cap");
    expect(source.destroyed()).toBe(true);
  });
});

describe("webStream", () => {
  it("answers the chunks as a web stream, and its cancel reaches the source", async () => {
    expect(await new Response(webStream(nodeBody(["x", "y"]).body)).text()).toBe("xy");
    const open = nodeBody(["x"], { end: false });
    await webStream(passThrough(open.body)).cancel();
    expect(open.destroyed()).toBe(true);
  });
});
