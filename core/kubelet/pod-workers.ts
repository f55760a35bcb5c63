/**
 * One worker per pod, as upstream's podWorkers: syncs of a pod never overlap, and updates that
 * arrive while one runs are folded into a single follow-up sync.
 */
export class PodWorkers {
  private readonly running = new Map<string, Promise<void>>();
  private readonly pending = new Set<string>();
  private readonly timers = new Map<string, { due: number; timer: NodeJS.Timeout }>();
  private stopped = false;

  constructor(private readonly sync: (uid: string) => Promise<void>) {}

  update(uid: string): void {
    if (this.stopped) return;
    if (this.running.has(uid)) {
      this.pending.add(uid);
      return;
    }
    const run = (async () => {
      do {
        this.pending.delete(uid);
        await this.sync(uid);
      } while (this.pending.has(uid) && !this.stopped);
    })().finally(() => this.running.delete(uid));
    this.running.set(uid, run);
  }

  /** A sync after `ms`; a sooner request for the same pod keeps the sooner one. */
  updateAfter(uid: string, ms: number): void {
    if (this.stopped) return;
    const due = Date.now() + ms;
    const existing = this.timers.get(uid);
    if (existing && existing.due <= due) return;
    if (existing) clearTimeout(existing.timer);
    const timer = setTimeout(() => {
      this.timers.delete(uid);
      this.update(uid);
    }, ms);
    this.timers.set(uid, { due, timer });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t.timer);
    this.timers.clear();
    await Promise.allSettled([...this.running.values()]);
  }
}
