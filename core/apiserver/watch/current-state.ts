import type { CachedObject } from "./cache-event.js";

/**
 * The current objects of one resource keyed by storage key. Lists must come out in
 * key order (like the storage's own lists), so a sorted key array is kept and
 * rebuilt lazily only after a key appears or disappears; updates leave it valid.
 */
export class CurrentState {
  private readonly byKey = new Map<string, CachedObject>();
  private sorted: string[] | undefined = [];

  get size(): number {
    return this.byKey.size;
  }

  get(key: string): CachedObject | undefined {
    return this.byKey.get(key);
  }

  set(entry: CachedObject): void {
    if (!this.byKey.has(entry.key)) this.sorted = undefined;
    this.byKey.set(entry.key, entry);
  }

  delete(key: string): void {
    if (this.byKey.delete(key)) this.sorted = undefined;
  }

  /**
   * A snapshot of the entries in key order (code-unit order, which equals etcd's
   * byte order for ASCII keys). A snapshot, not a live iterator, so a caller's
   * callback that changes the state cannot disturb the walk.
   */
  inKeyOrder(): CachedObject[] {
    if (!this.sorted) this.sorted = [...this.byKey.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return this.sorted.map((key) => this.byKey.get(key)!);
  }
}
