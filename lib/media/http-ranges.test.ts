import { afterEach, describe, expect, it } from "vitest";
import { taskSchema } from "@/lib/mj/task";
import { closeWorlds, world } from "@/lib/testing/world";
import { parseRange, rangeAllowed, sliceBytes } from "./http-ranges";
import { serveMedia } from "./serve";

afterEach(closeWorlds);

describe("parseRange", () => {
  it.each([
    ["bytes=0-1", { start: 0, end: 1 }],
    ["bytes=0-0", { start: 0, end: 0 }],
    ["bytes=100-", { start: 100, end: 999 }],
    ["bytes=-500", { start: 500, end: 999 }],
    ["bytes=-5000", { start: 0, end: 999 }],
    ["bytes=990-5000", { start: 990, end: 999 }],
    ["BYTES = 1-2", null],
    ["Bytes=1-2 ", { start: 1, end: 2 }],
    ["bytes=1000-", "unsatisfiable"],
    ["bytes=1000-1000", "unsatisfiable"],
    ["bytes=-0", "unsatisfiable"],
    ["bytes=5-1", null],
    ["bytes=-", null],
    ["bytes=0-1,3-4", null],
    ["bytes=a-b", null],
    ["bytes=1.5-2", null],
    ["items=0-1", null],
    ["bytes=99999999999999999999-", null],
    [null, null],
    ["", null],
  ] as const)("%s of 1000 bytes → %j", (header, expected) => {
    expect(parseRange(header, 1000)).toEqual(expected);
  });

  it("finds nothing to send of an empty file", () => {
    expect(parseRange("bytes=0-", 0)).toBe("unsatisfiable");
    expect(parseRange("bytes=-1", 0)).toBe("unsatisfiable");
  });

  it("honours If-Range only for the same strong ETag", () => {
    expect(rangeAllowed(null, '"a"')).toBe(true);
    expect(rangeAllowed('"a"', '"a"')).toBe(true);
    expect(rangeAllowed('W/"a"', '"a"')).toBe(false);
    expect(rangeAllowed('"b"', '"a"')).toBe(false);
    expect(rangeAllowed("Wed, 21 Oct 2015 07:28:00 GMT", '"a"')).toBe(false);
    expect(rangeAllowed('"a"', null)).toBe(false);
  });
});

describe("sliceBytes", () => {
  it("cuts a range across chunk boundaries and cancels the rest of the source", async () => {
    let cancelled = false;
    let pulled = 0;
    const source = new ReadableStream<Uint8Array>({
      pull(controller) {
        const at = pulled++ * 4;
        controller.enqueue(Uint8Array.from({ length: 4 }, (_, i) => at + i));
      },
      cancel() {
        cancelled = true;
      },
    });
    const sliced = source.pipeThrough(sliceBytes({ start: 3, end: 9 }));
    expect([...new Uint8Array(await new Response(sliced).arrayBuffer())]).toEqual([3, 4, 5, 6, 7, 8, 9]);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(cancelled).toBe(true);
  });
});

describe("ranges before the cache has the file", () => {
  it("cuts the range from the upstream's stream when it declared its length", async () => {
    const w = world();
    const bytes = Uint8Array.from({ length: 5000 }, (_, i) => i % 256);
    const task = taskSchema.parse({ id: "88", status: "IN_PROGRESS", videoUrl: "https://cdn.example/v.mp4" });
    const deps = {
      ...w.mediaDeps,
      download: async () => ({
        body: new Response(bytes).body!,
        contentType: "video/mp4",
        length: bytes.length,
      }),
    };
    await w.record(task);
    const request = { taskId: "88", slot: "video", version: null };

    const part = await serveMedia({ ...request, range: "bytes=4990-" }, deps);
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe("bytes 4990-4999/5000");
    expect(part.headers.get("etag")).toBeNull();
    expect([...new Uint8Array(await part.arrayBuffer())]).toEqual([...bytes.subarray(4990)]);

    const beyond = await serveMedia({ ...request, range: "bytes=5000-" }, deps);
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get("content-range")).toBe("bytes */5000");

    // No ETag to compare an If-Range with: the whole file.
    const conditional = await serveMedia({ ...request, range: "bytes=0-1", ifRange: '"x"' }, deps);
    expect(conditional.status).toBe(200);
    expect((await conditional.arrayBuffer()).byteLength).toBe(5000);

    const head = await serveMedia({ ...request, head: true }, deps);
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe("5000");
    expect(head.headers.get("accept-ranges")).toBe("bytes");
    expect(head.body).toBeNull();
  });
});
