import { expect, test, type APIRequestContext } from "@playwright/test";
import { waitForStatus } from "@/lib/testing/wait";

/**
 * Media as a browser's <video> and <img> fetch them from the production server: byte ranges of a
 * cached MP4 (Safari asks for `bytes=0-1` first and will not play a video answered without 206),
 * through the app's own URLs only.
 */

interface Task {
  id: string;
  status: string;
  failReason: string | null;
  videoUrl: string | null;
  videoUrls: { url: string | null }[] | null;
  buttons: { customId: string }[];
}

async function submit(request: APIRequestContext, path: string, body: object): Promise<string> {
  const response = await request.post(`/api/mj/submit/${path}`, { data: body });
  expect(response.status()).toBe(200);
  const envelope = (await response.json()) as { code: number; result: string };
  expect([1, 22]).toContain(envelope.code);
  return envelope.result;
}

function finished(request: APIRequestContext, id: string): Promise<Task> {
  const read = async (task: string) =>
    (await (await request.get(`/api/mj/task/${task}/fetch`)).json()) as Task;
  return waitForStatus(read, id, "SUCCESS", { timeoutMs: 90_000, intervalMs: 250 });
}

async function press(request: APIRequestContext, parent: Task, pattern: RegExp): Promise<Task> {
  const button = parent.buttons.find((b) => pattern.test(b.customId));
  expect(button, `a ${pattern} button on ${parent.id}`).toBeDefined();
  return finished(
    request,
    await submit(request, "action", { taskId: parent.id, customId: button!.customId }),
  );
}

test("a cached video answers byte ranges: 206 with Content-Range, 416 beyond its end", async ({
  request,
}) => {
  test.setTimeout(180_000);
  const grid = await finished(
    request,
    await submit(request, "imagine", { prompt: "a paper boat on a pond" }),
  );
  const upscale = await press(request, grid, /::upsample::1::/);
  const animated = await press(request, upscale, /::animate_low::/);
  // Animate answers an animated grid; its video U1 is one MP4 (§5.3).
  const clip = await press(request, animated, /::video_virtual_upscale::1::/);
  const video = clip.videoUrl;
  // Read as a drop-in client reads it (not the app's page): an absolute link on the app's own origin.
  expect(video).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/media\/\d+\/video\?v=/);

  const whole = await request.get(video!);
  expect(whole.status()).toBe(200);
  expect(whole.headers()["content-type"]).toBe("video/mp4");
  expect(whole.headers()["accept-ranges"]).toBe("bytes");
  const bytes = await whole.body();
  expect(bytes.subarray(4, 8).toString("latin1")).toBe("ftyp");

  const probe = await request.get(video!, { headers: { Range: "bytes=0-1" } });
  expect(probe.status()).toBe(206);
  expect(probe.headers()["content-range"]).toBe(`bytes 0-1/${bytes.length}`);
  expect((await probe.body()).equals(bytes.subarray(0, 2))).toBe(true);

  const tail = await request.get(video!, { headers: { Range: "bytes=-100" } });
  expect(tail.status()).toBe(206);
  expect((await tail.body()).equals(bytes.subarray(bytes.length - 100))).toBe(true);

  const seek = await request.get(video!, { headers: { Range: `bytes=${Math.floor(bytes.length / 2)}-` } });
  expect(seek.status()).toBe(206);
  expect((await seek.body()).equals(bytes.subarray(Math.floor(bytes.length / 2)))).toBe(true);

  const beyond = await request.get(video!, { headers: { Range: `bytes=${bytes.length}-` } });
  expect(beyond.status()).toBe(416);
  expect(beyond.headers()["content-range"]).toBe(`bytes */${bytes.length}`);
});
