/**
 * Upstream's buffered audit backend: events queue in memory and leave in batches,
 * either when a batch fills or when the oldest queued event has waited long enough,
 * so requests never wait on a disk or a remote receiver. A full buffer drops events
 * (counted), as upstream's does rather than blocking requests.
 */
export interface BatchOptions {
  maxBatchSize: number;
  maxBatchWaitMs: number;
  bufferSize: number;
}

export class Batcher<T> {
  private queue: T[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  dropped = 0;

  constructor(
    private readonly opts: BatchOptions,
    private readonly send: (batch: T[]) => Promise<void>,
  ) {}

  add(item: T): void {
    if (this.queue.length >= this.opts.bufferSize) {
      this.dropped++;
      return;
    }
    this.queue.push(item);
    if (this.queue.length >= this.opts.maxBatchSize) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.opts.maxBatchWaitMs);
  }

  /** Sends everything queued; batches leave one after another, in order. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    while (this.queue.length) {
      const batch = this.queue.splice(0, this.opts.maxBatchSize);
      this.flushing = this.flushing.then(() => this.send(batch));
    }
    return this.flushing;
  }
}
