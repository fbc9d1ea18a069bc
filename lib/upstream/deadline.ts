import "server-only";
import { mapChunks, type ByteChunks } from "@/lib/http/body";

/**
 * A deadline for one upstream exchange (every hop, the headers and the whole body) that cannot be
 * lost. `AbortSignal.timeout` alone is not enough: its timer holds the signal weakly, and a signal
 * combined with `AbortSignal.any`, or followed by a `Request` built from it (the simulator's
 * fetch), can be garbage-collected mid-request on Node 20 so the abort never arrives
 * (nodejs/node#57736); a slow upstream then holds a request open for minutes. Here a plain
 * `setTimeout` keeps the controller alive until the exchange is over, the caller's signal is
 * followed with a listener, and every wait is raced against the deadline, so it fails on time even
 * when a fetch does not honour the abort.
 *
 * The wall clock runs until the headers are in. A body handed to `chunks` is charged only for the
 * time a read waits on the upstream: a consumer that pauses between reads (a browser on a slow
 * link, a <video> with a full buffer, a zip being written out) must not truncate a download,
 * while an upstream that drips still runs out of budget, pending time adding up read after read.
 */

export interface Deadline {
  /** Aborts when the deadline passes (a `TimeoutError`) or the caller's signal aborts (its reason). */
  readonly signal: AbortSignal;
  /** Settles like `work`, or rejects with the abort reason as soon as the signal aborts. */
  race<T>(work: Promise<T>): Promise<T>;
  /**
   * The body, failing once the reads have waited on the upstream for the rest of the budget in
   * all; time the consumer spends between reads does not count. Reading it to the end, an error
   * or cancelling it ends the deadline.
   */
  chunks(body: ByteChunks): ByteChunks;
  /** Stops the timer and lets go of the caller's signal; call it once the exchange is over. */
  done(): void;
}

export function startDeadline(ms: number, caller?: AbortSignal): Deadline {
  const controller = new AbortController();
  const { signal } = controller;
  const onCallerAbort = () => controller.abort(caller?.reason);
  const expire = () => controller.abort(new DOMException(`No answer within ${ms} ms.`, "TimeoutError"));
  const started = Date.now();
  // Referenced on purpose: it is what keeps the controller (and every waiter) reachable. While a
  // body streams, it runs only during a pending read (see `chunks`).
  let timer = setTimeout(expire, ms);
  function done(): void {
    clearTimeout(timer);
    caller?.removeEventListener("abort", onCallerAbort);
  }
  signal.addEventListener("abort", done, { once: true });
  if (caller?.aborted) onCallerAbort();
  else caller?.addEventListener("abort", onCallerAbort, { once: true });

  function race<T>(work: Promise<T>): Promise<T> {
    if (signal.aborted) {
      work.catch(() => {});
      return Promise.reject(signal.reason as Error);
    }
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(signal.reason as Error);
      signal.addEventListener("abort", onAbort, { once: true });
      work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
    });
  }

  function chunks(body: ByteChunks): ByteChunks {
    // From here on only waiting on the upstream spends what is left of the budget.
    clearTimeout(timer);
    let remaining = Math.max(0, ms - (Date.now() - started));
    const timed = mapChunks(
      body,
      async (read) => {
        const pullStarted = Date.now();
        if (!signal.aborted) timer = setTimeout(expire, remaining);
        try {
          return await race(read());
        } finally {
          clearTimeout(timer);
          remaining = Math.max(0, remaining - (Date.now() - pullStarted));
        }
      },
      () => {
        signal.removeEventListener("abort", onAbort);
        done();
      },
    );
    // Nobody may be reading when the caller aborts: the upstream body is let go of anyway.
    const onAbort = () => void timed.cancel(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    return timed;
  }

  return { signal, race, chunks, done };
}
