import { realClock, type Clock, type TimerHandle } from "../client/index.js";

/**
 * Upstream's BoundedFrequencyRunner: `run()` asks for a sync, which happens at once unless the
 * last one began less than `minIntervalMs` ago (then when that has passed); with nothing asked,
 * a sync happens every `maxIntervalMs`. Syncs never overlap.
 */
export class BoundedFrequencyRunner {
  private lastStart = -Infinity;
  private timer: TimerHandle | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(
    private readonly fn: () => Promise<void>,
    private readonly minIntervalMs: number,
    private readonly maxIntervalMs: number,
    private readonly clock: Clock = realClock,
  ) {}

  start(): void {
    this.schedule(0);
  }

  run(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.schedule(Math.max(0, this.lastStart + this.minIntervalMs - this.clock.now()));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) this.clock.clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delayMs: number): void {
    if (this.timer) this.clock.clearTimeout(this.timer);
    this.timer = this.clock.setTimeout(() => void this.tick(), delayMs);
  }

  private async tick(): Promise<void> {
    this.timer = undefined;
    if (this.stopped) return;
    this.lastStart = this.clock.now();
    this.running = this.fn().finally(() => (this.running = undefined));
    await this.running;
    if (this.stopped) return;
    if (this.again) {
      this.again = false;
      this.schedule(Math.max(0, this.lastStart + this.minIntervalMs - this.clock.now()));
    } else this.schedule(this.maxIntervalMs);
  }
}
