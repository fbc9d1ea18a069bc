import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mapChunks, readText, requestAnswer, webStream, type ByteChunks } from "./body";

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

  it("fails every read after a cancel with a reason: a body cut short never passes for a whole one", async () => {
    const mapped = passThrough(nodeBody(["a"], { end: false }).body);
    const reading = mapped[Symbol.asyncIterator]();
    expect(Buffer.from((await reading.next()).value!).toString()).toBe("a");
    await mapped.cancel(new Error("the deadline passed"));
    await expect(reading.next()).rejects.toThrow("the deadline passed");
  });

  it("cancels a web stream through its reader, also while a read waits", async () => {
    let cancelled: unknown = null;
    const source = new ReadableStream<Uint8Array>({
      pull: () => new Promise(() => {}),
      cancel: (reason) => void (cancelled = reason),
    });
    const mapped = passThrough(source);
    const read = mapped[Symbol.asyncIterator]().next();
    await mapped.cancel("gone");
    expect(cancelled).toBe("gone");
    expect(await read).toEqual({ done: true, value: undefined });
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

describe("requestAnswer (undici's request, as fetch would answer)", () => {
  let server: Server;
  let base = "";
  const seen: IncomingHttpHeaders[] = [];
  beforeAll(async () => {
    server = createServer((request, response) => {
      seen.push(request.headers);
      if (request.url === "/moved") response.writeHead(302, { location: "/file" }).end("see /file");
      else if (request.url === "/gone") response.writeHead(404).end("not here");
      else if (request.method === "POST") {
        let received = "";
        request.setEncoding("utf8");
        request.on("data", (chunk: string) => (received += chunk));
        request.on("end", () => response.writeHead(201).end(`\ufeff${received.length} characters`));
      } else if (request.url === "/nothing-zipped")
        response.writeHead(204, { "content-encoding": "gzip" }).end();
      else if (request.url === "/cut-zipped")
        // Its 8-byte trailer (CRC and size) lost: fetch, and cURL, decode what came.
        response.writeHead(200, { "content-encoding": "gzip" }).end(gzipSync("cut short").subarray(0, -8));
      else if (request.url === "/zipped")
        response.writeHead(200, { "content-encoding": "gzip" }).end(gzipSync("unzipped"));
      else response.writeHead(200, { "content-type": "image/png" }).end("png bytes");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const signal = new AbortController().signal;
  const ticks = async () => {
    for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
  };

  it("answers a redirect as it is, and lets go of an unread body without an uncaught error", async () => {
    const before = seen.length;
    const moved = await requestAnswer(`${base}/moved`, { signal });
    expect(moved.status).toBe(302);
    expect(moved.headers.get("Location")).toBe("/file");
    expect(seen.length).toBe(before + 1);
    await moved.body!.cancel();
    const gone = await requestAnswer(`${base}/gone`, { signal });
    expect(gone.status).toBe(404);
    await gone.body!.cancel(new Error("not wanted"));
    // An 'error' nobody heard would surface here as an uncaught exception, failing the run.
    await ticks();
    const file = await requestAnswer(`${base}/file`, { signal });
    expect(await text(file.body!)).toBe("png bytes");
  });

  it("decodes a body a server gzipped though asked for identity, and says it was encoded", async () => {
    const zipped = await requestAnswer(`${base}/zipped`, { signal });
    expect(zipped.headers.get("content-encoding")).toBe("gzip");
    expect(await text(zipped.body!)).toBe("unzipped");
    expect(seen.at(-1)).toMatchObject({ "accept-encoding": "identity", "user-agent": "node", accept: "*/*" });
  });

  it("decodes as fetch does: a body cut before its gzip trailer, and no decoding of a 204", async () => {
    expect(await readText((await requestAnswer(`${base}/cut-zipped`, { signal })).body)).toBe("cut short");
    const nothing = await requestAnswer(`${base}/nothing-zipped`, { signal });
    expect(nothing.status).toBe(204);
    expect(await readText(nothing.body)).toBe("");
  });

  it("sends a POST with its body and headers over those fetch sends, read back as fetch's text() reads it", async () => {
    const posted = await requestAnswer(`${base}/submit`, {
      signal,
      method: "POST",
      headers: { accept: "application/json", "content-type": "application/json" },
      body: '{"prompt":"a cat"}',
    });
    expect(posted.status).toBe(201);
    // The BOM goes, as TextDecoder (and fetch) drop it.
    expect(await readText(posted.body)).toBe("18 characters");
    expect(seen.at(-1)).toMatchObject({
      accept: "application/json",
      "content-type": "application/json",
      "user-agent": "node",
    });
    expect(await readText(null)).toBe("");
  });
});
