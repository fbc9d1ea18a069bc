/**
 * At most `size` pieces of work at once; the rest wait their turn. Used to bound CPU- and
 * memory-heavy work (sharp decoding an original) so a burst queues instead of piling up decoded
 * images.
 *
 * Work a person is waiting on goes ahead of the rest: when a slot frees, the first waiting work
 * whose `urgent()` says so takes it, else the first in line. It is asked at that moment, not when
 * the work was queued, so background work that someone starts waiting for moves up. Priority,
 * not more slots: the bound holds whatever is urgent.
 */
export interface Limiter {
  run<T>(work: () => Promise<T>, urgent?: () => boolean): Promise<T>;
  readonly size: number;
  /** Work running now. */
  readonly active: number;
  /** Work waiting for a slot. */
  readonly waiting: number;
  /** The most work that ever ran at once (tests check the bound). */
  readonly peak: number;
}

interface Waiter {
  start: () => void;
  urgent: (() => boolean) | undefined;
}

export function createLimiter(size: number): Limiter {
  if (!Number.isInteger(size) || size < 1) throw new Error(`a limiter needs at least one slot, not ${size}`);
  const waiting: Waiter[] = [];
  let active = 0;
  let peak = 0;

  function release(): void {
    // A scan of the line: it holds tens of entries at most (a burst of thumbnails), each a closure.
    const urgent = waiting.findIndex((waiter) => waiter.urgent?.() === true);
    const [next] = waiting.splice(urgent === -1 ? 0 : urgent, 1);
    // The slot passes straight to the next in line, so `active` never drops and climbs back.
    if (next) next.start();
    else active--;
  }

  return {
    async run(work, urgent) {
      if (active < size) active++;
      else await new Promise<void>((start) => waiting.push({ start, urgent }));
      peak = Math.max(peak, active);
      try {
        return await work();
      } finally {
        release();
      }
    },
    size,
    get active() {
      return active;
    },
    get waiting() {
      return waiting.length;
    },
    get peak() {
      return peak;
    },
  };
}
