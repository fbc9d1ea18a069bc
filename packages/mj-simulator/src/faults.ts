import { Rng } from "./rng";
import type { SimulatorFaults } from "./types";

/**
 * Switchable upstream faults for tests and demos of the app's error handling. Draws come from a
 * seeded PRNG, restarted by every `set`, so the n-th request after setting the faults fails the
 * same way on every run.
 */

const FAULT_SEED = 0x5eed;

/** Resolves after `ms`, or rejects with the signal's reason (AbortError/TimeoutError) like fetch. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** Settles like `work`, unless the signal aborts first: then rejects as fetch does. */
export function raceAbort<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/** A request the server never answers; only the caller's abort ends it. */
function hang(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) =>
    signal.addEventListener("abort", () => reject(signal.reason), { once: true }),
  );
}

const BAD_GATEWAY_HTML =
  "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

export class FaultInjector {
  private faults: SimulatorFaults = {};
  private random = new Rng(FAULT_SEED);

  constructor(faults: SimulatorFaults = {}) {
    this.set(faults);
  }

  set(faults: SimulatorFaults): void {
    this.faults = { ...faults };
    this.random = new Rng(FAULT_SEED);
  }

  /** Not a transport fault: the upload route answers it in its own words. */
  get uploadStorageDown(): boolean {
    return this.faults.uploadStorageDown === true;
  }

  /**
   * What a faulty upstream answers instead of the real response, or null to answer normally.
   * Every call draws the same number of values, so one rate does not shift another's sequence.
   */
  async intercept(signal: AbortSignal, unauthorized: () => Response): Promise<Response | null> {
    const f = this.faults;
    const [timeout, error, malformed, which] = [
      this.random.next(),
      this.random.next(),
      this.random.next(),
      this.random.next(),
    ];
    if (f.latencyMs && f.latencyMs > 0) await sleep(f.latencyMs, signal);
    if (f.unauthorized) return unauthorized();
    if (timeout < (f.timeoutRate ?? 0)) return hang(signal);
    if (error < (f.errorRate ?? 0)) {
      return which < 0.5
        ? new Response("Internal Server Error", { status: 500, headers: { "content-type": "text/plain" } })
        : new Response(BAD_GATEWAY_HTML, { status: 502, headers: { "content-type": "text/html" } });
    }
    if (malformed < (f.malformedRate ?? 0)) {
      // A body cut off mid-stream: valid start, no end.
      return new Response('{"code":1,"description":"提交成功","result":"17', {
        status: 200,
        headers: { "content-type": "application/json; charset=utf-8" },
      });
    }
    return null;
  }
}
