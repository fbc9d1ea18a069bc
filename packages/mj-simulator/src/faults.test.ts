import { afterEach, describe, expect, it } from "vitest";
import { BASE, closeAll, harness, type Harness } from "./test-support";

afterEach(closeAll);

async function statuses(h: Harness, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push((await h.get("/mj/task/list")).status);
  return out;
}

describe("faults", () => {
  it("fails a reproducible share of calls with 500/502", async () => {
    const h = harness();
    h.sim.setFaults({ errorRate: 0.4 });
    const first = await statuses(h, 40);
    h.sim.setFaults({ errorRate: 0.4 });
    expect(await statuses(h, 40)).toEqual(first);
    const failures = first.filter((s) => s >= 500);
    expect(new Set(failures)).toEqual(new Set([500, 502]));
    expect(failures.length).toBeGreaterThan(6);
    expect(failures.length).toBeLessThan(26);
    h.sim.setFaults({});
    expect(await statuses(h, 10)).toEqual(Array(10).fill(200));
  });

  it("hangs until the caller's signal fires, then rejects as fetch does", async () => {
    const h = harness();
    h.sim.setFaults({ timeoutRate: 1 });
    const timedOut = h.sim.fetch(`${BASE}/mj/task/list`, { signal: AbortSignal.timeout(60) });
    await expect(timedOut).rejects.toMatchObject({ name: "TimeoutError" });

    const controller = new AbortController();
    const aborted = h.sim.fetch(`${BASE}/mj/task/list`, { signal: controller.signal });
    let settled = false;
    void aborted.catch(() => (settled = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(settled).toBe(false);
    controller.abort();
    await expect(aborted).rejects.toMatchObject({ name: "AbortError" });
    // Media is the CDN, not the API: it still answers.
    expect((await h.sim.fetch(`${BASE}/sim/media/1/result/x.png`)).status).toBe(404);
  });

  it("answers 200 with broken JSON", async () => {
    const h = harness();
    h.sim.setFaults({ malformedRate: 1 });
    const res = await h.post("/mj/submit/imagine", { prompt: "never created" });
    expect(res.status).toBe(200);
    expect(() => JSON.parse(res.text)).toThrow();
    h.sim.setFaults({});
    expect(JSON.parse((await h.get("/mj/task/list")).text)).toEqual([]);
  });

  it("adds latency that an abort cuts short, and refuses every call when unauthorized", async () => {
    const h = harness({ family: "novicezk" });
    h.sim.setFaults({ latencyMs: 80 });
    const started = performance.now();
    expect((await h.get("/mj/task/list")).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(75);
    await expect(
      h.sim.fetch(`${BASE}/mj/task/list`, { signal: AbortSignal.timeout(10) }),
    ).rejects.toMatchObject({
      name: "TimeoutError",
    });

    h.sim.setFaults({ unauthorized: true });
    expect(await h.get("/mj/task/list")).toMatchObject({ status: 401, text: "" });
  });

  it("counts requests per path with ids collapsed", async () => {
    const h = harness();
    const { result } = await h.submit("/mj/submit/imagine", { prompt: "counted" });
    await h.task(result as string);
    await h.task(result as string);
    await h.get("/mj-fast/mj/task/1/fetch");
    expect(h.sim.stats()).toEqual({
      requests: 4,
      byPath: { "/mj/submit/imagine": 1, "/mj/task/{id}/fetch": 2, "/mj-fast/mj/task/{id}/fetch": 1 },
    });
  });
});
