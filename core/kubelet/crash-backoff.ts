/**
 * Upstream's container restart back-off: the first restart is immediate, then 10 s doubling to
 * 5 min between restarts of one container; an entry unused for twice the cap is forgotten, so a
 * container that ran well for long starts over at 10 s.
 */
export class CrashBackoff {
  private readonly entries = new Map<string, { delayMs: number; lastUpdate: number }>();

  constructor(
    private readonly initialMs = 10_000,
    private readonly maxMs = 300_000,
  ) {}

  /** Milliseconds still to wait after `since` (the last exit), or 0 when the key may restart now. */
  remaining(key: string, since: number, now: number): number {
    const e = this.entries.get(key);
    if (!e) return 0;
    if (now - e.lastUpdate > 2 * this.maxMs) {
      this.entries.delete(key);
      return 0;
    }
    return Math.max(0, since + e.delayMs - now);
  }

  /** Records a restart; the next one waits twice as long (from `initialMs`). */
  next(key: string, now: number): void {
    const e = this.entries.get(key);
    const delayMs = !e || now - e.lastUpdate > 2 * this.maxMs ? this.initialMs : Math.min(e.delayMs * 2, this.maxMs);
    this.entries.set(key, { delayMs, lastUpdate: now });
  }

  /** Current delay of a key, for messages ("back-off 20s restarting failed container"). */
  delay(key: string): number {
    return this.entries.get(key)?.delayMs ?? 0;
  }

  forgetPrefix(prefix: string): void {
    for (const k of this.entries.keys()) if (k.startsWith(prefix)) this.entries.delete(k);
  }
}
