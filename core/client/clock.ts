/**
 * Time as controllers see it. Everything in the client that waits (queues, backoff, leases,
 * resyncs, event series) asks a Clock, so tests can drive time by hand.
 */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export type TimerHandle = { readonly id: unknown };

export const realClock: Clock = {
  now: () => Date.now(),
  // Timers keep the process alive (a lone controller manager has nothing else waiting); every loop clears its own when stopped.
  setTimeout: (fn, ms) => ({ id: setTimeout(fn, ms) }),
  clearTimeout: (h) => clearTimeout(h.id as NodeJS.Timeout),
};

/** Resolves after `ms` on `clock`, or at once when `signal` aborts. */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clock.clearTimeout(h);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const h = clock.setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}

/** `ms` plus up to `factor` of it at random, so many clients do not retry in step. */
export function jitter(ms: number, factor: number): number {
  return ms + Math.random() * factor * ms;
}
