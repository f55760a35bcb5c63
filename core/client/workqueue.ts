import type { Clock, TimerHandle } from "./clock.js";
import { realClock } from "./clock.js";
import { defaultControllerRateLimiter, type RateLimiter } from "./rate-limiter.js";
import type { WorkQueueMetrics } from "./workqueue-metrics.js";

export interface WorkQueueOptions<T> {
  /** The `name` label of the queue's metrics; upstream names queues after their controller. */
  name: string;
  clock?: Clock;
  rateLimiter?: RateLimiter<T>;
  metrics?: WorkQueueMetrics;
}

/**
 * Upstream's rate-limiting work queue. An item waiting is queued once however often it is
 * added; an item being processed is never handed out again until `done`, and an add meanwhile
 * queues it again after. `addRateLimited` waits as the rate limiter says (per-item exponential
 * backoff and the overall bucket by default); `forget` ends an item's backoff.
 */
export class WorkQueue<T = string> {
  readonly name: string;
  private readonly queue: T[] = [];
  private readonly dirty = new Set<T>();
  private readonly processing = new Set<T>();
  private readonly addedAt = new Map<T, number>();
  private readonly startedAt = new Map<T, number>();
  private readonly waiting = new Map<T, { at: number; timer: TimerHandle }>();
  private readonly getters: ((item: T | undefined) => void)[] = [];
  private readonly drained: (() => void)[] = [];
  private readonly clock: Clock;
  private readonly limiter: RateLimiter<T>;
  private readonly metrics: WorkQueueMetrics | undefined;
  private shuttingDown = false;

  constructor(opts: WorkQueueOptions<T>) {
    this.name = opts.name;
    this.clock = opts.clock ?? realClock;
    this.limiter = opts.rateLimiter ?? defaultControllerRateLimiter<T>(this.clock);
    this.metrics = opts.metrics;
    // Every series of the queue exists from its creation, at zero, as upstream registers them per queue.
    if (this.metrics) {
      const name = { name: this.name };
      this.metrics.adds.inc(name, 0);
      this.metrics.retries.inc(name, 0);
      this.metrics.depth.set(name, 0);
    }
  }

  add(item: T): void {
    if (this.shuttingDown || this.dirty.has(item)) return;
    this.metrics?.adds.inc({ name: this.name });
    this.dirty.add(item);
    this.addedAt.set(item, this.clock.now());
    if (this.processing.has(item)) return;
    this.push(item);
  }

  /** Adds after `ms`; a sooner request for the same item wins over a later one. */
  addAfter(item: T, ms: number): void {
    if (this.shuttingDown) return;
    if (ms <= 0) return this.add(item);
    const at = this.clock.now() + ms;
    const existing = this.waiting.get(item);
    if (existing && existing.at <= at) return;
    if (existing) this.clock.clearTimeout(existing.timer);
    const timer = this.clock.setTimeout(() => {
      this.waiting.delete(item);
      this.add(item);
    }, ms);
    this.waiting.set(item, { at, timer });
  }

  addRateLimited(item: T): void {
    this.metrics?.retries.inc({ name: this.name });
    this.addAfter(item, this.limiter.when(item));
  }

  forget(item: T): void {
    this.limiter.forget(item);
  }

  numRequeues(item: T): number {
    return this.limiter.numRequeues(item);
  }

  /** The next item, waiting for one; `undefined` once the queue is shut down and empty. */
  get(): Promise<T | undefined> {
    if (this.queue.length) return Promise.resolve(this.take());
    if (this.shuttingDown) return Promise.resolve(undefined);
    return new Promise((resolve) => this.getters.push(resolve));
  }

  /** Marks `item` processed; if it was added meanwhile, it is queued again. */
  done(item: T): void {
    this.processing.delete(item);
    const started = this.startedAt.get(item);
    this.startedAt.delete(item);
    if (started !== undefined) this.metrics?.workDuration.observe({ name: this.name }, (this.clock.now() - started) / 1000);
    if (this.dirty.has(item)) this.push(item);
    if (!this.processing.size) for (const d of this.drained.splice(0)) d();
  }

  len(): number {
    return this.queue.length;
  }

  isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  /** Stops handing out items; waiting getters get `undefined`, delayed adds are dropped. */
  shutDown(): void {
    this.shuttingDown = true;
    for (const w of this.waiting.values()) this.clock.clearTimeout(w.timer);
    this.waiting.clear();
    if (!this.queue.length) for (const g of this.getters.splice(0)) g(undefined);
  }

  /** Shuts down, then resolves once every item handed out so far is `done`. */
  shutDownWithDrain(): Promise<void> {
    this.shutDown();
    if (!this.processing.size) return Promise.resolve();
    return new Promise((resolve) => this.drained.push(resolve));
  }

  private push(item: T): void {
    const getter = this.getters.shift();
    if (getter) {
      this.queue.push(item);
      getter(this.take());
      return;
    }
    this.queue.push(item);
    this.metrics?.depth.set({ name: this.name }, this.queue.length);
  }

  private take(): T {
    const item = this.queue.shift()!;
    this.metrics?.depth.set({ name: this.name }, this.queue.length);
    this.dirty.delete(item);
    this.processing.add(item);
    const added = this.addedAt.get(item);
    this.addedAt.delete(item);
    if (added !== undefined) this.metrics?.queueDuration.observe({ name: this.name }, (this.clock.now() - added) / 1000);
    this.startedAt.set(item, this.clock.now());
    if (this.shuttingDown && !this.queue.length) for (const g of this.getters.splice(0)) g(undefined);
    return item;
  }
}

/**
 * Runs `workers` loops taking items from `queue` into `sync`. A sync that throws is retried with
 * backoff up to `maxRetries` times (then dropped and forgotten); one that returns is forgotten.
 * Resolves when the queue is shut down and drained.
 */
export async function runWorkers<T>(
  queue: WorkQueue<T>,
  workers: number,
  sync: (item: T) => Promise<void>,
  opts: { maxRetries?: number; onError?: (item: T, err: unknown, willRetry: boolean) => void } = {},
): Promise<void> {
  const maxRetries = opts.maxRetries ?? Infinity;
  const loop = async () => {
    for (;;) {
      const item = await queue.get();
      if (item === undefined) return;
      try {
        await sync(item);
        queue.forget(item);
      } catch (err) {
        const retry = queue.numRequeues(item) < maxRetries && !queue.isShuttingDown();
        opts.onError?.(item, err, retry);
        if (retry) queue.addRateLimited(item);
        else queue.forget(item);
      } finally {
        queue.done(item);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, workers) }, loop));
}
