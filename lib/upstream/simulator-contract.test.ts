import sharp from "sharp";
import { afterEach, describe, expect, it } from "vitest";
import { createSimulator, type Simulator, type SimulatorFamily, type SimulatorOptions } from "mj-simulator";
import { describeButton } from "@/lib/mj/buttons";
import { submitResultSchema } from "@/lib/mj/envelope";
import { unknownActionCustomId } from "@/lib/mj/fail-reason";
import { mediaOf } from "@/lib/mj/history-query";
import { statusRank, taskSchema, type Button, type Task } from "@/lib/mj/task";
import { waitForStatus } from "@/lib/testing/wait";

/**
 * The simulator stands in for the upstream in demo mode, in the tests and in e2e, so what it says
 * must be what the app reads. Its own tests (packages/mj-simulator) hold its answers to its own
 * reading of docs/protocol.md; these hold them to the app's: every answer parses with the app's
 * wire schemas, statuses never go backwards by the app's rank, and the app knows every button.
 */

const BASE = "http://simulator.invalid";
/** Until the simulator on main makes videos (its branch adds them), their contract waits. */
const T0 = 1_700_000_000_000;

const open: Simulator[] = [];
afterEach(() => {
  while (open.length > 0) open.pop()!.close();
});

function world(options: SimulatorOptions = {}) {
  let t = T0;
  const sim = createSimulator({ now: () => t, ...options });
  open.push(sim);
  const raw = async (path: string, body?: unknown): Promise<unknown> => {
    const response = await sim.fetch(`${BASE}${path}`, {
      method: body === undefined ? "GET" : "POST",
      ...(body === undefined
        ? {}
        : { body: JSON.stringify(body), headers: { "content-type": "application/json" } }),
    });
    return JSON.parse(await response.text()) as unknown;
  };
  const submit = async (path: string, body: unknown) => {
    const envelope = submitResultSchema.parse(await raw(path, body));
    expect(envelope.code, envelope.description).toBe(1);
    return envelope.result as string;
  };
  const task = async (id: string): Promise<Task> => taskSchema.parse(await raw(`/mj/task/${id}/fetch`));
  // On the simulator's clock: between two reads, half a second passes at once.
  const settle = (id: string): Promise<Task> =>
    waitForStatus(task, id, "SUCCESS", {
      pause: () => {
        t += 500;
      },
    });
  return {
    raw,
    submit,
    task,
    settle,
    advance: (ms: number) => {
      t += ms;
    },
  };
}

type World = ReturnType<typeof world>;

const press = async (w: World, task: Task, match: (customId: string) => boolean) => {
  const button = task.buttons.find((b) => match(b.customId));
  if (!button) throw new Error(`no matching button on ${task.id}`);
  return w.settle(await w.submit("/mj/submit/action", { taskId: task.id, customId: button.customId }));
};

describe("the simulator speaks the protocol the app reads", () => {
  it.each<SimulatorFamily>(["trueai", "novicezk", "new-api"])(
    "%s: an imagine parses at every step, and the app's rank never goes backwards",
    async (family) => {
      const w = world({ family, relayLagMs: family === "new-api" ? 1_000 : undefined });
      const id = await w.submit("/mj/submit/imagine", { prompt: "a red fox in snow --ar 16:9" });
      const ranks: number[] = [];
      for (let i = 0; i < 200; i++) {
        const task = await w.task(id);
        ranks.push(statusRank(task));
        if (task.status === "SUCCESS") break;
        w.advance(150);
      }
      expect([...ranks].sort((a, b) => a - b)).toEqual(ranks);
      const done = await w.task(id);
      expect(done).toMatchObject({ id, status: "SUCCESS", progress: "100%", action: "IMAGINE" });
      expect(done.imageUrl).toMatch(/^http:\/\/simulator\.invalid\/sim\/media\//);
      expect(done.buttons).toHaveLength(9);
    },
  );

  it("trueai's full field set parses while the job runs", async () => {
    const w = world();
    const id = await w.submit("/mj/submit/imagine", { prompt: "field check" });
    const raw = await w.raw(`/mj/task/${id}/fetch`);
    expect(taskSchema.safeParse(raw).success).toBe(true);
  });

  it('a relay\'s copy before its first poll reads as status "", ranked below every real status', async () => {
    const w = world({ family: "new-api", relayLagMs: 15_000 });
    const id = await w.submit("/mj/submit/imagine", { prompt: "relayed" });
    const copy = await w.task(id);
    expect(copy.status).toBe("");
    expect(statusRank(copy)).toBeLessThan(statusRank({ status: "NOT_START", progress: null }));
  });

  it("a SHORTEN, and a job Midjourney fails for its parameters, parse as the app reads them", async () => {
    const w = world();
    const shorten = await w.settle(await w.submit("/mj/submit/shorten", { prompt: "a cat in a garden" }));
    expect(shorten).toMatchObject({ action: "SHORTEN", status: "SUCCESS", imageUrl: null });
    expect(shorten.properties.finalPrompt).toMatch(/^\*\*Important tokens\*\*\n/);
    expect(shorten.buttons).toHaveLength(6);

    const id = await w.submit("/mj/submit/imagine", { prompt: "a cat --v 8.1 --q 2" });
    const failed = await waitForStatus(w.task, id, "FAILURE", { pause: () => w.advance(500) });
    expect(failed.failReason).toBe("[Invalid parameter] --quality is not compatible with --version 8.1");
  });

  it("every button the simulator puts on a task is one the app knows, on that task's job", async () => {
    const w = world();
    const buttons: { task: Task; button: Button }[] = [];
    const collect = (task: Task) => {
      expect(task.buttons.length).toBeGreaterThan(0);
      for (const button of task.buttons) buttons.push({ task, button });
      return task;
    };

    // V7 has every image button; the default model (V8.1) trueai's reduced V8 set (§5.2.1).
    const grid = collect(
      await w.settle(await w.submit("/mj/submit/imagine", { prompt: "a harbour --ar 3:2 --v 7" })),
    );
    const single = collect(await press(w, grid, (id) => id.startsWith("MJ::JOB::upsample::1::")));
    collect(await press(w, single, (id) => id.includes("upsample_v7_2x_subtle")));
    const videoGrid = collect(await press(w, single, (id) => id.includes("animate_low::")));
    collect(await press(w, videoGrid, (id) => id.includes("video_virtual_upscale::1::")));
    const v8 = await w.settle(await w.submit("/mj/submit/imagine", { prompt: "a harbour --draft" }));
    collect(await press(w, collect(v8), (id) => id.startsWith("MJ::JOB::upsample::1::")));
    const v5 = collect(await w.settle(await w.submit("/mj/submit/imagine", { prompt: "a harbour --v 5.2" })));
    collect(await press(w, v5, (id) => id.startsWith("MJ::JOB::upsample::1::")));
    const image = await sharp({ create: { width: 96, height: 64, channels: 3, background: "#1450c8" } })
      .png()
      .toBuffer();
    collect(
      await w.settle(
        await w.submit("/mj/submit/describe", {
          base64: `data:image/png;base64,${image.toString("base64")}`,
        }),
      ),
    );

    for (const { task, button } of buttons) {
      const info = describeButton(button);
      expect(info.kind, button.customId).not.toBe("unknown");
      if (info.jobId !== null) expect(info.jobId, button.customId).toBe(task.properties.messageHash);
    }
    // Every kind of button the simulator has was on the way.
    const kinds = new Set(buttons.map(({ button }) => describeButton(button).kind));
    expect(kinds).toEqual(
      new Set([
        "upscale",
        "vary",
        "vary-region",
        "zoom",
        "custom-zoom",
        "pan",
        "reroll",
        "animate",
        "extend",
        "describe-prompt",
        "imagine-all",
        "bookmark",
      ]),
    );
  });

  it("video, edits and retexture parse as the app reads them, and their buttons are ones it knows", async () => {
    const w = world();
    const frame = await sharp({ create: { width: 64, height: 48, channels: 4, background: "#1450c880" } })
      .png()
      .toBuffer();
    const image = `data:image/png;base64,${frame.toString("base64")}`;
    const video = await w.settle(
      await w.submit("/mj/submit/video", { prompt: "--motion low", image, batchSize: 2 }),
    );
    expect(video).toMatchObject({ action: "VIDEO", properties: expect.any(Object) });
    expect(video.videoUrls).toHaveLength(2);
    const extended = await w.settle(
      await w.submit("/mj/submit/video", { prompt: "on", action: "extend", taskId: video.id, index: 1 }),
    );
    expect(extended.properties.video_extend_index).toBe(2);
    const edited = await w.settle(await w.submit("/mj/submit/edits", { prompt: "a red boat", image }));
    const restyled = await w.settle(await w.submit("/mj/submit/retexture", { prompt: "oil paint", image }));
    expect([edited.action, restyled.action]).toEqual(["EDIT", "RETEXTURE"]);
    // The gallery's Video filter reads what they are.
    expect([video, extended, edited, restyled].map(mediaOf)).toEqual(["video", "video", "image", "image"]);
    for (const task of [video, extended, edited, restyled]) {
      for (const button of task.buttons)
        expect(describeButton(button).kind, button.customId).not.toBe("unknown");
    }
  });

  it("new-api refuses every video button in words the app reads as 'this relay cannot press it'", async () => {
    const w = world({ family: "new-api", relayLagMs: 0 });
    const grid = await w.settle(await w.submit("/mj/submit/imagine", { prompt: "a harbour" }));
    const single = await press(w, grid, (id) => id.startsWith("MJ::JOB::upsample::1::"));
    const animate = single.buttons.find((b) => b.customId.includes("animate_high::"))!;
    const answer = submitResultSchema.parse(
      await w.raw("/mj/submit/action", { taskId: single.id, customId: animate.customId }),
    );
    expect(answer.code).toBe(4);
    expect(unknownActionCustomId(answer.description)).toBe(animate.customId);
  });
});
