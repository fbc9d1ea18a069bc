/**
 * At most `size` pieces of work at once; the rest wait their turn in order. Used to bound CPU-
 * and memory-heavy work (sharp decoding an original) so a burst queues instead of piling up
 * decoded images.
 */
export interface Limiter {
  run<T>(work: () => Promise<T>): Promise<T>;
  readonly size: number;
  /** Work running now. */
  readonly active: number;
  /** The most work that ever ran at once (tests check the bound). */
  readonly peak: number;
}

export function createLimiter(size: number): Limiter {
  if (!Number.isInteger(size) || size < 1) throw new Error(`a limiter needs at least one slot, not ${size}`);
  const waiting: (() => void)[] = [];
  let active = 0;
  let peak = 0;

  function release(): void {
    const next = waiting.shift();
    // The slot passes straight to the next in line, so `active` never drops and climbs back.
    if (next) next();
    else active--;
  }

  return {
    async run(work) {
      if (active < size) active++;
      else await new Promise<void>((resolve) => waiting.push(resolve));
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
    get peak() {
      return peak;
    },
  };
}
