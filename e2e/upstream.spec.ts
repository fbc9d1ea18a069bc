import { expect, test, type APIRequestContext } from "@playwright/test";
import { waitForStatus } from "@/lib/testing/wait";
import { E2E_UPSTREAM_KEY } from "./constants";

/**
 * The app in front of a real HTTP upstream (the simulator as a trueai proxy, and as a new-api
 * relay with a Bearer key): the curl flow of the README works, every image URL it hands out
 * serves a real image, and the key appears in no response and no page.
 */

interface Envelope {
  code: number;
  result: string;
  properties: Record<string, unknown>;
}
interface Task {
  id: string;
  status: string;
  imageUrl: string | null;
  parentId: string | null;
  buttons: { customId: string; label: string }[];
}

const seen: string[] = [];

async function post(request: APIRequestContext, path: string, data: object): Promise<Envelope> {
  const response = await request.post(path, { data });
  const text = await response.text();
  seen.push(text);
  expect(response.status(), text).toBe(200);
  return JSON.parse(text) as Envelope;
}

function finished(request: APIRequestContext, id: string): Promise<Task> {
  const read = async (task: string) => {
    const text = await (await request.get(`/api/mj/task/${task}/fetch`)).text();
    seen.push(text);
    return JSON.parse(text) as Task;
  };
  return waitForStatus(read, id, "SUCCESS", { timeoutMs: 45_000, intervalMs: 250 });
}

async function expectRealImage(request: APIRequestContext, url: string | null) {
  // Read as a drop-in client reads it (not the app's page): an absolute link on the app's own origin.
  expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/media\//);
  const response = await request.get(url!);
  expect(response.status()).toBe(200);
  expect(response.headers()["content-type"]).toMatch(/^image\/(png|webp)$/);
  const body = await response.body();
  expect(body.byteLength).toBeGreaterThan(1_000);
}

test("imagine → U1 → Custom Zoom (21) → modal → SUCCESS, with no key anywhere", async ({
  request,
  page,
  baseURL,
}) => {
  // V7: the default model (V8.1) has no Custom Zoom (docs/protocol.md §5.2.1).
  const imagine = await post(request, "/api/mj/submit/imagine", {
    prompt: "a lantern in fog --ar 4:3 --v 7",
  });
  expect([1, 22]).toContain(imagine.code);
  const grid = await finished(request, imagine.result);
  await expectRealImage(request, grid.imageUrl);

  const u1 = grid.buttons.find((b) => b.label === "U1")!;
  const upscale = await post(request, "/api/mj/submit/action", { taskId: grid.id, customId: u1.customId });
  const single = await finished(request, upscale.result);
  expect(single.parentId).toBe(grid.id);
  await expectRealImage(request, single.imageUrl);

  const customZoom = single.buttons.find((b) => b.customId.startsWith("MJ::CustomZoom"))!;
  const modal = await post(request, "/api/mj/submit/action", {
    taskId: single.id,
    customId: customZoom.customId,
  });
  expect(modal.code).toBe(21);
  const confirmed = await post(request, "/api/mj/submit/modal", {
    taskId: modal.result,
    prompt: "a lantern in fog --ar 4:3 --v 7 --zoom 1.5",
  });
  expect(confirmed.code).toBe(1);
  const zoomed = await finished(request, modal.result);
  await expectRealImage(request, zoomed.imageUrl);

  const list = await request.post("/api/mj/task/list-by-ids", {
    data: { ids: [grid.id, single.id, zoomed.id] },
  });
  seen.push(await list.text());
  expect(((await list.json()) as Task[]).map((t) => t.id).sort()).toEqual(
    [grid.id, single.id, zoomed.id].sort(),
  );

  await page.goto("/");
  await expect(page.getByRole("heading", { name: "Your tasks" })).toBeVisible();
  await expect(page.getByRole("img", { name: "a lantern in fog --ar 4:3 --v 7" }).first()).toBeVisible();
  const html = await page.content();

  for (const text of [...seen, html]) expect(text).not.toContain(E2E_UPSTREAM_KEY);
  // Nor does the upstream's address: media URLs are the app's own (playwright.config.ts: simulator = app port + 90).
  // On the page only what it loads counts: other specs' prompts in the feed may quote an upload's URL.
  const upstreamOrigin = baseURL!.replace(/:(\d+)$/, (_, port: string) => `:${Number(port) + 90}`);
  expect(seen.join("\n")).not.toContain(upstreamOrigin);
  const loaded = [...html.matchAll(/\b(?:src|srcset|href|poster)="([^"]*)"/g)].map((match) => match[1]);
  expect(loaded.length).toBeGreaterThan(0);
  expect(loaded.filter((url) => url?.includes(upstreamOrigin))).toEqual([]);
});

/** How often the standalone simulator was called on a path (GET /__stats; simulator = app port + 90). */
async function simulatorCalls(request: APIRequestContext, baseURL: string, path: string): Promise<number> {
  const simulator = baseURL.replace(/:(\d+)$/, (_, port: string) => `:${Number(port) + 90}`);
  const stats = (await (await request.get(`${simulator}/__stats`)).json()) as {
    byPath: Record<string, number>;
  };
  return stats.byPath[path] ?? 0;
}

test("Relax sent as a prefix", async ({ request, baseURL }, testInfo) => {
  interface ModeTask extends Task {
    mode?: string | null;
    prompt: string;
  }
  const prefixed = "/mj-relax/mj/submit/imagine";
  const before = await simulatorCalls(request, baseURL!, prefixed);
  // The prompt's --relax goes out as the path /mj-relax/mj/submit/imagine as well (MJ_SPEED_VIA=both).
  // accountFilter asks for FAST, which trueai ranks below the path prefix and above the flag (§3):
  // only the prefixed path makes the job RELAX.
  const envelope = await post(request, "/api/mj/submit/imagine", {
    prompt: "a paper kite over dunes --relax",
    accountFilter: { modes: ["FAST"] },
  });
  expect(envelope.code).toBe(1);
  // The simulator (the proxy, or the relay in front of it) saw the prefixed path.
  expect(await simulatorCalls(request, baseURL!, prefixed)).toBe(before + 1);
  const read = async (id: string) =>
    (await (await request.get(`/api/mj-relax/mj/task/${id}/fetch`)).json()) as ModeTask;
  const task = await waitForStatus(read, envelope.result, "SUCCESS", { timeoutMs: 45_000, intervalMs: 250 });
  if (testInfo.project.name === "trueai") {
    expect(task.mode).toBe("RELAX");
  } else {
    // new-api mounts /:anything/mj/... and cuts the prefix (§8.2): the submit is accepted, the flag
    // is what reaches the upstream, and the relay's task copy has no mode (§8.1).
    expect(task.prompt).toContain("--relax");
    expect(task.mode ?? null).toBeNull();
  }

  // The drop-in prefix itself: same answer as the plain route, the speed taken from the path.
  const dropIn = await post(request, "/api/mj-relax/mj/submit/imagine", {
    prompt: "a paper kite over dunes",
    accountFilter: { modes: ["FAST"] },
  });
  const viaPrefix = await waitForStatus(read, dropIn.result, "SUCCESS", {
    timeoutMs: 45_000,
    intervalMs: 250,
  });
  if (testInfo.project.name === "trueai") expect(viaPrefix.mode).toBe("RELAX");
  const unknown = await request.post("/api/mj-slow/mj/submit/imagine", { data: { prompt: "x" } });
  expect(unknown.status()).toBe(404);
  expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe("not_found");
});
