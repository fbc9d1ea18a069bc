/**
 * Loaded into the app under the load bench (`NODE_OPTIONS=--import`, scripts/bench-load.ts), not
 * into the app users run: the app's own clock of each request a tab sends. For every request that
 * carries an `x-bench-request` id it notes when the server read it and when it handed the whole
 * answer to the kernel (Node's `http.server.request.start` and `http.server.response.finish`
 * diagnostics channels, which need no change to the app), on CLOCK_MONOTONIC in microseconds, the
 * clock the bench's tabs read too. The bench then times each request to that hand-off as well as
 * to the moment its tab read the answer: the tabs are 50 or 200 browsers in one Node process, and
 * what that process does between the two (its GC, the other tabs' pushes) is no time of the app's.
 *
 * Written as lines of `id read finish` to BENCH_HANDOFF_FILE every half second and at exit, so
 * memory stays bounded however long the run.
 */
import { appendFileSync } from "node:fs";
import diagnostics from "node:diagnostics_channel";

const file = process.env.BENCH_HANDOFF_FILE;
if (file) {
  const now = () => process.hrtime.bigint() / 1000n;
  const read = new WeakMap();
  let lines = [];
  const flush = () => {
    if (lines.length === 0) return;
    appendFileSync(file, lines.join("\n") + "\n");
    lines = [];
  };
  diagnostics.subscribe("http.server.request.start", ({ request }) => {
    if (request.headers["x-bench-request"] !== undefined) read.set(request, now());
  });
  diagnostics.subscribe("http.server.response.finish", ({ request }) => {
    const started = read.get(request);
    if (started !== undefined) lines.push(`${request.headers["x-bench-request"]} ${started} ${now()}`);
  });
  setInterval(flush, 500).unref();
  process.on("exit", flush);
}
