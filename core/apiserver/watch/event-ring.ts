/**
 * A bounded, revision-ordered buffer of the newest events. It grows up to its
 * capacity and then overwrites the oldest slot, so a busy resource costs one
 * array of `capacity` references and no copying.
 */
export class EventRing<T extends { revision: number }> {
  private buf: T[] = [];
  /** Index of the oldest event once the buffer has wrapped. */
  private head = 0;

  constructor(readonly capacity: number) {}

  get length(): number {
    return this.buf.length;
  }

  /** Appends an event; returns the one it pushed out, if the buffer was full. */
  push(ev: T): T | undefined {
    if (this.capacity <= 0) return ev;
    if (this.buf.length < this.capacity) {
      this.buf.push(ev);
      return undefined;
    }
    const evicted = this.buf[this.head]!;
    this.buf[this.head] = ev;
    this.head = (this.head + 1) % this.capacity;
    return evicted;
  }

  clear(): void {
    this.buf = [];
    this.head = 0;
  }

  private at(i: number): T {
    return this.buf[(this.head + i) % this.buf.length]!;
  }

  /** Events with revision greater than `after`, oldest first (binary search: revisions only grow). */
  since(after: number): T[] {
    const n = this.buf.length;
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.at(mid).revision <= after) lo = mid + 1;
      else hi = mid;
    }
    const out: T[] = [];
    for (let i = lo; i < n; i++) out.push(this.at(i));
    return out;
  }
}
