import { afterEach, describe, expect, it } from "vitest";
import type { SimulatorFamily } from "mj-simulator";
import type { SpeedVia } from "@/lib/mj/speed";
import { waitForStatus } from "@/lib/testing/wait";
import { closeWorlds, world } from "@/lib/testing/world";
import type { SubmitContext } from "./service";

/**
 * A job's speed on its way to the upstream (§8.2), for each MJ_SPEED_VIA and each source of the
 * speed: which upstream path is called, with which prompt, and what the simulator made of it.
 */

afterEach(closeWorlds);

interface Sent {
  path: string;
  prompt: string | undefined;
}

function setup(via: SpeedVia, family: SimulatorFamily = "trueai", env: Record<string, string> = {}) {
  const sent: Sent[] = [];
  const w = world({
    simulator: { family },
    upstream: {
      authHeader: family === "new-api" ? "bearer" : family === "novicezk" ? "mj-api-secret" : "authorization",
    },
    env: { MJ_SPEED_VIA: via, ...env },
    wrapFetch: (fetch) => async (input, init) => {
      const url = new URL(String(input instanceof Request ? input.url : input));
      if (url.pathname.includes("/submit/")) {
        const body = typeof init?.body === "string" ? (JSON.parse(init.body) as { prompt?: string }) : {};
        sent.push({ path: url.pathname, prompt: body.prompt });
      }
      return fetch(input, init);
    },
  });
  return { w, sent };
}

interface Case {
  name: string;
  prompt: string;
  context?: SubmitContext;
  /** Per MJ_SPEED_VIA: the path and prompt the upstream gets. */
  expected: Record<SpeedVia, Sent>;
}

const IMAGINE = "/mj/submit/imagine";
const RELAX_IMAGINE = "/mj-relax/mj/submit/imagine";

const CASES: Case[] = [
  {
    name: "no speed anywhere: nothing is added",
    prompt: "a quiet lake",
    expected: {
      prefix: { path: IMAGINE, prompt: "a quiet lake" },
      flag: { path: IMAGINE, prompt: "a quiet lake" },
      both: { path: IMAGINE, prompt: "a quiet lake" },
    },
  },
  {
    name: "the prompt's flag (/api/mj/...)",
    prompt: "a quiet lake --relax",
    expected: {
      prefix: { path: RELAX_IMAGINE, prompt: "a quiet lake --relax" },
      flag: { path: IMAGINE, prompt: "a quiet lake --relax" },
      both: { path: RELAX_IMAGINE, prompt: "a quiet lake --relax" },
    },
  },
  {
    name: "the drop-in prefix (/api/mj-relax/mj/...), prompt without a flag",
    prompt: "a quiet lake --ar 3:2",
    context: { speed: "relax" },
    expected: {
      prefix: { path: RELAX_IMAGINE, prompt: "a quiet lake --ar 3:2" },
      flag: { path: IMAGINE, prompt: "a quiet lake --ar 3:2 --relax" },
      both: { path: RELAX_IMAGINE, prompt: "a quiet lake --ar 3:2 --relax" },
    },
  },
  {
    name: "the prefix and the same flag: no second flag",
    prompt: "a quiet lake --relax",
    context: { speed: "relax" },
    expected: {
      prefix: { path: RELAX_IMAGINE, prompt: "a quiet lake --relax" },
      flag: { path: IMAGINE, prompt: "a quiet lake --relax" },
      both: { path: RELAX_IMAGINE, prompt: "a quiet lake --relax" },
    },
  },
  {
    name: "the prefix outranks a conflicting flag, which is replaced, never doubled",
    prompt: "a quiet lake --fast",
    context: { speed: "relax" },
    expected: {
      prefix: { path: RELAX_IMAGINE, prompt: "a quiet lake --fast" },
      flag: { path: IMAGINE, prompt: "a quiet lake --relax" },
      both: { path: RELAX_IMAGINE, prompt: "a quiet lake --relax" },
    },
  },
];

describe.each<SpeedVia>(["prefix", "flag", "both"])("MJ_SPEED_VIA=%s", (via) => {
  it.each(CASES)("imagine, $name", async ({ prompt, context, expected }) => {
    const { w, sent } = setup(via);
    const envelope = await w.tasks.imagine({ prompt }, context);
    expect(envelope.code).toBe(1);
    expect(sent).toEqual([expected[via]]);
    expect(w.simulator.stats().byPath[expected[via].path]).toBe(1);
    // The record keeps the prompt the user wrote; the upstream's copy says what it ran.
    expect((await w.store.get(envelope.result as string))?.prompt).toBe(prompt);
  });

  it("shorten and modal carry the speed like imagine; action, blend and describe only by prefix", async () => {
    const { w, sent } = setup(via);
    const prefixed = via !== "flag";
    const path = (kind: string) => `${prefixed ? "/mj-turbo" : ""}/mj/submit/${kind}`;
    const flagged = (prompt: string) => (via === "prefix" ? prompt : `${prompt} --turbo`);
    const turbo = { speed: "turbo" } as const;

    await w.tasks.shorten({ prompt: "a very beautiful cat in a garden" }, turbo).catch(() => null);
    const grid = await w.tasks.imagine({ prompt: "a harbour" });
    const done = await waitForStatus(w.tasks.fetch, grid.result as string, "SUCCESS");
    const u1 = done.buttons.find((b) => b.label === "U1")!;
    await w.tasks.action({ taskId: done.id, customId: u1.customId }, turbo);
    await w.tasks.blend({ base64Array: ["https://example.com/a.png", "https://example.com/b.png"] }, turbo);
    await w.tasks.describe({ link: "https://example.com/a.png" }, turbo);
    await w.tasks.modal({ taskId: "1000000000000000", prompt: "zoomed out --zoom 2" }, turbo);
    // An empty modal prompt means "the parent's": a lone flag would replace it.
    await w.tasks.modal({ taskId: "1000000000000000", prompt: "" }, turbo);

    expect(sent).toEqual([
      { path: path("shorten"), prompt: flagged("a very beautiful cat in a garden") },
      { path: "/mj/submit/imagine", prompt: "a harbour" },
      { path: path("action"), prompt: undefined },
      { path: path("blend"), prompt: undefined },
      { path: path("describe"), prompt: undefined },
      {
        path: path("modal"),
        prompt: via === "prefix" ? "zoomed out --zoom 2" : "zoomed out --zoom 2 --turbo",
      },
      { path: path("modal"), prompt: "" },
    ]);
  });
});

describe("what the upstream makes of it", () => {
  it("trueai runs the job at the prefix's speed, which outranks accountFilter (§3)", async () => {
    const { w } = setup("prefix");
    // Without the prefix, accountFilter's FAST would win: the mode proves the prefixed path was used.
    const envelope = await w.tasks.imagine(
      { prompt: "a quiet lake", accountFilter: { modes: ["FAST"] } },
      { speed: "relax" },
    );
    const task = await waitForStatus(w.tasks.fetch, envelope.result as string, "SUCCESS");
    expect(task.mode).toBe("RELAX");
  });

  it("a new-api relay takes the prefixed path, and the flag is what gets the speed through it", async () => {
    const { w, sent } = setup("both", "new-api");
    const envelope = await w.tasks.imagine({ prompt: "a quiet lake" }, { speed: "relax" });
    expect(envelope.code).toBe(1);
    expect(sent).toEqual([{ path: RELAX_IMAGINE, prompt: "a quiet lake --relax" }]);
    const task = await waitForStatus(w.tasks.fetch, envelope.result as string, "SUCCESS");
    // The relay's DTO has no mode (§8.1): the speed it ran at is not reported.
    expect(task.mode ?? null).toBeNull();
  });

  it("novicezk has no prefixed routes: the first prefixed submit is sent again with the flag, and later ones go so", async () => {
    const { w, sent } = setup("both", "novicezk");
    const first = await w.tasks.imagine({ prompt: "a quiet lake" }, { speed: "relax" });
    expect(first.code).toBe(1);
    const second = await w.tasks.imagine({ prompt: "a calm sea --fast" });
    expect(second.code).toBe(1);
    expect(sent).toEqual([
      { path: RELAX_IMAGINE, prompt: "a quiet lake --relax" },
      { path: IMAGINE, prompt: "a quiet lake --relax" },
      { path: IMAGINE, prompt: "a calm sea --fast" },
    ]);
  });

  it.each<SpeedVia>(["prefix", "flag", "both"])(
    "a job's speed replaces a speed prefix already in MJ_API_URL (MJ_SPEED_VIA=%s)",
    async (via) => {
      const { w, sent } = setup(via, "trueai", { MJ_API_URL: "http://simulator.invalid/mj-fast" });
      await w.tasks.imagine({ prompt: "a quiet lake" });
      await w.tasks.imagine({ prompt: "a quiet lake" }, { speed: "relax" });
      expect(sent).toEqual([
        { path: "/mj-fast/mj/submit/imagine", prompt: "a quiet lake" },
        via === "flag"
          ? { path: IMAGINE, prompt: "a quiet lake --relax" }
          : { path: RELAX_IMAGINE, prompt: via === "prefix" ? "a quiet lake" : "a quiet lake --relax" },
      ]);
    },
  );
});
