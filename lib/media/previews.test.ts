import { afterEach, describe, expect, it } from "vitest";
import { errorResponse } from "@/lib/http/route";
import { taskSchema, type Task } from "@/lib/mj/task";
import { closeWorlds, world } from "@/lib/testing/world";
import { waitForStatus } from "@/lib/testing/wait";
import { MediaFetchError, type MediaDownload } from "./fetch";
import { createPreviewCache } from "./previews";
import { serveMedia } from "./serve";

afterEach(closeWorlds);

const WEBP = "image/webp";

/** A download that answers each URL with `size` bytes of its own (the URL's length, repeated). */
function upstream(options: { size?: number } = {}) {
  const asked: string[] = [];
  /** URLs held back until `release(url)` (a slow upstream). */
  const held = new Map<string, () => void>();
  let failing: Set<string> = new Set();
  const bytesOf = (url: string) => new Uint8Array(options.size ?? 100).fill(url.length % 256);
  const download = async (url: string): Promise<MediaDownload> => {
    asked.push(url);
    if (failing.has(url))
      throw new MediaFetchError(
        "failed",
        "upstream_error",
        "The upstream failed to send the file (HTTP 500).",
      );
    if (held.has(url) || url.includes("slow")) await new Promise<void>((resolve) => held.set(url, resolve));
    const bytes = bytesOf(url);
    return { body: new Response(bytes).body!, contentType: WEBP, length: bytes.length };
  };
  return {
    download,
    asked,
    bytesOf,
    release: (url: string) => held.get(url)?.(),
    fail: (urls: string[]) => (failing = new Set(urls)),
  };
}

const running = (id: string): Task => taskSchema.parse({ id, status: "IN_PROGRESS" });
const done = (id: string): Task => taskSchema.parse({ id, status: "SUCCESS" });

describe("the preview cache", () => {
  it("makes one upstream fetch of 20 concurrent asks, and keeps the bytes for the next", async () => {
    const up = upstream();
    const previews = createPreviewCache({ download: up.download });
    const url = "https://cdn.example/1/step-15.webp";
    const answers = await Promise.all(Array.from({ length: 20 }, () => previews.get("1", url)));
    expect(up.asked).toEqual([url]);
    for (const answer of answers) {
      expect(answer.bytes).toEqual(up.bytesOf(url));
      expect(answer.stale).toBe(false);
      expect(answer.contentType).toBe(WEBP);
    }
    await previews.get("1", url);
    expect(up.asked).toHaveLength(1);
    expect(previews.bytes).toBe(100);
  });

  it("fetches a new step's URL, and keeps only the task's newest", async () => {
    const up = upstream();
    const previews = createPreviewCache({ download: up.download });
    await previews.get("1", "https://cdn.example/1/a.webp");
    await previews.get("1", "https://cdn.example/1/bb.webp");
    expect(up.asked).toEqual(["https://cdn.example/1/a.webp", "https://cdn.example/1/bb.webp"]);
    expect(previews.bytes).toBe(100);
  });

  it("holds no more bytes than its bound, least recently used out first, and passes on what is too large to keep", async () => {
    const up = upstream({ size: 1000 });
    const previews = createPreviewCache({ download: up.download, maxBytes: 3000, maxEntryBytes: 1000 });
    for (const id of ["1", "2", "3", "4"]) await previews.get(id, `https://cdn.example/${id}.webp`);
    expect(previews.bytes).toBe(3000);
    // Task 1 was the least recently used: it goes again to the upstream; task 4 does not.
    await previews.get("4", "https://cdn.example/4.webp");
    await previews.get("1", "https://cdn.example/1.webp");
    expect(up.asked.filter((url) => url.endsWith("/1.webp"))).toHaveLength(2);
    expect(up.asked.filter((url) => url.endsWith("/4.webp"))).toHaveLength(1);
    expect(previews.bytes).toBe(3000);

    const large = createPreviewCache({ download: upstream({ size: 2000 }).download, maxEntryBytes: 1000 });
    const big = await large.get("9", "https://cdn.example/big.webp");
    expect(big.bytes.byteLength).toBe(2000);
    expect(large.bytes).toBe(0);
  });

  it("keeps no failure: the next ask tries again, and the error is the upstream's", async () => {
    const up = upstream();
    const previews = createPreviewCache({ download: up.download });
    const url = "https://cdn.example/1/broken.webp";
    up.fail([url]);
    const failures = await Promise.allSettled([previews.get("1", url), previews.get("1", url)]);
    expect(up.asked).toHaveLength(1);
    for (const failure of failures) {
      expect(failure.status).toBe("rejected");
      const reason = (failure as PromiseRejectedResult).reason as MediaFetchError;
      expect(reason).toBeInstanceOf(MediaFetchError);
      expect(reason.code).toBe("upstream_error");
    }
    up.fail([]);
    expect((await previews.get("1", url)).bytes).toEqual(up.bytesOf(url));
    expect(up.asked).toHaveLength(2);
  });

  it("answers with the task's previous step when the upstream is slow with the next, and keeps the next when it lands", async () => {
    const up = upstream();
    const previews = createPreviewCache({ download: up.download, staleAfterMs: 30 });
    const first = "https://cdn.example/1/a.webp";
    const slow = "https://cdn.example/1/slow-b.webp";
    await previews.get("1", first);
    const started = performance.now();
    const answer = await previews.get("1", slow);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(answer.stale).toBe(true);
    expect(answer.bytes).toEqual(up.bytesOf(first));

    up.release(slow);
    await new Promise((resolve) => setTimeout(resolve, 10));
    const landed = await previews.get("1", slow);
    expect(landed.stale).toBe(false);
    expect(landed.bytes).toEqual(up.bytesOf(slow));
    expect(up.asked.filter((url) => url === slow)).toHaveLength(1);
  });

  it("waits for the upstream when the task has no earlier step to show", async () => {
    const up = upstream();
    const previews = createPreviewCache({ download: up.download, staleAfterMs: 10 });
    const slow = "https://cdn.example/1/slow-a.webp";
    let answered = false;
    const pending = previews.get("1", slow).then((answer) => ((answered = true), answer));
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(answered).toBe(false);
    up.release(slow);
    const answer = await pending;
    expect(answer.bytes).toEqual(up.bytesOf(slow));
    expect(answer.stale).toBe(false);
  });

  it("answers a late ask with no earlier step by a later step as soon as one lands", async () => {
    const up = upstream();
    const previews = createPreviewCache({ download: up.download, staleAfterMs: 10 });
    const stuck = "https://cdn.example/1/slow-a.webp";
    const waiting = previews.get("1", stuck);
    await new Promise((resolve) => setTimeout(resolve, 40));
    const next = "https://cdn.example/1/bb.webp";
    await previews.get("1", next);
    const answer = await waiting;
    expect(answer.stale).toBe(true);
    expect(answer.bytes).toEqual(up.bytesOf(next));
    up.release(stuck);
  });

  it("answers a failed step with the previous one", async () => {
    const up = upstream();
    const previews = createPreviewCache({ download: up.download });
    await previews.get("1", "https://cdn.example/1/a.webp");
    up.fail(["https://cdn.example/1/b.webp"]);
    const answer = await previews.get("1", "https://cdn.example/1/b.webp");
    expect(answer.stale).toBe(true);
    expect(answer.bytes).toEqual(up.bytesOf("https://cdn.example/1/a.webp"));
  });

  it("does not let an older step that lands late replace a newer one", async () => {
    const up = upstream();
    const previews = createPreviewCache({ download: up.download, staleAfterMs: 10 });
    const older = "https://cdn.example/1/slow-a.webp";
    const newer = "https://cdn.example/1/bb.webp";
    const late = previews.get("1", older);
    await previews.get("1", newer);
    up.release(older);
    await late;
    const answer = await previews.get("1", "https://cdn.example/1/slow-ccc.webp");
    expect(answer.stale).toBe(true);
    expect(answer.bytes).toEqual(up.bytesOf(newer));
  });

  it("forgets a task once a finished copy is recorded, and does not keep what lands after", async () => {
    const up = upstream();
    const previews = createPreviewCache({ download: up.download });
    await previews.get("1", "https://cdn.example/1/a.webp");
    const landing = previews.get("2", "https://cdn.example/2/slow-a.webp");
    previews.recorded([running("1")]);
    expect(previews.bytes).toBe(100);
    previews.recorded([done("1"), done("2")]);
    expect(previews.bytes).toBe(0);
    up.release("https://cdn.example/2/slow-a.webp");
    await landing;
    expect(previews.bytes).toBe(0);
    previews.forget(["3"]);
  });

  it("stops one ask that was cancelled; the fetch goes on for the others", async () => {
    const up = upstream();
    const previews = createPreviewCache({ download: up.download });
    const slow = "https://cdn.example/1/slow-a.webp";
    const leaving = new AbortController();
    const left = previews.get("1", slow, leaving.signal);
    const staying = previews.get("1", slow);
    leaving.abort();
    await expect(left).rejects.toMatchObject({ code: "upstream_error" });
    up.release(slow);
    expect((await staying).bytes).toEqual(up.bytesOf(slow));
    expect(up.asked).toHaveLength(1);
  });
});

describe("a running task's preview through the media route", () => {
  it("is fetched once for 20 tabs, sent uncached, and a failure keeps today's error shape", async () => {
    const w = world();
    const preview = new Uint8Array(4096).fill(7);
    const fetched: string[] = [];
    w.fault.media = (url) => {
      if (!url.startsWith("https://cdn.example/")) return null;
      fetched.push(url);
      return url.includes("gone")
        ? new Response("no", { status: 500 })
        : new Response(preview, { headers: { "content-type": WEBP } });
    };
    await w.record(
      taskSchema.parse({ id: "71", status: "IN_PROGRESS", imageUrl: "https://cdn.example/71/p1.webp" }),
    );
    const request = { taskId: "71", slot: "image", version: null };
    const answers = await Promise.all(Array.from({ length: 20 }, () => serveMedia(request, w.mediaDeps)));
    expect(fetched).toHaveLength(1);
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.headers.get("cache-control")).toBe("no-store");
      expect(answer.headers.get("content-type")).toBe(WEBP);
      // An ETag names a cached file (e2e specs wait for one): a preview is not.
      expect(answer.headers.get("etag")).toBeNull();
      expect(new Uint8Array(await answer.arrayBuffer())).toEqual(preview);
    }
    const part = await serveMedia({ ...request, range: "bytes=0-9" }, w.mediaDeps);
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe("bytes 0-9/4096");
    expect(new Uint8Array(await part.arrayBuffer())).toEqual(preview.subarray(0, 10));
    const head = await serveMedia({ ...request, head: true }, w.mediaDeps);
    expect(head.headers.get("content-length")).toBe("4096");
    expect(head.body).toBeNull();

    await w.record(
      taskSchema.parse({ id: "72", status: "IN_PROGRESS", imageUrl: "https://cdn.example/72/gone.webp" }),
    );
    const failure = await serveMedia({ taskId: "72", slot: "image", version: null }, w.mediaDeps).then(
      () => null,
      (error: unknown) => errorResponse(error),
    );
    expect(failure?.status).toBe(502);
    expect(await failure?.json()).toEqual({
      error: { code: "upstream_error", message: "The upstream failed to send the file (HTTP 500)." },
    });
  });

  it("is dropped when the poller records the task finished", async () => {
    const w = world({ simulator: { speed: 5 } });
    const id = (await w.tasks.imagine({ prompt: "a preview that ends" })).result as string;
    w.fault.media = (url) =>
      url.startsWith("https://cdn.example/")
        ? new Response(new Uint8Array(500), { headers: { "content-type": WEBP } })
        : null;
    await w.mediaDeps.previews.get(id, "https://cdn.example/p.webp");
    expect(w.mediaDeps.previews.bytes).toBe(500);
    await waitForStatus((taskId) => w.tasks.fetch(taskId), id, "SUCCESS");
    expect(w.mediaDeps.previews.bytes).toBe(0);
  });
});
