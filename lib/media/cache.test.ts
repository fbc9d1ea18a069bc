import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import sharp from "sharp";
import { afterEach, describe, expect, it } from "vitest";
import { AppError } from "@/lib/http/errors";
import { taskSchema } from "@/lib/mj/task";
import { closeWorlds, finished, world } from "@/lib/testing/world";
import { readBlob } from "./blob-store";
import { backoffMs, type CachedMedia, type MediaCache } from "./cache";
import { createUrlGuard, MEDIA_LIMITS, openMedia, readAll, type MediaFetcher } from "./fetch";
import { serveMedia } from "./serve";

/** The media cache, its thumbnails, the media route and the fetch hardening. */

afterEach(closeWorlds);

async function bytesOf(response: Response): Promise<Buffer> {
  return Buffer.from(await response.arrayBuffer());
}

async function bytesOfCached(cache: MediaCache, media: CachedMedia): Promise<Buffer> {
  return readBlob((await cache.open(media))!);
}

describe("background caching", () => {
  it("downloads a finished task's image once, then serves it from disk with an ETag", async () => {
    const w = world();
    const cache = w.media;
    const task = await finished(w.tasks, "a red fox in snow --ar 3:2");
    await cache.idle();

    const cached = await cache.get(task.id, "image");
    expect(cached).toMatchObject({ contentType: "image/png", key: `media/${task.id}/image.png` });
    const onDisk = await bytesOfCached(cache, cached!);
    expect(cached!.bytes).toBe(onDisk.length);
    expect(cached!.sha256).toBe(createHash("sha256").update(onDisk).digest("hex"));
    // Where the cache always kept it: an existing DATA_DIR/media is read as it is.
    expect(fs.readFileSync(path.join(w.dir, "media", task.id, "image.png")).equals(onDisk)).toBe(true);
    expect(await cache.job(task.id)).toMatchObject({ state: "done" });

    const seen = w.mediaRequests.length;
    const response = await serveMedia({ taskId: task.id, slot: "image", version: null }, w.mediaDeps);
    expect(response.status).toBe(200);
    expect(response.headers.get("etag")).toBe(`"${cached!.sha256}"`);
    expect(response.headers.get("cache-control")).toBe("private, max-age=31536000, immutable");
    expect(response.headers.get("content-type")).toBe("image/png");
    expect(response.headers.get("content-security-policy")).toBe("default-src 'none'; sandbox");
    expect((await bytesOf(response)).equals(onDisk)).toBe(true);
    expect(w.mediaRequests.length).toBe(seen);

    const again = await serveMedia(
      { taskId: task.id, slot: "image", version: null, ifNoneMatch: `W/"x", "${cached!.sha256}"` },
      w.mediaDeps,
    );
    expect(again.status).toBe(304);
    expect(again.headers.get("etag")).toBe(`"${cached!.sha256}"`);
    expect(await again.text()).toBe("");
  });

  it("makes a WebP thumbnail of about 400 px on the long side, a few dozen KB", async () => {
    const w = world();
    const cache = w.media;
    const task = await finished(w.tasks, "a lighthouse at dusk --ar 16:9");
    await cache.idle();
    const seen = w.mediaRequests.length;
    const response = await serveMedia({ taskId: task.id, slot: "thumb", version: null }, w.mediaDeps);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("image/webp");
    const thumb = await bytesOf(response);
    const meta = await sharp(thumb).metadata();
    expect(meta.format).toBe("webp");
    expect(Math.max(meta.width, meta.height)).toBe(400);
    expect(meta.width / meta.height).toBeCloseTo(16 / 9, 1);
    expect(thumb.length).toBeLessThan(80 * 1024);
    expect(thumb.length).toBeLessThan((await cache.get(task.id, "image"))!.bytes / 5);
    // Made with the originals in the background, so serving it fetched nothing.
    expect(w.mediaRequests.length).toBe(seen);
  });

  it("makes a missing thumbnail on demand, from the cached original", async () => {
    const w = world();
    const cache = w.media;
    const task = await finished(w.tasks, "a blue whale");
    await cache.idle();
    const thumb = (await cache.get(task.id, "thumb"))!;
    await cache.remove([]); // no-op
    fs.rmSync(path.join(w.dir, ...thumb.key.split("/"))); // by hand
    const seen = w.mediaRequests.length;
    const response = await serveMedia({ taskId: task.id, slot: "thumb", version: null }, w.mediaDeps);
    expect(response.status).toBe(200);
    expect((await sharp(await bytesOf(response)).metadata()).format).toBe("webp");
    expect(w.mediaRequests.length).toBe(seen);
  });

  it("refills an emptied cache while running: a shown task's originals are downloaded again", async () => {
    const w = world();
    const cache = w.media;
    const task = await finished(w.tasks, "a fern in the rain");
    await cache.idle();
    expect(await cache.get(task.id, "image")).not.toBeNull();
    const mediaDir = path.join(w.dir, "media");

    // The whole directory, index included, goes while the server runs; then the task is viewed.
    fs.rmSync(mediaDir, { recursive: true, force: true });
    const meanwhile = await serveMedia({ taskId: task.id, slot: "image", version: null }, w.mediaDeps);
    expect(meanwhile.status).toBe(200);
    expect(meanwhile.headers.get("etag")).toBeNull(); // streamed from the upstream meanwhile
    expect((await sharp(await bytesOf(meanwhile)).metadata()).format).toBe("png");
    await cache.idle();
    const again = await cache.get(task.id, "image");
    expect(again).not.toBeNull();
    expect(await w.blobs.head(again!.key)).not.toBeNull();
    expect(await cache.job(task.id)).toMatchObject({ state: "done" });
    const fromDisk = await serveMedia({ taskId: task.id, slot: "image", version: null }, w.mediaDeps);
    expect(fromDisk.headers.get("etag")).toBe(`"${again!.sha256}"`);
    await bytesOf(fromDisk);

    // Emptied again, and only the gallery thumbnail is shown: the original comes back too.
    fs.rmSync(mediaDir, { recursive: true, force: true });
    const thumb = await serveMedia({ taskId: task.id, slot: "thumb", version: null }, w.mediaDeps);
    expect(thumb.status).toBe(200);
    await bytesOf(thumb);
    await cache.idle();
    const refilled = await cache.get(task.id, "image");
    expect(refilled && (await w.blobs.head(refilled.key))).toBeTruthy();
  });

  it("answers ?download=1 with an attachment named after the prompt, id and slot, in any script", async () => {
    const w = world();
    const cache = w.media;
    const task = await finished(w.tasks, "A Red Fox, in snow! --ar 3:2 --v 7");
    await cache.idle();
    const response = await serveMedia(
      { taskId: task.id, slot: "image", version: null, download: true },
      w.mediaDeps,
    );
    expect(response.headers.get("content-disposition")).toBe(
      `attachment; filename="a-red-fox-in-snow-${task.id}-image.png"`,
    );
    await bytesOf(response);

    // The lightbox's rule, so a Chinese prompt survives (in filename*, with an ASCII fallback).
    const chinese = await finished(w.tasks, "一只猫 in snow");
    const named = await serveMedia(
      { taskId: chinese.id, slot: "image", version: null, download: true },
      w.mediaDeps,
    );
    expect(named.headers.get("content-disposition")).toBe(
      `attachment; filename="in-snow-${chinese.id}-image.png"; ` +
        `filename*=UTF-8''${encodeURIComponent(`一只猫-in-snow-${chinese.id}-image.png`)}`,
    );
    await bytesOf(named);
  });

  it("re-fetches the task for a fresh link when the stored one has expired", async () => {
    const w = world();
    const task = await finished(w.tasks, "an old map");
    // Not cached yet when its link expires: the queue meets the stale link first.
    await w.media.idle();
    await w.media.remove([task.id]);
    const stored = (await w.store.get(task.id))!;
    const stale = `${stored.imageUrl}&stale=1`;
    await w.record({ ...stored, imageUrl: stale });
    w.fault.media = (url) => (url.includes("stale=1") ? new Response("gone", { status: 410 }) : null);
    const fetchesBefore = w.taskFetches.length;

    const cache = w.media;
    cache.enqueue([(await w.store.get(task.id))!]);
    await cache.idle();

    expect(w.taskFetches.length).toBe(fetchesBefore + 1);
    expect((await w.store.get(task.id))!.imageUrl).not.toContain("stale=1");
    expect(await cache.get(task.id, "image")).not.toBeNull();
    expect(await cache.job(task.id)).toMatchObject({ state: "done", attempts: 0 });
  });

  it("retries with backoff after upstream 500s, then succeeds", async () => {
    // The job's own attempts: the finish is not held for its thumbnails (lib/media/ready.ts).
    const w = world({ mediaQueue: { retryBaseMs: 5 }, mediaBeforeRecord: false });
    let failures = 2;
    w.fault.media = () => (failures-- > 0 ? new Response("boom", { status: 500 }) : null);
    const cache = w.media;
    const task = await finished(w.tasks, "a storm over the sea");
    await cache.idle();
    expect(await cache.get(task.id, "image")).not.toBeNull();
    expect(await cache.job(task.id)).toMatchObject({ state: "done", attempts: 2 });
    expect([1, 2, 3, 30].map((n) => backoffMs(n, 5_000))).toEqual([5_000, 10_000, 20_000, 600_000]);
  });

  it("gives a job that gave up a fresh round when the task is seen again, and at a restart", async () => {
    const w = world({ mediaQueue: { retryBaseMs: 1, maxAttempts: 2 } });
    w.fault.media = () => new Response("down", { status: 503 });
    const first = w.media;
    const task = await finished(w.tasks, "a kite over dunes");
    await first.idle();
    expect(await first.job(task.id)).toMatchObject({ state: "failed", attempts: 2 });

    // The upstream is back: seeing the task again queues it anew.
    w.fault.media = null;
    first.enqueue([(await w.store.get(task.id))!]);
    await first.idle();
    expect(await first.job(task.id)).toMatchObject({ state: "done" });
    expect(await first.get(task.id, "image")).not.toBeNull();

    // Failed again, then a restart alone retries it.
    const second = (await w.restart({ mediaQueue: { retryBaseMs: 1, maxAttempts: 1 } })).media;
    w.fault.media = () => new Response("down", { status: 503 });
    const other = await finished(w.tasks, "a lantern in fog");
    await second.idle();
    expect(await second.job(other.id)).toMatchObject({ state: "failed" });
    w.fault.media = null;
    const third = (await w.restart()).media;
    await third.idle();
    expect(await third.job(other.id)).toMatchObject({ state: "done" });
  });

  it("resumes unfinished downloads after a restart", async () => {
    const w = world({ mediaQueue: { retryBaseMs: 60_000 } });
    w.fault.media = () => new Response("down", { status: 503 });
    const first = w.media;
    const task = await finished(w.tasks, "a paper crane");
    for (let i = 0; i < 200 && ((await first.job(task.id))?.attempts ?? 0) < 1; i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(await first.job(task.id)).toMatchObject({ state: "pending", attempts: 1 });
    expect(await first.get(task.id, "image")).toBeNull();

    w.fault.media = null;
    const second = (await w.restart({ mediaQueue: { retryBaseMs: 5 } })).media;
    await second.idle();
    expect(await second.get(task.id, "image")).not.toBeNull();
    expect(await second.job(task.id)).toMatchObject({ state: "done" });
  });

  it("caches a video task's mp4 once and thumbnails its still", async () => {
    const w = world();
    const cache = w.media;
    const video = taskSchema.parse({
      id: "9000000000000001",
      status: "SUCCESS",
      imageUrl: "https://cdn.example/v.mp4",
      videoUrl: "https://cdn.example/v.mp4",
      videoUrls: [{ url: "https://cdn.example/v.mp4", thumbnail: "https://cdn.example/still.png" }],
    });
    const still = await sharp({ create: { width: 900, height: 600, channels: 3, background: "#336" } })
      .png()
      .toBuffer();
    const served: string[] = [];
    // The task's links point at a CDN, which the world's upstream answers for.
    w.fault.media = (url) => {
      served.push(url);
      return url.endsWith(".mp4")
        ? new Response(new Uint8Array(4096), { headers: { "content-type": "video/mp4" } })
        : new Response(new Uint8Array(still), { headers: { "content-type": "image/png" } });
    };
    await w.record(video);
    cache.enqueue([video]);
    await cache.idle();
    expect(served.filter((u) => u.endsWith(".mp4"))).toHaveLength(1);
    expect(await cache.get(video.id, "video")).toMatchObject({ contentType: "video/mp4", bytes: 4096 });
    expect((await cache.get(video.id, "videos.0"))?.sha256).toBe(
      (await cache.get(video.id, "image"))?.sha256,
    );
    const thumb = (await cache.get(video.id, "thumb"))!;
    expect(await sharp(await bytesOfCached(cache, thumb)).metadata()).toMatchObject({
      format: "webp",
      width: 400,
      height: 267,
    });
  });

  it("removeTaskMedia deletes a task's files and records", async () => {
    const w = world();
    const cache = w.media;
    const task = await finished(w.tasks, "a lantern");
    await cache.idle();
    // The grid, its thumbnail, each image's thumbnail, and one image cut out when asked for.
    await cache.cell(task, "cell.2");
    const cells = ["cell.2", ...[1, 2, 3, 4].map((n) => `cell.${n}.thumb`)];
    expect((await cache.list(task.id)).map((f) => f.slot).sort()).toEqual(
      [...cells, "image", "thumb"].sort(),
    );
    await cache.remove([task.id]);
    expect(await cache.list(task.id)).toEqual([]);
    expect(await cache.job(task.id)).toBeNull();
    expect(fs.existsSync(path.join(w.dir, "media", task.id))).toBe(false);
  });
});

describe("hardening", () => {
  const privateGuard = createUrlGuard({
    trustedOrigin: "http://mj.internal.lan:8080/base",
    resolve: async (host) =>
      ({
        "mj.internal.lan": ["192.168.1.20"],
        "nat64.example.com": ["64:ff9b::a9fe:a9fe"],
        "v6public.example.com": ["64:ff9b::5db8:d822", "::ffff:93.184.216.34"],
        "cdn.example.com": ["93.184.216.34", "2606:2800:220:1::1"],
        "sneaky.example.com": ["93.184.216.34", "10.0.0.7"],
        "metadata.example.com": ["169.254.169.254"],
        "v6local.example.com": ["fe80::1"],
      })[host] ?? [],
  });

  it.each([
    ["http://127.0.0.1/x.png"],
    ["http://10.1.2.3/x.png"],
    ["http://192.168.1.1/x.png"],
    ["http://172.20.0.1/x.png"],
    ["http://[::1]/x.png"],
    ["http://[fd00::1]/x.png"],
    ["http://[::ffff:127.0.0.1]/x.png"],
    ["http://[::ffff:a00:1]/x.png"],
    ["http://[::ffff:0:10.0.0.1]/x.png"], // IPv4-translated
    ["http://[::ffff:0:a00:1]/x.png"],
    ["http://[::10.0.0.1]/x.png"], // IPv4-compatible
    ["http://[::a9fe:a9fe]/latest"],
    ["http://[64:ff9b::a00:1]/x.png"], // NAT64
    ["http://[64:ff9b::192.168.0.1]/x.png"],
    ["http://[64:ff9b:1::a00:1]/x.png"], // local-use NAT64
    ["http://[::]/x.png"],
    ["http://nat64.example.com/latest"],
    // The upstream's host on another port, or another scheme, is another service.
    ["http://mj.internal.lan:9000/api/health"],
    ["http://mj.internal.lan/x.png"],
    ["https://mj.internal.lan:8080/x.png"],
    ["http://0x7f.1/x.png"],
    ["http://sneaky.example.com/x.png"],
    ["http://metadata.example.com/latest"],
    ["http://v6local.example.com/x.png"],
    ["file:///etc/passwd"],
  ])("refuses %s", async (url) => {
    await expect(privateGuard(new URL(url))).rejects.toMatchObject({ reason: "refused" });
  });

  it("allows public hosts and the configured upstream origin, even on a private address", async () => {
    await expect(privateGuard(new URL("https://cdn.example.com/x.png"))).resolves.toBeUndefined();
    await expect(privateGuard(new URL("http://MJ.internal.lan:8080/x.png"))).resolves.toBeUndefined();
    // Public IPv4 addresses behind IPv6 forms (a DNS64 network's answers) stay reachable.
    await expect(privateGuard(new URL("http://v6public.example.com/x.png"))).resolves.toBeUndefined();
    await expect(privateGuard(new URL("http://[64:ff9b::93.184.216.34]/x.png"))).resolves.toBeUndefined();
  });

  /** What openMedia is given to fetch a URL with (the upstream client's fetchMedia in the app). */
  function fakeUpstream(answer: (url: string) => Response): MediaFetcher {
    return { fetchMedia: async (url) => answer(url) };
  }

  it("checks every redirect hop", async () => {
    const upstream = fakeUpstream(
      () => new Response(null, { status: 302, headers: { location: "http://127.0.0.1/admin" } }),
    );
    await expect(
      openMedia({ upstream, guard: privateGuard }, "https://cdn.example.com/x.png"),
    ).rejects.toMatchObject({ reason: "refused", message: expect.stringContaining("private") });
  });

  it.each(["text/html", "image/svg+xml", "application/octet-stream"])(
    "refuses %s: only raster images and plain videos are served from the app's origin",
    async (type) => {
      const upstream = fakeUpstream(
        () => new Response("<svg onload='alert(1)'/>", { headers: { "content-type": type } }),
      );
      await expect(
        openMedia({ upstream, guard: privateGuard }, "https://cdn.example.com/x.png"),
      ).rejects.toMatchObject({ reason: "refused", code: "upstream_bad_response" });
    },
  );

  it("refuses an image over 25 MB, declared or streamed", async () => {
    const declared = fakeUpstream(
      () =>
        new Response("x", {
          headers: { "content-type": "image/png", "content-length": String(MEDIA_LIMITS.imageBytes + 1) },
        }),
    );
    await expect(
      openMedia({ upstream: declared, guard: privateGuard }, "https://cdn.example.com/x.png"),
    ).rejects.toMatchObject({ reason: "refused" });

    const chunk = new Uint8Array(1024 * 1024);
    let sent = 0;
    const streamed = fakeUpstream(
      () =>
        new Response(
          new ReadableStream({
            pull(controller) {
              sent += chunk.length;
              controller.enqueue(chunk);
              if (sent > 40 * 1024 * 1024) controller.close();
            },
          }),
          { headers: { "content-type": "image/png" } },
        ),
    );
    const download = await openMedia(
      { upstream: streamed, guard: privateGuard },
      "https://cdn.example.com/x.png",
    );
    await expect(readAll(download)).rejects.toMatchObject({ reason: "refused" });
    expect(sent).toBeLessThan(30 * 1024 * 1024);
  });

  it("the media route refuses a recorded task whose URL points at a private address", async () => {
    // Against a real upstream, whose media links are checked (demo mode trusts its own simulator).
    const w = world({ upstream: { authHeader: "authorization" } });
    const cache = w.media;
    const task = taskSchema.parse({ id: "77", status: "SUCCESS", imageUrl: "http://127.0.0.1:9/x.png" });
    await w.record(task);
    const error = await serveMedia({ taskId: "77", slot: "image", version: null }, w.mediaDeps).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ status: 502, message: expect.stringContaining("private") });
    await cache.idle();
    // The background job gives up at once: a refusal is not retried.
    expect(await cache.job("77")).toMatchObject({ state: "failed", attempts: 1 });
  });

  it("serves only slots of recorded tasks", async () => {
    const w = world();
    await expect(
      serveMedia({ taskId: "404", slot: "image", version: null }, w.mediaDeps),
    ).rejects.toMatchObject({
      status: 404,
    });
    await expect(
      serveMedia({ taskId: "404", slot: "../etc", version: null }, w.mediaDeps),
    ).rejects.toMatchObject({
      status: 404,
    });
  });
});
